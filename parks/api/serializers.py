"""Serializers of the parks API: full records and the brief forms nested in other records."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from config.api.decimals import DecimalField
from config.api.fields import BriefRelatedField, RecordUrlField
from config.api.serializers import BriefSerializer, BriefUserSerializer, ValidatedModelSerializer
from parks.models import District, Park, ParkMembership, Unit


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


class PublicParkSerializer(serializers.ModelSerializer):
    """A park in the public directory."""

    district = serializers.CharField(source="district.name", read_only=True)
    leasable_area = DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Park
        fields = ["id", "name", "district", "kind", "featured", "address", "focus", "operator", "leasable_area"]
