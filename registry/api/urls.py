"""Routes of the registry API."""

from rest_framework.routers import SimpleRouter

from .views import (
    BenchmarkProjectViewSet,
    LabViewSet,
    PlanTargetViewSet,
    PlatformViewSet,
    PublicBenchmarkProjectViewSet,
    PublicPlatformViewSet,
)

router = SimpleRouter()
router.register("labs", LabViewSet)
router.register("platforms", PlatformViewSet)
router.register("benchmark-projects", BenchmarkProjectViewSet)
router.register("plan-targets", PlanTargetViewSet)
router.register("directory/platforms", PublicPlatformViewSet, basename="public-platform")
router.register("directory/benchmark-projects", PublicBenchmarkProjectViewSet, basename="public-benchmarkproject")
extra_urlpatterns = []  # routes beyond the router's
