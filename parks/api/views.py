"""Endpoints of the parks API."""

from config.api.viewsets import RegistryViewSet
from parks.filtersets import DistrictFilterSet, ParkFilterSet, UnitFilterSet
from parks.models import District, Unit
from parks.selectors import park_list

from .serializers import DistrictSerializer, ParkSerializer, UnitSerializer


class DistrictViewSet(RegistryViewSet):
    """Beijing districts and 经开区, with their division codes and roles in the plan."""

    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    ordering_fields = ["code", "name"]


class ParkViewSet(RegistryViewSet):
    """Digital-human parks, bases and incubators, with leasable area."""

    queryset = park_list()
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    ordering_fields = ["name", "district__code", "leasable_area", "unit_count"]


class UnitViewSet(RegistryViewSet):
    """Leasable units of the parks."""

    queryset = Unit.objects.select_related("park")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["park__name", "building", "floor", "room", "area"]
