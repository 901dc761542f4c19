"""Small cells: money over fewer than SMALL_CELL_MIN enterprises is hidden outside the bureau, and a cell of exactly
SMALL_CELL_MIN is shown (the threshold itself is checked, on every report that hides)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings

from registry.choices import TargetMetric, TargetUnit
from registry.models import ReportRun
from registry.services import report_run_execute

from ..conftest import park_admin_client, token_client
from ..factories import (
    ParkMembershipFactory,
    PlanTargetFactory,
    approved_filing,
    bureau_user,
)
from ..worlds import build_world

YEAR = 2024


def world(per_park: dict) -> dict:
    """Parks (in their own districts) each with the given number of approved filings of the year (its
    enterprises from tests/worlds.py)."""
    made = build_world(parks=len(per_park), admins=0, districts=len(per_park), enterprises=list(per_park.values()),
                       local=True)
    for registered in made.enterprises:
        for enterprise in registered:
            approved_filing(enterprise=enterprise, year=YEAR, revenue=Decimal("1000.00"),
                            main_revenue=Decimal("1000.00"), digital_human_revenue=Decimal("100.00"),
                            rd_expense=Decimal("50.00"))
    return dict(zip(per_park, made.parks, strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [settings.SMALL_CELL_MIN - 1, settings.SMALL_CELL_MIN])
def test_a_cell_of_exactly_the_threshold_is_shown(count):
    assert settings.SMALL_CELL_MIN == 3
    park = world({"park": count})["park"]
    shown = count >= settings.SMALL_CELL_MIN
    admin = park_admin_client(park)
    row = next(row for row in admin.get("/api/v1/reports/districts/", {"year": YEAR}).json()["results"]
               if row["district"] == park.district_id)
    assert row["filed"] == count
    assert (row["revenue"], row["digital_human_revenue"]) == (
        (f"{1000 * count}.00", f"{100 * count}.00") if shown else (None, None))
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=1)
    scale = admin.get("/api/v1/reports/plan-progress/", {"year": YEAR}).json()["results"][0]
    assert scale["counted"] == count
    assert scale["actual"] == (f"{Decimal(100 * count) / 10000:.2f}" if shown else None)
    assert scale["met"] == (False if shown else None)
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    rows = admin.get("/api/v1/reports/tier-summary/", {"year": YEAR, "level": "park", "tier": "all"}).json()
    (row,) = rows["results"]
    assert row["reporting"] == count
    assert (row["revenue"], row["rd_intensity"]) == ((f"{1000 * count}.00", "5.00") if shown else (None, None))
    bureau = token_client(bureau_user())
    row = next(row for row in bureau.get("/api/v1/reports/districts/", {"year": YEAR}).json()["results"]
               if row["district"] == park.district_id)
    assert row["revenue"] == f"{1000 * count}.00"  # the bureau sees every cell


@pytest.mark.django_db
def test_the_threshold_is_a_strict_below():
    """The rule read directly: hidden when counted < SMALL_CELL_MIN, never at SMALL_CELL_MIN or above."""
    from registry.selectors import hide_small_cells

    outsider = ParkMembershipFactory().user
    rows = [{"n": n, "money": Decimal(1)} for n in range(6)]
    hide_small_cells(rows=rows, user=outsider, count="n", money=("money",))
    assert [row["money"] is None for row in rows] == [True, True, True, False, False, False]


@pytest.mark.django_db
def test_the_plan_s_money_of_exactly_the_threshold_reaches_a_park_administrator():
    park = world({"park": settings.SMALL_CELL_MIN})["park"]
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=1)
    body = park_admin_client(park).get("/api/v1/reports/plan-progress/", {
        "year": YEAR, "as_of": datetime.date(YEAR, 12, 31).isoformat()}).json()
    assert body["results"][0]["actual_exact"] == "0.03"
