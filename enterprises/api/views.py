"""Endpoints of the enterprises API, and occupancy of parks and districts."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from config.api.viewsets import RegistryViewSet
from enterprises.filtersets import EnterpriseFilterSet, TenancyFilterSet
from enterprises.models import Enterprise, Tenancy
from enterprises.selectors import occupancy
from parks.models import District, Park, Unit
from parks.scoping import VIEW

from .serializers import EnterpriseSerializer, OccupancySerializer, TenancySerializer


class EnterpriseViewSet(RegistryViewSet):
    """Digital-human enterprises registered in Beijing."""

    queryset = Enterprise.objects.select_related("district", "park")
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    ordering_fields = ["name", "credit_code", "founded", "district__code", "park__name", "created"]


class TenancyViewSet(RegistryViewSet):
    """Tenancies of park units by enterprises; a unit is never let twice over overlapping dates."""

    queryset = Tenancy.objects.select_related("unit__park", "park", "enterprise")
    serializer_class = TenancySerializer
    filterset_class = TenancyFilterSet
    ordering_fields = ["start", "end", "park__name", "enterprise__name"]


class OnDateSerializer(serializers.Serializer):
    """Query of an occupancy request: the date, today if not given."""

    date = serializers.DateField(required=False)


DATE_PARAMETER = OpenApiParameter("date", datetime.date, description="Date of the figure (default: today).")


class OccupancyView(GenericAPIView):
    """Base of the occupancy endpoints: let and leasable area of a place on a date, over the units one may see."""

    serializer_class = OccupancySerializer
    pagination_class = None
    filter_backends = []
    scope_action = VIEW

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user, VIEW)

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
