"""Routes of the parks API."""

from rest_framework.routers import SimpleRouter

from .views import (
    DistrictViewSet,
    ParkMembershipViewSet,
    ParkServiceViewSet,
    ParkViewSet,
    PublicParkViewSet,
    UnitViewSet,
)

router = SimpleRouter()
router.register("districts", DistrictViewSet)
router.register("parks", ParkViewSet)
router.register("units", UnitViewSet)
router.register("park-memberships", ParkMembershipViewSet)
router.register("directory/parks", PublicParkViewSet, basename="public-park")
router.register("park-services", ParkServiceViewSet)
extra_urlpatterns = []  # routes beyond the router's
