"""Tier summaries: computed by a real Celery worker and checked against an independent count; runs that fail
or meet a dead broker leave the last good snapshot (a killed worker: tests/faults/test_lost_workers.py); the reports in
JSON, CSV and XLSX agree."""

import csv
import datetime
import io
import random
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from config.celery import app
from enterprises.choices import LADDER, DesignationStatus, EnterpriseStatus, Tier
from enterprises.models import Enterprise
from enterprises.selectors import reporting_year
from enterprises.tiers import rule_set_for
from parks.models import Park
from registry.choices import ALL_TIERS, RunStatus
from registry.models import ReportRun, TierSummary
from registry.services import (
    BrokerUnavailable,
    report_run_execute,
    report_run_start,
)

from .conftest import park_admin_client, token_client
from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    TierDesignationFactory,
    UserFactory,
    approved_filing,
)
from .report_tables import split_report
from .worlds import build_world

YEAR = 2024
ON = datetime.date(2024, 12, 31)
REPORT = reverse("api:report-tier-summary")


def tier_world():
    """Two districts, three parks, enterprises with varied 2024 figures, designations in every status.

    The parks come from tests/worlds.py (two in the first district, one in the second); the enterprises are made
    here, every one with the figures and designation its tier case needs, a third of them with no park."""
    rng = random.Random(2024)
    district_a, district_b = DistrictFactory(), DistrictFactory()
    parks = build_world(parks=3, admins=0, park_kwargs=lambda p: {"district": (district_a, district_a,
                                                                              district_b)[p]}).parks
    enterprises = []
    for n in range(18):
        park = parks[n % 3] if n % 6 else None
        district = park.district if park else district_b
        enterprise = EnterpriseFactory(park=park, district=district)
        revenue = Decimal(rng.choice([800, 1500, 4000, 6000, 12000, 30000]))
        approved_filing(
            enterprise=enterprise, year=YEAR, revenue=revenue, revenue_prev=revenue * Decimal("0.9"),
            main_revenue=revenue * Decimal(rng.choice(["0.5", "0.75", "0.95"])),
            main_revenue_prev=revenue * Decimal("0.7"), main_revenue_prev2=revenue * Decimal("0.6"),
            digital_human_revenue=revenue * Decimal("0.3"),
            rd_expense=(revenue * Decimal(rng.choice(["0.005", "0.025", "0.04", "0.08"]))).quantize(Decimal("0.01")),
            rd_expense_prev=revenue * Decimal("0.05"), ip_class1=(ip := rng.choice([0, 1, 3, 5])), ip_class1_applied=ip,
            ip_class1_high_value=rng.choice([0, 1]) if n % 2 else 0, niche_months=rng.choice([1, 3, 6]) * 12,
            debt_ratio=Decimal(rng.choice([30, 60, 80])), strategic_emerging=bool(n % 2), own_brand=True,
            competitive_brand=True,
            market_share=Decimal(rng.choice([5, 12])), information_system=True, management_certification=True,
            rd_institution=rng.choice(["none", "municipal", "national"]), product_field="key_link",
            key_field_product=True, staff=200, rd_staff=rng.choice([20, 120]),
        )
        enterprises.append(enterprise)
    moved = enterprises[1]  # filed in its park, moved since: the 2024 figures stay with the old park
    moved.park = parks[2]
    moved.save()
    EnterpriseFactory(park=parks[0], status=EnterpriseStatus.DEREGISTERED)  # gone, no 2024 filing: not counted
    EnterpriseFactory(park=parks[0])  # active, no filing: counted, not filed
    approved_filing(enterprise=enterprises[3], year=2023)  # another year's filing counts for nothing in 2024
    grant = TierDesignationFactory
    grant(enterprise=enterprises[0], tier=Tier.INNOVATIVE, granted_on=datetime.date(2024, 2, 1))
    grant(enterprise=enterprises[2], tier=Tier.INNOVATIVE, granted_on=datetime.date(2022, 3, 1))  # due on ON
    grant(enterprise=enterprises[4], tier=Tier.INNOVATIVE, granted_on=datetime.date(2021, 3, 1))  # expired
    grant(enterprise=enterprises[5], tier=Tier.SPECIALISED, granted_on=datetime.date(2023, 5, 1),
          revoked_on=datetime.date(2024, 6, 1), revoke_reason="撤销")
    grant(enterprise=enterprises[7], tier=Tier.SPECIALISED, granted_on=datetime.date(2023, 5, 1))
    grant(enterprise=enterprises[8], tier=Tier.LITTLE_GIANT, granted_on=datetime.date(2024, 7, 1))
    grant(enterprise=enterprises[9], tier=Tier.SINGLE_CHAMPION, granted_on=datetime.date(2024, 1, 1))
    grant(enterprise=enterprises[10], tier=Tier.INNOVATIVE, granted_on=datetime.date(2025, 1, 5))  # after ON
    return parks


