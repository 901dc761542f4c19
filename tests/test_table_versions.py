"""A version per table (config.data_version, config/versioning 0009): a commit stamps each versioned table it wrote
with the data version it moved to, so a report answer or a list count is cached under the version of the tables it
read, and outlives writes to the others while any write to one of its tables still ends it."""

import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config.data_version import Reads, data_version, declared_table, note_read, sources, versioned_tables
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from parks.models import Park
from registry.models import FilingTotal, PlanTarget
from registry.not_filed_models import NotFiledYears

from .conftest import token_client
from .factories import EnterpriseFactory, TenancyFactory, approved_filing, bureau_user
from .test_report_cache import writer_connection
from .test_reports import YEAR, report_world

ENTERPRISES, FILINGS, TENANCIES = (model._meta.db_table for model in (Enterprise, AnnualFiling, Tenancy))
PARKS_REPORT = "/api/v1/reports/parks/"


def versions(*tables: str) -> dict[str, int]:
    """The version of each table, read afresh."""
    return {table: data_version(fresh=True, tables=frozenset({table})) for table in tables}


def queries_of(client, url, params) -> tuple[dict, int]:
    """A report's JSON answer and the queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.json(), len(captured)


@pytest.mark.django_db
def test_a_write_moves_its_tables_version_and_no_other():
    firm = EnterpriseFactory()
    before, version = versions(ENTERPRISES, FILINGS, TENANCIES), data_version(fresh=True)
    Enterprise.objects.filter(pk=firm.pk).update(short_name="新名")
    after = versions(ENTERPRISES, FILINGS, TENANCIES)
    assert after[ENTERPRISES] == data_version(fresh=True) > version  # stamped with the data version it moved to
    assert (after[FILINGS], after[TENANCIES]) == (before[FILINGS], before[TENANCIES])
    both = frozenset({ENTERPRISES, FILINGS})
    assert data_version(fresh=True, tables=both) == after[ENTERPRISES]  # a set's version: its latest table's
    assert data_version(fresh=True, tables=frozenset({ENTERPRISES, "django_session"})) == data_version(fresh=True)


@pytest.mark.django_db(transaction=True)
def test_a_commit_moves_the_data_version_once_and_stamps_every_table_it_wrote():
    EnterpriseFactory()
    version = data_version(fresh=True)
    unwritten = versions(FILINGS)[FILINGS]
    with transaction.atomic():
        firm = EnterpriseFactory()
        TenancyFactory(enterprise=firm)
        Enterprise.objects.filter(pk=firm.pk).update(short_name="又名")
    assert data_version(fresh=True) == version + 1
    assert versions(ENTERPRISES, TENANCIES) == {ENTERPRISES: version + 1, TENANCIES: version + 1}
    assert versions(FILINGS)[FILINGS] == unwritten


@pytest.mark.django_db(transaction=True)
def test_commits_writing_different_tables_at_once_each_get_their_own_version():
    firm = EnterpriseFactory()
    tenancy = TenancyFactory(enterprise=firm)
    start, version = threading.Barrier(2), data_version(fresh=True)

    def write(sql: str, pk: int) -> None:
        with writer_connection() as writer:
            writer.execute(sql, [pk])
            start.wait(timeout=10)
            writer.commit()

    threads = [threading.Thread(target=write, args=(sql, pk)) for sql, pk in (
        ("UPDATE enterprises_enterprise SET short_name = 'a' WHERE id = %s", firm.pk),
        ("UPDATE enterprises_tenancy SET rent = rent WHERE id = %s", tenancy.pk))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    stamped = versions(ENTERPRISES, TENANCIES)
    assert data_version(fresh=True) == version + 2
    assert sorted(stamped.values()) == [version + 1, version + 2]


@pytest.mark.django_db
def test_reads_name_the_versioned_tables_and_the_sources_of_kept_ones():
    history = Enterprise.history.model._meta.db_table
    with Reads() as reads:
        list(FilingTotal.objects.all()[:1])
        list(Enterprise.history.all()[:1])
        list(Park.objects.values("name")[:1])
    assert reads.tables == {FILINGS, ENTERPRISES, Park._meta.db_table}
    assert sources()[history] == {ENTERPRISES}
    with Reads() as reads:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_session")
    assert reads.tables is None  # a table no version covers
    with Reads() as outer, Reads() as inner:
        note_read({TENANCIES})  # a count taken from the cache inside a report: its tables count as read
    assert outer.tables == inner.tables == {TENANCIES}


@pytest.mark.django_db
def test_every_kept_table_is_declared_with_the_tables_whose_triggers_write_it():
    """The tables written by the database's own trigger functions (besides the version's) are exactly the declared
    kept tables, each written from exactly its declared sources: a kept table added without its declaration, or
    fed by one more table, fails here (its answers would outlive writes that change it)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.relname, p.proname, p.prosrc FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal""")
        triggers = cursor.fetchall()
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
        functions = dict(cursor.fetchall())
    kept_tables = {model._meta.db_table for model in apps.get_models()} - versioned_tables()

    def writes(source: str, depth: int = 2) -> set[str]:
        """The tables a function's source writes, directly or through the functions it calls."""
        found = {table for table in kept_tables if any(f"{verb} {table}" in source for verb in (
            "INSERT INTO", "UPDATE", "DELETE FROM"))}
        if depth:
            for name, body in functions.items():
                if name in source and body != source:
                    found |= writes(body, depth - 1)
        return found

    written: dict[str, set[str]] = {}
    for table, _function, source in triggers:
        for kept in writes(source):
            written.setdefault(kept, set()).add(table)
    declared = {declared_table(name): frozenset(declared_table(source) for source in names)
                for config in apps.get_app_configs() for name, names in getattr(config, "kept_models", {}).items()}
    assert {table: frozenset(tables) for table, tables in written.items()} == declared
    assert {FilingTotal._meta.db_table, NotFiledYears._meta.db_table} <= set(declared)
    assert all(sources()[table] == tables for table, tables in declared.items())


