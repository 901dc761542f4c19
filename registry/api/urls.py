"""Routes of the registry API."""

from rest_framework.routers import SimpleRouter

from .views import BenchmarkProjectViewSet, LabViewSet, PlanTargetViewSet, PlatformViewSet

router = SimpleRouter()
router.register("labs", LabViewSet)
router.register("platforms", PlatformViewSet)
router.register("benchmark-projects", BenchmarkProjectViewSet)
router.register("plan-targets", PlanTargetViewSet)
extra_urlpatterns = []  # routes beyond the router's
