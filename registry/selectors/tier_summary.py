"""Reads of the registry: the tier summary of a year computed from the live records, and stored snapshots."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection

from enterprises.choices import LADDER, Tier
from enterprises.selectors import percent, population_filing, reporting_year, tier_population
from parks.models import Park

from ..choices import ALL_TIERS, RunStatus, SummaryLevel
from ..models import ReportRun, TierSummary
from .declarations import declaration_counts
from .sql import quoted

MONEY = ("revenue", "digital_human_revenue", "rd_expense")  # summed from the year's approved filings
PLACE = ("place_district", "place_park")  # the columns a place is grouped by
SUMMARY_TIERS = (ALL_TIERS, *Tier.values)


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
    """SQL: the aggregates (name -> SQL) of the rows of a subquery, per value of its key columns.

    The subquery ends with OFFSET 0, a fence PostgreSQL never pulls up into the outer query, so each row's columns
    (the population's EXISTS flags) are computed once per row, not once per aggregate that reads them."""
    key_list = ", ".join(quoted(key) for key in keys)
    columns = ", ".join(f"{sql} AS {quoted(name)}" for name, sql in aggregates.items())
    return f"SELECT {key_list}, {columns} FROM ({inner} OFFSET 0) AS population GROUP BY {key_list}"  # noqa: S608


def tier_summary_sql(*, year: int, rule_set, on: datetime.date) -> tuple[str, tuple]:
    """SQL and parameters of the population (enterprises.selectors.tier_population: one row per enterprise, with
    its place, its tier flags and its approved filing of the year) aggregated per (district, park) place."""
    population = tier_population(year=year, rule_set=rule_set, on=on)
    flags = [f"{kind}_{t}" for kind in ("held", "due") for t in Tier.values] + [f"candidate_{t}" for t in LADDER]
    inner = population.values(
        *PLACE, *flags, filing_id=population_filing("id"), **{m: population_filing(m) for m in MONEY},
    ).order_by()
    inner_sql, params = inner.query.sql_with_params()
    return grouped(inner=inner_sql, keys=PLACE, aggregates=_aggregates()), params


def tier_summary_groups(*, year: int, rule_set, on: datetime.date) -> list[dict]:
    """The summary's figures per (district, park) place, as rows of column name -> value (one SQL query)."""
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
    groups = tier_summary_groups(year=year, rule_set=rule_set, on=on)
    totals: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    declaration_totals(totals=totals, year=year)
    for group in groups:
        places = [(SummaryLevel.CITY, None, None), (SummaryLevel.DISTRICT, group["place_district"], None)]
        if group["place_park"] is not None:
            places.append((SummaryLevel.PARK, None, group["place_park"]))
        for place in places:
            bucket = totals[place]
            for key, value in group.items():
                if key not in PLACE:
                    bucket[key] += value or 0
    park_districts = dict(Park.objects.filter(pk__in=[park for _, _, park in totals if park]).values_list(
        "pk", "district_id"))
    rows = []
    for (level, district, park), bucket in totals.items():
        district = park_districts[park] if level == SummaryLevel.PARK else district
        for tier in SUMMARY_TIERS:
            money = {name: Decimal(bucket[f"{name}_{tier}"]) for name in MONEY}
            rows.append(TierSummary(
                year=year, level=level, district_id=district, park_id=park, tier=tier,
                enterprises=bucket["enterprises"], filed=bucket["filed"], designated=bucket[f"designated_{tier}"],
                candidates=bucket[f"candidates_{tier}"], due_for_review=bucket[f"due_for_review_{tier}"],
                reporting=bucket[f"reporting_{tier}"], declared=bucket[f"declared_{tier}"],
                in_review=bucket[f"in_review_{tier}"],
                rd_intensity=rd_intensity(money["rd_expense"], money["revenue"]), **money,
            ))
    return rows


def tier_summary_latest(*, year: int | None = None) -> ReportRun | None:
    """The latest succeeded tier-summary run of a year (of the reporting year if none is given; never of a newer
    year just because a run of it exists)."""
    year = reporting_year() if year is None else year
    return ReportRun.objects.filter(status=RunStatus.SUCCEEDED, year=year).order_by("-finished").first()
