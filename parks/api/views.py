"""Endpoints of the parks API."""

from django.db.models import Prefetch

from access.scoping import membership_grant_check
from config.api.viewsets import DirectoryViewSet, ScopedModelViewSet
from parks.filtersets import DistrictFilterSet, ParkFilterSet, ParkServiceFilterSet, UnitFilterSet
from parks.models import District, ParkMembership, ParkService, Unit
from parks.selectors import park_list, public_services

from .serializers import (
    DistrictSerializer,
    ParkMembershipSerializer,
    ParkSerializer,
    ParkServiceSerializer,
    PublicParkSerializer,
    UnitSerializer,
)


class DistrictViewSet(ScopedModelViewSet):
    """Beijing districts and 经开区, with their division codes and roles in the plan."""

    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    filterset_class = DistrictFilterSet
    ordering_fields = ["code", "name"]


class ParkViewSet(ScopedModelViewSet):
    """Digital-human parks, bases and incubators, with leasable area."""

    queryset = park_list()
    serializer_class = ParkSerializer
    filterset_class = ParkFilterSet
    ordering_fields = ["name", "district__code", "leasable_area", "unit_count"]


class UnitViewSet(ScopedModelViewSet):
    """Leasable units of the parks."""

    queryset = Unit.objects.select_related("park")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    ordering_fields = ["park__name", "building", "floor", "room", "area"]


class MembershipViewSet(ScopedModelViewSet):
    """Base of the membership endpoints: nobody but the bureau gives a membership to themselves."""

    def perform_create(self, serializer):
        membership_grant_check(granter=self.request.user, user=serializer.validated_data["user"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        user = serializer.validated_data.get("user", serializer.instance.user)
        membership_grant_check(granter=self.request.user, user=user)
        super().perform_update(serializer)


class ParkMembershipViewSet(MembershipViewSet):
    """Park administrators (user x park): bureau staff grant and remove them."""

    queryset = ParkMembership.objects.select_related("user", "park")
    serializer_class = ParkMembershipSerializer
    filterset_fields = ["park", "user"]
    ordering_fields = ["created", "park__name"]


class PublicParkViewSet(DirectoryViewSet):
    """Public directory of parks, each with the public services it offers."""

    queryset = park_list()
    serializer_class = PublicParkSerializer
    filterset_class = ParkFilterSet
    ordering_fields = ["name", "district__code", "leasable_area"]

    def get_queryset(self):
        """The parks, their public services read in one query for the page (offered today or from a later day)."""
        return super().get_queryset().prefetch_related(
            Prefetch("services", queryset=public_services(), to_attr="public_services"))


class ParkServiceViewSet(ScopedModelViewSet):
    """Services and policies of the parks (incubation, training, financing and scene matching, park policies): a
    park's administrators keep its own, district staff read their district's, the bureau keeps all."""

    queryset = ParkService.objects.select_related("park")
    serializer_class = ParkServiceSerializer
    filterset_class = ParkServiceFilterSet
    ordering_fields = ["offered_from", "kind", "title", "park__name"]
    ordering = ["park__name", "kind", "title", "pk"]
