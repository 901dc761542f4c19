"""The plan board's indicators of the enterprise's own registers: standards published by level (task 4), virtual
characters registered (tasks 5 and 6), IP granted (task 8), financing, guided-fund rounds and listings (task 12);
the industry activities of each kind (tasks 1, 2, 11, 13, 14: programmes recommended, tools verified, leading
talents recognised, joint training, exchange events, international events, overseas projects); the enterprises
holding or lacking an algorithm filing, and the compliance filings made (task 15).

Each is a function `(year, scope) -> int | Decimal` over the records `scope.visible()` keeps, declared with the
plan board's decorator (config.plan_board, the contract), its records_url made with the board's `records`; the
enterprises AppConfig imports this module."""

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.as_of import as_of
from config.plan_board import indicator, page, records, the_date, the_year

from .choices import (
    ACTIVITY_TASKS,
    ALGORITHM_FILINGS,
    ActivityKind,
    DigitalHumanType,
    IpType,
    ListingBoard,
    StandardLevel,
    StandardStatus,
)
from .compliance_selectors import holding
from .models import (
    ComplianceFiling,
    DigitalHumanIp,
    Enterprise,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)


def distinct_standards(queryset) -> int:
    """Standards counted once however many enterprises recorded their part: by number."""
    return queryset.aggregate(n=Count("number", distinct=True))["n"]


# --- task 4: standards published in the year, by level ---------------------------------------------------------
def _standards_of(level: str) -> Callable:
    def compute(year: int, scope) -> int:
        return distinct_standards(scope.visible(Standard.objects.filter(
            level=level, status=StandardStatus.PUBLISHED, published_on__year=year)))
    compute.__doc__ = f"Standards of level {level} published in the year (each counted once)."
    return compute


for _level in StandardLevel:
    indicator(code=f"standards-{_level.value}", task=4, unit="items",
              title=format_lazy("{}：{}", _("Standards published"), _level.label),
              records_url=records("standard", level=_level.value, status="published",
                                   published_year=the_year))(_standards_of(_level.value))


# --- tasks 5 and 6: virtual characters with a registration made in the year -----------------------------------
def _characters_of(dh_type: str) -> Callable:
    def compute(year: int, scope) -> int:
        return scope.visible(DigitalHumanIp.objects.filter(
            dh_type=dh_type, registrations__registered_on__year=year)).values("pk").distinct().count()
    compute.__doc__ = f"Virtual characters of type {dh_type} with a registration made in the year."
    return compute


indicator(code="dh-ip-service-registered", task=5, unit="items", title=_("Service digital humans registered"),
          records_url=records("digitalhumanip", dh_type="service", registered_year=the_year))(
    _characters_of(DigitalHumanType.SERVICE))
indicator(code="dh-ip-performance-registered", task=6, unit="items",
          title=_("Performance digital-human IP registered"),
          records_url=records("digitalhumanip", dh_type="performance", registered_year=the_year))(
    _characters_of(DigitalHumanType.PERFORMANCE))


# --- task 8: IP granted in the year ---------------------------------------------------------------------------
PATENTS = (IpType.INVENTION, IpType.UTILITY_MODEL, IpType.DESIGN)


@indicator(code="patents-granted", task=8, unit="items", title=_("Patents granted"),
           records_url=records("intellectualproperty", type=[kind.value for kind in PATENTS], granted_year=the_year))
def patents_granted(year: int, scope) -> int:
    """Invention, utility-model and design patents granted in the year."""
    return scope.visible(IntellectualProperty.objects.filter(type__in=PATENTS, granted_on__year=year)).count()


@indicator(code="invention-patents-granted", task=8, unit="items", title=_("Invention patents granted"),
           records_url=records("intellectualproperty", type="invention", granted_year=the_year))
def invention_patents_granted(year: int, scope) -> int:
    """Invention patents granted in the year."""
    return scope.visible(IntellectualProperty.objects.filter(type=IpType.INVENTION, granted_on__year=year)).count()


@indicator(code="software-copyrights-registered", task=8, unit="items", title=_("Software copyrights registered"),
           records_url=records("intellectualproperty", type="software", granted_year=the_year))
def software_copyrights(year: int, scope) -> int:
    """Software copyrights registered in the year."""
    return scope.visible(IntellectualProperty.objects.filter(type=IpType.SOFTWARE, granted_on__year=year)).count()


# --- task 12: financing and listings --------------------------------------------------------------------------
@indicator(code="financing-amount", task=12, unit="yuan_10k", title=_("Financing raised"),
           records_url=records("financinground", year=the_year))
def financing_amount(year: int, scope) -> Decimal:
    """The amount of the financing rounds closed in the year (万元)."""
    total = scope.visible(FinancingRound.objects.filter(closed_on__year=year)).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


@indicator(code="guided-fund-rounds", task=12, unit="items", title=_("Rounds with a government-guided fund"),
           records_url=records("financinground", year=the_year, guided="true"))
