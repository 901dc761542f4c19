"""The report tests tell right from wrong only where the expected figure is not zero: in the worlds of
tests/test_reports.py, every figure the reports answer is non-zero in some row of some tested query (a report that
answered 0 for a figure the world never makes non-zero would pass its test)."""

import datetime

import pytest

from ..conftest import token_client
from ..factories import bureau_user
from ..test_reports import ON, YEAR, report_world

# Figures of each report, and the queries tests/test_reports.py checks them on.
REPORTS = {
    "/api/v1/reports/plan-progress/": ([{"year": YEAR, "as_of": ON.isoformat()}], {
        "goal", "actual", "share", "counted", "records", "breakdown", "missing", "met"}),
    "/api/v1/reports/districts/": ([{"year": YEAR, "as_of": ON.isoformat()}], {
        "parks", "enterprises", "tenants", "filed", "revenue", "digital_human_revenue", "designated_innovative",
        "designated_specialised", "designated_little_giant", "designated_single_champion", "labs", "platforms",
        "projects", "leasable_area", "let_area", "occupancy"}),
    "/api/v1/reports/parks/": ([
        {"as_of": "2024-06-30", "start": "2024-01-01", "end": "2024-06-30"},
        {"as_of": "2025-03-01", "start": "2023-06-01", "end": "2025-12-31"},
    ], {"units", "leasable_area", "let_area", "occupancy", "tenants", "area_days", "leasable_area_days",
        "period_occupancy", "ending_30", "ending_60", "ending_90", "ending", "not_filed_count", "not_filed"}),
    # (the park report's lists, `ending` and `not_filed`, are read from each park's own endpoints)
}


def nonzero(value) -> bool:
    return value not in (None, 0, "0", "0.00", [], False, "")


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(REPORTS))
def test_every_figure_is_non_zero_somewhere(url):
    report_world()
    client = token_client(bureau_user())
    queries, figures = REPORTS[url]
    rows = []
    for params in queries:
        response = client.get(url, params)
        assert response.status_code == 200
        rows += response.json()["results"]
        if "reports/parks" in url:
            for row in response.json()["results"]:
                row["ending"] = client.get(row["ending_url"]).json()["results"]
                row["not_filed"] = client.get(row["not_filed_url"]).json()["results"]
    zero = sorted(figure for figure in figures if not any(nonzero(row[figure]) for row in rows))
    assert zero == [], f"{url}: figures only ever zero in the test world: {zero}"
    if "plan-progress" in url:
        by_code = {row["code"]: row for row in rows}
        assert all(nonzero(row["actual"]) for row in by_code.values()), {c: r["actual"] for c, r in by_code.items()}
        assert {row["met"] for row in rows} == {True, False}


def test_the_dates_are_the_ones_tested():
    assert ON == datetime.date(YEAR, 12, 31)
