"""Plan progress, the district overview and the park report: every figure against a count made here, in plain
Python over the records each role may see; CSV and XLSX read back equal to the JSON; small cells hidden outside
the bureau; constant query counts."""

import csv
import datetime
import io
import random
from collections import defaultdict
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.choices import FilingStatus, Tier
from enterprises.models import AnnualFiling, Enterprise, Tenancy, TierDesignation
from parks.models import District, Park, Unit
from registry.api.overview import DistrictOverviewReportView, PlanProgressReportView
from registry.api.park_report import ParkReportView
from registry.choices import (
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
    TargetMetric,
)
from registry.models import BenchmarkProject, Lab, Platform, ReportRun
from registry.services import report_run_execute

from .conftest import park_admin_client, token_client
from .factories import (
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    EnterpriseFactory,
    LabFactory,
    PlanTargetFactory,
    PlatformFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    approved_filing,
    bureau_user,
    plan_targets,
)
from .report_tables import split_report
from .worlds import build_world

YEAR = 2024
ON = datetime.date(2024, 12, 31)
Q2 = Decimal("0.01")


def percent(part, whole):
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Q2)


def report_world(seed: int = 7, enterprises: int = 24, targets: bool = True):
    """Three districts, four parks (one featured), units, enterprises with tenancies of many dates, filings of
    every status, designations, labs, platforms and projects of every status, and the plan's seven targets.

    The districts and parks come from tests/worlds.py; the enterprises stay drawn here, as they are what the
    reports are checked on: registered in any district, with any park or none, renting anywhere."""
    rng = random.Random(seed)
    base = build_world(parks=4, admins=0, districts=3, park_kwargs=lambda p: {"featured": p == 0})
    districts, parks = base.districts, base.parks
    units = [UnitFactory(park=parks[i % 4], area=Decimal(rng.randrange(50, 500))) for i in range(16)]
    firms = [EnterpriseFactory(district=rng.choice(districts), park=rng.choice(parks + [None]))
             for _ in range(enterprises)]
    for index, unit in enumerate(units):
        if index % 5 == 4:
            continue  # some units stay empty
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 700))
        end = rng.choice([None, start + datetime.timedelta(days=rng.randrange(30, 800))])
        TenancyFactory(unit=unit, enterprise=rng.choice(firms), start=start, end=end)
    for firm in firms:
        roll = rng.random()
        revenue = Decimal(rng.choice([3000, 60000, 120000, 600000]))
        figures = {"revenue": revenue, "digital_human_revenue": (revenue * Decimal(rng.choice([0, 0.3, 0.8])))
                   .quantize(Q2), "main_revenue": revenue * Decimal("0.9")}
        if roll < 0.6:
            approved_filing(enterprise=firm, year=YEAR, **figures)
        elif roll < 0.75:
            AnnualFilingFactory(enterprise=firm, year=YEAR, status=FilingStatus.SUBMITTED, park=firm.park,
                                district=firm.district, submitted_at=timezone.now(), **figures)
        elif roll < 0.85:
            AnnualFilingFactory(enterprise=firm, year=YEAR, status=FilingStatus.DRAFT, **figures)
        if rng.random() < 0.5:
            approved_filing(enterprise=firm, year=YEAR - 1, revenue=revenue, main_revenue=revenue / 2,
                            digital_human_revenue=revenue / 4)
        if rng.random() < 0.4:
            granted = datetime.date(rng.choice([2021, 2022, 2023, 2024]), 6, 1)
            revoked = rng.choice([None, None, datetime.date(2024, 7, 1)])
            TierDesignationFactory(enterprise=firm, tier=rng.choice(Tier.values), granted_on=granted,
                                   year=granted.year, revoked_on=revoked, revoke_reason="撤销" if revoked else "")
    for _ in range(8):
        LabFactory(host=rng.choice(firms), park=rng.choice(parks + [None]), kind=rng.choice(LabKind.values),
                   status=rng.choice(OperatingStatus.values),
                   established=rng.choice([None, datetime.date(2023, 5, 1), datetime.date(2025, 5, 1)]))
        PlatformFactory(operator=rng.choice(firms), park=rng.choice(parks + [None]),
                        domain=rng.choice(PlatformDomain.values[:3]), status=rng.choice(OperatingStatus.values),
                        launched=rng.choice([None, datetime.date(2024, 2, 1), datetime.date(2025, 2, 1)]))
        BenchmarkProjectFactory(lead=rng.choice(firms), park=rng.choice(parks + [None]),
                                field=rng.choice(ProjectField.values), status=rng.choice(ProjectStatus.values),
                                year=rng.choice([2023, 2024, 2025]))
    # Labs in operation on the report's date (the draws above leave none): the labs figure is compared with a count
    # that is not zero.
    for kind, established in ((LabKind.JOINT_LAB, datetime.date(2024, 3, 1)), (LabKind.INNOVATION_CENTRE, None)):
        LabFactory(host=rng.choice(firms), park=rng.choice(parks + [None]), kind=kind, status=OperatingStatus.ACTIVE,
                   established=established)
    if targets:
        plan_targets()
    return parks


