"""Reads of the enterprises app: occupancy of parks and districts on a date, the tier population of a year, and a
park's lease board (租控表)."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from access.compiled import CompiledQuery
from access.scoping import VIEW, scope_filter, sees_all, user_scope
from config.as_of import as_of, recorded
from config.rounding import half_up
from config.years import FIRST_YEAR
from parks.models import Park, Unit
from parks.selectors import unit_search

from .choices import ENDING_WINDOWS, FILED_STATUSES, LADDER, DesignationStatus, FilingStatus, LeaseStatus, Tier
from .models import AnnualFiling, Enterprise, FilingSeason, Tenancy, TierDesignation, default_season
from .tiers import RULE_SETS, Assessment, TierResult, assess, rule_set_for


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
        return percent(self.let_area, self.leasable_area)


def percent(part, whole) -> Decimal | None:
    """part / whole in percent, two decimals rounded half up (None where whole is zero or missing): every ratio the
    reports show."""
    return half_up(Decimal(part) * 100 / Decimal(whole)) if whole else None


def held_on(*, on: datetime.date) -> Q:
    """Condition on tenancies that hold their unit on a date (start on or before it, end after it or open)."""
    return Tenancy.dated.condition(on)


def tenancies_on(*, on: datetime.date):
    """Tenancies that hold their unit on a date."""
    return as_of(Tenancy.objects.all(), on=on)


def occupancy(*, units, on: datetime.date) -> Occupancy:
    """Occupancy of a set of units on a date: two aggregate queries whatever the number of units. The units leasable
    on the date count, at their area recorded by then (`config.as_of`)."""
    units = as_of(units, on=on)
    totals = units.aggregate(area=Sum(recorded(Unit, "area", on=on)), count=Sum(1))
    let = tenancies_on(on=on).filter(unit__in=units).aggregate(area=Sum(recorded(Unit, "area", on=on, ref="unit")),
                                                               count=Sum(1))
    return Occupancy(
        date=on,
        leasable_area=totals["area"] or Decimal("0"),
        let_area=let["area"] or Decimal("0"),
        unit_count=totals["count"] or 0,
        let_unit_count=let["count"] or 0,
    )


def units_in_district(units, *, district, on: datetime.date):
    """The units of a queryset whose park was in a district on a date (its district as recorded by then)."""
    return units.annotate(district_then=recorded(Park, "district", on=on, ref="park")).filter(district_then=district.pk)


def tier_reference_date(year: int) -> datetime.date:
    """The date a year's tiers are read on: its last day, or today while the year runs."""
    return min(timezone.localdate(), datetime.date(year, 12, 31))


FILING_ALIAS = "f"  # the year's filing, joined under this name (FilteredRelation) in tier_population
_met_sql_cache: dict[tuple[str, str], tuple[str, tuple]] = {}


def met_sql(*, rule_set, tier: str) -> RawSQL:
    """The rule set's condition for a tier over the filing joined as `f`, as SQL compiled once per process.

    Compiling the expression tree takes Django about 0.2 s per tier; the SQL it gives depends only on the rule
    set and the tier (the thresholds are its parameters), so it is kept and reused.
    """
    key = (rule_set.code, tier)
    if key not in _met_sql_cache:
        query = Enterprise.objects.annotate(**{FILING_ALIAS: FilteredRelation("filings")}).annotate(
            met=rule_set.met_expression(tier, prefix=f"{FILING_ALIAS}__")).query
        _met_sql_cache[key] = query.get_compiler(using=DEFAULT_DB_ALIAS).compile(query.annotations["met"])
    sql, params = _met_sql_cache[key]
    return RawSQL(sql, params, output_field=BooleanField())


def met_sql_warm() -> None:
    """Compile every rule set's ladder conditions (`met_sql`) now: a web worker does it as it starts (its app's
    `warm_up`), so that the first tier report it serves does not pay for them."""
    for rule_set in RULE_SETS.values():
        for tier in LADDER:
            if any(rule.tier == tier for rule in rule_set.rules):
                met_sql(rule_set=rule_set, tier=tier)


