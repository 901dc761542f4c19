"""Reads of the parks app."""

from decimal import Decimal

from django.db.models import Count, DecimalField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import Park

ZERO_AREA = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def park_list() -> QuerySet[Park]:
    """Parks with their district, leasable area (the sum of their units) and unit count."""
    return Park.objects.select_related("district").annotate(
        leasable_area=Coalesce(Sum("units__area"), ZERO_AREA), unit_count=Count("units"),
    ).order_by("name")