def visible(model, user):
    """The records of a model the user may see (the one scoping entry point), as a list."""
    return list(model.objects.restrict(user, "view"))


def held_on(designation, on):
    return (designation.granted_on <= on <= designation.valid_until
            and not (designation.revoked_on and designation.revoked_on <= on))


def tenancy_holds(tenancy, on):
    return tenancy.start <= on and (tenancy.end is None or tenancy.end > on)


def expected_progress(user, year, on):
    """Each target's actual and record ids, counted here from the visible records."""
    approved = [f for f in visible(AnnualFiling, user) if f.status == FilingStatus.APPROVED and f.year == year]
    scale = [f for f in approved if f.digital_human_revenue > 0]
    in_operation = {
        "labs": [lab for lab in visible(Lab, user) if lab.status == OperatingStatus.ACTIVE
                 and (lab.established is None or lab.established <= on)],
        "platforms": [p for p in visible(Platform, user) if p.status == OperatingStatus.ACTIVE
                      and (p.launched is None or p.launched <= on)],
        "projects": [p for p in visible(BenchmarkProject, user)
                     if p.status in (ProjectStatus.SELECTED, ProjectStatus.ACCEPTED) and p.year <= year],
        "parks": [p for p in visible(Park, user) if p.featured],
    }
    result = {"scale": ((sum(f.digital_human_revenue for f in scale) / 10000).quantize(Q2), {f.pk for f in scale})}
    for code, threshold in (("head", 500000), ("key", 100000)):
        over = {f.pk for f in approved if f.revenue > threshold}
        result[code] = (Decimal(len(over)), over)
    for code, records in in_operation.items():
        result[code] = (Decimal(len(records)), {r.pk for r in records})
    return result


@pytest.fixture
def world(db):
    return report_world()


def closed_year(on: datetime.date) -> int:
    """The latest year whose default filing season (to 31 May of the next year, that day included) closed by `on`."""
    return on.year - 1 if on > datetime.date(on.year, 5, 31) else on.year - 2


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json()


def every_row(client, address: str) -> list[dict]:
    """Every row of a paged answer, following its `next` addresses."""
    rows = []
    while address:
        response = client.get(address)
        assert response.status_code == 200, response.content[:500]
        rows += response.json()["results"]
        address = response.json()["next"]
    return rows


def park_rows(client, **params) -> list[dict]:
    """Every park of the park report (page after page), each with its two lists read from their own endpoints."""
    rows = every_row(client, f"/api/v1/reports/parks/?{urlencode(params)}")
    for row in rows:
        row["ending"] = every_row(client, row["ending_url"])
        row["not_filed"] = every_row(client, row["not_filed_url"])
    return rows


