"""Reads of the enterprises app: occupancy of parks and districts on a date."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum

from .models import Tenancy


@dataclass(frozen=True)
class Occupancy:
    """Let and leasable area (m²) on a date, and their ratio in percent (None where nothing is leasable)."""

    date: datetime.date
    leasable_area: Decimal
    let_area: Decimal
    unit_count: int
    let_unit_count: int

    @property
    def rate(self) -> Decimal | None:
        """Let area as a percentage of leasable area, two decimals."""
        if not self.leasable_area:
            return None
        return (self.let_area * 100 / self.leasable_area).quantize(Decimal("0.01"))


def held_on(*, on: datetime.date) -> Q:
    """Condition on tenancies that hold their unit on a date (start on or before it, end after it or open)."""
    return Q(start__lte=on) & (Q(end__isnull=True) | Q(end__gt=on))


def tenancies_on(*, on: datetime.date):
    """Tenancies that hold their unit on a date."""
    return Tenancy.objects.filter(held_on(on=on))


def occupancy(*, units, on: datetime.date) -> Occupancy:
    """Occupancy of a set of units on a date: two aggregate queries whatever the number of units."""
    totals = units.aggregate(area=Sum("area"), count=Sum(1))
    let = tenancies_on(on=on).filter(unit__in=units).aggregate(area=Sum("unit__area"), count=Sum(1))
    return Occupancy(
        date=on,
        leasable_area=totals["area"] or Decimal("0"),
        let_area=let["area"] or Decimal("0"),
        unit_count=totals["count"] or 0,
        let_unit_count=let["count"] or 0,
    )
