"""Serializers of the parks API: full records and the brief forms nested in other records."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from config.api.decimals import DecimalField
from config.api.fields import BriefRelatedField, RecordUrlField
from config.api.serializers import BriefSerializer, BriefUserSerializer, ValidatedModelSerializer, changed_values
from parks.models import District, Park, ParkMembership, ParkService, Unit
from parks.services import park_service_save


class BriefDistrictSerializer(BriefSerializer):
    """A district as nested in other records."""

    url = RecordUrlField(view_name="api:district-detail")

    class Meta:
        model = District
        fields = ["id", "url", "display", "code", "name"]


class BriefParkSerializer(BriefSerializer):
    """A park as nested in other records."""

    url = RecordUrlField(view_name="api:park-detail")

    class Meta:
        model = Park
        fields = ["id", "url", "display", "name"]


class BriefUnitSerializer(BriefSerializer):
    """A unit as nested in other records."""

    url = RecordUrlField(view_name="api:unit-detail")

    class Meta:
        model = Unit
        fields = ["id", "url", "display", "building", "floor", "room", "area"]


class DistrictSerializer(ValidatedModelSerializer):
    """A district with its division code and role in the plan."""

    url = RecordUrlField(view_name="api:district-detail")

    class Meta:
        model = District
        fields = ["id", "url", "code", "name", "name_en", "kind", "plan_role"]


class ParkSerializer(ValidatedModelSerializer):
    """A park; leasable area (m²) is the sum of its units' areas."""

    url = RecordUrlField(view_name="api:park-detail")
    district = BriefRelatedField(BriefDistrictSerializer, queryset=District.objects.all())
    leasable_area = DecimalField(max_digits=14, decimal_places=2, read_only=True)
    unit_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Park
        fields = [
            "id", "url", "name", "district", "kind", "featured", "featured_on", "opened_on", "address", "focus",
            "operator",
            "leasable_area", "unit_count",
        ]


class UnitSerializer(ValidatedModelSerializer):
    """A leasable unit of a park, area in m²."""

    url = RecordUrlField(view_name="api:unit-detail")
    park = BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all())

    class Meta:
        model = Unit
        fields = ["id", "url", "park", "building", "floor", "room", "area", "opened_on", "closed_on"]


class ParkMembershipSerializer(ValidatedModelSerializer):
    """A park administrator: a user and the park they keep."""

    url = RecordUrlField(view_name="api:parkmembership-detail")
    user = BriefRelatedField(BriefUserSerializer, queryset=get_user_model().objects.all())
    park = BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all())

    class Meta:
        model = ParkMembership
        fields = ["id", "url", "user", "park", "created"]


class ParkServiceSerializer(ValidatedModelSerializer):
    """A service or policy a park offers: kind, title, description, the service desk's contact, the days it is
    offered (the end is the first day no longer offered) and whether the public directory shows it."""

    url = RecordUrlField(view_name="api:parkservice-detail")
    park = BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all())

    class Meta:
        model = ParkService
        fields = ["id", "url", "park", "kind", "title", "description", "contact", "offered_from", "offered_until",
                  "public", "created"]
        validators = []  # one title per park and day: the model's constraint, reported on the title

    def validate(self, attrs):
        """The fields as sent; the model is validated once, by park_service_save."""
        # Not super().validate(): its full_clean() would run the uniqueness query again before the service's own.
        return attrs

    def create(self, validated_data):
        return park_service_save(service=ParkService(**validated_data), user=self.context["request"].user)

    def update(self, instance, validated_data):
        if not changed_values(instance, validated_data):
            return instance
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return park_service_save(service=instance, user=self.context["request"].user)


class PublicParkServiceSerializer(serializers.ModelSerializer):
    """A park's public service as the directory shows it."""

    class Meta:
        model = ParkService
        fields = ["kind", "title", "description", "contact", "offered_from", "offered_until"]


class PublicParkSerializer(serializers.ModelSerializer):
    """A park in the public directory, with the public services it offers (today or from a later day)."""

    district = serializers.CharField(source="district.name", read_only=True)
    leasable_area = DecimalField(max_digits=14, decimal_places=2, read_only=True)
    services = PublicParkServiceSerializer(source="public_services", many=True, read_only=True)

    class Meta:
        model = Park
        fields = ["id", "name", "district", "kind", "featured", "address", "focus", "operator", "leasable_area",
                  "services"]