@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_plan_progress_figures_equal_independent_counts(world, role):
    client = token_client(bureau_user()) if role == "bureau" else park_admin_client(world[0])
    body = get_json(client, "/api/v1/reports/plan-progress/", year=YEAR, as_of=ON.isoformat())
    assert (body["year"], body["as_of"], body["count"]) == (YEAR, ON.isoformat(), 7)
    expected = expected_progress(client.user, YEAR, ON)
    for row in body["results"]:
        actual, records = expected[row["code"]]
        assert row["counted"] == len(records), row["code"]
        if row["code"] == "scale" and role != "bureau" and len(records) < 3:
            assert row["actual"] is None and row["share"] is None and row["met"] is None
        else:
            assert Decimal(row["actual"]) == actual, row["code"]
            assert Decimal(row["share"]) == percent(actual, Decimal(row["goal"]))
            goal = Decimal(row["goal"])
            reached = actual > goal if row["comparison"] == "gt" else actual >= goal
            assert row["met"] == (reached and not (row["code"] == "platforms" and row["missing"])), row["code"]
        assert {r["id"] for r in row["records"]} <= records and len(row["records"]) == min(len(records), 50)
        drill = get_json(client, row["records_url"] + "&page_size=1000")
        assert {r["id"] for r in drill["results"]} == records, row["code"]
    platforms = next(row for row in body["results"] if row["code"] == "platforms")
    counted = {item["key"]: item["count"] for item in platforms["breakdown"]}
    platform_ids = expected["platforms"][1]
    for domain in PlatformDomain.values:
        assert counted[domain] == sum(1 for p in Platform.objects.filter(pk__in=platform_ids) if p.domain == domain)
    assert PlatformDomain.DATA_OPENING.label in platforms["missing"]  # the world never has the last two domains
    assert len(platforms["missing"]) == sum(1 for n in counted.values() if n == 0)
    # Only the platforms target requires every category: its missing domains are the ones keeping it unmet.
    assert platforms["missing_required"] == platforms["missing"] and platforms["met"] in (False, None)
    assert all(row["missing_required"] == [] for row in body["results"] if row["code"] != "platforms")


def test_plan_progress_as_of_moves_dated_figures_only(world, bureau_client):
    before = {r["code"]: r["actual"] for r in get_json(bureau_client, "/api/v1/reports/plan-progress/", year=YEAR,
                                                         as_of="2023-01-01")["results"]}
    after = {r["code"]: r["actual"] for r in get_json(bureau_client, "/api/v1/reports/plan-progress/", year=YEAR,
                                                        as_of="2025-12-31")["results"]}
    assert before["scale"] == after["scale"] and before["key"] == after["key"]
    for code in ("labs", "platforms"):
        assert Decimal(before[code]) == expected_progress(bureau_client.user, YEAR, datetime.date(2023, 1, 1))[code][0]
        assert Decimal(after[code]) == expected_progress(bureau_client.user, YEAR, datetime.date(2025, 12, 31))[code][0]


def test_a_new_target_is_data(world, bureau_client):
    PlanTargetFactory(code="over-1e9-2026", plan="下一期计划", metric=TargetMetric.ENTERPRISES_OVER_REVENUE,
                      threshold=50000, goal=3, year=2026)
    body = get_json(bureau_client, "/api/v1/reports/plan-progress/", year=YEAR, plan="下一期计划")
    assert [row["code"] for row in body["results"]] == ["over-1e9-2026"]
    expected = sum(1 for f in AnnualFiling.objects.all() if f.status == FilingStatus.APPROVED and f.year == YEAR
                   and f.revenue > 50000)
    assert body["results"][0]["counted"] == expected


