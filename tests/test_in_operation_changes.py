"""The changes of the labs, platforms and benchmark projects in operation (registry.InOperationChange), kept by
triggers: after every kind of write (an ORM save, a status changed and back with its gap, a bulk insert, a many-row
UPDATE, a COPY, raw SQL, deletes) the counts summed from them equal a count of this test's own SQL and the records'
own rule (`config.as_of`) on every day around the records' dates; the rebuild, the migration's backfill and the
generated city agree; plan progress read from them answers as counted from the records."""

import dataclasses
import datetime
import importlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.choices import LabKind, OperatingStatus, PlatformDomain, ProjectField, ProjectStatus, TargetMetric
from registry.models import InOperationChange, Lab, Platform
from registry.selectors.plan_progress import (
    benchmark_projects_selected,
    kept_in_operation,
    labs_in_operation,
    plan_progress,
    platforms_in_operation,
)

from .factories import BenchmarkProjectFactory, LabFactory, PlanTargetFactory, PlatformFactory, bureau_user
from .migrating import migrated_back_and_forth
from .threads import in_threads
from .worlds import build_world

pytestmark = pytest.mark.django_db
PROGRESS = importlib.import_module("registry.selectors.plan_progress")  # the module (the package names its function)
YEAR = 2024
D = datetime.date
IN_OPERATION = "(%(start)s IS NULL OR %(start)s <= %%(on)s) AND NOT (%%(on)s::date <@ ANY(gaps)) " \
               "AND (status = 'active' OR (status = 'closed' AND closed_on > %%(on)s))"


def independent(*, year: int, on: datetime.date) -> dict:
    """The records in effect on the date per kind and category, counted by SQL of this test's own."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT 'lab', kind, count(*) FROM registry_lab
            WHERE {IN_OPERATION % {"start": "established"}} GROUP BY 2
            UNION ALL SELECT 'platform', domain, count(*) FROM registry_platform
            WHERE {IN_OPERATION % {"start": "launched"}} GROUP BY 2
            UNION ALL SELECT 'benchmark_project', field, count(*) FROM registry_benchmarkproject
            WHERE year <= %(year)s AND status IN ('selected', 'accepted')
              AND (selected_on IS NULL OR selected_on <= %(on)s) GROUP BY 2""", {"year": year, "on": on})
        counted: dict = {}
        for record, category, count in cursor.fetchall():
            counted.setdefault(record, {})[category] = count
        return counted


def by_rule(*, year: int, on: datetime.date) -> dict:
    """The same counts from the records' own dated rule (the selectors counting the records)."""
    counted = {}
    for record, records, category in (("lab", labs_in_operation(on=on), "kind"),
                                      ("platform", platforms_in_operation(on=on), "domain"),
                                      ("benchmark_project", benchmark_projects_selected(year=year, on=on), "field")):
        rows = dict(records.order_by().values_list(category).annotate(n=Count("pk")))
        if rows:
            counted[record] = rows
    return counted


def days_around() -> list[datetime.date]:
    """Every day a record starts, ends or comes back, the day before and after each, and days long before and after."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT established FROM registry_lab UNION SELECT closed_on FROM registry_lab
            UNION SELECT lower(unnest(gaps)) FROM registry_lab UNION SELECT upper(unnest(gaps)) FROM registry_lab
            UNION SELECT launched FROM registry_platform UNION SELECT closed_on FROM registry_platform
            UNION SELECT lower(unnest(gaps)) FROM registry_platform
            UNION SELECT upper(unnest(gaps)) FROM registry_platform
            UNION SELECT selected_on FROM registry_benchmarkproject""")
        days = {row[0] for row in cursor.fetchall() if row[0] is not None}
    one = datetime.timedelta(days=1)
    return sorted({D(1990, 1, 1), D(2100, 1, 1), timezone.localdate()}
                  | {day + shift for day in days for shift in (-one, 0 * one, one)})


def assert_kept_equal_counted(user=None, years=(YEAR - 1, YEAR, YEAR + 1)) -> int:
    """The kept counts equal both countings on every day around the records' dates, for each year; the days checked."""
    user = user or bureau_user()
    days = days_around()
    for year in years:
        for on in days:
            expected = independent(year=year, on=on)
            assert kept_in_operation(user=user, year=year, on=on) == expected, (year, on)
            assert by_rule(year=year, on=on) == expected, (year, on)
    return len(days)


def kept_rows() -> set:
    """The kept changes that are not zero (a key whose records all left keeps a row of zero)."""
    return set(InOperationChange.objects.exclude(change=0).values_list("record", "category", "year", "day", "change"))


def rebuilt_equal_kept() -> bool:
    """Whether recomputing the whole table gives the rows the triggers kept."""
    before = kept_rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_in_operation_rebuild()")
    return kept_rows() == before


