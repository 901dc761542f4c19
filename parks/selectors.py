"""Reads of the parks app."""

import re
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import IContains
from django.utils import timezone

from access.scoping import VIEW

from .models import Park, ParkService, unit_label

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


# Dashes and spaces people type between a unit's building, floor and room (full-width, en and em dashes).
LABEL_SEPARATORS = re.compile(r"[\s\-－—–_/]+")


def unit_search(text: str, *, prefix: str = "") -> Q:
    """Condition on units (under `prefix`, e.g. "unit__") matching a searched text: its building or room, or its
    own label building-floor-room (「C座-5-501」, any dash or spaces between the parts), in any case."""
    text = text.strip()
    label = LABEL_SEPARATORS.sub("-", text).strip("-")
    return (Q(**{f"{prefix}building__icontains": text}) | Q(**{f"{prefix}room__icontains": text})
            | Q(IContains(unit_label(prefix=prefix), label)))


def park_services(*, user, action: str = VIEW) -> QuerySet[ParkService]:
    """The park services a user may take an action on, with their park."""
    return ParkService.objects.restrict(user, action).select_related("park")


def public_services(*, on=None) -> QuerySet[ParkService]:
    """The services the public directory shows: public ones offered on a day (default today) or from a later day,
    in the order of their kind and title."""
    on = on or timezone.localdate()
    return ParkService.objects.filter(public=True).filter(
        Q(offered_until__isnull=True) | Q(offered_until__gt=on)).order_by("kind", "title", "pk")