def expected_districts(user, year, on):
    """Per district id: the overview's figures counted here from the visible records."""
    rows = defaultdict(lambda: defaultdict(Decimal))
    for park in visible(Park, user):
        rows[park.district_id]["parks"] += 1
    for firm in visible(Enterprise, user):
        if firm.status == "active":
            rows[firm.district_id]["enterprises"] += 1
    tenants = defaultdict(set)
    for tenancy in visible(Tenancy, user):
        if tenancy_holds(tenancy, on):
            tenants[tenancy.park.district_id].add(tenancy.enterprise_id)
            rows[tenancy.park.district_id]["let_area"] += tenancy.unit.area
    for district, firms in tenants.items():
        rows[district]["tenants"] = len(firms)
    for filing in visible(AnnualFiling, user):
        if filing.status == FilingStatus.APPROVED and filing.year == year:
            rows[filing.district_id]["filed"] += 1
            rows[filing.district_id]["revenue"] += filing.revenue
            rows[filing.district_id]["digital_human_revenue"] += filing.digital_human_revenue
    holders = defaultdict(set)
    for designation in visible(TierDesignation, user):
        if held_on(designation, on):
            holders[(designation.enterprise.district_id, designation.tier)].add(designation.enterprise_id)
    for (district, tier), firms in holders.items():
        rows[district][f"designated_{tier}"] = len(firms)
    progress = expected_progress(user, year, on)
    for key, model, owner in (("labs", Lab, "host"), ("platforms", Platform, "operator"),
                              ("projects", BenchmarkProject, "lead")):
        for record in model.objects.filter(pk__in=progress[key][1]):
            district = record.park.district_id if record.park else getattr(record, owner).district_id
            rows[district][key] += 1
    for unit in visible(Unit, user):
        rows[unit.park.district_id]["leasable_area"] += unit.area
    return rows


@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_district_overview_equals_independent_counts(world, role):
    client = token_client(bureau_user()) if role == "bureau" else park_admin_client(world[1])
    body = get_json(client, "/api/v1/reports/districts/", year=YEAR, on=ON.isoformat())
    expected = expected_districts(client.user, YEAR, ON)
    assert {row["district"] for row in body["results"]} == {d for d, figures in expected.items() if any(
        figures.values())}
    for row in body["results"]:
        figures = expected[row["district"]]
        assert row["district_code"] == District.objects.get(pk=row["district"]).code
        for key in ("parks", "enterprises", "tenants", "filed", "labs", "platforms", "projects",
                    *[f"designated_{tier}" for tier in Tier.values]):
            assert row[key] == figures[key], (key, row)
        for key in ("leasable_area", "let_area"):
            assert Decimal(row[key]) == figures[key], key
        assert (None if row["occupancy"] is None else Decimal(row["occupancy"])) == percent(
            figures["let_area"], figures["leasable_area"])
        hidden = role != "bureau" and figures["filed"] < 3
        for key in ("revenue", "digital_human_revenue"):
            assert (row[key] is None) if hidden else Decimal(row[key]) == figures[key], (key, row)


