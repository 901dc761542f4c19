"""Endpoints of the enterprises API, and occupancy of parks and districts."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from config.api.viewsets import DirectoryViewSet, RegistryViewSet, ScopedViewMixin
from enterprises.filtersets import EnterpriseFilterSet, TenancyFilterSet
from enterprises.invitations import invitation_accept, invitation_create
from enterprises.models import Enterprise, EnterpriseMembership, Tenancy
from enterprises.selectors import occupancy
from parks.api.views import MembershipViewSet
from parks.models import District, Park, Unit
from parks.scoping import VIEW

from .serializers import (
    EnterpriseMembershipSerializer,
    EnterpriseSerializer,
    InvitationAcceptSerializer,
    InvitationResultSerializer,
    InvitationSerializer,
    OccupancySerializer,
    PublicEnterpriseSerializer,
    TenancySerializer,
)


class EnterpriseViewSet(RegistryViewSet):
    """Digital-human enterprises registered in Beijing."""

    queryset = Enterprise.objects.select_related("district", "park")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "founded", "district__code", "park__name", "created"]


class PublicEnterpriseViewSet(DirectoryViewSet):
    """Public directory of enterprises: public fields only."""

    queryset = Enterprise.objects.select_related("district", "park")
    serializer_class = PublicEnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "founded", "district__code"]


class TenancyViewSet(RegistryViewSet):
    """Tenancies of park units by enterprises; a unit is never let twice over overlapping dates."""

    queryset = Tenancy.objects.select_related("unit__park", "park", "enterprise")
    serializer_class = TenancySerializer
    filterset_class = TenancyFilterSet
    ordering_fields = ["start", "end", "park__name", "enterprise__name"]


class EnterpriseMembershipViewSet(MembershipViewSet):
    """Enterprise users (user x enterprise): bureau staff, and park administrators for their tenants."""

    queryset = EnterpriseMembership.objects.select_related("user", "enterprise")
    serializer_class = EnterpriseMembershipSerializer
    filterset_fields = ["enterprise", "user"]
    ordering_fields = ["created", "enterprise__name"]


class InvitationView(GenericAPIView):
    """Invite a user: create the account if new and give it a park or enterprise membership in your scope."""

    serializer_class = InvitationSerializer
    permission_classes = [IsAuthenticated]
    throttle_scope = "invitations"

    @extend_schema(responses={201: InvitationResultSerializer})
    def post(self, request):
        query = self.get_serializer(data=request.data)
        query.is_valid(raise_exception=True)
        invitation = invitation_create(inviter=request.user, **query.validated_data)
        return Response(InvitationResultSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationAcceptView(GenericAPIView):
    """Accept an invitation: the invited user sets their own password (no sign-in needed)."""

    serializer_class = InvitationAcceptSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope = "auth"

    @extend_schema(responses={204: None})
    def post(self, request):
        query = self.get_serializer(data=request.data)
        query.is_valid(raise_exception=True)
        invitation_accept(**query.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OnDateSerializer(serializers.Serializer):
    """Query of an occupancy request: the date, today if not given."""

    date = serializers.DateField(required=False)


DATE_PARAMETER = OpenApiParameter("date", datetime.date, description="Date of the figure (default: today).")


class OccupancyView(ScopedViewMixin, GenericAPIView):
    """Base of the occupancy endpoints: let and leasable area of a place on a date, over the units one may see."""

    serializer_class = OccupancySerializer
    pagination_class = None
    filter_backends = []

    def units(self):
        """The units this user may see."""
        return Unit.objects.restrict(self.request.user, VIEW)

    def on_date(self, request) -> datetime.date:
        query = OnDateSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data.get("date") or timezone.localdate()


class ParkOccupancyView(OccupancyView):
    """Occupancy of a park on a date."""

    queryset = Park.objects.all()

    @extend_schema(parameters=[DATE_PARAMETER])
    def get(self, request, pk):
        park = get_object_or_404(self.get_queryset(), pk=pk)
        occ = occupancy(units=self.units().filter(park=park), on=self.on_date(request))
        return Response(OccupancySerializer(occ).data)


class DistrictOccupancyView(OccupancyView):
    """Occupancy of all parks of a district on a date."""

    queryset = District.objects.all()

    @extend_schema(parameters=[DATE_PARAMETER])
    def get(self, request, pk):
        district = get_object_or_404(self.get_queryset(), pk=pk)
        occ = occupancy(units=self.units().filter(park__district=district), on=self.on_date(request))
        return Response(OccupancySerializer(occ).data)
