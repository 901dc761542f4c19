"""Re-imports are idempotent under concurrency: two imports of the same update-only file, racing on connections of
their own against real PostgreSQL, change each record once (one history row per change) and their counts add up
(the second finds every row unchanged)."""

import threading
import time

import psycopg
import pytest
from django.db import connection, connections

from enterprises.imports import read_table, table_import
from enterprises.models import Enterprise

from .factories import EnterpriseFactory, bureau_user, credit_code

ROWS = 40
WAIT = 15  # seconds a step may take before the test gives up


def update_file() -> bytes:
    """An update-only enterprise CSV: every enterprise of the test renamed."""
    lines = ["credit_code,name", *(f"{credit_code(n)},并发导入后的名称{n}" for n in range(1, ROWS + 1))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def conninfo() -> str:
    """The test database, for a connection of the test's own outside Django."""
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                                          port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None)


def waiting_backends(holder: psycopg.Connection, holder_pid: int) -> int:
    """Backends of the test database waiting on a lock (the holder's excepted), as of now (the statistics a
    transaction reads are otherwise those of its first read)."""
    holder.execute("SELECT pg_stat_clear_snapshot()")
    return holder.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND wait_event_type = 'Lock' AND pid <> %s", [holder_pid]).fetchone()[0]


def waiting_for(holder: psycopg.Connection, count: int) -> int:
    """How many backends wait on a lock (`waiting_backends`) once `count` of them do, or after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while waiting_backends(holder, holder.info.backend_pid) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return waiting_backends(holder, holder.info.backend_pid)


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_change_each_record_once():
    user = bureau_user()
    enterprises = [EnterpriseFactory(credit_code=credit_code(n), name=f"并发导入前的名称{n}")
                   for n in range(1, ROWS + 1)]
    changes_before = Enterprise.history.filter(history_type="~").count()
    content = update_file()
    reports, failures = [], []

    def run_import():
        try:
            table = read_table(kind="enterprises", content=content, file_name="enterprises.csv")
            reports.append(table_import(table=table, user=user))
        except Exception as error:  # noqa: BLE001 - reported by the test
            failures.append(error)
        finally:
            connections.close_all()

    # A connection of the test's own locks the rows, so both imports are under way (matched, or queued to match)
    # before either may write; then it lets them go.
    with psycopg.connect(conninfo(), autocommit=False) as holder:
        holder.execute(f"SELECT id FROM {Enterprise._meta.db_table} WHERE id = ANY(%s) FOR UPDATE",
                       [[e.pk for e in enterprises]])
        threads = [threading.Thread(target=run_import) for _ in range(2)]
        for thread in threads:
            thread.start()
        both_waiting = waiting_for(holder, 2)
        holder.rollback()
    for thread in threads:
        thread.join(WAIT)
    assert both_waiting == 2 and not failures and len(reports) == 2, (both_waiting, failures)

    assert sorted((r.updated, r.unchanged) for r in reports) == [(0, ROWS), (ROWS, 0)]
    assert all(r.written and not r.errors for r in reports)
    assert Enterprise.history.filter(history_type="~").count() - changes_before == ROWS  # one per change
    assert set(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).values_list("name", flat=True)) == {
        f"并发导入后的名称{n}" for n in range(1, ROWS + 1)}