def tier_population(*, year: int, rule_set, on: datetime.date):
    """Enterprises with their approved filing of the year (as `f`), their place that year, and tier flags.

    Place: the park and district the filing was submitted in, else the enterprise's own; `filing_id` the filing's id
    (None without one). Per tier:
    `held_<tier>` (a designation in force on `on`), `due_<tier>` (in force and due for re-review); per ladder
    tier: `met_<tier>` (criteria met under the rule set, evaluated in SQL), `held_from_<tier>` (that tier or
    a higher one held) and `candidate_<tier>` (met, and neither it nor a higher tier held). Enterprises active
    on `on` (`config.as_of`), or that filed for the year. Every record: readers restrict it (`tier_candidates`).
    """
    held = TierDesignation.objects.held_on(on).filter(enterprise=OuterRef("pk"))
    flags = {}
    for tier in Tier.values:
        flags[f"held_{tier}"] = Exists(held.filter(tier=tier))
        flags[f"due_{tier}"] = Exists(held.filter(tier=tier, due_from__lte=on))
    for index, tier in enumerate(LADDER):
        flags[f"met_{tier}"] = met_sql(rule_set=rule_set, tier=tier)
        flags[f"held_from_{tier}"] = Exists(held.filter(tier__in=LADDER[index:]))
    candidates = {f"candidate_{tier}": Case(When(candidate_condition(tier), then=Value(True)), default=Value(False))
                  for tier in LADDER}
    return (
        Enterprise.objects
        .annotate(**{FILING_ALIAS: FilteredRelation(
            "filings", condition=Q(filings__year=year, filings__status=FilingStatus.APPROVED))})
        .annotate(place_district=Coalesce("f__district", "district"), place_park=Coalesce("f__park", "park"),
                  filing_id=population_filing("id"), **flags)
        .annotate(**candidates)
        .filter(Enterprise.dated.condition(on) | Q(filing_id__isnull=False))  # the filing's one join, not a second
    )


def population_filing(field: str) -> F:
    """A field of the year's approved filing joined into `tier_population`'s rows (None where there is none): how a
    reader of the population names the filing without knowing how it is joined."""
    return F(f"{FILING_ALIAS}__{field}")


def candidate_condition(tier: str) -> Q:
    """Condition on `tier_population` rows: the tier's criteria are met and neither it nor a higher tier is held."""
    return Q(**{f"met_{tier}": True, f"held_from_{tier}": False})


def enterprise_assessment(*, enterprise: Enterprise, user, year: int | None = None, rule_set=None,
                          on: datetime.date | None = None):
    """An enterprise's tier assessment for a user, and the filing it rests on (None without one): a report of a year.

    Its approved filing of the year (default the reporting year, as every report) and the tiers it holds on `on`
    (default the year's reference date: its last day, or today while it runs), among the filings and designations
    the user may see (a filing submitted in another park does not exist for a park's administrator), under the
    given rule set or the year's default.
    """
    year = year or reporting_year()
    on = on or tier_reference_date(year)
    filing = _current_filing(enterprise_id=enterprise.pk, year=year, user=user)
    assessment = assess(figures=filing.figures() if filing else None, held=_held(enterprise, user, on), year=year,
                        rule_set=rule_set or rule_set_for(year))
    return assessment, filing


def _held(enterprise, user, on: datetime.date) -> set[str]:
    """The tiers an enterprise holds on a date, among the designations the user may see."""
    database = router.db_for_read(TierDesignation)
    return {tier for (tier,) in _held_compiled.rows(
        enterprise.pk, on, using=database, key=_scope(user, TierDesignation), user=user)}


def _held_query(enterprise_id, on, *, user):
    """The tiers an enterprise holds on a date among the designations the user may see (what `_held` reads)."""
    return (TierDesignation.objects.held_on(on).filter(enterprise_id=enterprise_id).restrict(user, VIEW)
            .values_list("tier", flat=True))


def _current_filing(*, enterprise_id: int, year: int, user) -> AnnualFiling | None:
    """The enterprise's approved filing of the year among those the user may see, as `.first()` reads it."""
    database = router.db_for_read(AnnualFiling)
    rows = _filing_compiled.rows(enterprise_id, using=database, key=(year, _scope(user, AnnualFiling)), year=year,
                                 user=user)
    if not rows:
        return None
    return AnnualFiling.from_db(database, [field.attname for field in AnnualFiling._meta.concrete_fields], rows[0])


def _filing_query(enterprise_id, *, year: int, user):
    """The first of an enterprise's approved filings of a year the user may see (what `_current_filing` reads)."""
    filings = AnnualFiling.objects.current().filter(enterprise_id=enterprise_id, year=year).restrict(user, VIEW)
    return (filings if filings.ordered else filings.order_by("pk"))[:1]


def _scope(user, model):
    """What a compiled read of the model's records the user may see depends on of the user: their condition on
    the records (None: every record)."""
    return scope_filter(user=user, model=model, action=VIEW)


