"""The read replica: every report reads its records through the replica alias (a connection of its own here, a
test mirror of the default database) in one snapshot and answers the right figures; writes, other reads and who may
read stay on default. And report reads racing runs never see half a run."""

import datetime
import itertools
import re
import threading
import warnings
from decimal import Decimal

import pytest
from django.db import connections, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from config.data_version import data_version
from config.db import (
    DEFAULT,
    REPLICA,
    forget_replica_health,
    replica_health,
    report_reads,
    restore_replica_health,
)
from enterprises.choices import Tier
from enterprises.models import AnnualFiling
from registry.choices import ALL_TIERS
from registry.models import PlanTarget, ReportRun
from registry.services import report_run_execute

from .conftest import token_client
from .factories import bureau_user
from .test_reports import ON, YEAR, expected_districts, expected_parks, expected_progress, report_world

REPORT_TABLES = ("enterprises_annualfiling", "enterprises_tenancy", "enterprises_enterprise", "parks_unit",
                 "parks_park", "registry_lab", "registry_platform", "registry_benchmarkproject",
                 "registry_plantarget", "registry_tiersummary", "enterprises_tierdesignation")


def reads_report_table(sql: str) -> bool:
    """Whether the SQL names a report table: as a whole name, so that the membership tables read on default for who
    may read ("parks_parkmembership", "enterprises_enterprisemembership") do not count as "parks_park" or
    "enterprises_enterprise"."""
    return any(re.search(rf"\b{table}\b", sql) for table in REPORT_TABLES)


def read(client, url, **params) -> tuple[dict, list[str], list[str]]:
    """A report's JSON answer, and the SQL it ran on default and on the replica."""
    with CaptureQueriesContext(connections[DEFAULT]) as on_default, \
            CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json(), [q["sql"] for q in on_default], [q["sql"] for q in on_replica]


SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"


def assert_read_on_replica(on_default: list[str], on_replica: list[str]) -> None:
    """The report's records were read on the replica in one read-only snapshot opened first, none of them on
    default; the data version was read on both (default's to look the answer up, the snapshot's to name it)."""
    # Its lag, asked now and then, aside; the snapshot opened first, in a transaction of its own.
    on_replica = [sql for sql in on_replica if "pg_is_in_recovery()" not in sql]
    assert (on_replica[0], on_replica[-1]) == ("BEGIN", "COMMIT"), (on_replica[0], on_replica[-1])
    on_replica = on_replica[1:-1]
    assert any(reads_report_table(sql) for sql in on_replica)
    assert on_replica[0] == SNAPSHOT and on_replica.count(SNAPSHOT) == 1
    # Reads only (a UNION of reads opens with its first part's parenthesis: "(SELECT ...) UNION (SELECT ...)"; the
    # park report's page reads its units and tenancies in a WITH of two SELECTs).
    reads = [sql.lstrip("( \n").upper() for sql in on_replica[1:]]
    assert all(sql.startswith(("SELECT", "WITH")) for sql in reads)
    assert not [sql for sql in reads if sql.startswith("WITH") and any(
        verb in sql for verb in ("INSERT ", "UPDATE ", "DELETE "))]
    assert not [sql for sql in on_default if reads_report_table(sql)]
    assert any("registry_data_version" in sql for sql in on_replica)
    assert any("registry_data_version" in sql for sql in on_default)


@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
def test_reports_read_through_the_replica_and_answer_the_right_figures():
    assert connections[REPLICA] is not connections[DEFAULT]
    assert connections[REPLICA].settings_dict["NAME"] == connections[DEFAULT].settings_dict["NAME"]
    parks = report_world()
    client = token_client(bureau_user())

    body, on_default, on_replica = read(client, "/api/v1/reports/districts/", year=YEAR, on=ON.isoformat())
    assert_read_on_replica(on_default, on_replica)
    # The answer names the version it was read at: the one the replica holds (nothing written since).
    assert body["basis"]["data_version"] == data_version(using=REPLICA) == data_version()
    expected = expected_districts(client.user, YEAR, ON)
    assert body["count"] > 0
    for row in body["results"]:
        assert row["enterprises"] == expected[row["district"]]["enterprises"]
        assert Decimal(row["revenue"]) == expected[row["district"]]["revenue"]

    body, on_default, on_replica = read(client, "/api/v1/reports/plan-progress/", year=YEAR, as_of=ON.isoformat())
    assert_read_on_replica(on_default, on_replica)
    progress = expected_progress(client.user, YEAR, ON)
    assert {row["code"]: Decimal(row["actual"]) for row in body["results"]} == {
        code: actual for code, (actual, _records) in progress.items()}

    target = PlanTarget.objects.get(code="key")
    body, on_default, on_replica = read(client, f"/api/v1/reports/plan-progress/{target.code}/records/",
                                        year=YEAR, as_of=ON.isoformat(), page_size=1000)
    assert_read_on_replica(on_default, on_replica)
    assert {row["id"] for row in body["results"]} == progress["key"][1]

    on, start = datetime.date(2024, 6, 30), datetime.date(2024, 1, 1)
    body, on_default, on_replica = read(client, "/api/v1/reports/parks/", on=on.isoformat(),
                                        start=start.isoformat(), end=on.isoformat())
    assert_read_on_replica(on_default, on_replica)
    figures, _days = expected_parks(client.user, on, start, on)
    assert {row["park_id"]: Decimal(row["let_area"]) for row in body["results"]} == {
        park: row["let_area"] for park, row in figures.items()}

    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    body, on_default, on_replica = read(client, "/api/v1/reports/tier-summary/", year=YEAR, level="city")
    assert_read_on_replica(on_default, on_replica)
    every = next(row for row in body["results"] if row["tier"] == "all")
    assert every["filed"] == AnnualFiling.objects.filter(year=YEAR, status="approved").count()

    body, on_default, on_replica = read(client, "/api/v1/reports/tier-candidates/", year=YEAR, page_size=1000,
                                        park=parks[0].pk)
    assert_read_on_replica(on_default, on_replica)


