"""Reads of the parks app."""

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Park

ZERO_AREA = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def park_list() -> QuerySet[Park]:
    """Parks with their district, leasable area (the sum of their units leasable today) and unit count (the same
    units; a closed unit no longer counts)."""
    today = timezone.localdate()
    leasable = Q(units__closed_on__isnull=True) | Q(units__closed_on__gt=today)
    return Park.objects.select_related("district").annotate(
        leasable_area=Coalesce(Sum("units__area", filter=leasable), ZERO_AREA),
        unit_count=Count("units", filter=leasable),
    ).order_by("name")
