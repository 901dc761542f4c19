"""The years each enterprise of a park has not filed (registry.NotFiledYears), kept by triggers: after every kind of
write (the services, an ORM save as the admin makes, a many-row UPDATE, a bulk insert, a COPY, raw SQL) they equal
a computation of this test's own from the enterprises, tenancies and filings, and the rebuild; the bureau's park
report counts read from them equal the UNION a park administrator's are counted by, and show a write at once."""

import datetime
import threading
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.choices import FILED_STATUSES, EnterpriseStatus, FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from enterprises.services import filing_approve, filing_delete, filing_submit, tenancy_save
from registry.models import NotFiledYears
from registry.selectors.parks import _not_filed, not_filed_counts

from .conftest import token_client
from .factories import AnnualFilingFactory, EnterpriseFactory, TenancyFactory, UnitFactory, bureau_user
from .migrating import migrated_back_and_forth
from .worlds import build_world

pytestmark = pytest.mark.django_db
YEAR = 2024
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)


def independent() -> dict:
    """(enterprise, park) -> the years (FIRST_YEAR..LAST_YEAR) it counts as not filed in that park, computed here:
    registered with the park and active (every year) or renting in it (a tenancy from its start's year to the year
    of its last day), less the years of its filings submitted, returned or approved."""
    filed = set(AnnualFiling.objects.filter(status__in=FILED_STATUSES).values_list("enterprise", "year"))
    owed = defaultdict(set)
    for pk, park, status in Enterprise.objects.values_list("pk", "park", "status"):
        if park is not None and status == EnterpriseStatus.ACTIVE:
            owed[pk, park] |= set(YEARS)
    for enterprise, park, start, end in Tenancy.objects.values_list("enterprise", "park", "start", "end"):
        last = (end - datetime.timedelta(days=1)).year if end else LAST_YEAR
        owed[enterprise, park] |= set(range(start.year, last + 1))
    rows = {key: {year for year in years if (key[0], year) not in filed} for key, years in owed.items()}
    return {key: years for key, years in rows.items() if years}


def kept() -> dict:
    """The kept rows: (enterprise, park) -> the years of FIRST_YEAR..LAST_YEAR their ranges hold."""
    rows = {}
    for enterprise, park, ranges in NotFiledYears.objects.values_list("enterprise", "park", "years"):
        rows[enterprise, park] = {year for year in YEARS if any(year in part for part in ranges)}
    return rows


