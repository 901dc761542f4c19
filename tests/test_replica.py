"""The read replica: every report reads its records through the replica alias (a connection of its own here, a
test mirror of the default database) and answers the right figures; writes and other reads stay on default."""

import datetime
import warnings
from decimal import Decimal

import pytest
from django.db import connections, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from config.db import DEFAULT, REPLICA, report_reads
from enterprises.models import AnnualFiling
from registry.models import PlanTarget, ReportRun
from registry.services import report_run_execute

from .conftest import token_client
from .factories import bureau_user
from .test_reports import ON, YEAR, build_world, expected_districts, expected_parks, expected_progress

REPORT_TABLES = ("enterprises_annualfiling", "enterprises_tenancy", "enterprises_enterprise", "parks_unit",
                 "parks_park", "registry_lab", "registry_platform", "registry_benchmarkproject",
                 "registry_plantarget", "registry_tiersummary", "enterprises_tierdesignation")


def read(client, url, **params) -> tuple[dict, list[str], list[str]]:
    """A report's JSON answer, and the SQL it ran on default and on the replica."""
    with CaptureQueriesContext(connections[DEFAULT]) as on_default, \
            CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    return response.json(), [q["sql"] for q in on_default], [q["sql"] for q in on_replica]


def assert_read_on_replica(on_default: list[str], on_replica: list[str]) -> None:
    """The report's records were read on the replica, none of them on default."""
    assert any(table in sql for sql in on_replica for table in REPORT_TABLES)
    # Reads only (a UNION of reads opens with its first part's parenthesis: "(SELECT ...) UNION (SELECT ...)").
    assert all(sql.lstrip("( \n").upper().startswith("SELECT") for sql in on_replica)
    assert not [sql for sql in on_default if any(table in sql for table in REPORT_TABLES)]


@pytest.mark.django_db(transaction=True, databases=[DEFAULT, REPLICA])
def test_reports_read_through_the_replica_and_answer_the_right_figures():
    assert connections[REPLICA] is not connections[DEFAULT]
    assert connections[REPLICA].settings_dict["NAME"] == connections[DEFAULT].settings_dict["NAME"]
    parks = build_world()
    client = token_client(bureau_user())

    body, on_default, on_replica = read(client, "/api/v1/reports/districts/", year=YEAR, on=ON.isoformat())
    assert_read_on_replica(on_default, on_replica)
    # The data version the answer is cached under is the replica's own, read where the figures are.
    assert any("registry_data_version" in sql for sql in on_replica)
    assert not any("registry_data_version" in sql for sql in on_default)
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
