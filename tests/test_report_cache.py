"""Report responses are cached under the registry's data version: a repeated request is answered from the cache,
any write to a table the reports read (ORM or raw SQL) moves the version on, and no two users share an entry."""

from decimal import Decimal
from importlib import import_module

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.data_version import data_version, versioned_tables
from enterprises.choices import FilingStatus
from registry.choices import FileFormat, FileJobKind, FileSubject
from registry.models import FileJob, ReportRun
from registry.services import report_run_execute

from .conftest import park_admin_client, token_client
from .factories import AnnualFilingFactory, EnterpriseFactory, UserFactory, approved_filing, bureau_user
from .test_reports import YEAR, report_world

DISTRICTS = "/api/v1/reports/districts/"
REPORTS = [
    ("/api/v1/reports/plan-progress/", {"year": YEAR}),
    ("/api/v1/reports/plan-progress/key/records/", {"year": YEAR}),
    (DISTRICTS, {"year": YEAR}),
    ("/api/v1/reports/parks/", {"as_of": "2024-10-15"}),
    ("/api/v1/reports/tier-candidates/", {"year": YEAR}),
    ("/api/v1/reports/declarations/", {"year": YEAR}),
]


def answer(client, url, params, **headers) -> tuple[bytes, int]:
    """The body of a report's 200 answer and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, **headers)
    assert response.status_code == 200, response.content[:300]
    return response.content, len(queries)


def district_revenue(client, district_id: int) -> Decimal:
    """A district's approved revenue of YEAR in the district overview."""
    rows = client.get(DISTRICTS, {"year": YEAR}).json()["results"]
    return Decimal(next(row["revenue"] for row in rows if row["district"] == district_id))


@pytest.fixture
def world(db):
    return report_world(seed=3, enterprises=12)


@pytest.mark.parametrize("url,params", REPORTS)
@pytest.mark.parametrize("format_", ["json", "csv"])
def test_a_repeated_request_is_answered_from_the_cache(world, url, params, format_):
    client = token_client(bureau_user())
    first, computed = answer(client, url, {**params, "format": format_})
    again, cached = answer(client, url, {**params, "format": format_})
    assert again == first
    # The request's savepoint and its release (ATOMIC_REQUESTS in a test's transaction), the token, the data version
    # and the user's bureau role (read per request, part of the key): nothing of the report.
    assert (cached, computed > cached) == (5, True)


def test_the_same_query_in_another_order_is_the_same_entry(world):
    client = token_client(bureau_user())
    first, _computed = answer(client, f"{DISTRICTS}?year={YEAR}&as_of=2024-12-31", {})
    again, cached = answer(client, f"{DISTRICTS}?as_of=2024-12-31&year={YEAR}", {})
    assert (again, cached) == (first, 5)
    assert answer(client, f"{DISTRICTS}?as_of=2024-06-30&year={YEAR}", {})[1] > 5  # another query: computed


def test_the_tier_summary_is_answered_from_the_cache_until_the_next_run(world):
    client = token_client(bureau_user())
    params = {"year": YEAR, "level": "city"}
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    first, computed = answer(client, "/api/v1/reports/tier-summary/", params)
    again, cached = answer(client, "/api/v1/reports/tier-summary/", params)
    assert (again, cached, computed > cached) == (first, 5, True)
    run = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=run.pk)
    assert client.get("/api/v1/reports/tier-summary/", params).json()["run"]["id"] == run.pk


def test_a_repeated_request_of_a_park_admin_reads_their_memberships_too(world):
    client = park_admin_client(world[0])
    first, _computed = answer(client, DISTRICTS, {"year": YEAR})
    again, cached = answer(client, DISTRICTS, {"year": YEAR})
    # As the bureau's: the bureau role and every membership (district, park, enterprise) are read in the same one
    # query (access.scoping._held, a UNION), which the key holds as the scope.
    assert (again, cached) == (first, 5)


def test_every_write_to_a_report_table_moves_the_version_on(world):
    versions = [data_version()]
    filing = AnnualFilingFactory(year=YEAR, status=FilingStatus.DRAFT, revenue=Decimal(20000))
    versions.append(data_version())
    filing.revenue += 1
    filing.save()
    versions.append(data_version())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_annualfiling SET revenue = revenue + 1 WHERE id = %s", [filing.pk])
        versions.append(data_version())
        cursor.execute("UPDATE parks_district SET name = name WHERE false")  # a statement, even of no rows
        versions.append(data_version())
        cursor.execute("TRUNCATE registry_tiersummary")
        versions.append(data_version())
    assert versions == sorted(set(versions))  # each one moved it on


