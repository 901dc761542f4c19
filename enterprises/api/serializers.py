"""Serializers of the enterprises API."""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from access.scoping import PUBLIC, full_view
from config.api.basis import ReportBasisSerializer
from config.api.decimals import DecimalField
from config.api.fields import (
    AsOfQuery,
    BriefRelatedField,
    RecordUrlField,
    ReportDateField,
    ReportYearField,
    ScopedPrimaryKeyRelatedField,
)
from config.api.serializers import (
    BriefSerializer,
    BriefUserSerializer,
    PlainReadMixin,
    ValidatedModelSerializer,
    changed_values,
)
from enterprises.choices import DesignationStatus, Segment, Tier
from enterprises.models import (
    AnnualFiling,
    Enterprise,
    EnterpriseMembership,
    FilingSeason,
    Tenancy,
    TierDesignation,
)
from enterprises.register_selectors import REGISTER_FIGURES
from enterprises.selectors import enterprise_by_credit_code
from enterprises.services import NO_SUCH_CREDIT_CODE, filing_create, filing_update, tenancy_save
from enterprises.tiers import RULE_SETS
from parks.api.serializers import BriefDistrictSerializer, BriefParkSerializer, BriefUnitSerializer
from parks.models import District, Park, Unit

from .fields import CreditCodeField


class BriefEnterpriseSerializer(BriefSerializer):
    """An enterprise as nested in other records."""

    url = RecordUrlField(view_name="api:enterprise-detail")

    class Meta:
        model = Enterprise
        fields = ["id", "url", "display", "credit_code", "name"]


class EnterpriseSerializer(PlainReadMixin, ValidatedModelSerializer):
    """An enterprise's full record."""

    url = RecordUrlField(view_name="api:enterprise-detail")
    credit_code = CreditCodeField()
    district = BriefRelatedField(BriefDistrictSerializer, queryset=District.objects.all())
    park = BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all(), allow_null=True, required=False)
    segments = serializers.ListField(child=serializers.ChoiceField(choices=Segment.choices), required=False)

    class Meta:
        model = Enterprise
        fields = [
            "id", "url", "credit_code", "name", "short_name", "name_en", "founded", "district", "park",
            "chain_position", "segments", "status", "left_on", "profile", "website", "contact_name",
            "contact_phone", "contact_email", "created", "updated",
        ]

    def to_representation(self, instance):
        """The full record to whoever sees all of it; the public face (TenantEnterpriseSerializer) to a park that
        only lets it space."""
        request = self.context.get("request")
        if request is not None and not full_view(user=request.user, record=instance):
            if getattr(self, "_tenant_serializer", None) is None:
                self._tenant_serializer = TenantEnterpriseSerializer(context=self.context)
            return self._tenant_serializer.to_representation(instance)
        return super().to_representation(instance)


class TenancySerializer(ValidatedModelSerializer):
    """An enterprise's tenancy of a unit over [start, end): `end` is exclusive, `last_day` (租期至) the inclusive
    last day the screens and files show; the park follows from the unit.

    The tenant is named by its id among the enterprises the user sees (registered with their park, or already a
    current or future tenant of it), or, for any enterprise of the city, by its exact credit code
    (`enterprise_credit_code`, write-only). Letting a unit grants the park its tenant's public face, nothing more.
    """

    url = RecordUrlField(view_name="api:tenancy-detail")
    unit = BriefRelatedField(BriefUnitSerializer, queryset=Unit.objects.all())
    park = BriefParkSerializer(read_only=True)
    enterprise = BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all(), scope_action=PUBLIC,
                                   required=False)
    enterprise_credit_code = CreditCodeField(
        write_only=True, required=False,
        help_text="The tenant by its exact unified social credit code, instead of `enterprise` (any enterprise).",
    )
    last_day = serializers.DateField(read_only=True, allow_null=True, help_text=(
        "租期至: the last day let, inclusive (`end` minus one day); null while open-ended. Read-only: write `end`."))

    class Meta:
        model = Tenancy
        fields = ["id", "url", "unit", "park", "enterprise", "enterprise_credit_code", "start", "end", "last_day",
                  "rent", "contract_number", "deposit", "rent_free_months"]
        extra_kwargs = {"end": {"help_text": "The first day no longer let (exclusive); null while open-ended."}}

    def validate_enterprise_credit_code(self, value):
        """The enterprise with exactly this credit code (whether other codes exist is nobody's business)."""
        enterprise = enterprise_by_credit_code(code=value)
        if enterprise is None:
            raise serializers.ValidationError(NO_SUCH_CREDIT_CODE)
        return enterprise

    def validate(self, attrs):
        """One tenant, by id or by credit code; the model is validated once, by tenancy_save (which also catches
        the concurrent overlap)."""
        # Not super().validate(): its full_clean() would run the overlap query again before tenancy_save's own.
        by_code = attrs.pop("enterprise_credit_code", None)
        if by_code is not None:
            if "enterprise" in attrs and attrs["enterprise"] != by_code:
                raise serializers.ValidationError(
                    {"enterprise_credit_code": [_("Name the enterprise by its id or its credit code, not both.")]})
            attrs["enterprise"] = by_code
        if self.instance is None and "enterprise" not in attrs:
            raise serializers.ValidationError({"enterprise": [_("This field is required.")]})
        return attrs

    def create(self, validated_data):
        return tenancy_save(tenancy=Tenancy(**validated_data), user=self.context["request"].user)

    def update(self, instance, validated_data):
        if not changed_values(instance, validated_data):
            return instance
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return tenancy_save(tenancy=instance, user=self.context["request"].user)