@pytest.mark.django_db
def test_a_report_outlives_writes_to_tables_it_does_not_read_and_ends_with_one_it_reads():
    parks = report_world(seed=3, enterprises=12)
    client = token_client(bureau_user())
    params = {"as_of": "2024-10-15"}
    first, computed = queries_of(client, PARKS_REPORT, params)
    version = data_version(fresh=True)
    with connection.cursor() as cursor:  # a statement on a table it does not read (of no rows: it still counts)
        cursor.execute(f"UPDATE {PlanTarget._meta.db_table} SET goal = goal WHERE false")
    assert data_version(fresh=True) > version
    again, cached = queries_of(client, PARKS_REPORT, params)
    assert (again, cached, computed > cached) == (first, 5, True)
    TenancyFactory(unit__park=parks[0])  # a table it reads
    assert queries_of(client, PARKS_REPORT, params)[1] == computed


@pytest.mark.django_db
def test_a_report_read_from_a_kept_table_ends_with_a_write_to_its_source():
    parks = report_world(seed=3, enterprises=12)
    client = token_client(bureau_user())
    firm = EnterpriseFactory(district=parks[0].district)

    def revenue() -> Decimal:
        rows = client.get("/api/v1/reports/districts/", {"year": YEAR}).json()["results"]
        return Decimal(next(row["revenue"] for row in rows if row["district"] == firm.district_id))

    before = revenue()
    assert revenue() == before  # from the cache
    approved_filing(enterprise=firm, year=YEAR, revenue=Decimal(20000))  # read through the kept totals
    assert revenue() == before + 20000


@pytest.mark.django_db
def test_a_count_outlives_writes_to_tables_it_does_not_read():
    firm = EnterpriseFactory()
    TenancyFactory(enterprise=firm)
    client = token_client(bureau_user())

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/tenancies/", {"page_size": 1}).json()
        return body["count"], sum("COUNT(" in query["sql"].upper() for query in captured)

    first, counted = count()
    assert (first, counted) == (Tenancy.objects.count(), 1)
    Enterprise.objects.filter(pk=firm.pk).update(short_name="别名")  # not a table of the tenancies' count
    assert count() == (first, 0)
    TenancyFactory(enterprise=firm)
    assert count() == (first + 1, 1)


def recorded_tables(report: str) -> tuple[str, list[str]]:
    """The cache key and value of the tables recorded beside a report's answers (one report asked once so far), read
    from the tests' local-memory cache, whose keys are Django's made keys (prefix and version first)."""
    raw = next(key for key in list(cache._cache) if key.endswith(":tables") and f":report:{report}:" in key)
    key = raw.split(":", 2)[2]
    return key, cache.get(key)


@pytest.mark.django_db
def test_the_tables_an_answer_is_kept_under_only_grow():
    """Where an earlier computation recorded other tables (its data took another branch), the next one keeps its
    answer under both sets: the readers then find it under the set recorded, and a write to either ends it."""
    parks = report_world(seed=3, enterprises=12)
    client = token_client(bureau_user())
    params = {"as_of": "2024-10-15"}
    first, computed = queries_of(client, PARKS_REPORT, params)
    key, read = recorded_tables("park-report")
    plan_targets = PlanTarget._meta.db_table
    assert plan_targets not in read
    cache.set(key, [*read, plan_targets])  # as if the last computation had read the plan's targets too
    assert queries_of(client, PARKS_REPORT, params) == (first, computed)  # computed under the set recorded
    assert sorted(recorded_tables("park-report")[1]) == sorted({*read, plan_targets})  # kept, not replaced
    assert queries_of(client, PARKS_REPORT, params)[1] == 5  # found under it
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {plan_targets} SET goal = goal WHERE false")
    assert queries_of(client, PARKS_REPORT, params)[1] == computed  # a write to one of them ends it
    TenancyFactory(unit__park=parks[0])
    assert queries_of(client, PARKS_REPORT, params)[1] == computed