def varied_records() -> None:
    """Labs, platforms and projects in every status, with and without dates, some closed, one with a gap."""
    LabFactory(established=None)
    LabFactory(established=D(YEAR, 3, 1), kind=LabKind.INNOVATION_CENTRE)
    LabFactory(established=D(YEAR - 2, 5, 5), status=OperatingStatus.CLOSED, closed_on=D(YEAR, 6, 30))
    LabFactory(established=None, status=OperatingStatus.CLOSED, closed_on=D(YEAR - 1, 1, 1))
    LabFactory(established=D(YEAR, 1, 1), status=OperatingStatus.CLOSED)  # ended on a day unknown: never counted
    LabFactory(established=D(YEAR + 1, 1, 1), status=OperatingStatus.PLANNED)
    LabFactory(established=D(YEAR - 3, 2, 1), gaps=[(D(YEAR - 1, 4, 1), D(YEAR, 2, 1))])
    PlatformFactory(launched=None, domain=PlatformDomain.DATA_OPENING)
    PlatformFactory(launched=D(YEAR, 7, 15), status=OperatingStatus.CLOSED, closed_on=D(YEAR, 7, 16))
    PlatformFactory(launched=D(YEAR - 1, 9, 9), domain=PlatformDomain.INTELLIGENT_COMPUTING)
    for year, status, selected_on, field in ((YEAR, ProjectStatus.SELECTED, D(YEAR, 5, 1), ProjectField.FINANCE),
                                             (YEAR - 1, ProjectStatus.ACCEPTED, None, ProjectField.MEDIA),
                                             (YEAR + 1, ProjectStatus.SELECTED, D(YEAR, 12, 1), ProjectField.MEDIA),
                                             (YEAR, ProjectStatus.APPLIED, None, ProjectField.FINANCE)):
        BenchmarkProjectFactory(year=year, status=status, selected_on=selected_on, field=field)


def test_the_kept_counts_equal_the_records_counted_after_each_kind_of_write():
    varied_records()
    assert assert_kept_equal_counted() > 30 and rebuilt_equal_kept()
    # a status changed by an ORM save, dated today; then back in operation, which keeps the gap
    lab = Lab.objects.get(established=D(YEAR, 3, 1))
    lab.status = OperatingStatus.CLOSED
    lab.closed_on = D(YEAR, 10, 1)
    lab.save()
    lab = Lab.objects.get(pk=lab.pk)
    lab.status = OperatingStatus.ACTIVE
    lab.save()
    assert Lab.objects.get(pk=lab.pk).gaps  # [closed day, today)
    assert_kept_equal_counted()
    # a bulk insert, a many-row UPDATE, raw SQL on dates and gaps, a COPY
    Lab.objects.bulk_create([LabFactory.build(host=lab.host, park=None, established=D(YEAR, month, 1),
                                              kind=LabKind.JOINT_LAB) for month in (2, 4, 6)])
    Platform.objects.filter(launched__isnull=True).update(launched=D(YEAR, 4, 4))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_lab SET gaps = ARRAY[daterange(%s, %s)] WHERE established = %s",
                       [D(YEAR, 4, 1), D(YEAR, 5, 1), D(YEAR, 2, 1)])
        cursor.execute("UPDATE registry_benchmarkproject SET selected_on = selected_on - 40 "
                       "WHERE selected_on IS NOT NULL")
    with connection.connection.cursor() as cursor, cursor.copy(
            "COPY registry_platform (name, domain, operator_id, status, launched, closed_on, gaps, services) "
            "FROM STDIN") as copy:
        for name, domain, status, launched, closed_on in (
                ("复制平台一", PlatformDomain.CLOUD_RENDERING, "active", D(YEAR, 8, 8), None),
                ("复制平台二", PlatformDomain.DATA_OPENING, "closed", None, D(YEAR, 3, 3))):
            copy.write_row((name, domain, lab.host_id, status, launched, closed_on, "{}", ""))
    assert_kept_equal_counted()
    assert rebuilt_equal_kept()
    # deletes: one record, many, and by SQL
    Lab.objects.filter(established=D(YEAR, 4, 1)).delete()
    Platform.objects.filter(status=OperatingStatus.CLOSED).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_benchmarkproject WHERE year = %s", [YEAR - 1])
    assert_kept_equal_counted()
    assert rebuilt_equal_kept()


def test_an_edit_that_moves_no_date_writes_no_change():
    varied_records()
    before = list(InOperationChange.objects.order_by("pk").values_list("pk", "change"))
    Lab.objects.update(name=Concat(F("name"), Value("（改名）")), partner="另一所大学")
    Platform.objects.update(services="说明")
    assert list(InOperationChange.objects.order_by("pk").values_list("pk", "change")) == before