def guided_fund_rounds(year: int, scope) -> int:
    """Financing rounds closed in the year in which a government-guided fund (高精尖基金, 科创基金...) took part."""
    return scope.visible(FinancingRound.objects.filter(closed_on__year=year).exclude(guided_fund="")).count()


@indicator(code="listings", task=12, unit="enterprises", title=_("Enterprises listed"),
           records_url=records("listing", year=the_year))
def listings(year: int, scope) -> int:
    """Enterprises listed or quoted on any board in the year (each once)."""
    return scope.visible(Listing.objects.filter(listed_on__year=year)).values("enterprise").distinct().count()


@indicator(code="specialised-board-listings", task=12, unit="enterprises",
           title=_("Enterprises on the 专精特新专板"),
           records_url=records("listing", board="specialised", year=the_year))
def specialised_board(year: int, scope) -> int:
    """Enterprises quoted on the 专精特新专板 of the Beijing Equity Exchange Center in the year."""
    return scope.visible(Listing.objects.filter(board=ListingBoard.SPECIALISED, listed_on__year=year)).values(
        "enterprise").distinct().count()


# --- tasks 1, 2, 11, 13, 14: talent, events and cooperation (docs/registers-activities.md) --------------------
def _activities_of(kind: str, *, people: bool = False) -> Callable:
    def compute(year: int, scope) -> int:
        held = scope.visible(IndustryActivity.objects.filter(kind=kind, held_on__year=year))
        if people:
            return held.aggregate(n=Sum("people"))["n"] or 0
        return held.count()
    what = "people of the" if people else "records of"
    compute.__doc__ = f"The {what} activities of kind {kind} held in the year."
    return compute


# code, kind, unit, title, whether the figure sums the people (else counts the records); each kind's task is
# ACTIVITY_TASKS's.
ACTIVITY_INDICATORS = (
    ("national-programme-recommendations", ActivityKind.NATIONAL_PROGRAMME, "items",
     _("Projects recommended into national science and technology programmes"), False),
    ("production-tools-verified", ActivityKind.TOOL_VERIFICATION, "items",
     _("Production tools in small-batch verification"), False),
    ("leading-talents-recognised", ActivityKind.LEADING_TALENT, "people", _("Leading talents recognised"), True),
    ("joint-training-programmes", ActivityKind.JOINT_TRAINING, "items",
     _("Joint training programmes with universities"), False),
    ("industry-exchange-events", ActivityKind.INDUSTRY_EXCHANGE, "items",
     _("Supply-chain matching and industry exchange events"), False),
    ("international-events", ActivityKind.INTERNATIONAL_EVENT, "items",
     _("International conferences and exhibitions"), False),
    ("overseas-projects", ActivityKind.OVERSEAS_PROJECT, "items", _("Overseas cooperation projects"), False),
)
for _code, _kind, _unit, _title, _people in ACTIVITY_INDICATORS:
    indicator(code=_code, task=ACTIVITY_TASKS[_kind], unit=_unit, title=_title,
              records_url=records("industryactivity", kind=_kind.value, year=the_year))(
        _activities_of(_kind.value, people=_people))


# --- task 15: compliance filings (branch compliance; docs/registers-compliance.md) -----------------------------
ALGORITHM_KINDS = [str(kind) for kind in ALGORITHM_FILINGS]


def _active_enterprises(scope):
    """The enterprises the board's scope sees, active on its date."""
    return scope.visible(as_of(Enterprise.objects.all(), on=scope.as_of))


@indicator(code="algorithm-filings-held", task=15, unit="enterprises",
           title=_("Enterprises holding an algorithm filing"),
           records_url=records("compliancefiling", kind=ALGORITHM_KINDS, in_force_on=the_date))
def algorithm_filings_held(year: int, scope) -> int:
    """Enterprises active on the board's date holding a deep-synthesis or generative-AI service algorithm filing in
    force on it."""
    return _active_enterprises(scope).filter(holding(kinds=ALGORITHM_FILINGS, on=scope.as_of)).count()


@indicator(code="algorithm-filings-lacking", task=15, unit="enterprises",
           title=_("Enterprises without an algorithm filing"),
           records_url=records("api:report-compliance-gaps", kind=ALGORITHM_KINDS, as_of=the_date),
           page_url=page("report-compliance-gaps", kind=ALGORITHM_KINDS, as_of=the_date))
def algorithm_filings_lacking(year: int, scope) -> int:
    """Enterprises active on the board's date holding neither algorithm filing in force on it."""
    return _active_enterprises(scope).exclude(holding(kinds=ALGORITHM_FILINGS, on=scope.as_of)).count()


@indicator(code="compliance-filings-made", task=15, unit="items", title=_("Compliance filings made"),
           records_url=records("compliancefiling", year=the_year))
def compliance_filings_made(year: int, scope) -> int:
    """Compliance filings of any kind filed in the year."""
    return scope.visible(ComplianceFiling.objects.filter(filed_on__year=year)).count()
