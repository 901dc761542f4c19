"""The registry's plan-board indicators (config.plan_board): the figures its own records already answer for.

Task 3 (common technology platforms and labs) and task 7 (application benchmark projects) count the registry's
labs, platforms and projects as the plan progress report does (registry.selectors.plan_progress); task 9
(clusters) the parks, featured parks and the units let on the date; task 10 (the SME tiers) the enterprises holding
each tier on the date. Task 7's two figures are one aggregate, task 10's four one GROUP BY query (groups,
config.plan_board). Dated records are read as of the board's date (`scope.as_of`, config.as_of)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from config.as_of import as_of
from config.plan_board import BoardScope, indicator, page, records, the_date, the_year
from enterprises.choices import Tier
from enterprises.models import Tenancy, TierDesignation
from parks.models import Park

from .selectors.plan_progress import (
    benchmark_projects_selected,
    labs_in_operation,
    parks_featured,
    platforms_in_operation,
)


def _count(queryset) -> int:
    """How many records a queryset holds (one COUNT)."""
    return queryset.count()


@indicator(code="platforms-in-operation", task=3, unit="items", title=_("Common technology platforms in operation"))
def platforms_counted(year: int, scope: BoardScope) -> int:
    """Common technology platforms in operation on the board's date."""
    return _count(scope.visible(platforms_in_operation(on=scope.as_of)))


@indicator(code="labs-in-operation", task=3, unit="enterprises",
           title=_("Joint labs and innovation centres in operation"))
def labs_counted(year: int, scope: BoardScope) -> int:
    """University-enterprise joint labs and technology innovation centres in operation on the board's date."""
    return _count(scope.visible(labs_in_operation(on=scope.as_of)))


def projects_selected(year: int, scope: BoardScope) -> dict[str, int]:
    """The group of task 7: the benchmark projects of the year or before selected or accepted by the board's date,
    and those of the year among them (one aggregate)."""
    figures = scope.visible(benchmark_projects_selected(year=year, on=scope.as_of)).aggregate(
        to_date=Count("pk"), of_year=Count("pk", filter=Q(year=year)))
    return {"benchmark-projects-of-year": figures["of_year"], "benchmark-projects-to-date": figures["to_date"]}


indicator(code="benchmark-projects-of-year", task=7, unit="items", title=_("Benchmark projects of the year selected"),
          group=projects_selected)
indicator(code="benchmark-projects-to-date", task=7, unit="items", title=_("Benchmark projects selected to date"),
          group=projects_selected)


@indicator(code="parks-open", task=9, unit="items", title=_("Digital-human parks and bases"),
           page_url=page("report-parks", as_of=the_date))
def parks_open(year: int, scope: BoardScope) -> int:
    """Parks, bases and incubators in the reports on the board's date (opened by then)."""
    return _count(scope.visible(as_of(Park.objects.all(), on=scope.as_of, dated=Park.existence)))


@indicator(code="featured-parks", task=9, unit="items", title=_("Featured digital-human parks"))
def featured_parks(year: int, scope: BoardScope) -> int:
    """Parks recognised as featured on the board's date."""
    return _count(scope.visible(parks_featured(on=scope.as_of)))


@indicator(code="units-let", task=9, unit="items", title=_("Park units let"),
           records_url=records("tenancy", current_on=the_date), page_url=page("report-parks", as_of=the_date))
def units_let(year: int, scope: BoardScope) -> int:
    """Park units held by a tenancy on the board's date."""
    tenancies = scope.visible(as_of(Tenancy.objects.all(), on=scope.as_of))
    return tenancies.aggregate(n=Count("unit", distinct=True))["n"]


def tier_code(tier: str) -> str:
    """The code of the indicator counting a tier's holders (小巨人: tier-little-giant)."""
    return f"tier-{tier.replace('_', '-')}"


def tiers_held(year: int, scope: BoardScope) -> dict[str, int]:
    """The indicators' group of task 10: per tier's code, the enterprises holding the tier on the board's date (one
    GROUP BY query)."""
    designations = scope.visible(TierDesignation.objects.held_on(scope.as_of)).order_by()
    return {tier_code(row["tier"]): row["n"]
            for row in designations.values("tier").annotate(n=Count("enterprise", distinct=True))}


for _tier in Tier:
    indicator(code=tier_code(_tier.value), task=10, unit="enterprises", title=_tier.label,
              page_url=page("report-tier-summary", year=the_year, tier=_tier.value), group=tiers_held)
