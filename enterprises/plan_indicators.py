"""The plan board's indicators of the enterprise's own registers: standards published by level (task 4), virtual
characters registered (tasks 5 and 6), IP granted (task 8), financing, guided-fund rounds and listings (task 12);
the industry activities of each kind (tasks 1, 2, 11, 13, 14: programmes recommended, tools verified, leading
talents recognised, joint training, exchange events, international events, overseas projects); the enterprises
holding or lacking an algorithm filing, and the compliance filings made (task 15).

Each is a function `(year, scope) -> int | Decimal` over the records `scope.visible()` keeps, declared with the
plan board's decorator (config.plan_board, the contract), its records_url made with the board's `records`; the
enterprises AppConfig imports this module. The figures read from one table are declared in groups (the contract's
`group`): one GROUP BY or aggregate query per group and board (standards by level, characters by type, IP by type,
financing, listings, activities by kind, the algorithm filings), whatever the number of its indicators."""

from decimal import Decimal

from django.db.models import Count, Q, Sum
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
def standards_by_level(year: int, scope) -> dict[str, int]:
    """The group of task 4: per level's code, the standards of the level published in the year (each counted once,
    by number)."""
    published = scope.visible(Standard.objects.filter(status=StandardStatus.PUBLISHED, published_on__year=year))
    return {f"standards-{row['level']}": row["n"]
            for row in published.order_by().values("level").annotate(n=Count("number", distinct=True))}


for _level in StandardLevel:
    indicator(code=f"standards-{_level.value}", task=4, unit="items",
              title=format_lazy("{}：{}", _("Standards published"), _level.label),
              records_url=records("standard", level=_level.value, status="published", published_year=the_year),
              group=standards_by_level)


# --- tasks 5 and 6: virtual characters with a registration made in the year -----------------------------------
CHARACTER_CODES = {DigitalHumanType.SERVICE: "dh-ip-service-registered",
                   DigitalHumanType.PERFORMANCE: "dh-ip-performance-registered"}


def characters_by_type(year: int, scope) -> dict[str, int]:
    """The group of tasks 5 and 6: per type's code, the virtual characters with a registration made in the year
    (each once)."""
    registered = scope.visible(DigitalHumanIp.objects.filter(registrations__registered_on__year=year))
    return {CHARACTER_CODES[row["dh_type"]]: row["n"]
            for row in registered.order_by().values("dh_type").annotate(n=Count("pk", distinct=True))
            if row["dh_type"] in CHARACTER_CODES}


indicator(code="dh-ip-service-registered", task=5, unit="items", title=_("Service digital humans registered"),
          records_url=records("digitalhumanip", dh_type="service", registered_year=the_year),
          group=characters_by_type)
indicator(code="dh-ip-performance-registered", task=6, unit="items",
          title=_("Performance digital-human IP registered"),
          records_url=records("digitalhumanip", dh_type="performance", registered_year=the_year),
          group=characters_by_type)


# --- task 8: IP granted in the year ---------------------------------------------------------------------------
PATENTS = (IpType.INVENTION, IpType.UTILITY_MODEL, IpType.DESIGN)


def ip_granted(year: int, scope) -> dict[str, int]:
    """The group of task 8: invention, utility-model and design patents granted in the year, the invention patents
    among them, and the software copyrights registered in the year (one GROUP BY the type)."""
    granted = scope.visible(IntellectualProperty.objects.filter(type__in=(*PATENTS, IpType.SOFTWARE),
                                                                granted_on__year=year))
    by_type = {row["type"]: row["n"] for row in granted.order_by().values("type").annotate(n=Count("pk"))}
    return {"patents-granted": sum(by_type.get(kind, 0) for kind in PATENTS),
            "invention-patents-granted": by_type.get(IpType.INVENTION, 0),
            "software-copyrights-registered": by_type.get(IpType.SOFTWARE, 0)}


indicator(code="patents-granted", task=8, unit="items", title=_("Patents granted"),
          records_url=records("intellectualproperty", type=[kind.value for kind in PATENTS], granted_year=the_year),
          group=ip_granted)
indicator(code="invention-patents-granted", task=8, unit="items", title=_("Invention patents granted"),
          records_url=records("intellectualproperty", type="invention", granted_year=the_year), group=ip_granted)
indicator(code="software-copyrights-registered", task=8, unit="items", title=_("Software copyrights registered"),
          records_url=records("intellectualproperty", type="software", granted_year=the_year), group=ip_granted)