class OccupancySerializer(serializers.Serializer):
    """Occupancy on a date: areas in m², rate in percent (null where nothing is leasable)."""

    date = serializers.DateField()
    leasable_area = DecimalField(max_digits=14, decimal_places=2)
    let_area = DecimalField(max_digits=14, decimal_places=2)
    rate = DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    unit_count = serializers.IntegerField()
    let_unit_count = serializers.IntegerField()


class EnterpriseMembershipSerializer(ValidatedModelSerializer):
    """An enterprise user: a user and the enterprise they file for."""

    url = RecordUrlField(view_name="api:enterprisemembership-detail")
    user = BriefRelatedField(BriefUserSerializer, queryset=get_user_model().objects.all())
    enterprise = BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all())

    class Meta:
        model = EnterpriseMembership
        fields = ["id", "url", "user", "enterprise", "created"]


class InvitationSerializer(serializers.Serializer):
    """An invitation: the username (an existing account in any case, or a new one) and its address, and the park
    or enterprise it is to be a member of."""

    username = serializers.CharField(max_length=150)
    email = serializers.EmailField()
    park = ScopedPrimaryKeyRelatedField(queryset=Park.objects.all(), required=False, allow_null=True)
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)


class InvitationResultSerializer(serializers.Serializer):
    """The invitation as recorded: never a link or token (the link goes by mail to the invited address only)."""

    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    email = serializers.EmailField()
    expires = serializers.DateTimeField(allow_null=True, help_text=_(
        "When the mailed link stops working; null when no link is sent (the account has a password)."))
    membership = serializers.CharField(source="membership_name")
    account_created = serializers.BooleanField(help_text=_("Whether the invitation created the account."))


class TenantEnterpriseSerializer(BriefSerializer):
    """An enterprise as a park it only rents space in sees it: its public directory fields, nothing more."""

    url = RecordUrlField(view_name="api:enterprise-detail")
    district = BriefDistrictSerializer(read_only=True)
    park = BriefParkSerializer(read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "url", *Enterprise.public_fields]


class PublicEnterpriseSerializer(serializers.ModelSerializer):
    """An enterprise's public fields, as the directory shows them to anyone."""

    district = serializers.CharField(source="district.name", read_only=True)
    park = serializers.CharField(source="park.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Enterprise
        fields = ["id", *Enterprise.public_fields]


# Figures of a filing: every field the enterprise writes (the rest is set by the review workflow).
FILING_FIGURES = AnnualFiling.figure_names()


class AnnualFilingSerializer(ValidatedModelSerializer):
    """An annual filing: its figures (amounts in 万元, ratios in %) and where it is in its review."""

    url = RecordUrlField(view_name="api:annualfiling-detail")
    enterprise = BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all())
    park = BriefParkSerializer(read_only=True)
    district = BriefDistrictSerializer(read_only=True)
    submitted_by = BriefUserSerializer(read_only=True)
    reviewed_by = BriefUserSerializer(read_only=True)

    class Meta:
        model = AnnualFiling
        fields = [
            "id", "url", "enterprise", "year", "revision", "status", "park", "district", "submitted_at",
            "submitted_by", "reviewed_at", "reviewed_by", "return_reason", *FILING_FIGURES, "created", "updated",
        ]
        validators = []  # one open and one approved filing per year: checked by filing_create and the database

    def validate(self, attrs):
        """The enterprise and year are fixed once filed; the figures are validated by the filing services."""
        # Not super().validate(): filing_create and filing_update run full_clean() on the filing they build.
        if self.instance is not None:
            for name in ("enterprise", "year"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("Cannot be changed once filed.")]})
        return attrs

    def create(self, validated_data):
        enterprise, year = validated_data.pop("enterprise"), validated_data.pop("year")
        return filing_create(enterprise=enterprise, year=year, figures=validated_data,
                             user=self.context["request"].user)

    def update(self, instance, validated_data):
        validated_data.pop("enterprise", None), validated_data.pop("year", None)
        return filing_update(filing=instance, figures=validated_data)