# The assessment's reads compiled once per process and user scope (the year's filing once per year too): an
# enterprise id and a date no record has stand for the request's (access.compiled).
_ENTERPRISE, _ON = -918_273_646, datetime.date(1, 1, 2)
_held_compiled = CompiledQuery(_held_query, sentinels=(_ENTERPRISE, _ON))
_filing_compiled = CompiledQuery(_filing_query, sentinels=(_ENTERPRISE,))


def draft_assessment(*, filing: AnnualFiling, figures: dict, user) -> Assessment:
    """A filing's figures as they stand on its form (unsaved) tried against the rules of its year: the assessment
    its approval would give, with the tiers held on the year's reference date. Reads only; writes nothing."""
    held = _held(filing.enterprise, user, tier_reference_date(filing.year))
    return assess(figures=figures, held=held, year=filing.year, rule_set=rule_set_for(filing.year))


@dataclass(frozen=True)
class TierStanding:
    """A tier on the enterprise's page: what the assessment reads from the figures and what the designations
    (made by the authorities, recorded by the bureau) say, apart, and whether the two disagree."""

    result: TierResult
    designations: tuple[TierDesignation, ...]  # the user sees them; newest first, each with `status` on the date
    held: TierDesignation | None  # the designation in force on the date (None: the tier is not held)
    filed: bool  # whether there is an approved filing to read
    higher_held: bool = False  # a higher rung of the ladder is held (which counts as holding this one)

    @property
    def disagreement(self) -> str:
        """"held_unmet" (held, but the figures do not meet it), "met_unheld" (met, not held), "held_unfiled" (held,
        no figures to read), or "" when the two agree."""
        if self.held is not None and not self.filed:
            return "held_unfiled"
        if self.held is not None and not self.result.met:
            return "held_unmet"
        if self.held is None and self.result.met and not self.higher_held:
            return "met_unheld"
        return ""

    @property
    def failing_count(self) -> int:
        """How many of the tier's criteria its figures fail."""
        return len(self.result.failing)


def designations_on(*, enterprise: Enterprise, user, on: datetime.date) -> list[TierDesignation]:
    """All of an enterprise's designations the user may see, newest first, each with its `status` on a date."""
    return list(TierDesignation.objects.filter(enterprise=enterprise).restrict(user, VIEW).with_status(on)
                .order_by("-granted_on"))


def tier_standings(*, assessment: Assessment, designations: list[TierDesignation],
                   filed: bool) -> list[TierStanding]:
    """Each assessed tier with its designations (of `designations_on`) beside it."""
    in_force = (DesignationStatus.VALID, DesignationStatus.DUE)
    held_tiers = {d.tier for d in designations if d.status in in_force}
    standings = []
    for result in assessment.tiers:
        own = tuple(d for d in designations if d.tier == result.tier)
        held = next((d for d in own if d.status in in_force), None)
        higher = result.tier in LADDER and bool(held_tiers & set(LADDER[LADDER.index(result.tier) + 1:]))
        standings.append(TierStanding(result, own, held, filed, higher))
    return standings


def designations_not_assessed(*, assessment: Assessment,
                              designations: list[TierDesignation]) -> list[TierDesignation]:
    """The designations (of `designations_on`) of tiers the rule set does not assess (单项冠军)."""
    assessed = {result.tier for result in assessment.tiers}
    return [d for d in designations if d.tier not in assessed]


def assessment_years(*, enterprise: Enterprise, user, reporting: int) -> list[int]:
    """The years an enterprise's self-assessment may be asked for on its page, newest first: the years of its
    approved filings the user may see, and the reporting year."""
    years = set(AnnualFiling.objects.current().filter(enterprise=enterprise).restrict(user, VIEW).order_by()
                .values_list("year", flat=True).distinct())
    return sorted(years | {reporting}, reverse=True)


def tier_candidates(*, year: int, user, tiers=LADDER):
    """The year's candidates for any of the tiers (default rule set of the year) among the enterprises the user
    sees (their designations read under the same rule), judged only on filings the user may see (one submitted in
    another park is no candidacy of theirs), with the names of the place they filed in and the filing's id,
    revenue and R&D expense: rows (dicts) of CANDIDATE_COLUMNS."""
    population = tier_population(year=year, rule_set=rule_set_for(year), on=tier_reference_date(year))
    if not sees_all(user=user, models=[AnnualFiling]):
        population = population.filter(**{f"{FILING_ALIAS}__in": AnnualFiling.objects.restrict(user, VIEW)})
    any_tier = Q(pk__in=[])
    for tier in tiers:
        any_tier |= Q(**{f"candidate_{tier}": True})
    return population.annotate(
        district_name=Coalesce(f"{FILING_ALIAS}__district__name", "district__name"),
        park_name=Coalesce(f"{FILING_ALIAS}__park__name", "park__name"),
        revenue=F(f"{FILING_ALIAS}__revenue"), rd_expense=F(f"{FILING_ALIAS}__rd_expense"),
    ).filter(any_tier).restrict(user, VIEW).values(*CANDIDATE_COLUMNS)