def test_plan_progress_read_from_the_kept_changes_answers_as_counted_from_the_records(monkeypatch):
    """The bureau's progress (kept changes, one query for the three metrics) equals the progress counted from the
    records (the path of anyone who does not see every record) for several years and dates, and after a write."""
    varied_records()
    for metric in (TargetMetric.LABS, TargetMetric.PLATFORMS, TargetMetric.BENCHMARK_PROJECTS):
        PlanTargetFactory(code=f"t-{metric}", metric=metric, goal=2)
    bureau = bureau_user()

    def progress(on, year, *, kept: bool) -> list[dict]:
        if not kept:
            monkeypatch.setattr(PROGRESS, "kept_changes", lambda **kwargs: None)
        rows = [dataclasses.asdict(row) | {"met": row.met, "share": row.share}
                for row in plan_progress(user=bureau, year=year, on=on)]
        monkeypatch.undo()
        return rows

    def compare():
        for year in (YEAR - 1, YEAR, YEAR + 1):
            for on in (D(YEAR - 2, 1, 1), D(YEAR, 3, 1), D(YEAR, 6, 30), D(YEAR, 12, 31), D(YEAR + 2, 1, 1)):
                kept = progress(on, year, kept=True)
                assert kept == progress(on, year, kept=False), (year, on)
        return kept

    def counted(rows) -> dict:  # on the last date compared, for the last year
        return {row["target"].metric: row["counted"] for row in rows}

    expected = {TargetMetric.LABS: 3, TargetMetric.PLATFORMS: 2, TargetMetric.BENCHMARK_PROJECTS: 3}
    assert counted(compare()) == expected
    LabFactory(established=D(YEAR, 3, 1), kind=LabKind.INNOVATION_CENTRE)
    assert counted(compare()) == expected | {TargetMetric.LABS: 4}
    with CaptureQueriesContext(connection) as kept_queries:
        plan_progress(user=bureau, year=YEAR, on=D(YEAR, 12, 31))
    monkeypatch.setattr(PROGRESS, "kept_changes", lambda **kwargs: None)
    with CaptureQueriesContext(connection) as counted_queries:
        plan_progress(user=bureau, year=YEAR, on=D(YEAR, 12, 31))
    # One statement either way (the targets aside): three counts of the records, or one read of the kept changes.
    assert len(kept_queries) == len(counted_queries) == 2
    assert "registry_inoperationchange" in kept_queries[-1]["sql"]
    assert "registry_inoperationchange" not in counted_queries[-1]["sql"]


def test_a_park_administrator_is_counted_from_the_records():
    world = build_world(parks=2, admins=1, enterprises=1)
    for park in range(2):
        LabFactory(host=world.enterprise(park, 0), park=world.parks[park], established=D(YEAR, 1, 1))
    admin = world.park_memberships[0][0].user
    assert kept_in_operation(user=admin, year=YEAR, on=D(YEAR, 6, 1)) is None
    assert kept_in_operation(user=bureau_user(), year=YEAR, on=D(YEAR, 6, 1)) == {"lab": {LabKind.JOINT_LAB: 2}}


@pytest.mark.django_db(transaction=True)
def test_records_written_by_concurrent_transactions_are_all_kept():
    host = LabFactory().host

    def add(index):
        with transaction.atomic():
            LabFactory(host=host, park=None, established=D(YEAR, 1, 1))
            Platform.objects.create(name=f"并发平台{index}", domain=PlatformDomain.DATA_OPENING, operator=host,
                                    launched=D(YEAR, 1, 1))
        return index

    assert in_threads(add, 4) == [0, 1, 2, 3]
    assert kept_in_operation(user=bureau_user(), year=YEAR, on=D(YEAR, 1, 1))["platform"] == {
        PlatformDomain.DATA_OPENING: 4}
    assert_kept_equal_counted()


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_changes_from_the_records_already_there():
    varied_records()
    expected = kept_rows()
    migrated_back_and_forth(("registry", "0023_place_figure_days"))
    assert kept_rows() == expected and len(expected) > 10
    assert_kept_equal_counted()


def test_the_generated_city_rebuilds_the_kept_changes():
    call_command("generate_city", enterprises=300, years=2, seed=11, replace=True, stdout=StringIO())
    assert Lab.objects.exists() and rebuilt_equal_kept()
    user = bureau_user()
    for on in (D(YEAR - 5, 1, 1), D(YEAR, 6, 30), timezone.localdate()):
        for year in (YEAR, YEAR + 2):
            assert kept_in_operation(user=user, year=year, on=on) == independent(year=year, on=on)