def test_writes_the_reports_never_read_leave_the_version(world):
    before = data_version()
    user = UserFactory()
    token_client(user)
    FileJob.objects.create(kind=FileJobKind.EXPORT, subject=FileSubject.ENTERPRISES, file_format=FileFormat.CSV,
                           started_by=user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_historicalenterprise SET name = name")
        cursor.execute("DELETE FROM django_session")
    assert data_version() == before
    user.groups.add(bureau_user().groups.get())  # the bureau role is read by every report
    assert data_version() > before


def test_the_triggers_are_on_exactly_the_report_tables(db):
    tables = import_module("registry.migrations.0006_data_version").TABLES
    # Seasons: enterprises 0011; district staff memberships: versioning 0002 (as every membership table in 0006);
    # declaration rounds, declarations and their steps: versioning 0003 (the declaration pipeline reads them);
    # the plan's tasks, support policies and awards: versioning 0004; the enterprise's registers: versioning 0005;
    # the park services: versioning 0006; compliance filings: versioning 0007; industry activities: versioning 0008.
    declarations = {"enterprises_declarationround", "enterprises_declaration", "enterprises_declarationstep"}
    later = {*import_module("config.versioning.migrations.0004_plan_tasks_and_support_funds").TABLES,
             *import_module("config.versioning.migrations.0005_enterprise_registers").TABLES,
             *import_module("config.versioning.migrations.0006_park_services").TABLES,
             import_module("config.versioning.migrations.0007_compliance_filings").TABLE,
             import_module("config.versioning.migrations.0008_industry_activities").TABLE}
    assert versioned_tables() == {*tables, *later, "enterprises_filingseason", "parks_districtmembership",
                                  *declarations}


def test_a_write_through_the_orm_or_raw_sql_shows_in_the_next_answer(world):
    client = token_client(bureau_user())
    firm = EnterpriseFactory(district=world[0].district)
    before = district_revenue(client, firm.district_id)
    assert district_revenue(client, firm.district_id) == before  # from the cache
    filing = approved_filing(enterprise=firm, year=YEAR, revenue=Decimal(20000))
    assert district_revenue(client, firm.district_id) == before + 20000
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_annualfiling SET status = 'superseded' WHERE id = %s", [filing.pk])
    assert district_revenue(client, firm.district_id) == before


def test_a_write_through_the_api_shows_in_the_next_answer(world):
    client = token_client(bureau_user())
    firm = EnterpriseFactory(district=world[1].district)
    filing = AnnualFilingFactory(enterprise=firm, year=YEAR, status=FilingStatus.SUBMITTED, district=firm.district,
                                 submitted_at=timezone.now(), revenue=Decimal(30000))
    before = district_revenue(client, firm.district_id)
    assert district_revenue(client, firm.district_id) == before  # from the cache
    response = client.post(f"/api/v1/filings/{filing.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert district_revenue(client, firm.district_id) == before + 30000


def test_users_never_share_an_entry(world):
    bureau, other_bureau, park_admin = token_client(bureau_user()), token_client(bureau_user()), park_admin_client(
        world[0])
    seen, _computed = answer(bureau, DISTRICTS, {"year": YEAR})
    for client in (park_admin, other_bureau):
        body, computed = answer(client, DISTRICTS, {"year": YEAR})
        assert computed > 5  # computed for this user (an answer from the cache takes 5), not the bureau's entry
    assert answer(park_admin, DISTRICTS, {"year": YEAR})[0] != seen


def test_each_language_has_its_entry(world):
    client = token_client(bureau_user())
    chinese, _computed = answer(client, "/api/v1/reports/plan-progress/", {"year": YEAR},
                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    english, computed = answer(client, "/api/v1/reports/plan-progress/", {"year": YEAR}, HTTP_ACCEPT_LANGUAGE="en")
    assert computed > 5 and english != chinese


def test_the_cache_is_off_with_report_cache_false(world, settings):
    settings.REPORT_CACHE = False
    client = token_client(bureau_user())
    first, computed = answer(client, DISTRICTS, {"year": YEAR})
    again, recomputed = answer(client, DISTRICTS, {"year": YEAR})
    assert again == first and recomputed == computed  # computed twice, and no version read


@pytest.mark.parametrize("format_", ["json", "csv", "xlsx"])
def test_a_cached_answer_keeps_its_content_headers(world, format_):
    client = token_client(bureau_user())
    first, again = (client.get(DISTRICTS, {"year": YEAR, "format": format_}) for _ in range(2))
    assert again.content == first.content
    for name in ("Content-Type", "Content-Disposition", "Content-Language"):
        assert again.get(name) == first.get(name), name
    assert (first.get("Content-Disposition") is None) == (format_ == "json")


def writer_connection() -> psycopg.Connection:
    """A connection of its own to the test database: a writer in another process, as far as the app can tell."""
    database = connection.settings_dict
    return psycopg.connect(host=database["HOST"], port=database["PORT"], user=database["USER"],
                           dbname=database["NAME"], password=database["PASSWORD"] or None)


@pytest.mark.django_db(transaction=True)
def test_an_answer_computed_while_a_write_commits_is_never_kept_under_its_version():
    """The version moves when the write commits, not when its statement runs: a report read while another
    transaction has written but not committed is cached under the old version, and the next read after the
    commit computes the answer again, with the write."""
    parks = report_world(seed=3, enterprises=12)
    client = token_client(bureau_user())
    firm = EnterpriseFactory(district=parks[0].district)

    def active_in_district() -> int:
        rows = client.get(DISTRICTS, {"year": YEAR}).json()["results"]
        return next(row["enterprises"] for row in rows if row["district"] == firm.district_id)

    before = active_in_district()
    with writer_connection() as writer:
        writer.execute("UPDATE enterprises_enterprise SET status = 'moved_out' WHERE id = %s", [firm.pk])
        writer.execute("UPDATE enterprises_enterprise SET status = 'deregistered' WHERE id = %s", [firm.pk])
        version = data_version()
        assert active_in_district() == before  # computed (or cached) without the write, which is not committed
        writer.commit()
    assert data_version() == version + 1  # once for the transaction, at its commit
    assert active_in_district() == before - 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_leaves_the_version():
    EnterpriseFactory()
    version = data_version()
    with writer_connection() as writer:
        writer.execute("UPDATE enterprises_enterprise SET short_name = 'x'")
        writer.rollback()
    assert data_version() == version
    EnterpriseFactory()  # committed (autocommit): moved on
    assert data_version() > version
