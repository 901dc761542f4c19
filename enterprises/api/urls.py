"""Routes of the enterprises API, and the occupancy endpoints under parks and districts."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import DistrictOccupancyView, EnterpriseViewSet, ParkOccupancyView, TenancyViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet)
router.register("tenancies", TenancyViewSet)
extra_urlpatterns = [
    path("parks/<int:pk>/occupancy/", ParkOccupancyView.as_view(), name="park-occupancy"),
    path("districts/<int:pk>/occupancy/", DistrictOccupancyView.as_view(), name="district-occupancy"),
]
