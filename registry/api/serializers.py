"""Serializers of the registry API."""

from rest_framework import serializers

from config.api.fields import BriefRelatedField
from config.api.serializers import ValidatedModelSerializer
from enterprises.api.serializers import BriefEnterpriseSerializer
from enterprises.models import Enterprise
from parks.api.serializers import BriefParkSerializer
from parks.models import Park
from registry.models import BenchmarkProject, Lab, PlanTarget, Platform


def park_field():
    """The optional park a registry record sits in."""
    return BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all(), allow_null=True, required=False)


def enterprise_field(**kwargs):
    """An enterprise, written as its id and read in brief."""
    return BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all(), **kwargs)


class LabSerializer(ValidatedModelSerializer):
    """A joint lab or innovation centre."""

    url = serializers.HyperlinkedIdentityField(view_name="api:lab-detail")
    host = enterprise_field()
    park = park_field()

    class Meta:
        model = Lab
        fields = ["id", "url", "name", "kind", "partner", "host", "park", "established", "focus", "status"]


class PlatformSerializer(ValidatedModelSerializer):
    """A common technology platform."""

    url = serializers.HyperlinkedIdentityField(view_name="api:platform-detail")
    operator = enterprise_field()
    park = park_field()

    class Meta:
        model = Platform
        fields = ["id", "url", "name", "domain", "operator", "park", "services", "launched", "status"]


class BenchmarkProjectSerializer(ValidatedModelSerializer):
    """A benchmark application project with its lead and partner enterprises."""

    url = serializers.HyperlinkedIdentityField(view_name="api:benchmarkproject-detail")
    lead = enterprise_field()
    partners = enterprise_field(many=True, required=False)
    park = park_field()

    class Meta:
        model = BenchmarkProject
        fields = ["id", "url", "name", "field", "dh_kind", "lead", "partners", "park", "year", "status", "summary"]


class PlanTargetSerializer(ValidatedModelSerializer):
    """A plan target: metric, parameters, goal (revenue in 亿元 or a count) and deadline year."""

    url = serializers.HyperlinkedIdentityField(view_name="api:plantarget-detail")

    class Meta:
        model = PlanTarget
        fields = [
            "id", "url", "plan", "code", "title", "metric", "threshold", "goal", "goal_upper", "unit", "year",
            "source", "position",
        ]


class PublicPlatformSerializer(serializers.ModelSerializer):
    """A platform in the public directory."""

    operator = serializers.CharField(source="operator.name", read_only=True)
    park = serializers.CharField(source="park.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Platform
        fields = ["id", "name", "domain", "operator", "park", "services", "launched", "status"]


class PublicBenchmarkProjectSerializer(serializers.ModelSerializer):
    """A benchmark project in the public directory."""

    lead = serializers.CharField(source="lead.name", read_only=True)
    partners = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    park = serializers.CharField(source="park.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = BenchmarkProject
        fields = ["id", "name", "field", "dh_kind", "lead", "partners", "park", "year", "status", "summary"]