def register_figure_field(name: str, **kwargs) -> serializers.Field:
    """A register figure's field typed as the filing's: a count, a yes/no, or an amount in 万元 written as the
    filing writes it (a string with two decimals, "1200.00")."""
    model_field = AnnualFiling._meta.get_field(name)
    if isinstance(model_field, models.DecimalField):
        return DecimalField(max_digits=14, decimal_places=2, **kwargs)
    if isinstance(model_field, models.BooleanField):
        return serializers.BooleanField(**kwargs)
    return serializers.IntegerField(**kwargs)


class RegisterFiguresValuesSerializer(serializers.Serializer):
    """The figures the registers give, each typed as the filing's; a figure of a register without records is left
    out."""

    def get_fields(self):
        """One optional field per register figure."""
        return {name: register_figure_field(name, required=False) for name in REGISTER_FIGURES}


def _difference_serializer(name: str) -> type[serializers.Serializer]:
    """The serializer of one figure's difference: the filed value (empty when not filed) and the registers'."""
    return type(f"Register{name.title().replace('_', '')}DifferenceSerializer", (serializers.Serializer,), {
        "__doc__": f"The filed value of {name} and the registers' value.",
        "filed": register_figure_field(name, allow_null=True), "registers": register_figure_field(name)})


# One difference serializer per figure, so each names its type in the schema.
DIFFERENCE_SERIALIZERS = {name: _difference_serializer(name) for name in REGISTER_FIGURES}


class RegisterDifferencesSerializer(serializers.Serializer):
    """The filing's figures that differ from the registers: figure name -> the filed value and the registers'."""

    def get_fields(self):
        """One optional difference per register figure."""
        return {name: DIFFERENCE_SERIALIZERS[name](required=False) for name in REGISTER_FIGURES}


class FilingRegistersSerializer(serializers.Serializer):
    """What the enterprise's registers give a filing: figure name -> value, figure name -> note, and the filing's
    figures that differ from them (figure name -> the filed value and the registers'); amounts in 万元 as the
    filing writes them."""

    year = serializers.IntegerField()
    figures = RegisterFiguresValuesSerializer()
    notes = serializers.DictField(child=serializers.CharField())
    differences = serializers.SerializerMethodField()

    @extend_schema_field(RegisterDifferencesSerializer)
    def get_differences(self, offered) -> dict:
        """The filing's figures that differ from the registers', typed as the filing's."""
        filing = self.context["filing"]
        return RegisterDifferencesSerializer({name: {"filed": filed, "registers": value}
                                              for name, (filed, value) in offered.differences(filing.figures()).items()
                                              }).data


class FilingReturnSerializer(serializers.Serializer):
    """Why a filing goes back to its enterprise."""

    reason = serializers.CharField(max_length=2000)


class TierDesignationSerializer(ValidatedModelSerializer):
    """An official tier designation; its status (valid, due, expired, revoked) follows from today's date."""

    url = RecordUrlField(view_name="api:tierdesignation-detail")
    enterprise = BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all())
    status = serializers.ChoiceField(choices=DesignationStatus.choices, read_only=True)

    class Meta:
        model = TierDesignation
        fields = [
            "id", "url", "enterprise", "tier", "year", "batch", "certificate_number", "granted_on", "valid_until",
            "due_from", "revoked_on", "revoke_reason", "status", "created",
        ]
        extra_kwargs = {"valid_until": {"required": False}}


