"""Reports of a past date depend only on what was true then: a status changed today (a lab or platform closed or
opened, a project selected, an enterprise deregistered or moved out, a park recognised as featured) leaves last
year's plan progress, district overview and tier summary exactly as they were. The re-review start is the same
day in Python and in the database, month ends included. A summary run that fails after deleting the old snapshot
leaves the last good one."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import EnterpriseStatus, Tier
from enterprises.models import TierDesignation
from enterprises.models.designation import due_from
from enterprises.tiers import rule_set_for
from registry.choices import (
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectStatus,
    RunStatus,
    TargetMetric,
    TargetUnit,
)
from registry.models import ReportRun, TierSummary
from registry.selectors import tier_summary_compute
from registry.services import report_run_execute

from ..conftest import token_client
from ..factories import (
    BenchmarkProjectFactory,
    EnterpriseFactory,
    LabFactory,
    PlanTargetFactory,
    PlatformFactory,
    TierDesignationFactory,
    approved_filing,
    bureau_user,
)
from ..report_tables import figures
from ..worlds import build_world

YEAR = 2024
ON = datetime.date(2024, 12, 31)
PROGRESS = reverse("api:report-plan-progress")
DISTRICTS = reverse("api:report-districts")


def dated_world():
    """Two districts, a park in each (one featured), enterprises that filed for the year, and labs, platforms
    and projects in operation, planned, selected and applied; one target per counted metric. The districts, parks
    and enterprises come from tests/worlds.py; the dated records on top are what the cases turn on."""
    base = build_world(parks=2, admins=0, districts=2, enterprises=3, local=True,
                       park_kwargs=lambda p: {"featured": p == 0})
    parks = base.parks
    firms = [base.enterprise(i % 2, i // 2) for i in range(6)]  # the parks' enterprises in turn
    for index, firm in enumerate(firms):
        approved_filing(enterprise=firm, year=YEAR, revenue=Decimal(120000 + index),
                        digital_human_revenue=Decimal(50000), main_revenue=Decimal(100000))
    TierDesignationFactory(enterprise=firms[0], tier=Tier.INNOVATIVE, granted_on=datetime.date(2023, 3, 1),
                           year=2023)
    world = {"parks": parks, "firms": firms}
    world["lab"] = LabFactory(host=firms[0], park=parks[0], status=OperatingStatus.ACTIVE,
                              established=datetime.date(2023, 5, 1), kind=LabKind.JOINT_LAB)
    world["planned_lab"] = LabFactory(host=firms[1], park=parks[1], status=OperatingStatus.PLANNED)
    LabFactory(host=firms[2], park=parks[1], status=OperatingStatus.ACTIVE, established=datetime.date(2022, 1, 1))
    world["platform"] = PlatformFactory(operator=firms[1], park=parks[1], status=OperatingStatus.ACTIVE,
                                        launched=datetime.date(2024, 2, 1), domain=PlatformDomain.DATA_OPENING)
    world["planned_platform"] = PlatformFactory(operator=firms[2], park=parks[0], status=OperatingStatus.PLANNED)
    world["project"] = BenchmarkProjectFactory(lead=firms[3], park=parks[0], status=ProjectStatus.APPLIED,
                                               year=YEAR)
    world["selected"] = BenchmarkProjectFactory(lead=firms[4], park=parks[1], status=ProjectStatus.SELECTED,
                                                year=YEAR)
    for metric in (TargetMetric.LABS, TargetMetric.PLATFORMS, TargetMetric.BENCHMARK_PROJECTS,
                   TargetMetric.FEATURED_PARKS):
        PlanTargetFactory(code=metric.replace("_", "-"), metric=metric, goal=Decimal(2), unit=TargetUnit.COUNT)
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, goal=Decimal(1), unit=TargetUnit.YUAN_100M)
    return world


def reports(client) -> dict:
    """Last year's answers as a dict: plan progress and district overview (JSON) and the tier summary's rows."""
    answers = {}
    for name, url, date in (("progress", PROGRESS, "as_of"), ("districts", DISTRICTS, "as_of")):
        response = client.get(url, {"year": YEAR, date: ON.isoformat()})
        assert response.status_code == 200, response.content[:300]
        answers[name] = figures(response.json())
    rows = tier_summary_compute(year=YEAR, rule_set=rule_set_for(YEAR), on=ON)
    answers["summary"] = sorted((row.level, row.district_id or 0, row.park_id or 0, row.tier, row.enterprises,
                                 row.filed, row.designated, row.revenue) for row in rows)
    return answers


def patch(client, name: str, pk: int, **changes):
    """Change a record today through the API, as the bureau records it."""
    response = client.patch(reverse(f"api:{name}-detail", args=[pk]), changes, format="json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


CHANGES = {
    "lab closes": lambda w: [("lab", w["lab"].pk, {"status": OperatingStatus.CLOSED})],
    "planned lab opens": lambda w: [("lab", w["planned_lab"].pk, {"status": OperatingStatus.ACTIVE})],
    "platform closes": lambda w: [("platform", w["platform"].pk, {"status": OperatingStatus.CLOSED})],
    "planned platform opens": lambda w: [("platform", w["planned_platform"].pk, {"status": OperatingStatus.ACTIVE})],
    "project selected": lambda w: [("benchmarkproject", w["project"].pk, {"status": ProjectStatus.SELECTED})],
    "project accepted": lambda w: [("benchmarkproject", w["project"].pk, {"status": ProjectStatus.ACCEPTED})],
    "enterprise deregistered": lambda w: [("enterprise", w["firms"][5].pk, {"status": EnterpriseStatus.DEREGISTERED})],
    "enterprise moves out": lambda w: [("enterprise", w["firms"][4].pk, {"status": EnterpriseStatus.MOVED_OUT})],
    "park featured": lambda w: [("park", w["parks"][1].pk, {"featured": True})],
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_status_changed_today_leaves_last_years_reports_unchanged(db, change):
    world = dated_world()
    client = token_client(bureau_user())
    before = reports(client)
    assert before["progress"]["results"] and before["districts"]["results"]
    for name, pk, values in CHANGES[change](world):
        patch(client, name, pk, **values)
    assert reports(client) == before


def test_a_status_changed_today_counts_from_today(db):
    """The change is not lost: it is dated today, and a report as of today counts it."""
    world = dated_world()
    client = token_client(bureau_user())
    today = timezone.localdate()

    def counted(on):
        rows = client.get(PROGRESS, {"year": YEAR, "as_of": on.isoformat()}).json()["results"]
        return {row["metric"]: row["counted"] for row in rows}

    before = counted(today)
    assert patch(client, "lab", world["lab"].pk, status=OperatingStatus.CLOSED)["closed_on"] == today.isoformat()
    project = patch(client, "benchmarkproject", world["project"].pk, status=ProjectStatus.SELECTED)
    assert project["selected_on"] == today.isoformat()
    firm = patch(client, "enterprise", world["firms"][5].pk, status=EnterpriseStatus.DEREGISTERED)
    assert firm["left_on"] == today.isoformat()
    assert patch(client, "park", world["parks"][1].pk, featured=True)["featured_on"] == today.isoformat()
    after = counted(today)
    assert after[TargetMetric.LABS] == before[TargetMetric.LABS] - 1
    assert after[TargetMetric.BENCHMARK_PROJECTS] == before[TargetMetric.BENCHMARK_PROJECTS] + 1
    assert after[TargetMetric.FEATURED_PARKS] == before[TargetMetric.FEATURED_PARKS] + 1 == 2


# --- the re-review start at month ends ----------------------------------------------------------------------------
# A designation valid until V expires the day after (V + 1); re-review opens six months before that day, counted as
# calendar months (a day the month lacks is its last day): the window is [V + 1 - 6 months, V].
MONTH_ENDS = [
    (datetime.date(2024, 2, 29), datetime.date(2023, 9, 1)),
    (datetime.date(2025, 2, 28), datetime.date(2024, 9, 1)),
    (datetime.date(2024, 8, 30), datetime.date(2024, 2, 29)),  # expires 08-31: six months before is 02-29
    (datetime.date(2025, 8, 30), datetime.date(2025, 2, 28)),  # expires 2025-08-31: 02-28
    (datetime.date(2024, 8, 31), datetime.date(2024, 3, 1)),
    (datetime.date(2024, 12, 31), datetime.date(2024, 7, 1)),
    (datetime.date(2024, 4, 30), datetime.date(2023, 11, 1)),
    (datetime.date(2024, 6, 15), datetime.date(2023, 12, 16)),
]


@pytest.mark.parametrize(("valid_until", "expected"), MONTH_ENDS)
def test_re_review_starts_six_months_before_expiry(db, valid_until, expected):
    designation = TierDesignationFactory(granted_on=valid_until - datetime.timedelta(days=900),
                                         valid_until=valid_until)
    designation.refresh_from_db()
    assert due_from(valid_until) == expected
    assert designation.due_from == expected
    assert designation.status_on(expected - datetime.timedelta(days=1)) == "valid"
    assert designation.status_on(expected) == "due"


def test_re_review_start_python_and_database_agree_every_day(db):
    """Every last day of validity over three years (leap year and every month end included)."""
    days = [datetime.date(2023, 1, 1) + datetime.timedelta(days=n) for n in range(3 * 366)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT d::date, (((d::date + 1) - interval '6 months')::date) FROM unnest(%s::date[]) AS d",
                       [days])
        database = dict(cursor.fetchall())
    firm = EnterpriseFactory()
    TierDesignation.objects.bulk_create([
        TierDesignation(enterprise=firm, tier=Tier.INNOVATIVE, year=2020, granted_on=datetime.date(2020, 1, 1) +
                        datetime.timedelta(days=n), valid_until=day) for n, day in enumerate(days)])
    stored = dict(TierDesignation.objects.filter(enterprise=firm).values_list("valid_until", "due_from"))
    assert {day: due_from(day) for day in days} == stored == database


# --- a summary run failing after the delete -----------------------------------------------------------------------
REFUSE_INSERTS = """
CREATE FUNCTION test_refuse_summary_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'summary rows refused (test)'; END $$;
CREATE TRIGGER test_refuse_summary_rows BEFORE INSERT ON registry_tiersummary
FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_summary_rows();
"""
ALLOW_INSERTS = """
DROP TRIGGER IF EXISTS test_refuse_summary_rows ON registry_tiersummary;
DROP FUNCTION IF EXISTS test_refuse_summary_rows();
"""


@pytest.mark.django_db(transaction=True)
def test_a_run_failing_after_the_delete_leaves_the_last_good_snapshot():
    """The database refuses the new rows (a trigger), after the job deleted the year's old ones: the failed run
    leaves the last good snapshot whole, committed work and all."""
    dated_world()
    good = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=good.pk)
    before = list(TierSummary.objects.order_by("pk").values_list("pk", "run_id", "revenue", "enterprises"))
    assert before and any(row[3] for row in before)
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_INSERTS)
    try:
        broken = ReportRun.objects.create(year=YEAR)
        with pytest.raises(Exception, match="summary rows refused"):
            report_run_execute(run_id=broken.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(ALLOW_INSERTS)
    broken.refresh_from_db()
    assert broken.status == RunStatus.FAILED and "summary rows refused" in broken.error_detail  # the traceback
    assert list(TierSummary.objects.order_by("pk").values_list("pk", "run_id", "revenue", "enterprises")) == before


# --- the dates as input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "message"), [("en", "Only a record whose status is Closed has this date."),
                                                    ("zh-hans", "只有状态为已关停的记录才有该日期。")])
def test_a_closing_date_on_an_active_lab_is_refused_on_its_field(db, language, message):
    lab = LabFactory(status=OperatingStatus.ACTIVE, established=datetime.date(2023, 5, 1))
    client = token_client(bureau_user())
    response = client.patch(reverse("api:lab-detail", args=[lab.pk]), {"closed_on": "2025-01-01"}, format="json",
                            HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and response.json() == {"closed_on": [message]}
    response = client.patch(reverse("api:lab-detail", args=[lab.pk]),
                            {"status": OperatingStatus.CLOSED, "closed_on": "2023-01-01"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["closed_on"]


def test_a_closing_date_given_is_kept_and_a_reopening_clears_it(db):
    lab = LabFactory(status=OperatingStatus.ACTIVE, established=datetime.date(2023, 5, 1))
    client = token_client(bureau_user())
    url = reverse("api:lab-detail", args=[lab.pk])
    closed = client.patch(url, {"status": OperatingStatus.CLOSED, "closed_on": "2025-03-01"}, format="json").json()
    assert closed["closed_on"] == "2025-03-01"
    assert client.patch(url, {"status": OperatingStatus.ACTIVE}, format="json").json()["closed_on"] is None


def test_the_migration_dates_a_recorded_change_from_the_history(db):
    """`dates_from_history` (the migrations' step): a lab closed by a recorded change gets that day; one created
    closed keeps no date (unknown, never counted)."""
    from config.as_of import dates_from_history
    changed = LabFactory(status=OperatingStatus.ACTIVE)
    changed.status = OperatingStatus.CLOSED
    changed.save()
    born_closed = LabFactory(status=OperatingStatus.CLOSED)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_lab SET closed_on = NULL")  # as before the migration
        cursor.execute("UPDATE registry_historicallab SET history_date = '2025-03-01 23:30+08' "
                       "WHERE id = %s AND history_type = '~'", [changed.pk])
        filled = dates_from_history(cursor, table="registry_lab", history="registry_historicallab",
                                    status="status", column="closed_on", statuses=(OperatingStatus.CLOSED,))
    assert filled == 1
    changed.refresh_from_db()
    born_closed.refresh_from_db()
    assert changed.closed_on == datetime.date(2025, 3, 1) and born_closed.closed_on is None