def expected_parks(user, on, start, end):
    stop = end + datetime.timedelta(days=1)
    rows = {park.pk: defaultdict(Decimal, ending=[], not_filed=set()) for park in visible(Park, user)}
    for unit in visible(Unit, user):
        if unit.park_id in rows:
            rows[unit.park_id]["units"] += 1
            rows[unit.park_id]["leasable_area"] += unit.area
    tenants = defaultdict(set)
    # Whether a tenant filed: only of the tenants seen whole (registered with the park), on the filings one sees.
    seen_whole = {enterprise.pk for enterprise in visible(Enterprise, user)}
    filed = {(f.enterprise_id, f.year) for f in visible(AnnualFiling, user)
             if f.status in (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.APPROVED,
                             FilingStatus.SUPERSEDED)}
    for tenancy in visible(Tenancy, user):
        row = rows[tenancy.park_id]
        overlap = (min(tenancy.end or stop, stop) - max(tenancy.start, start)).days
        row["area_days"] += tenancy.unit.area * max(0, overlap)
        if tenancy_holds(tenancy, on):
            row["let_area"] += tenancy.unit.area
            tenants[tenancy.park_id].add(tenancy.enterprise_id)
            if tenancy.end and (tenancy.end - on).days <= 90:
                row["ending"].append((tenancy.end - on).days)
        # Not filed: renting in the park at any time during the filing year (or registered with it, below).
        year = closed_year(on)
        in_year = tenancy.start <= datetime.date(year, 12, 31) and (tenancy.end is None or tenancy.end > datetime.date(
            year, 1, 1))
        if in_year and tenancy.enterprise_id in seen_whole and (tenancy.enterprise_id, year) not in filed:
            row["not_filed"].add(tenancy.enterprise_id)
    for enterprise in visible(Enterprise, user):
        registered = enterprise.park_id in rows and enterprise.status == "active"
        if registered and (enterprise.pk, closed_year(on)) not in filed:
            rows[enterprise.park_id]["not_filed"].add(enterprise.pk)
    for park, firms in tenants.items():
        rows[park]["tenants"] = len(firms)
    return rows, (stop - start).days


