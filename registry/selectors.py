"""Reads of the registry: the tier summary of a year computed from the live records, and stored snapshots."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from enterprises.choices import LADDER, Tier
from enterprises.selectors import candidate_condition, tier_population
from parks.models import Park

from .choices import ALL_TIERS, RunStatus, SummaryLevel
from .models import ReportRun, TierSummary

MONEY = ("revenue", "digital_human_revenue", "rd_expense")  # summed from the year's approved filings (`f`)
SUMMARY_TIERS = (ALL_TIERS, *Tier.values)


def _any(prefix: str, tiers) -> Q:
    """Condition that any of the tiers' flags with this prefix holds."""
    condition = Q(pk__in=[])
    for tier in tiers:
        condition |= Q(**{f"{prefix}_{tier}": True})
    return condition


def _candidate_any() -> Q:
    """Condition that the enterprise is a candidate for some tier of the ladder."""
    condition = Q(pk__in=[])
    for tier in LADDER:
        condition |= candidate_condition(tier)
    return condition


def _aggregates() -> dict:
    """One query's aggregates per place: for every tier, designated, candidates, due and the money sums."""
    held = {ALL_TIERS: _any("held", Tier.values), **{t: Q(**{f"held_{t}": True}) for t in Tier.values}}
    due = {ALL_TIERS: _any("due", Tier.values), **{t: Q(**{f"due_{t}": True}) for t in Tier.values}}
    candidates = {ALL_TIERS: _candidate_any(), **{t: candidate_condition(t) for t in LADDER}}
    aggregates = {"enterprises": Count("pk"), "filed": Count("f__id")}
    for money in MONEY:
        aggregates[f"{money}_{ALL_TIERS}"] = Sum(f"f__{money}")
    for tier in SUMMARY_TIERS:
        aggregates[f"designated_{tier}"] = Count("pk", filter=held[tier])
        aggregates[f"due_for_review_{tier}"] = Count("pk", filter=due[tier])
        if tier in candidates:
            aggregates[f"candidates_{tier}"] = Count("pk", filter=candidates[tier])
        if tier != ALL_TIERS:
            for money in MONEY:
                aggregates[f"{money}_{tier}"] = Sum(f"f__{money}", filter=held[tier])
    return aggregates


def rd_intensity(rd: Decimal, revenue: Decimal | None) -> Decimal | None:
    """R&D expense as a percentage of revenue, two decimals (None without revenue)."""
    return (rd * 100 / revenue).quantize(Decimal("0.01")) if revenue else None


def tier_summary_compute(*, year: int, rule_set, on: datetime.date) -> list[TierSummary]:
    """The tier summary of a year per city, district and park and per tier, as unsaved rows (two SQL queries).

    City and district rows count enterprises by where they were registered when they filed (else now); park
    rows by the park they filed in (else their park now), under the park's own district.
    """
    groups = tier_population(year=year, rule_set=rule_set, on=on).values("place_district", "place_park").annotate(
        **_aggregates()).order_by()
    totals: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for group in groups:
        places = [(SummaryLevel.CITY, None, None), (SummaryLevel.DISTRICT, group["place_district"], None)]
        if group["place_park"] is not None:
            places.append((SummaryLevel.PARK, None, group["place_park"]))
        for place in places:
            bucket = totals[place]
            for key, value in group.items():
                if key not in ("place_district", "place_park"):
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
                rd_intensity=rd_intensity(money["rd_expense"], money["revenue"]), **money,
            ))
    return rows


def tier_summary_latest(*, year: int | None = None) -> ReportRun | None:
    """The latest succeeded tier-summary run of a year (of the latest year with one, if no year is given)."""
    runs = ReportRun.objects.filter(status=RunStatus.SUCCEEDED)
    if year is not None:
        runs = runs.filter(year=year)
    return runs.order_by("-year", "-finished").first()
