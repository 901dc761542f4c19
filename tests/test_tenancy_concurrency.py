"""Concurrent requests for one unit over overlapping dates: exactly one wins, the others get a 400 naming it.

PostgreSQL checks an exclusion constraint after inserting the row: two transactions inserting overlapping lettings
at the same instant may each find the other's row and wait for each other, a deadlock it breaks by cancelling one
(an outage's 503, not the overlap's field message). A letting therefore locks its unit's row first, so lettings of
one unit queue (and an import of the unit's park queues with them)."""

import threading

import psycopg
import pytest
from django.urls import reverse

from enterprises.imports import read_table, table_import
from enterprises.models import Tenancy
from parks.models import Unit

from .conftest import token_client
from .factories import EnterpriseFactory, UnitFactory, bureau_user
from .test_import_concurrency import WAIT, conninfo, waiting_for
from .threads import in_threads

ATTEMPTS = 6
ROUNDS = 5  # lettings released together this many times (the deadlock came about one round in ten before)


def letting(client, *, unit, enterprise, start: str) -> dict:
    """A tenancy of `unit` for `enterprise` from `start` to 2027, asked for through the API."""
    body = {"unit": unit.pk, "enterprise": enterprise.pk, "start": start, "end": "2027-01-01"}
    return client.post(reverse("api:tenancy-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def released_together(call, n: int) -> list:
    """`call(i)` in n threads whose writes to the tenancies wait on a lock of the test's own until every one of
    them waits there, then all go at once (the instant a deadlock needs)."""
    with psycopg.connect(conninfo(), autocommit=False) as gate:
        gate.execute(f"LOCK TABLE {Tenancy._meta.db_table} IN SHARE MODE")  # reads pass, inserts wait
        results: list = []
        runner = threading.Thread(target=lambda: results.extend(in_threads(call, n)))
        runner.start()
        waiting_for(gate, n)
        gate.rollback()
    runner.join(WAIT * 2)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_requests_one_wins():
    enterprises = EnterpriseFactory.create_batch(ATTEMPTS)
    clients = [token_client(bureau_user()) for _ in range(ATTEMPTS)]
    for _ in range(ROUNDS):
        unit = UnitFactory()
        responses = released_together(lambda i, unit=unit: letting(
            clients[i], unit=unit, enterprise=enterprises[i], start=f"2025-0{1 + i % 6}-01"), ATTEMPTS)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [400] * (ATTEMPTS - 1), [r.data for r in responses]
        (winner,) = Tenancy.objects.filter(unit=unit)
        for response in responses:
            if response.status_code == 400:
                assert f"(tenancy {winner.pk})" in response.data["start"][0], response.data


@pytest.mark.django_db(transaction=True)
def test_a_letting_waits_for_the_write_holding_its_unit():
    unit = UnitFactory()
    tenant, other = EnterpriseFactory.create_batch(2)
    client = token_client(bureau_user())
    answers = []
    with psycopg.connect(conninfo(), autocommit=False) as holder:
        # Another writer of the unit, under way: it holds the unit's row as a letting does (a lock that a foreign
        # key's check passes), then lets it, not yet committed.
        holder.execute(f"SELECT id FROM {Unit._meta.db_table} WHERE id = %s FOR NO KEY UPDATE", [unit.pk])
        thread = threading.Thread(target=lambda: answers.append(
            letting(client, unit=unit, enterprise=tenant, start="2025-03-01")))
        thread.start()
        waited = waiting_for(holder, 1)
        if waited != 1:  # the letting went ahead
            holder.rollback()
            thread.join(WAIT)
            pytest.fail(f"the letting did not wait for the unit: {waited}, {answers}")
        clash = holder.execute(
            f"INSERT INTO {Tenancy._meta.db_table} (unit_id, park_id, enterprise_id, start, \"end\", contract_number) "
            "VALUES (%s, %s, %s, '2025-01-01', '2026-01-01', '') RETURNING id",
            [unit.pk, unit.park_id, other.pk]).fetchone()[0]
        holder.commit()
    thread.join(WAIT)
    assert answers, "no answer"
    assert answers[0].status_code == 400, answers[0].data
    assert f"(tenancy {clash})" in answers[0].data["start"][0]
    assert list(Tenancy.objects.filter(unit=unit).values_list("pk", flat=True)) == [clash]


@pytest.mark.django_db(transaction=True)
def test_a_letting_waits_for_an_import_of_its_park():
    unit = UnitFactory(building="A", floor=1, room="101")
    tenant = EnterpriseFactory()
    user = bureau_user()
    client = token_client(user)
    content = ("统一社会信用代码,园区,楼栋,楼层,房间号,起租日期\r\n"
               f"{tenant.credit_code},{unit.park.name},A,1,101,2025-01-01\r\n").encode()
    answers = []
    with psycopg.connect(conninfo(), autocommit=False) as holder:
        holder.execute(f"SELECT id FROM {Unit._meta.db_table} WHERE id = %s FOR NO KEY UPDATE", [unit.pk])
        importer = threading.Thread(target=lambda: answers.append(("import", table_import(
            table=read_table(kind="tenancies", content=content, file_name="t.csv"), user=user))))
        importer.start()
        waiting_for(holder, 1)  # the import waits for the unit
        api = threading.Thread(target=lambda: answers.append(("api", letting(
            client, unit=unit, enterprise=tenant, start="2025-06-01"))))
        api.start()
        waited = waiting_for(holder, 2)
        holder.rollback()
    importer.join(WAIT)
    api.join(WAIT)
    assert waited == 2, waited
    done = dict(answers)
    assert done["import"].created == 1 and not done["import"].errors, done["import"]
    assert done["api"].status_code == 400 and "(tenancy " in done["api"].data["start"][0], done["api"].data
