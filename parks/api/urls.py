"""Routes of the parks API."""

from rest_framework.routers import SimpleRouter

from .views import DistrictViewSet, ParkViewSet, UnitViewSet

router = SimpleRouter()
router.register("districts", DistrictViewSet)
router.register("parks", ParkViewSet)
router.register("units", UnitViewSet)
extra_urlpatterns = []  # routes beyond the router's