def rebuilt() -> dict:
    """The kept rows after the rebuild recomputed the whole table (what the migration and the generator run)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_not_filed_rebuild()")
    return kept()


def assert_kept(world) -> None:
    """The kept rows equal this test's computation and the rebuild; the bureau's counts per park equal the UNION
    counted here, for the year and the years around it."""
    expected = independent()
    assert kept() == expected
    parks = [park.pk for park in world.parks]
    bureau = bureau_user()
    for year in (YEAR - 1, YEAR, YEAR + 1):
        union = defaultdict(int)
        for park, _enterprise in _not_filed(user=bureau, parks=parks, year=year, names=False):
            union[park] += 1
        assert not_filed_counts(user=bureau, parks=parks, year=year) == dict(union)
    assert rebuilt() == expected


def submitted(enterprise, year=YEAR) -> AnnualFiling:
    """A filing of the year submitted by the enterprise through the service."""
    return filing_submit(filing=AnnualFilingFactory(enterprise=enterprise, year=year), user=None)


def test_the_kept_years_equal_a_fresh_computation_after_each_kind_of_write():
    world = build_world(parks=2, admins=0, enterprises=2)
    (a, b), (c, d) = world.enterprises
    other = world.parks[1]
    assert_kept(world)
    # the services: a tenancy, a filing submitted, approved; a draft made and deleted
    tenancy_save(tenancy=Tenancy(unit=UnitFactory(park=world.parks[0]), enterprise=c,
                                 start=datetime.date(YEAR - 1, 7, 1), end=datetime.date(YEAR + 1, 1, 1)), user=None)
    assert_kept(world)
    filing = submitted(a)
    assert_kept(world)
    filing_approve(filing=filing, user=bureau_user())
    assert_kept(world)
    filing_delete(filing=AnnualFilingFactory(enterprise=b, year=YEAR - 1))
    assert_kept(world)
    # an ORM save, as the admin makes it: moved out, then registered with the other park again
    b.status, b.left_on = EnterpriseStatus.MOVED_OUT, datetime.date(YEAR, 5, 1)
    b.save()
    assert_kept(world)
    b.status, b.left_on, b.park = EnterpriseStatus.ACTIVE, None, other
    b.save()
    assert_kept(world)
    # a many-row UPDATE, a bulk insert of filings, a COPY of tenancies, a new enterprise renting from the start
    Enterprise.objects.filter(pk__in=[c.pk, d.pk]).update(park=world.parks[0])
    assert_kept(world)
    now = timezone.now()
    AnnualFiling.objects.bulk_create([AnnualFilingFactory.build(
        enterprise=enterprise, year=YEAR + 1, status=FilingStatus.APPROVED, park=enterprise.park,
        district=enterprise.district, submitted_at=now, reviewed_at=now) for enterprise in (a, c)])
    assert_kept(world)
    e = EnterpriseFactory(park=None)
    units = [UnitFactory(park=park) for park in world.parks]
    with connection.connection.cursor() as cursor, cursor.copy(
            'COPY enterprises_tenancy (unit_id, park_id, enterprise_id, start, "end", contract_number) '
            "FROM STDIN") as copy:
        copy.write_row((units[0].pk, world.parks[0].pk, e.pk, datetime.date(YEAR - 3, 1, 1),
                        datetime.date(YEAR - 2, 1, 1), ""))
        copy.write_row((units[1].pk, world.parks[1].pk, e.pk, datetime.date(YEAR, 12, 31), None, ""))
    assert_kept(world)
    # raw SQL: a tenancy cut short, a submitted filing returned, then deleted; a tenancy deleted
    first = Tenancy.objects.filter(enterprise=e).order_by("start").first()
    late = submitted(d, year=YEAR - 1)
    with connection.cursor() as cursor:
        cursor.execute('UPDATE enterprises_tenancy SET "end" = %s WHERE enterprise_id = %s AND "end" IS NULL',
                       [datetime.date(YEAR + 1, 3, 1), e.pk])
        assert_kept(world)
        cursor.execute("UPDATE enterprises_annualfiling SET status = 'returned', return_reason = '数据有误' "
                       "WHERE id = %s", [late.pk])
        assert_kept(world)
        cursor.execute("DELETE FROM enterprises_annualfiling WHERE id = %s", [late.pk])
        assert_kept(world)
        cursor.execute("DELETE FROM enterprises_tenancy WHERE id = %s", [first.pk])
    assert_kept(world)
    # a tenant registered elsewhere, then the enterprise deleted with its last records
    TenancyFactory(unit=UnitFactory(park=world.parks[1]), enterprise=a, start=datetime.date(YEAR, 2, 1), end=None)
    assert_kept(world)
    Tenancy.objects.filter(enterprise=e).delete()
    e.delete()
    assert_kept(world)
    assert not NotFiledYears.objects.filter(enterprise_id=e.pk).exists()


def test_a_filing_shows_in_the_bureaus_next_page_and_agrees_with_the_park_administrators_count():
    world = build_world(parks=1, admins=1, enterprises=3)
    outsider = EnterpriseFactory(park=None)
    world.let(enterprise=outsider, start=datetime.date(YEAR, 3, 1), end=datetime.date(YEAR, 9, 1))
    query = {"as_of": f"{YEAR + 1}-06-30", "year": YEAR}

    def count(client) -> int:
        (row,) = client.get("/api/v1/reports/parks/", query).json()["results"]
        assert row["not_filed_year"] == YEAR
        return row["not_filed_count"]

    bureau, admin = token_client(bureau_user()), token_client(world.admin(0))
    assert (count(bureau), count(admin)) == (4, 3)  # the administrator does not see the outside tenant whole
    submitted(world.enterprise(0, 0))
    assert (count(bureau), count(admin)) == (3, 2)
    submitted(outsider)
    assert (count(bureau), count(admin)) == (2, 2)


def test_the_generated_city_rebuilds_the_kept_years():
    call_command("generate_city", enterprises=300, years=2, seed=11, replace=True, stdout=StringIO())
    expected = independent()
    assert expected and kept() == expected


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_kept_years_from_the_records_already_there():
    world = build_world(parks=2, admins=0, enterprises=2)
    world.let(enterprise=world.enterprise(1, 0), start=datetime.date(YEAR, 2, 1), end=datetime.date(YEAR + 2, 1, 1))
    submitted(world.enterprise(0, 1))
    migrated_back_and_forth(("registry", "0021_file_jobs_of_characters_and_park_services"))
    assert kept() == independent() and len(kept()) == 5


@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_for_one_enterprise_refresh_it_one_after_the_other():
    world = build_world(parks=1, admins=0, enterprises=1)
    firm, unit = world.enterprise(0, 0), UnitFactory(park=world.parks[0])
    filed, release = threading.Event(), threading.Event()

    def file_and_wait():  # a filing submitted in a transaction that commits only when released
        try:
            with transaction.atomic():
                submitted(firm)
                filed.set()
                release.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=file_and_wait)
    worker.start()
    assert filed.wait(10)
    threading.Timer(0.5, release.set).start()
    # a tenancy for the same enterprise: its refresh waits for the filing's commit, then reads the filing too
    TenancyFactory(unit=unit, enterprise=firm, start=datetime.date(YEAR, 1, 1), end=None)
    worker.join(10)
    assert kept() == independent()
    assert kept()[firm.pk, world.parks[0].pk] == set(YEARS) - {YEAR}