class FilingSeasonSerializer(ValidatedModelSerializer):
    """The filing season of a year's figures, set by the bureau: open from `opens` through `closes`."""

    url = RecordUrlField(view_name="api:filingseason-detail")

    class Meta:
        model = FilingSeason
        fields = ["id", "url", "year", "opens", "closes"]


class CriterionSerializer(serializers.Serializer):
    """One criterion: the figure, the requirement, pass or fail, the gap when it fails, and the margin (how far the
    figure clears or misses the threshold) where the criterion is one figure against one number."""

    code = serializers.CharField()
    label = serializers.CharField()
    figure = serializers.JSONField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    threshold = serializers.CharField()
    passed = serializers.BooleanField()
    gap = serializers.CharField(allow_blank=True)
    parts = serializers.ListField(child=serializers.JSONField(), help_text="Sub-criteria, same shape.")
    limit = serializers.JSONField(
        allow_null=True, help_text="The number the figure is held against (null: a criterion of alternatives, a "
                                   "choice or a yes/no).")
    upper = serializers.BooleanField(help_text="Whether the limit is a maximum (the figure must not exceed it).")
    margin = serializers.JSONField(
        allow_null=True, help_text="How far the figure clears (positive) or misses (negative) the limit, in "
                                   "margin_unit; rounded so it never reads better than it is (null: no limit or no "
                                   "figure).")
    margin_unit = serializers.CharField(allow_blank=True, help_text="Percentage points for a criterion in %.")
    margin_text = serializers.CharField(allow_blank=True, help_text="The margin in words.")


class IndicatorSerializer(serializers.Serializer):
    """One indicator of a score table and its points."""

    code = serializers.CharField()
    label = serializers.CharField()
    figure = serializers.JSONField(allow_null=True)
    unit = serializers.CharField(allow_blank=True)
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()


class BlockSerializer(serializers.Serializer):
    """A block of a score table, with its minimum where it has one."""

    code = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()
    minimum = serializers.IntegerField(allow_null=True)
    passed = serializers.BooleanField()
    indicators = IndicatorSerializer(many=True)


class ScoreSerializer(serializers.Serializer):
    """A tier's score table: total, pass mark and blocks."""

    total = serializers.IntegerField()
    maximum = serializers.IntegerField()
    pass_mark = serializers.IntegerField()
    passed = serializers.BooleanField()
    blocks = BlockSerializer(many=True)


class TierResultSerializer(serializers.Serializer):
    """One tier: met by criteria, obtainable now (the tier below held), criteria, direct conditions, score."""

    tier = serializers.ChoiceField(choices=Tier.choices)
    label = serializers.CharField()
    met = serializers.BooleanField()
    obtainable = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)
    direct = CriterionSerializer(many=True)
    score = ScoreSerializer(allow_null=True)


class AssessmentSerializer(serializers.Serializer):
    """An enterprise's tier self-assessment, a report of a year: its basis (year, as-of date, rule set), each
    tier's result, and the gaps to the next tier."""

    basis = ReportBasisSerializer()

    filing = serializers.IntegerField(allow_null=True, help_text="The approved filing assessed (null: none).")
    rule_set = serializers.CharField()
    rule_set_name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    held = serializers.ListField(child=serializers.ChoiceField(choices=Tier.choices))
    tiers = TierResultSerializer(many=True)
    highest_met = serializers.ChoiceField(choices=Tier.choices, allow_null=True)
    highest_obtainable = serializers.ChoiceField(choices=Tier.choices, allow_null=True)
    next_tier = serializers.ChoiceField(choices=Tier.choices, allow_null=True)
    gaps = serializers.ListField(child=serializers.CharField())
    sme_limits_include_boundary = serializers.BooleanField(
        help_text="Whether an enterprise exactly on an SME size limit counts as an SME (以下 includes the limit, "
                  "民法典 art. 1259), as the SME_LIMITS_INCLUDE_BOUNDARY setting says.",
    )


class AssessmentQuerySerializer(AsOfQuery):
    """Query of an assessment, a report of a year: the filing year (default the reporting year, the latest year
    whose filing season has closed), the rule set (default the year's) and `as_of`, the date of the tiers held
    (default the year's last day, or today while it runs)."""

    year = ReportYearField(required=False)
    rule_set = serializers.ChoiceField(choices=sorted(RULE_SETS), required=False)
    as_of = ReportDateField(required=False)
