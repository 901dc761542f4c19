"""Reads of the registry: the tier summary of a year computed from the live records, and stored snapshots."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.postgres.aggregates import BoolOr
from django.db import connection
from django.db.models import FilteredRelation, Q
from django.db.models.functions import Coalesce

from enterprises.choices import LADDER, FilingStatus, Tier
from enterprises.models import Enterprise, TierDesignation
from enterprises.selectors import FILING_ALIAS, met_sql, percent, population_filing, reporting_year
from parks.models import Park

from ..choices import ALL_TIERS, RunStatus, SummaryLevel
from ..models import ReportRun, TierSummary
from .declarations import declaration_counts
from .sql import quoted

MONEY = ("revenue", "digital_human_revenue", "rd_expense")  # summed from the year's approved filings
PLACE = ("place_district", "place_park")  # the columns a place is grouped by
SUMMARY_TIERS = (ALL_TIERS, *Tier.values)
# GROUPING(place_district, place_park) of the summary's rows: the city (neither), a district, a park.
GROUPED_CITY, GROUPED_DISTRICT, GROUPED_PARK = 3, 1, 2


def aggregate(function: str, column: str | None = None, *, when: tuple[str, ...] = ()) -> str:
    """One aggregate over the population's columns as SQL: `function` of the column (of every row for None),
    counting only the rows where any of the boolean columns `when` holds, if any are given."""
    sql = f"{function}({'*' if column is None else quoted(column)})"
    if when:
        sql += f" FILTER (WHERE {' OR '.join(quoted(flag) for flag in when)})"
    return sql


def _aggregates() -> dict[str, str]:
    """Aggregates per place as SQL over the population's columns: for every tier, designated, candidates, due and
    the money sums (a FILTER on flags computed once per enterprise)."""
    held = {ALL_TIERS: tuple(f"held_{t}" for t in Tier.values), **{t: (f"held_{t}",) for t in Tier.values}}
    due = {ALL_TIERS: tuple(f"due_{t}" for t in Tier.values), **{t: (f"due_{t}",) for t in Tier.values}}
    candidates = {ALL_TIERS: tuple(f"candidate_{t}" for t in LADDER), **{t: (f"candidate_{t}",) for t in LADDER}}
    aggregates = {"enterprises": aggregate("COUNT"), "filed": aggregate("COUNT", "filing_id"),
                  f"reporting_{ALL_TIERS}": aggregate("COUNT", "filing_id")}
    for money in MONEY:
        aggregates[f"{money}_{ALL_TIERS}"] = aggregate("SUM", money)
    for tier in SUMMARY_TIERS:
        aggregates[f"designated_{tier}"] = aggregate("COUNT", when=held[tier])
        aggregates[f"due_for_review_{tier}"] = aggregate("COUNT", when=due[tier])
        if tier in candidates:
            aggregates[f"candidates_{tier}"] = aggregate("COUNT", when=candidates[tier])
        if tier != ALL_TIERS:
            aggregates[f"reporting_{tier}"] = aggregate("COUNT", "filing_id", when=held[tier])
            for money in MONEY:
                aggregates[f"{money}_{tier}"] = aggregate("SUM", money, when=held[tier])
    return aggregates


def grouped(*, inner: str, keys: tuple[str, ...], aggregates: dict[str, str]) -> str:
    """SQL: the aggregates (name -> SQL) of the rows of a subquery, over all of them and per value of each key
    column alone (GROUPING SETS); `grouping` says which: GROUPING(keys), a bit set for each key not grouped by.

    The subquery ends with OFFSET 0, a fence PostgreSQL never pulls up into the outer query, so each row's columns
    (the rules' flags) are computed once per row, not once per aggregate that reads them."""
    key_list = ", ".join(quoted(key) for key in keys)
    sets = ", ".join(["()", *(f"({quoted(key)})" for key in keys)])
    columns = ", ".join(f"{sql} AS {quoted(name)}" for name, sql in aggregates.items())
    return (f"SELECT GROUPING({key_list}) AS {quoted('grouping')}, {key_list}, {columns} "  # noqa: S608
            f"FROM ({inner} OFFSET 0) AS population GROUP BY GROUPING SETS ({sets})")


def held_sql(*, on: datetime.date) -> tuple[str, tuple]:
    """SQL and parameters of the designations held on a date, one row per enterprise holding any (`enterprise_id`):
    per tier `held_<tier>` and `due_<tier>` (held and due for re-review), per ladder tier `held_from_<tier>` (it
    or a higher tier held): one aggregate instead of an EXISTS probe per flag and enterprise."""
    flags = {}
    for tier in Tier.values:
        flags[f"held_{tier}"] = BoolOr(Q(tier=tier))
        flags[f"due_{tier}"] = BoolOr(Q(tier=tier, due_from__lte=on))
    for index, tier in enumerate(LADDER):
        flags[f"held_from_{tier}"] = BoolOr(Q(tier__in=LADDER[index:]))
    held = TierDesignation.objects.held_on(on).order_by().values("enterprise_id").annotate(**flags)
    return held.query.sql_with_params()


def population_sql(*, year: int, rule_set, on: datetime.date) -> tuple[str, tuple]:
    """SQL and parameters of the summary's population, as `tier_population` defines it (enterprises active on `on`
    or that filed for the year; their place; their approved filing of the year as `f`), with its money columns and
    `met_<tier>` per ladder tier, the filing joined once."""
    population = (
        Enterprise.objects
        .annotate(**{FILING_ALIAS: FilteredRelation(
            "filings", condition=Q(filings__year=year, filings__status=FilingStatus.APPROVED))})
        .annotate(place_district=Coalesce(population_filing("district"), "district"),
                  place_park=Coalesce(population_filing("park"), "park"), filing_id=population_filing("id"),
                  **{m: population_filing(m) for m in MONEY},
                  **{f"met_{tier}": met_sql(rule_set=rule_set, tier=tier) for tier in LADDER})
        .filter(Enterprise.dated.condition(on) | Q(filing_id__isnull=False))
        .values("id", *PLACE, "filing_id", *MONEY, *(f"met_{tier}" for tier in LADDER))
        .order_by()
    )
    return population.query.sql_with_params()


def tier_summary_sql(*, year: int, rule_set, on: datetime.date) -> tuple[str, tuple]:
    """SQL and parameters of the population (one row per enterprise, as `tier_population` defines it: its place,
    its tier flags and its approved filing of the year) aggregated per (district, park) place.

    The rules are evaluated once per enterprise in a fenced subquery; the designations held are aggregated once
    and joined to it, and a tier's candidates are those that meet its criteria and hold neither it nor a higher
    tier (`candidate_condition`)."""
    population, population_params = population_sql(year=year, rule_set=rule_set, on=on)
    held, held_params = held_sql(on=on)
    flags = [f"{kind}_{t}" for kind in ("held", "due") for t in Tier.values]
    columns = ", ".join([f"p.{quoted(name)}" for name in (*PLACE, "filing_id", *MONEY)]
                        + [f"h.{quoted(flag)}" for flag in flags]
                        + [f"(p.{quoted(f'met_{t}')} AND h.{quoted(f'held_from_{t}')} IS NOT TRUE) AS "
                           f"{quoted(f'candidate_{t}')}" for t in LADDER])
    inner = (f"SELECT {columns} FROM ({population} OFFSET 0) AS p "  # noqa: S608
             f"LEFT JOIN ({held}) AS h ON h.{quoted('enterprise_id')} = p.{quoted('id')}")
    return grouped(inner=inner, keys=PLACE, aggregates=_aggregates()), (*population_params, *held_params)


def tier_summary_groups(*, year: int, rule_set, on: datetime.date) -> list[dict]:
    """The summary's figures for the city, per district and per park, as rows of column name -> value (one SQL
    query): `grouping` 3 for the city, 1 for a district (`place_district`), 2 for a park (`place_park`)."""
    sql, params = tier_summary_sql(year=year, rule_set=rule_set, on=on)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def rd_intensity(rd: Decimal, revenue: Decimal | None) -> Decimal | None:
    """R&D expense as a percentage of revenue, two decimals (None without revenue)."""
    return percent(rd, revenue)


def declaration_totals(*, totals: dict, year: int) -> None:
    """Add the declarations of rounds opening in the year to the summary's places (one query): `declared_<tier>`
    and `in_review_<tier>`, and their sums over the tiers, counted in the city, the declaration's district and the
    declaring enterprise's park."""
    for count in declaration_counts(year=year):
        places = [(SummaryLevel.CITY, None, None), (SummaryLevel.DISTRICT, count["district_id"], None)]
        if count["place_park"] is not None:
            places.append((SummaryLevel.PARK, None, count["place_park"]))
        for place in places:
            for name in ("declared", "in_review"):
                totals[place][f"{name}_{count['round_tier']}"] += count[name]
                totals[place][f"{name}_{ALL_TIERS}"] += count[name]


def tier_summary_compute(*, year: int, rule_set, on: datetime.date) -> list[TierSummary]:
    """The tier summary of a year per city, district and park and per tier, as unsaved rows (three SQL queries).

    City and district rows count enterprises by where they were registered when they filed (else now); park
    rows by the park they filed in (else their park now), under the park's own district. Declarations of the
    year's rounds count in their own district and their enterprise's park now (`declaration_totals`).
    """
    levels = {GROUPED_CITY: SummaryLevel.CITY, GROUPED_DISTRICT: SummaryLevel.DISTRICT,
              GROUPED_PARK: SummaryLevel.PARK}
    totals = {}
    for group in tier_summary_groups(year=year, rule_set=rule_set, on=on):
        level = levels[group["grouping"]]
        if not group["enterprises"] or (level == SummaryLevel.PARK and group["place_park"] is None):
            continue  # the city of an empty population; the enterprises outside any park
        totals[(level, group["place_district"], group["place_park"])] = group
    declared: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    declaration_totals(totals=declared, year=year)
    park_districts = dict(Park.objects.filter(pk__in=[park for _, _, park in totals if park]).values_list(
        "pk", "district_id"))
    rows = []
    for (level, district, park), bucket in totals.items():
        counted = declared[(level, district, park)]
        district = park_districts[park] if level == SummaryLevel.PARK else district
        for tier in SUMMARY_TIERS:
            money = {name: Decimal(bucket[f"{name}_{tier}"] or 0) for name in MONEY}
            rows.append(TierSummary(
                year=year, level=level, district_id=district, park_id=park, tier=tier,
                enterprises=bucket["enterprises"], filed=bucket["filed"], designated=bucket[f"designated_{tier}"],
                candidates=bucket.get(f"candidates_{tier}", 0), due_for_review=bucket[f"due_for_review_{tier}"],
                reporting=bucket[f"reporting_{tier}"], declared=counted[f"declared_{tier}"],
                in_review=counted[f"in_review_{tier}"],
                rd_intensity=rd_intensity(money["rd_expense"], money["revenue"]), **money,
            ))
    return rows


def tier_summary_latest(*, year: int | None = None) -> ReportRun | None:
    """The latest succeeded tier-summary run of a year (of the reporting year if none is given; never of a newer
    year just because a run of it exists)."""
    year = reporting_year() if year is None else year
    return ReportRun.objects.filter(status=RunStatus.SUCCEEDED, year=year).order_by("-finished").first()
