"""Endpoints of the enterprise's own registers: standards, intellectual property, virtual characters (with their
registrations), financing rounds and listings. The enterprise files its own; its park and its district's staff read
them; the bureau keeps all (enterprises.models.register.REGISTER_RULE)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from config.api.exceptions import as_drf_validation_error
from config.api.fields import BriefRelatedField, RecordUrlField
from config.api.serializers import ValidatedModelSerializer, changed_values
from config.api.viewsets import ScopedModelViewSet
from enterprises.filtersets import (
    DigitalHumanIpFilterSet,
    FinancingRoundFilterSet,
    IntellectualPropertyFilterSet,
    ListingFilterSet,
    StandardFilterSet,
)
from enterprises.models import (
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    FinancingRound,
    IntellectualProperty,
    Listing,
    Standard,
)
from enterprises.registers import character_save

from .serializers import BriefEnterpriseSerializer

_TWICE = _("A registration is listed twice.")


def enterprise_field() -> BriefRelatedField:
    """The record's enterprise: written as its id (among those the user may name), read as its brief record."""
    return BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all())


class StandardSerializer(ValidatedModelSerializer):
    """A standard the enterprise drafts or drafted: level, its role, status and dates."""

    url = RecordUrlField(view_name="api:standard-detail")
    enterprise = enterprise_field()

    class Meta:
        model = Standard
        fields = ["id", "url", "enterprise", "title", "number", "level", "role", "status", "started_on",
                  "approved_on", "published_on", "co_drafters", "created"]
        validators = []  # the number's uniqueness: full_clean() names it


class IntellectualPropertySerializer(ValidatedModelSerializer):
    """An IP item: type and class (Ⅰ or Ⅱ, from the type), number, dates in force, the parts the tier rules count."""

    url = RecordUrlField(view_name="api:intellectualproperty-detail")
    enterprise = enterprise_field()

    class Meta:
        model = IntellectualProperty
        fields = ["id", "url", "enterprise", "type", "ip_class", "number", "title", "granted_on", "expires_on",
                  "self_developed", "high_value", "applied", "created"]
        read_only_fields = ["ip_class"]
        validators = []


class DigitalHumanRegistrationSerializer(serializers.ModelSerializer):
    """One registration of a virtual character."""

    class Meta:
        model = DigitalHumanRegistration
        fields = ["id", "kind", "number", "registered_on"]
        read_only_fields = ["id"]
        validators = []


class DigitalHumanIpSerializer(ValidatedModelSerializer):
    """A virtual character with its registrations; a write that sends `registrations` makes them exactly that list
    (with the character, all or nothing)."""

    url = RecordUrlField(view_name="api:digitalhumanip-detail")
    enterprise = enterprise_field()
    registrations = DigitalHumanRegistrationSerializer(many=True, required=False)

    class Meta:
        model = DigitalHumanIp
        fields = ["id", "url", "enterprise", "name", "dh_type", "launched_on", "description", "registrations",
                  "created"]
        validators = []

    def validate(self, attrs):
        registrations = attrs.pop("registrations", None)
        attrs = super().validate(attrs)
        if registrations is not None:
            keys = [(r["kind"], r["number"]) for r in registrations]
            if len(set(keys)) != len(keys):
                raise serializers.ValidationError({"registrations": [_TWICE]})
            attrs["registrations"] = registrations
        return attrs

    def _save(self, character, validated_data):
        registrations = validated_data.pop("registrations", None)
        changed = changed_values(character, validated_data) if character.pk else validated_data
        for name, value in changed.items():
            setattr(character, name, value)
        try:
            return character_save(character=character, registrations=registrations, changed=bool(changed))
        except DjangoValidationError as error:
            raise serializers.ValidationError({"registrations": as_drf_validation_error(error).detail}) from error

    def create(self, validated_data):
        return self._save(DigitalHumanIp(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class FinancingRoundSerializer(ValidatedModelSerializer):
    """A financing round: day closed, amount (万元), round, lead investor, equity, government-guided fund."""

    url = RecordUrlField(view_name="api:financinground-detail")
    enterprise = enterprise_field()

    class Meta:
        model = FinancingRound
        fields = ["id", "url", "enterprise", "closed_on", "amount", "round_name", "lead_investor", "equity",
                  "guided_fund", "created"]
        validators = []  # one round per day and name: the model's constraint, reported on the round's name


class ListingSerializer(ValidatedModelSerializer):
    """A listing: board, stock code, the days listed and delisted."""

    url = RecordUrlField(view_name="api:listing-detail")
    enterprise = enterprise_field()

    class Meta:
        model = Listing
        fields = ["id", "url", "enterprise", "board", "stock_code", "listed_on", "delisted_on", "created"]
        validators = []


class StandardViewSet(ScopedModelViewSet):
    """Standards the enterprises set or revise (plan task 4)."""

    queryset = Standard.objects.select_related("enterprise")
    serializer_class = StandardSerializer
    filterset_class = StandardFilterSet
    ordering_fields = ["published_on", "approved_on", "level", "status", "enterprise__name"]
    ordering = ["-published_on", "pk"]


class IntellectualPropertyViewSet(ScopedModelViewSet):
    """Patents, software copyrights and other IP items of the enterprises (plan task 8)."""

    queryset = IntellectualProperty.objects.select_related("enterprise")
    serializer_class = IntellectualPropertySerializer
    filterset_class = IntellectualPropertyFilterSet
    ordering_fields = ["granted_on", "expires_on", "type", "enterprise__name"]
    ordering = ["-granted_on", "pk"]


class DigitalHumanIpViewSet(ScopedModelViewSet):
    """Virtual characters of the enterprises, service or performance type, with their registrations (tasks 5, 6)."""

    queryset = DigitalHumanIp.objects.select_related("enterprise").prefetch_related(
        Prefetch("registrations", queryset=DigitalHumanRegistration.objects.order_by("registered_on", "pk")))
    serializer_class = DigitalHumanIpSerializer
    filterset_class = DigitalHumanIpFilterSet
    ordering_fields = ["name", "launched_on", "enterprise__name"]
    ordering = ["name", "pk"]


class FinancingRoundViewSet(ScopedModelViewSet):
    """Financing rounds of the enterprises, with the government-guided funds (plan task 12)."""

    queryset = FinancingRound.objects.select_related("enterprise")
    serializer_class = FinancingRoundSerializer
    filterset_class = FinancingRoundFilterSet
    ordering_fields = ["closed_on", "amount", "enterprise__name"]
    ordering = ["-closed_on", "pk"]


class ListingViewSet(ScopedModelViewSet):
    """Where the enterprises are listed or quoted (plan task 12)."""

    queryset = Listing.objects.select_related("enterprise")
    serializer_class = ListingSerializer
    filterset_class = ListingFilterSet
    ordering_fields = ["listed_on", "board", "enterprise__name"]
    ordering = ["-listed_on", "pk"]