def expected_summary() -> dict:
    """The summary counted independently: each enterprise in Python, the criteria by the Python rule evaluation."""
    rules = rule_set_for(YEAR)
    rows = defaultdict(lambda: defaultdict(Decimal))
    for enterprise in Enterprise.objects.all():
        filing = enterprise.filings.filter(year=YEAR, status="approved").first()
        if filing is None and enterprise.status != EnterpriseStatus.ACTIVE:
            continue
        park = filing.park_id if filing else enterprise.park_id
        district = filing.district_id if filing else enterprise.district_id
        in_force = [d for d in enterprise.designations.all()
                    if d.granted_on <= ON and d.status_on(ON) in (DesignationStatus.VALID, DesignationStatus.DUE)]
        held = {d.tier for d in in_force}
        due = {d.tier for d in in_force if d.status_on(ON) == DesignationStatus.DUE}
        met = {t for t, result in rules.evaluate(filing.figures()).items() if result.met} if filing else set()
        candidate = {t for t in LADDER if t in met and not held & set(LADDER[LADDER.index(t):])}
        places = [("city", None, None), ("district", district, None)]
        if park:
            places.append(("park", Park.objects.get(pk=park).district_id, park))
        for place in places:
            for tier in (ALL_TIERS, *Tier.values):
                row = rows[(*place, tier)]
                row["enterprises"] += 1
                row["filed"] += filing is not None
                counted = bool(held) if tier == ALL_TIERS else tier in held
                row["designated"] += counted
                row["due_for_review"] += bool(due) if tier == ALL_TIERS else tier in due
                row["candidates"] += bool(candidate) if tier == ALL_TIERS else tier in candidate
                if filing and (tier == ALL_TIERS or counted):
                    for money in ("revenue", "digital_human_revenue", "rd_expense"):
                        row[money] += getattr(filing, money)
    return rows


def as_expected(row: dict) -> tuple:
    """A report row in the shape of `expected_summary`."""
    return (row["level"], row["district"], row["park"], row["tier"])


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_summary_by_a_real_worker_matches_an_independent_count(bureau_client):
    tier_world()
    started = bureau_client.post(reverse("api:reportrun-list"), {"year": YEAR}, format="json")
    assert started.status_code == 202, started.data
    assert started["Location"] == started.data["url"] and started.data["status"] == "pending"
    assert type(started["Location"]) is str  # a WSGI server refuses str subclasses (DRF's Hyperlink)
    run = ReportRun.objects.get(pk=started.data["id"])
    assert run.started_by == bureau_client.user
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert wait_for(lambda: bureau_client.get(started.data["url"]).data["status"] == "succeeded"), \
            bureau_client.get(started.data["url"]).data
    polled = bureau_client.get(started.data["url"]).data
    assert polled["rows"] == TierSummary.objects.filter(run=run).count() > 0 and polled["finished"]

    report = bureau_client.get(REPORT, {"year": YEAR}).data
    assert report["run"]["id"] == run.pk
    expected = expected_summary()
    got = {as_expected(row): row for row in report["results"]}
    assert set(got) == set(expected)
    for key, want in expected.items():
        row = got[key]
        for name in ("enterprises", "filed", "designated", "candidates", "due_for_review"):
            assert row[name] == want[name], (key, name)
        for name in ("revenue", "digital_human_revenue", "rd_expense"):
            assert Decimal(row[name]) == want[name], (key, name)
        intensity = (want["rd_expense"] * 100 / want["revenue"]).quantize(Decimal("0.01")) if want["revenue"] else None
        assert (Decimal(row["rd_intensity"]) if row["rd_intensity"] else None) == intensity, key
    city = got[("city", None, None, ALL_TIERS)]
    assert city["enterprises"] == 19 and city["filed"] == 18  # the deregistered one and 2023-only filing excluded
    assert sum(got[("city", None, None, t)]["candidates"] for t in LADDER) > 0  # the world exercises candidates