@pytest.mark.parametrize("role", ["bureau", "park_admin"])
@pytest.mark.parametrize("on,start,end", [
    (datetime.date(2024, 6, 30), datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
    (datetime.date(2025, 3, 1), datetime.date(2023, 6, 1), datetime.date(2025, 12, 31)),
])
def test_park_report_equals_independent_counts(world, role, on, start, end):
    client = token_client(bureau_user()) if role == "bureau" else park_admin_client(world[2])
    rows = park_rows(client, as_of=on.isoformat(), start=start.isoformat(), end=end.isoformat(), page_size=1)
    expected, days = expected_parks(client.user, on, start, end)
    assert len(rows) == len(expected) and {row["park_id"] for row in rows} == set(expected)  # one page a park
    for row in rows:
        figures = expected[row["park_id"]]
        assert row["units"] == figures["units"] and row["tenants"] == figures["tenants"]
        for key in ("leasable_area", "let_area", "area_days"):
            assert Decimal(row[key]) == figures[key], key
        assert Decimal(row["leasable_area_days"]) == figures["leasable_area"] * days
        assert (row["occupancy"] and Decimal(row["occupancy"])) == (percent(figures["let_area"], figures[
            "leasable_area"]) if figures["leasable_area"] else None)
        assert (row["period_occupancy"] and Decimal(row["period_occupancy"])) == (percent(
            figures["area_days"], figures["leasable_area"] * days) if figures["leasable_area"] else None)
        for window in (30, 60, 90):
            assert row[f"ending_{window}"] == sum(1 for d in figures["ending"] if d <= window)
        assert sorted(item["days"] for item in row["ending"]) == sorted(figures["ending"])
        assert {item["enterprise"] for item in row["not_filed"]} == figures["not_filed"]
        assert row["not_filed_count"] == len(figures["not_filed"]) and row["not_filed_year"] == closed_year(on)


def test_park_report_rejects_a_period_ending_before_it_starts(bureau_client):
    response = bureau_client.get("/api/v1/reports/parks/", {"start": "2024-05-01", "end": "2024-04-01"},
                                 HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and list(response.json()) == ["end"]
    response = bureau_client.get("/api/v1/reports/districts/", {"year": "1999", "colour": "red"})
    assert response.status_code == 400 and set(response.json()) >= {"year"}
    response = bureau_client.get("/api/v1/reports/districts/", {"colour": "red"})
    assert response.status_code == 400 and list(response.json()) == ["colour"]


def cell_text(value, kind):
    """How a JSON value reads in the CSV (written here, not taken from the renderer)."""
    if value is None or value == "":
        return ""
    if kind == "bool":
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(v.get("label", v.get("name")) if isinstance(v, dict) else v for v in value)
    return str(value)


def same_number(a, b):
    return (a in (None, "") and b in (None, "")) or Decimal(str(a)) == Decimal(str(b))


@pytest.mark.parametrize("view,url,params", [
    (PlanProgressReportView, "/api/v1/reports/plan-progress/", {"year": YEAR}),
    (DistrictOverviewReportView, "/api/v1/reports/districts/", {"year": YEAR}),
    (ParkReportView, "/api/v1/reports/parks/", {"as_of": "2024-10-15"}),
])
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_csv_and_xlsx_read_back_equal_the_json(world, view, url, params, role):
    client = token_client(bureau_user()) if role == "bureau" else park_admin_client(world[0])
    rows = park_rows(client, **params) if view is ParkReportView else get_json(client, url, **params)["results"]
    columns = view.report_columns
    text = client.get(url, {**params, "format": "csv"}).content.decode("utf-8")
    assert text.startswith("\ufeff")
    csv_block, table = split_report(list(csv.reader(io.StringIO(text[1:]))))
    sheet = load_workbook(io.BytesIO(client.get(url, {**params, "format": "xlsx"}).content)).active
    xlsx_block, workbook = split_report([list(r) for r in sheet.iter_rows(values_only=True)])
    assert csv_block["报告年度"] == str(xlsx_block["报告年度"]) and csv_block["规则集"] == xlsx_block["规则集"]
    assert table[0] == workbook[0] == [header for _key, header, _kind in columns]
    assert len(table) == len(workbook) == len(rows) + 1
    for row, csv_row, xlsx_row in zip(rows, table[1:], workbook[1:], strict=True):
        for (key, _header, kind), csv_cell, xlsx_cell in zip(columns, csv_row, xlsx_row, strict=True):
            if kind in ("int", "decimal"):
                assert same_number(row[key], csv_cell) and same_number(row[key], xlsx_cell), key
            else:
                assert csv_cell == cell_text(row[key], kind) == (xlsx_cell or ""), key


def test_tier_summary_hides_money_of_small_cells_outside_the_bureau(world):
    run = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=run.pk)
    bureau, park_admin = token_client(bureau_user()), park_admin_client(world[0])
    params = {"year": YEAR, "level": "park", "page_size": 1000}
    seen = {(r["park"], r["tier"]): r for r in get_json(bureau, "/api/v1/reports/tier-summary/", **params)["results"]}
    rows = get_json(park_admin, "/api/v1/reports/tier-summary/", **params)["results"]
    assert rows and {row["park"] for row in rows} == {world[0].pk}
    hidden = 0
    for row in rows:
        full = seen[(row["park"], row["tier"])]
        assert row["reporting"] == full["reporting"]
        for key in ("revenue", "digital_human_revenue", "rd_expense", "rd_intensity"):
            if row["reporting"] < 3:
                assert row[key] is None and (full[key] is not None or key == "rd_intensity")
            else:
                assert row[key] == full[key]
        hidden += row["reporting"] < 3
    assert hidden  # the world has small cells (each tier of one park)
    filings = [f for f in AnnualFiling.objects.filter(year=YEAR, status=FilingStatus.APPROVED)
               if (f.park_id or f.enterprise.park_id) == world[0].pk]
    every = next(row for row in rows if row["tier"] == "all")
    assert every["reporting"] == len(filings)


def test_reports_open_on_the_reporting_year_whatever_was_approved_last(world, bureau_client):
    closed = closed_year(timezone.localdate())
    assert max(f.year for f in AnnualFiling.objects.filter(status=FilingStatus.APPROVED)) == YEAR < closed
    for url in ("/api/v1/reports/plan-progress/", "/api/v1/reports/districts/"):
        assert get_json(bureau_client, url)["year"] == closed  # the closed year, even before any approval of it
    approved_filing(year=closed + 1)
    assert get_json(bureau_client, "/api/v1/reports/plan-progress/")["year"] == closed