# What a row of `tier_candidates` holds: only these are selected (the population's other flags, an EXISTS or a rule
# each, are computed only where a candidate flag needs them).
CANDIDATE_COLUMNS = ("id", "credit_code", "name", "district_name", "park_name", "filing_id", "revenue", "rd_expense",
                     *(f"candidate_{tier}" for tier in LADDER))


def enterprise_by_credit_code(*, code: str) -> Enterprise | None:
    """The enterprise with exactly this credit code, wherever it is registered (None if there is none): how a
    unit is let to an enterprise outside the user's scope."""
    return Enterprise.objects.filter(credit_code=code).first()


# --- admin lists -----------------------------------------------------------------------------------------------
# Tiers by rank, highest first (单项冠军 above the ladder).
TIER_RANK = {tier: rank for rank, tier in enumerate(reversed(Tier.values))}


def latest_filing(filings, *, year: int | None = None):
    """The latest listed revision of an enterprise's filings (of a year, if given), for a Subquery on OuterRef."""
    filings = filings.filter(enterprise=OuterRef("pk"), status__in=FILED_STATUSES)
    if year is not None:
        filings = filings.filter(year=year)
    return filings.order_by("-year", "-revision")


def enterprise_overview(enterprises, *, filings, tenancies, on: datetime.date):
    """Enterprises with what their list shows, in one query plus one for the tiers, whatever the number of rows.

    `latest_filing_year` and `latest_filing_status` (the latest filing in review or reviewed, of `filings`),
    `next_tenancy_end` (the earliest end after `on` of `tenancies`), and `held_tiers` (the designations in
    force on `on`, prefetched, highest tier first). Pass the filings and tenancies the reader may see.
    """
    latest = latest_filing(filings)
    held = TierDesignation.objects.held_on(on).order_by("enterprise_id", "tier").only("id", "enterprise_id", "tier")
    return enterprises.annotate(
        latest_filing_year=Subquery(latest.values("year")[:1]),
        latest_filing_status=Subquery(latest.values("status")[:1]),
        next_tenancy_end=Subquery(
            tenancies.filter(enterprise=OuterRef("pk"), end__gt=on).order_by("end").values("end")[:1]),
    ).prefetch_related(Prefetch("designations", queryset=held, to_attr="held_designations"))


def held_tiers(enterprise) -> list[str]:
    """The tiers an enterprise of `enterprise_overview` holds, each once, highest first."""
    return sorted({d.tier for d in enterprise.held_designations}, key=TIER_RANK.__getitem__)


def parks_with_occupancy(parks, *, on: datetime.date):
    """Parks annotated with `let_area` on a date (a subquery: one query for any number of parks)."""
    let = tenancies_on(on=on).filter(park=OuterRef("pk")).order_by().values("park")
    return parks.annotate(
        let_area=Coalesce(Subquery(let.annotate(area=Sum("unit__area")).values("area")), Value(Decimal("0"))),
    )


def filing_seasons(*, years) -> dict[int, tuple[datetime.date, datetime.date]]:
    """The filing season (opens, closes) of each of the years: the bureau's where it set one, else the default."""
    years = tuple(years)
    if not years:
        return {}
    rows = _seasons_compiled.rows(using=router.db_for_read(FilingSeason), key=years, years=years)
    held = {year: (opens, closes) for year, opens, closes in rows}
    return {year: held.get(year) or default_season(year) for year in years}


# The seasons' query compiled once per process and set of years (the candidates change once a year).
_seasons_compiled = CompiledQuery(
    lambda *, years: FilingSeason.objects.filter(year__in=years).values_list("year", "opens", "closes"), sentinels=())


def reporting_year(*, on: datetime.date | None = None) -> int:
    """The default year of every report on a date (today by default): the latest year whose filing season has
    closed, a season being open through its closing day (one query).

    A season closes after its year ends, so the years before the date's are the candidates; a year whose season
    the bureau has extended past the date is skipped for the one before it.
    """
    on = on or timezone.localdate()
    candidates = range(on.year - 1, FIRST_YEAR - 1, -1)
    seasons = filing_seasons(years=candidates)
    return next((year for year in candidates if seasons[year][1] < on), FIRST_YEAR)