@pytest.mark.django_db
def test_reports_in_csv_and_xlsx_hold_the_same_figures(bureau_client):
    parks = tier_world()
    run = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=run.pk)
    json_rows = bureau_client.get(REPORT, {"year": YEAR, "level": "park"}).data["results"]
    assert len(json_rows) == 3 * 5
    response = bureau_client.get(REPORT, {"year": YEAR, "level": "park", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    block, table = split_report(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))))
    run.refresh_from_db()
    assert block["报告年度"] == str(YEAR) and block["规则集"] == run.applied_rule_set
    assert table[0][:3] == ["年度", "层级", "区划代码"] and "营业收入（万元）" in table[0]
    response = bureau_client.get(REPORT, {"year": YEAR, "level": "park", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    _block, cells = split_report([list(row) for row in sheet.iter_rows(values_only=True)])
    assert cells[0] == table[0]
    headers = table[0]
    for json_row, csv_row, xlsx_row in zip(json_rows, table[1:], cells[1:], strict=True):
        assert csv_row[headers.index("园区")] == xlsx_row[headers.index("园区")] == json_row["park_name"]
        for key, header in (("revenue", "营业收入（万元）"), ("rd_expense", "研发费用（万元）")):
            assert Decimal(csv_row[headers.index(header)]) == Decimal(json_row[key])
            assert Decimal(str(xlsx_row[headers.index(header)])) == Decimal(json_row[key])
        assert int(csv_row[headers.index("已认定企业数")]) == xlsx_row[headers.index("已认定企业数")] \
            == json_row["designated"]
    # A park administrator's report holds their park's rows only.
    own = park_admin_client(parks[0]).get(REPORT, {"year": YEAR}).data["results"]
    assert own and {row["park"] for row in own} == {parks[0].pk}


@pytest.mark.django_db
def test_a_failed_run_leaves_the_last_good_snapshot():
    tier_world()
    good = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=good.pk)
    before = list(TierSummary.objects.order_by("pk").values_list("pk", "run_id", "revenue"))
    broken = ReportRun.objects.create(year=YEAR, rule_set="1999")  # an unknown rule set fails inside the job
    with pytest.raises(ValueError):
        report_run_execute(run_id=broken.pk)
    broken.refresh_from_db()
    assert broken.status == RunStatus.FAILED and broken.error and broken.finished
    assert "1999" in broken.error_detail and "1999" not in broken.error  # the traceback is the administrators'
    assert list(TierSummary.objects.order_by("pk").values_list("pk", "run_id", "revenue")) == before


@pytest.mark.django_db(transaction=True)
def test_broker_down_answers_503_and_reads_keep_working(bureau_client):
    tier_world()
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        response = bureau_client.post(reverse("api:reportrun-list"), {"year": YEAR}, format="json",
                                      HTTP_ACCEPT_LANGUAGE="en")
    finally:
        app.conf.broker_write_url = None
    assert response.status_code == 503 and "unavailable" in response.data["detail"]
    assert ReportRun.objects.count() == 1  # the refused run is rolled back with its request
    assert bureau_client.get(REPORT, {"year": YEAR}).status_code == 200
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    try:  # outside a request (celery beat's nightly start) the refused run stays, failed, with the reason
        with pytest.raises(BrokerUnavailable):
            report_run_start(year=YEAR - 1)
    finally:
        app.conf.broker_write_url = None
    failed = ReportRun.objects.get(status=RunStatus.FAILED)
    assert "127.0.0.1:1" in failed.error and failed.year == YEAR - 1


@pytest.mark.django_db(transaction=True)
def test_one_active_run_per_year(bureau_client):
    first = bureau_client.post(reverse("api:reportrun-list"), {"year": YEAR}, format="json")
    second = bureau_client.post(reverse("api:reportrun-list"), {"year": YEAR}, format="json")
    assert first.status_code == 202 and second.status_code == 409
    assert second.data["run"] == first.data["url"]
    assert ReportRun.objects.count() == 1
    ReportRun.objects.all().delete()  # its task, never taken by a worker here, finds nothing to run


@pytest.mark.django_db(transaction=True)  # the start endpoint runs outside the request transaction
def test_only_the_bureau_starts_runs_and_a_future_year_is_refused(bureau_client):
    park_admin = token_client(build_world(parks=1).admin(0))
    assert park_admin.post(reverse("api:reportrun-list"), {"year": YEAR}).status_code == 403
    future = bureau_client.post(reverse("api:reportrun-list"), {"year": timezone.localdate().year + 1},
                                format="json")
    assert future.status_code == 400 and "year" in future.data
    assert not ReportRun.objects.exists()


def test_broker_redelivery_waits_longer_than_the_longest_task():
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.REPORT_RUN_TIME_LIMIT
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
    assert app.tasks["registry.run_report"].time_limit == settings.REPORT_RUN_TIME_LIMIT
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"registry.tier_summaries_nightly", "registry.sweep_jobs"} <= schedule


