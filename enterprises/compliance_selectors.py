"""Reads of the compliance filings: which enterprises hold an in-force filing of a kind on a day, and which lack
one (plan task 15; docs/registers-compliance.md). Both count the enterprises active on the day among those the user
sees whole (the registers' scope: the bureau all, district staff their district's, a park administrator those
registered with the park, an enterprise itself), so a lacking enterprise is never one whose filings the user
cannot see."""

import datetime

from django.db.models import Exists, OuterRef

from access.scoping import VIEW
from config.as_of import as_of

from .models import ComplianceFiling, Enterprise


def holding(*, kinds, on: datetime.date) -> Exists:
    """Whether the enterprise (the outer row) holds a filing of one of the kinds in force on the day."""
    return Exists(ComplianceFiling.objects.in_force(on).filter(enterprise=OuterRef("pk"), kind__in=list(kinds)))


def enterprises_in_scope_on(*, user, on: datetime.date):
    """The enterprises the user sees whole that are active on the day."""
    return as_of(Enterprise.objects.restrict(user, VIEW), on=on)


def compliance_holders(*, user, kinds, on: datetime.date):
    """The enterprises in the user's scope, active on the day, holding an in-force filing of one of the kinds, by
    name."""
    return enterprises_in_scope_on(user=user, on=on).filter(holding(kinds=kinds, on=on)).order_by("name", "pk")


def compliance_gaps(*, user, kinds, on: datetime.date, district=None, park=None):
    """The enterprises in the user's scope, active on the day, without an in-force filing of any of the kinds, by
    name: a queryset to page; optionally only those registered in a district or with a park (ids)."""
    gaps = enterprises_in_scope_on(user=user, on=on).exclude(holding(kinds=kinds, on=on))
    if district is not None:
        gaps = gaps.filter(district_id=district)
    if park is not None:
        gaps = gaps.filter(park_id=park)
    return gaps.order_by("name", "pk")