def report_years(*, user, reporting: int) -> list[int]:
    """The years a report may be asked for on a screen, newest first: the years of the approved filings the user
    may see, and the reporting year (`reporting`, whose reports answer even before any approval)."""
    years = set(AnnualFiling.objects.current().restrict(user, VIEW).order_by().values_list("year", flat=True)
                .distinct())
    return sorted(years | {reporting}, reverse=True)


# --- the lease board (租控表) -----------------------------------------------------------------------------------
def days_left(*, end: datetime.date | None, on: datetime.date) -> int | None:
    """Days a tenancy still runs from a date, that day and its last day (租期至) counted: `end - on`, 0 once ended,
    None while open-ended. A lease whose last day is today has 1 day left (docs/screens-board.md)."""
    return None if end is None else max((end - on).days, 0)


def lease_status(*, tenancy: Tenancy | None, on: datetime.date) -> str:
    """A unit's status on a date from the tenancy holding it then: vacant, ending within 30/60/90 days, or let."""
    if tenancy is None:
        return LeaseStatus.VACANT
    left = days_left(end=tenancy.end, on=on)
    for days, status in ENDING_WINDOWS:
        if left is not None and left <= days:
            return status
    return LeaseStatus.LET


def board_parks(*, user):
    """The parks whose lease board the user keeps: every park for the bureau, else the parks they administer."""
    parks = Park.objects.restrict(user, VIEW).order_by("name", "id")
    scope = user_scope(user)
    return parks if scope.bureau else parks.filter(pk__in=scope.parks)


@dataclass(frozen=True)
class BoardUnit:
    """A unit on the board: its tenancy today (None: vacant), its status and days left, and the next tenancy
    starting after today, if any."""

    unit: Unit
    tenancy: Tenancy | None
    status: str
    days_left: int | None
    upcoming: Tenancy | None

    @property
    def status_label(self) -> str:
        """The status's name in the user's language."""
        return LeaseStatus(self.status).label


@dataclass
class LeaseBoard:
    """A park's board on a date: its units by building and floor (after the filters), the count of each status
    (before the status filter) and the park's buildings."""

    park: Park
    on: datetime.date
    buildings: list[tuple[str, list[tuple[str, list[BoardUnit]]]]]
    counts: dict[str, int]
    building_names: list[str]

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """(status, its name, how many units have it), in the order of LeaseStatus."""
        return [(value, label, self.counts[value]) for value, label in LeaseStatus.choices]

    @property
    def shown(self) -> int:
        """How many units the board shows."""
        return sum(len(units) for _building, floors in self.buildings for _floor, units in floors)


def _natural(text: str) -> tuple:
    """A sort key putting 2 before 10 (floors and rooms are numbers written as text)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text) if part)


def lease_board(*, user, park: Park, on: datetime.date, building: str = "", status: str = "",
                q: str = "") -> LeaseBoard:
    """A park's lease board on a date: its units leasable then that the user may see, each with the tenancy holding
    it, its status (`lease_status`) and the next tenancy; filtered by building, status and the unit's text
    (`unit_search`: building, room or its label 「C座-5-501」). Three queries whatever the number of units."""
    units = as_of(Unit.objects.restrict(user, VIEW).filter(park=park), on=on)
    building_names = sorted(set(units.values_list("building", flat=True)), key=_natural)
    if building:
        units = units.filter(building=building)
    if q.strip():
        units = units.filter(unit_search(q))
    units = list(units)
    held, upcoming = {}, {}
    tenancies = Tenancy.objects.restrict(user, VIEW).filter(unit__in=[u.pk for u in units]).filter(
        held_on(on=on) | Q(start__gt=on)).select_related("enterprise").order_by("start")
    for tenancy in tenancies:
        (held if tenancy.start <= on else upcoming).setdefault(tenancy.unit_id, tenancy)
    counts = dict.fromkeys(LeaseStatus.values, 0)
    grouped: dict[str, dict[str, list[BoardUnit]]] = {}
    for unit in sorted(units, key=lambda u: (_natural(u.building), _natural(u.floor), _natural(u.room))):
        tenancy = held.get(unit.pk)
        row = BoardUnit(unit, tenancy, lease_status(tenancy=tenancy, on=on),
                        days_left(end=tenancy.end, on=on) if tenancy else None, upcoming.get(unit.pk))
        counts[row.status] += 1
        if not status or row.status == status:
            grouped.setdefault(unit.building, {}).setdefault(unit.floor, []).append(row)
    buildings = [(name, list(floors.items())) for name, floors in grouped.items()]
    return LeaseBoard(park=park, on=on, buildings=buildings, counts=counts, building_names=building_names)
