"""Serializers of the registry API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.decimals import DecimalField
from config.api.fields import BriefRelatedField, RecordUrlField
from config.api.serializers import (
    BriefUserSerializer,
    BuiltOnceFieldsMixin,
    ClassPlainRowsMixin,
    ValidatedModelSerializer,
)
from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.api.serializers import BriefEnterpriseSerializer
from enterprises.choices import LADDER
from enterprises.models import Enterprise
from enterprises.tiers import RULE_SETS
from parks.api.serializers import BriefParkSerializer
from parks.models import Park
from registry.choices import tier_label
from registry.models import (
    BenchmarkProject,
    Lab,
    PlanTarget,
    PlanTask,
    Platform,
    ReportRun,
    SupportAward,
    SupportPolicy,
    TierSummary,
)
from registry.selectors import rd_intensity


def park_field():
    """The optional park a registry record sits in."""
    return BriefRelatedField(BriefParkSerializer, queryset=Park.objects.all(), allow_null=True, required=False)


def enterprise_field(**kwargs):
    """An enterprise, written as its id and read in brief."""
    return BriefRelatedField(BriefEnterpriseSerializer, queryset=Enterprise.objects.all(), **kwargs)


class LabSerializer(ValidatedModelSerializer):
    """A joint lab or innovation centre."""

    url = RecordUrlField(view_name="api:lab-detail")
    host = enterprise_field()
    park = park_field()

    class Meta:
        model = Lab
        fields = ["id", "url", "name", "kind", "partner", "host", "park", "established", "focus", "status", "closed_on"]


class PlatformSerializer(ValidatedModelSerializer):
    """A common technology platform."""

    url = RecordUrlField(view_name="api:platform-detail")
    operator = enterprise_field()
    park = park_field()

    class Meta:
        model = Platform
        fields = ["id", "url", "name", "domain", "operator", "park", "services", "launched", "status", "closed_on"]


class BenchmarkProjectSerializer(ValidatedModelSerializer):
    """A benchmark application project with its lead and partner enterprises."""

    url = RecordUrlField(view_name="api:benchmarkproject-detail")
    lead = enterprise_field()
    partners = enterprise_field(many=True, required=False)
    park = park_field()

    class Meta:
        model = BenchmarkProject
        fields = ["id", "url", "name", "field", "dh_kind", "lead", "partners", "park", "year", "status", "selected_on",
                  "summary"]


class PlanTargetSerializer(ValidatedModelSerializer):
    """A plan target: metric, parameters, goal (revenue in 亿元 or a count), how the actual is compared with it
    (greater than, or at least) and deadline year."""

    url = RecordUrlField(view_name="api:plantarget-detail")

    class Meta:
        model = PlanTarget
        fields = [
            "id", "url", "plan", "code", "title", "metric", "threshold", "goal", "goal_upper", "unit", "comparison",
            "year", "source", "position",
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


class ReportRunSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    """A report run: what it computes, where it is, when it started and ended, the rows it wrote or its error, and
    the rule set and date it applied (written by the run); its fields built from the model once per process."""

    url = RecordUrlField(view_name="api:reportrun-detail")
    started_by = BriefUserSerializer(read_only=True)

    class Meta:
        model = ReportRun
        fields = [
            "id", "url", "kind", "year", "rule_set", "applied_rule_set", "as_of", "status", "created", "started",
            "finished", "rows", "error", "started_by", "task_id",
        ]
        read_only_fields = fields


class ReportRunStartSerializer(serializers.Serializer):
    """Start the tier summary of a year, optionally under a named rule set (default: the year's own)."""

    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    rule_set = serializers.ChoiceField(choices=sorted(RULE_SETS), required=False, default="")


class TierSummaryRowSerializer(ClassPlainRowsMixin, serializers.ModelSerializer):
    """One row of the tier summary: place, tier, counts of enterprises, money in 万元 and R&D intensity in %
    (written without DRF's fields built per serializer and its per-field calls: `ClassPlainRowsMixin`)."""

    district_code = serializers.CharField(source="district.code", default=None)
    district_name = serializers.CharField(source="district.name", default=None)
    park_name = serializers.CharField(source="park.name", default=None)
    tier_name = serializers.SerializerMethodField()
    # Money is null where fewer than SMALL_CELL_MIN enterprises make the sums and the reader is not the bureau.
    revenue = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    digital_human_revenue = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    rd_expense = DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    rd_intensity = DecimalField(max_digits=7, decimal_places=2, allow_null=True)

    class Meta:
        model = TierSummary
        fields = [
            "year", "level", "district", "district_code", "district_name", "park", "park_name", "tier", "tier_name",
            "enterprises", "filed", "designated", "candidates", "due_for_review", "declared", "in_review", "reporting",
            "revenue",
            "digital_human_revenue", "rd_expense", "rd_intensity",
        ]

    def get_tier_name(self, row) -> str:
        """The tier's name in the request's language, translated once per serializer and tier."""
        names = self.__dict__.setdefault("_tier_names", {})
        if row.tier not in names:
            names[row.tier] = tier_label(row.tier)
        return names[row.tier]


class TierCandidateSerializer(serializers.Serializer):
    """An enterprise that meets a tier's criteria without holding it (or a higher tier), with its figures (a row of
    `enterprises.selectors.tier_candidates`)."""

    id = serializers.IntegerField()
    credit_code = serializers.CharField()
    name = serializers.CharField()
    district_name = serializers.CharField(allow_null=True)
    park_name = serializers.CharField(allow_null=True)
    candidate_tiers = serializers.SerializerMethodField()
    candidate_tier_names = serializers.SerializerMethodField()
    filing = serializers.IntegerField(source="filing_id")
    revenue = DecimalField(max_digits=14, decimal_places=2)
    rd_expense = DecimalField(max_digits=14, decimal_places=2)
    rd_intensity = serializers.SerializerMethodField()

    def get_candidate_tiers(self, row) -> list[str]:
        return [tier for tier in LADDER if row[f"candidate_{tier}"]]

    def get_candidate_tier_names(self, row) -> list[str]:
        return [tier_label(tier) for tier in self.get_candidate_tiers(row)]

    @extend_schema_field(DecimalField(max_digits=7, decimal_places=2, allow_null=True))
    def get_rd_intensity(self, row):
        intensity = rd_intensity(row["rd_expense"], row["revenue"])
        return None if intensity is None else str(intensity)


class PlanTaskSerializer(ValidatedModelSerializer):
    """A key task of a plan: its number (1-15), title, short description and source."""

    url = RecordUrlField(view_name="api:plantask-detail")

    class Meta:
        model = PlanTask
        fields = ["id", "url", "plan", "number", "title", "description", "source"]


class BriefPlanTaskSerializer(serializers.ModelSerializer):
    """A plan task in brief: id, number and title."""

    class Meta:
        model = PlanTask
        fields = ["id", "number", "title"]


class SupportPolicySerializer(ValidatedModelSerializer):
    """A support-fund policy: name, issuing body, the plan task it serves, its year and budget (万元)."""

    url = RecordUrlField(view_name="api:supportpolicy-detail")
    task = BriefRelatedField(BriefPlanTaskSerializer, queryset=PlanTask.objects.all(), allow_null=True,
                             required=False)

    class Meta:
        model = SupportPolicy
        fields = ["id", "url", "name", "issuer", "task", "year", "budget", "description"]


class BriefSupportPolicySerializer(serializers.ModelSerializer):
    """A policy in brief: id, name and year."""

    class Meta:
        model = SupportPolicy
        fields = ["id", "name", "year"]


class SupportAwardSerializer(ValidatedModelSerializer):
    """An enterprise's award under a policy: status, amounts approved and paid (万元) and their dates."""

    url = RecordUrlField(view_name="api:supportaward-detail")
    policy = BriefRelatedField(BriefSupportPolicySerializer, queryset=SupportPolicy.objects.all())
    enterprise = enterprise_field()

    class Meta:
        model = SupportAward
        fields = ["id", "url", "policy", "enterprise", "status", "amount_approved", "approved_on", "amount_paid",
                  "paid_on", "note"]
        validators = []  # one award per policy and enterprise: full_clean() reports it on the policy