def test_the_router_sends_reads_to_the_replica_only_while_a_report_is_computed():
    assert router.db_for_read(AnnualFiling) == DEFAULT
    with report_reads():
        assert router.db_for_read(AnnualFiling) == REPLICA
        assert router.db_for_write(AnnualFiling) == DEFAULT
    assert router.db_for_read(AnnualFiling) == DEFAULT
    assert router.allow_migrate(REPLICA, "enterprises") is False
    assert router.allow_migrate(DEFAULT, "enterprises") is True


def test_without_a_replica_reports_read_default():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Django warns that DATABASES is overridden; only the router reads it here
        with override_settings(DATABASES={DEFAULT: connections.settings[DEFAULT]}), report_reads():
            assert router.db_for_read(AnnualFiling) == DEFAULT


# --- one snapshot per report read ------------------------------------------------------------------------------
READERS, READS_PER_READER = 4, 60  # 240 uncached reads, each with a query of its own


def run_repeatedly(stop: threading.Event, runs: list[int], errors: list[BaseException]) -> None:
    """A writer: tier-summary runs of YEAR one after another until told to stop, each replacing the snapshot."""
    try:
        while not stop.is_set():
            run = report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
            runs.append(run.pk)
    except BaseException as error:  # noqa: BLE001 (reported by the test)
        errors.append(error)
    finally:
        connections.close_all()


def read_summaries(client, pages: "itertools.count[int]", answers: list, errors: list[BaseException]) -> None:
    """A reader: the city's tier-summary rows of one tier at a time, each read with a page size no other read used
    (so no answer comes from the cache), noting each answer's status, run, count and rows."""
    tiers = [ALL_TIERS, *Tier.values]
    try:
        for index in range(READS_PER_READER):
            response = client.get("/api/v1/reports/tier-summary/", {
                "year": YEAR, "level": "city", "tier": tiers[index % len(tiers)], "page_size": next(pages)})
            body = response.json()
            answers.append((response.status_code, body.get("run", {}).get("id"), body.get("count"),
                            len(body.get("results", ()))))
    except BaseException as error:  # noqa: BLE001 (reported by the test)
        errors.append(error)
    finally:
        connections.close_all()


@pytest.fixture
def reads_on(request, settings):
    """Where the reports read: the replica (the mirror), or the primary as when the replica lags past any bound."""
    health = replica_health()
    forget_replica_health()
    if request.param == DEFAULT:
        settings.REPLICA_MAX_LAG, settings.REPLICA_CHECK_INTERVAL = -1.0, 0.0
    yield request.param
    restore_replica_health(health=health)


@pytest.mark.parametrize("reads_on", [REPLICA, DEFAULT], indirect=True)
@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
def test_report_reads_racing_runs_never_answer_a_run_without_its_rows(reads_on):
    report_world()
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    clients = [token_client(bureau_user()) for _ in range(READERS)]
    stop, runs, answers, errors, pages = threading.Event(), [], [], [], itertools.count(1)
    writer = threading.Thread(target=run_repeatedly, args=(stop, runs, errors))
    readers = [threading.Thread(target=read_summaries, args=(client, pages, answers, errors)) for client in clients]
    writer.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    stop.set()
    writer.join()
    assert not errors, errors
    assert len(answers) == READERS * READS_PER_READER
    answered_runs = {run for _status, run, _count, _rows in answers}
    assert len(runs) >= 5 and len(answered_runs) >= 3, (len(runs), len(answered_runs))  # the reads did race runs
    # One city row per tier in every snapshot: never a run named with none of its rows, nor a count without rows.
    empty = [answer for answer in answers if answer[0] != 200 or answer[2] != 1 or answer[3] != 1]
    assert not empty, f"{len(empty)} of {len(answers)} answers: {empty[:10]}"
    assert replica_health().usable == (reads_on == REPLICA)
