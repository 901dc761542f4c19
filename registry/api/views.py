"""Endpoints of the registry API."""

from config.api.schema import MEDIA_TYPE, MODEL_ERRORS, QUERY
from config.api.viewsets import DirectoryViewSet, ScopedModelViewSet
from registry.filtersets import (
    BenchmarkProjectFilterSet,
    LabFilterSet,
    PlanTargetFilterSet,
    PlanTaskFilterSet,
    PlatformFilterSet,
    SupportAwardFilterSet,
    SupportPolicyFilterSet,
)
from registry.models import BenchmarkProject, Lab, PlanTarget, PlanTask, Platform, SupportAward, SupportPolicy

from .fund_imports import SupportAwardImportMixin
from .serializers import (
    BenchmarkProjectSerializer,
    LabSerializer,
    PlanTargetSerializer,
    PlanTaskSerializer,
    PlatformSerializer,
    PublicBenchmarkProjectSerializer,
    PublicPlatformSerializer,
    SupportAwardSerializer,
    SupportPolicySerializer,
)


class LabViewSet(ScopedModelViewSet):
    """University-enterprise joint labs and enterprise technology innovation centres."""

    queryset = Lab.objects.select_related("host", "park")
    serializer_class = LabSerializer
    filterset_class = LabFilterSet
    ordering_fields = ["name", "established", "park__name"]


class PlatformViewSet(ScopedModelViewSet):
    """Common technology platforms in the plan's five domains."""

    queryset = Platform.objects.select_related("operator", "park")
    serializer_class = PlatformSerializer
    filterset_class = PlatformFilterSet
    ordering_fields = ["name", "domain", "launched", "park__name"]


class BenchmarkProjectViewSet(ScopedModelViewSet):
    """Benchmark application projects by field."""

    queryset = BenchmarkProject.objects.select_related("lead", "park").prefetch_related("partners")
    serializer_class = BenchmarkProjectSerializer
    filterset_class = BenchmarkProjectFilterSet
    ordering_fields = ["name", "year", "field", "park__name"]


class PlanTargetViewSet(ScopedModelViewSet):
    """The plan's targets, kept as data."""

    queryset = PlanTarget.objects.all()
    serializer_class = PlanTargetSerializer
    filterset_class = PlanTargetFilterSet
    ordering_fields = ["position", "code", "year"]


class PublicPlatformViewSet(DirectoryViewSet):
    """Public directory of platforms."""

    queryset = PlatformViewSet.queryset
    serializer_class = PublicPlatformSerializer
    filterset_class = PlatformFilterSet
    ordering_fields = PlatformViewSet.ordering_fields


class PublicBenchmarkProjectViewSet(DirectoryViewSet):
    """Public directory of benchmark projects."""

    queryset = BenchmarkProjectViewSet.queryset
    serializer_class = PublicBenchmarkProjectSerializer
    filterset_class = BenchmarkProjectFilterSet
    ordering_fields = BenchmarkProjectViewSet.ordering_fields


class PlanTaskViewSet(ScopedModelViewSet):
    """The plan's key tasks, kept as data: every signed-in user reads them, the bureau keeps them."""

    queryset = PlanTask.objects.all()
    serializer_class = PlanTaskSerializer
    filterset_class = PlanTaskFilterSet
    ordering_fields = ["plan", "number"]


class SupportPolicyViewSet(ScopedModelViewSet):
    """Support-fund policies: every signed-in user reads them, the bureau keeps them."""

    queryset = SupportPolicy.objects.select_related("task")
    serializer_class = SupportPolicySerializer
    filterset_class = SupportPolicyFilterSet
    ordering_fields = ["year", "name", "budget"]


class SupportAwardViewSet(SupportAwardImportMixin, ScopedModelViewSet):
    """Support-fund awards: the bureau records them; an enterprise reads its own, a park administrator those of the
    enterprises registered with their park, district staff their district's."""

    error_responses = {**MODEL_ERRORS, "import_file": (MEDIA_TYPE,), "import_template": (QUERY,)}

    queryset = SupportAward.objects.select_related("policy", "enterprise")
    serializer_class = SupportAwardSerializer
    filterset_class = SupportAwardFilterSet
    ordering_fields = ["approved_on", "paid_on", "amount_approved", "amount_paid", "policy__year"]
