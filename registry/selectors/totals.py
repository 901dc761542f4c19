"""Reads of the approved filings' totals (registry.FilingTotal): a year's count and money sums per district and park,
kept by triggers in the writing transaction, read in place of summing the year's filings where the user sees every
filing (the bureau); anyone else's reports sum the filings they may see."""

from django.db.models import QuerySet

from access.scoping import VIEW, scope_filter
from enterprises.models import AnnualFiling

from ..models import FilingTotal


def filing_totals(*, user, year: int) -> QuerySet | None:
    """The year's approved-filing totals (one row per district and park filed in), or None where the user does not
    see every filing (their figures are summed from the filings they may see)."""
    if scope_filter(user=user, model=AnnualFiling, action=VIEW) is not None:
        return None
    return FilingTotal.objects.filter(year=year)