# --- task 12: financing and listings --------------------------------------------------------------------------
def financing(year: int, scope) -> dict[str, int | Decimal]:
    """The group of task 12's rounds: the amount of the financing rounds closed in the year (万元), and the rounds in
    which a government-guided fund (高精尖基金, 科创基金...) took part (one aggregate)."""
    figures = scope.visible(FinancingRound.objects.filter(closed_on__year=year)).aggregate(
        amount=Sum("amount"), guided=Count("pk", filter=~Q(guided_fund="")))
    return {"financing-amount": figures["amount"] or Decimal("0.00"), "guided-fund-rounds": figures["guided"]}


indicator(code="financing-amount", task=12, unit="yuan_10k", title=_("Financing raised"),
          records_url=records("financinground", year=the_year), group=financing)
indicator(code="guided-fund-rounds", task=12, unit="items", title=_("Rounds with a government-guided fund"),
          records_url=records("financinground", year=the_year, guided="true"), group=financing)


def listed(year: int, scope) -> dict[str, int]:
    """The group of task 12's listings: the enterprises listed or quoted on any board in the year, and those quoted
    on the 专精特新专板 of the Beijing Equity Exchange Center (each enterprise once; one aggregate)."""
    figures = scope.visible(Listing.objects.filter(listed_on__year=year)).aggregate(
        any=Count("enterprise", distinct=True),
        specialised=Count("enterprise", distinct=True, filter=Q(board=ListingBoard.SPECIALISED)))
    return {"listings": figures["any"], "specialised-board-listings": figures["specialised"]}


indicator(code="listings", task=12, unit="enterprises", title=_("Enterprises listed"),
          records_url=records("listing", year=the_year), group=listed)
indicator(code="specialised-board-listings", task=12, unit="enterprises", title=_("Enterprises on the 专精特新专板"),
          records_url=records("listing", board="specialised", year=the_year), group=listed)


# --- tasks 1, 2, 11, 13, 14: talent, events and cooperation (docs/registers-activities.md) --------------------
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


def activities_by_kind(year: int, scope) -> dict[str, int]:
    """The group of the activities: per indicator's code, the records of its kind held in the year, or the people
    of them for a figure of people (one GROUP BY the kind)."""
    held = scope.visible(IndustryActivity.objects.filter(held_on__year=year)).order_by()
    by_kind = {row["kind"]: row for row in held.values("kind").annotate(n=Count("pk"), people=Sum("people"))}
    return {code: (by_kind.get(kind, {}).get("people" if people else "n") or 0)
            for code, kind, _unit, _title, people in ACTIVITY_INDICATORS}


for _code, _kind, _unit, _title, _people in ACTIVITY_INDICATORS:
    indicator(code=_code, task=ACTIVITY_TASKS[_kind], unit=_unit, title=_title,
              records_url=records("industryactivity", kind=_kind.value, year=the_year), group=activities_by_kind)


# --- task 15: compliance filings (branch compliance; docs/registers-compliance.md) -----------------------------
ALGORITHM_KINDS = [str(kind) for kind in ALGORITHM_FILINGS]


def _active_enterprises(scope):
    """The enterprises the board's scope sees, active on its date."""
    return scope.visible(as_of(Enterprise.objects.all(), on=scope.as_of))


def algorithm_filings(year: int, scope) -> dict[str, int]:
    """The group of task 15's enterprises: those active on the board's date holding a deep-synthesis or
    generative-AI service algorithm filing in force on it, and those holding neither: one aggregate, the holders
    read once (an uncorrelated IN, which PostgreSQL hashes; an EXISTS in the FILTER would run once per enterprise),
    the lacking the rest."""
    holders = ComplianceFiling.objects.in_force(scope.as_of).filter(kind__in=list(ALGORITHM_FILINGS))
    figures = _active_enterprises(scope).aggregate(
        active=Count("pk"), held=Count("pk", filter=Q(pk__in=holders.values("enterprise"))))
    return {"algorithm-filings-held": figures["held"], "algorithm-filings-lacking": figures["active"] - figures["held"]}


indicator(code="algorithm-filings-held", task=15, unit="enterprises",
          title=_("Enterprises holding an algorithm filing"),
          records_url=records("compliancefiling", kind=ALGORITHM_KINDS, in_force_on=the_date), group=algorithm_filings)
indicator(code="algorithm-filings-lacking", task=15, unit="enterprises",
          title=_("Enterprises without an algorithm filing"),
          records_url=records("api:report-compliance-gaps", kind=ALGORITHM_KINDS, as_of=the_date),
          page_url=page("report-compliance-gaps", kind=ALGORITHM_KINDS, as_of=the_date), group=algorithm_filings)


@indicator(code="compliance-filings-made", task=15, unit="items", title=_("Compliance filings made"),
           records_url=records("compliancefiling", year=the_year))
def compliance_filings_made(year: int, scope) -> int:
    """Compliance filings of any kind filed in the year."""
    return scope.visible(ComplianceFiling.objects.filter(filed_on__year=year)).count()