@pytest.mark.django_db(transaction=True)
def test_nightly_job_starts_the_reporting_year_and_the_one_before_attributed_to_nobody():
    from registry.services import tier_summaries_nightly

    runs = tier_summaries_nightly()
    assert sorted(run.year for run in runs) == [reporting_year() - 1, reporting_year()]
    assert all(run.started_by is None and run.status == RunStatus.PENDING for run in runs)
    assert [r.pk for r in tier_summaries_nightly()] == [r.pk for r in runs]  # already pending: the same runs
    UserFactory()
    ReportRun.objects.all().delete()


@pytest.mark.django_db
def test_candidate_report_filters_by_place_and_tier(bureau_client):
    parks = tier_world()
    url = reverse("api:report-tier-candidates")
    everyone = bureau_client.get(url, {"year": YEAR, "page_size": 1000}).data
    assert everyone["count"] > 0
    rules = rule_set_for(YEAR)
    for row in everyone["results"]:
        filing = Enterprise.objects.get(pk=row["id"]).filings.get(year=YEAR)
        met = {t for t, result in rules.evaluate(filing.figures()).items() if result.met}
        assert set(row["candidate_tiers"]) <= met, row
    in_park = bureau_client.get(url, {"year": YEAR, "park": [parks[0].pk], "page_size": 1000}).data["results"]
    assert {row["park_name"] for row in in_park} <= {parks[0].name}
    in_district = bureau_client.get(url, {"year": YEAR, "district": [parks[2].district_id]}).data
    assert in_district["count"] < everyone["count"]
    specialised = bureau_client.get(url, {"year": YEAR, "tier": "specialised", "page_size": 1000}).data["results"]
    assert all("specialised" in row["candidate_tiers"] for row in specialised)
    table = bureau_client.get(url, {"year": YEAR, "format": "csv"})
    _block, rows = split_report(list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")))))
    assert len(rows) == everyone["count"] + 1
