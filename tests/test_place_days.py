"""The district overview's figures kept by day (registry.PlaceDay, registry.PlaceDelta, migration registry 0023):
after every kind of write (the services, ORM saves as the admin makes them, many-row updates, a bulk insert, a
COPY, raw SQL, deletes), on varied records (gaps, ended statuses, designations lapsing or revoked, tenancies ending,
units closing, parks opening later, a park and an enterprise moving district, labs with and without a park), the
kept figures equal the figures counted from the records for many dates and years, and equal a rebuild; the
overview reads them only where it may (the bureau, nothing changed since the date)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from enterprises.choices import EnterpriseStatus, Tier
from enterprises.models import Enterprise, Tenancy, TierDesignation
from enterprises.services import tenancy_save
from parks.models import Park, Unit
from registry.choices import OperatingStatus, ProjectStatus
from registry.models import BenchmarkProject, Lab, PlaceDelta, Platform
from registry.selectors.places import _counted, _kept, district_overview

from .factories import (
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    LabFactory,
    ParkFactory,
    ParkMembershipFactory,
    PlatformFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    bureau_user,
)
from .threads import in_threads

pytestmark = pytest.mark.django_db
D = datetime.date
YEARS = (2023, 2024, 2025)


def dates() -> list[datetime.date]:
    """The dates compared: the first day kept, the records' boundaries and the days either side, today, the future."""
    today = timezone.localdate()
    days = {D(2000, 1, 1), D(2019, 12, 31), D(2020, 1, 1), D(2023, 6, 30), D(2024, 2, 29), D(2024, 3, 1),
            D(2024, 12, 31), D(2025, 1, 1), D(2025, 7, 15), D(2027, 2, 28), D(2027, 3, 1), D(2030, 1, 1),
            today, today + datetime.timedelta(days=1), today - datetime.timedelta(days=1), D(2100, 12, 31)}
    return sorted(days | {day + datetime.timedelta(days=shift) for day in (D(2024, 6, 1), D(2025, 3, 1))
                          for shift in (-1, 0, 1)})


def plain(figures: dict) -> dict:
    """Figures as comparable values: per district, the non-zero figures, amounts as their text (scale included)."""
    return {place: {name: str(value) for name, value in counts.items() if value}
            for place, counts in figures.items() if place is not None and any(counts.values())}


def assert_kept() -> set:
    """For every date and year compared, the kept figures equal those counted from the records (both read at the
    records' values of today: nothing changed since, as the overview asks); the kept tables equal a rebuild.
    Returns the names of the figures non-zero on some date (what the comparison saw)."""
    bureau = bureau_user()
    park_district = dict(Park.objects.values_list("pk", "district"))
    figures = set()
    for on in dates():
        for year in YEARS:
            kept = _kept(user=bureau, year=year, on=on, changed=frozenset())
            counted = _counted(user=bureau, year=year, on=on, changed=frozenset(), park_district=park_district)
            assert plain(kept) == plain(counted), (on, year)
            figures |= {name for counts in plain(counted).values() for name in counts}
    assert figures  # the comparison is not of empty sets
    before = totals()
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_place_rebuild()")
    assert totals() == before
    return figures


def totals() -> tuple[dict, list]:
    """The kept changes, (grain, figure, district, day) -> change with zeros left out (a refresh may leave a zero
    where a rebuild writes no row), and every owner's rows."""
    summed = {tuple(key): delta for *key, delta in PlaceDelta.objects.values_list(
        "grain", "figure", "place", "day", "delta") if delta}
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_kind, owner, figure, place, day::text, delta FROM registry_placeday")
        return summed, sorted(cursor.fetchall())


def city():
    """Three districts, their parks (one opening later), units (one closing), and records of every kind."""
    districts = [DistrictFactory() for _ in range(3)]
    parks = [ParkFactory(district=districts[0]), ParkFactory(district=districts[1], opened_on=D(2025, 3, 1)),
             ParkFactory(district=districts[2], opened_on=D(2021, 1, 1))]
    units = [UnitFactory(park=parks[0], area=Decimal("120.50")), UnitFactory(park=parks[0], closed_on=D(2025, 3, 1)),
             UnitFactory(park=parks[1], opened_on=D(2025, 3, 1), area=Decimal("80.25")),
             UnitFactory(park=parks[2], opened_on=D(2021, 1, 1))]
    firms = [EnterpriseFactory(district=districts[0], park=parks[0], founded=None),
             EnterpriseFactory(district=districts[1], park=parks[1], founded=D(2024, 6, 1)),
             EnterpriseFactory(district=districts[2], park=parks[2], status=EnterpriseStatus.MOVED_OUT,
                               left_on=D(2025, 3, 1)),
             EnterpriseFactory(district=districts[0], park=None, status=EnterpriseStatus.DEREGISTERED),
             EnterpriseFactory(district=districts[1], park=None, founded=D(2019, 1, 1))]
    TenancyFactory(unit=units[0], enterprise=firms[0], start=D(2023, 1, 1), end=D(2024, 6, 1))
    TenancyFactory(unit=units[0], enterprise=firms[1], start=D(2024, 6, 1), end=None)
    TenancyFactory(unit=units[1], enterprise=firms[1], start=D(2024, 1, 1), end=D(2025, 3, 1))  # two at once
    TenancyFactory(unit=units[2], enterprise=firms[4], start=D(2025, 3, 1), end=None)
    TenancyFactory(unit=units[3], enterprise=firms[4], start=D(2022, 1, 1), end=D(2030, 1, 1))
    TierDesignationFactory(enterprise=firms[0])  # lapses 2027-02-28
    TierDesignationFactory(enterprise=firms[0], granted_on=D(2025, 1, 1))  # overlapping: the holder counts once
    TierDesignationFactory(enterprise=firms[1], tier=Tier.SPECIALISED, revoked_on=D(2025, 3, 1),
                           revoke_reason="材料不实")
    TierDesignationFactory(enterprise=firms[4], tier=Tier.LITTLE_GIANT, granted_on=D(2023, 1, 1),
                           valid_until=D(2024, 2, 29))
    LabFactory(host=firms[0], park=parks[1], established=D(2024, 1, 1))
    LabFactory(host=firms[4], park=None, status=OperatingStatus.CLOSED, established=D(2020, 1, 1),
               closed_on=D(2025, 3, 1))
    LabFactory(host=firms[2], park=None, status=OperatingStatus.PLANNED)
    PlatformFactory(operator=firms[1], park=None, launched=None)
    PlatformFactory(operator=firms[0], park=parks[2], launched=D(2025, 7, 15))
    BenchmarkProjectFactory(lead=firms[0], park=None, year=2023, status=ProjectStatus.SELECTED,
                            selected_on=D(2023, 6, 30))
    BenchmarkProjectFactory(lead=firms[1], park=parks[0], year=2025, status=ProjectStatus.ACCEPTED, selected_on=None)
    BenchmarkProjectFactory(lead=firms[4], park=parks[2], year=2024, status=ProjectStatus.APPLIED)
    return districts, parks, units, firms


def test_the_kept_figures_equal_the_counted_ones_after_each_kind_of_write():
    districts, parks, units, firms = city()
    assert assert_kept() == {"enterprises", "tenants", "let", "leasable", "labs", "platforms", "projects",
                             Tier.INNOVATIVE, Tier.SPECIALISED, Tier.LITTLE_GIANT}
    # the services and ORM saves as the admin makes them: a tenancy, an enterprise moving out and back (a gap), an
    # enterprise and a park moving district, a unit's area and closing, a designation revoked, a lab closed
    tenancy_save(tenancy=Tenancy(unit=UnitFactory(park=parks[2]), enterprise=firms[3], start=D(2024, 3, 1),
                                 end=D(2026, 1, 1)), user=None)
    assert_kept()
    firm = firms[1]
    firm.status, firm.left_on = EnterpriseStatus.MOVED_OUT, D(2025, 1, 1)
    firm.save()
    firm.status = EnterpriseStatus.ACTIVE
    firm.save()  # back today: the gap [2025-01-01, today) stays out
    assert firm.gaps
    assert_kept()
    firms[0].district = districts[2]
    firms[0].save()
    parks[0].district = districts[1]
    parks[0].save()
    assert_kept()
    units[0].area = Decimal("99.90")
    units[0].save()
    units[3].closed_on = D(2031, 1, 1)
    units[3].save()
    assert_kept()
    designation = TierDesignation.objects.filter(tier=Tier.INNOVATIVE).order_by("granted_on").first()
    designation.revoked_on, designation.revoke_reason = D(2024, 12, 31), "材料不实"
    designation.save()
    lab = Lab.objects.get(park=parks[1])
    lab.status, lab.closed_on = OperatingStatus.CLOSED, D(2025, 7, 15)
    lab.save()
    assert_kept()
    # many-row updates, a bulk insert, a COPY
    Enterprise.objects.filter(pk__in=[firms[2].pk, firms[3].pk]).update(district=districts[1])
    Unit.objects.filter(park=parks[2]).update(area=Decimal("55.55"))
    Platform.objects.update(park=parks[0])
    assert_kept()
    Tenancy.objects.bulk_create([Tenancy(unit=UnitFactory(park=parks[1]), park=parks[1], enterprise=firm,
                                         start=D(2025, 3, 1) + datetime.timedelta(days=n), end=None)
                                 for n in range(3)])
    TierDesignation.objects.bulk_create([TierDesignation(
        enterprise=firms[n], tier=Tier.SINGLE_CHAMPION, year=2024, batch="2024", granted_on=D(2024, 6, 1),
        valid_until=D(2025, 6, 1)) for n in (2, 3)])
    assert_kept()
    unit = UnitFactory(park=parks[0])
    with connection.connection.cursor() as cursor, cursor.copy(
            'COPY enterprises_tenancy (unit_id, park_id, enterprise_id, start, "end", contract_number) '
            "FROM STDIN") as copy:
        copy.write_row((unit.pk, parks[0].pk, firms[4].pk, D(2020, 2, 1), D(2023, 6, 30), ""))
        copy.write_row((unit.pk, parks[0].pk, firms[3].pk, D(2023, 6, 30), None, ""))
    assert_kept()
    # raw SQL: a tenancy moved to another enterprise, a park opening later, a project selected, a lab's gap
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_tenancy SET enterprise_id = %s WHERE enterprise_id = %s",
                       [firms[2].pk, firms[4].pk])
        cursor.execute("UPDATE parks_park SET opened_on = %s WHERE id = %s", [D(2024, 6, 1), parks[0].pk])
        cursor.execute("UPDATE registry_benchmarkproject SET status = 'selected', selected_on = %s "
                       "WHERE status = 'applied'", [D(2024, 12, 31)])
        cursor.execute("UPDATE registry_lab SET status = 'active', closed_on = NULL, "
                       "gaps = ARRAY[daterange(%s, %s)] WHERE host_id = %s", [D(2025, 3, 1), D(2025, 7, 15),
                                                                              firms[4].pk])
    assert_kept()
    # deletes: a tenancy, a designation, a unit's tenancies and the unit, a project, an enterprise with its records
    Tenancy.objects.filter(enterprise=firms[3]).order_by("start").first().delete()
    TierDesignation.objects.filter(tier=Tier.LITTLE_GIANT).delete()
    Tenancy.objects.filter(unit=units[1]).delete()
    Unit.objects.filter(pk=units[1].pk).delete()  # a queryset delete: the model refuses a unit leasable before
    BenchmarkProject.objects.filter(year=2023).delete()
    assert_kept()
    gone = firms[4]
    Lab.objects.filter(host=gone).delete()
    Platform.objects.filter(operator=gone).delete()
    BenchmarkProject.objects.filter(lead=gone).delete()
    TierDesignation.objects.filter(enterprise=gone).delete()
    Tenancy.objects.filter(enterprise=gone).delete()
    gone.delete()
    assert_kept()
    assert not connection.cursor().execute(
        "SELECT 1 FROM registry_placeday WHERE owner_kind = 'e' AND owner = %s", [gone.pk]).fetchall()


def test_the_overview_reads_the_kept_figures_only_where_it_may():
    districts, parks, units, firms = city()
    bureau, today = bureau_user(), timezone.localdate()
    # today: nothing changed since; the bureau's answer is read from the kept figures and equals the counted one
    rows = district_overview(user=bureau, year=2025, on=today)
    assert _kept(user=bureau, year=2025, on=today, changed=frozenset()) is not None
    by_code = {row["district_code"]: row for row in rows}
    assert by_code[districts[0].code]["tenants"] == 1 and by_code[districts[0].code]["let_area"] == Decimal("120.50")
    assert by_code[districts[2].code]["tenants"] == 1 and by_code[districts[1].code]["designated_specialised"] == 0
    # a date before a change recorded since, a date outside the years kept, a user who does not see every record
    assert _kept(user=bureau, year=2025, on=today - datetime.timedelta(days=1),
                 changed=frozenset({Enterprise})) is None
    assert _kept(user=bureau, year=2025, on=D(1999, 12, 31), changed=frozenset()) is None
    admin = ParkMembershipFactory(park=parks[0]).user  # sees the records of one park
    assert _kept(user=admin, year=2025, on=today, changed=frozenset()) is None


def test_the_generated_city_rebuilds_the_kept_figures():
    call_command("generate_city", enterprises=300, years=2, seed=11, replace=True, stdout=StringIO())
    assert PlaceDelta.objects.exists()
    assert_kept()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_to_one_district_both_count():
    district = DistrictFactory()
    park = ParkFactory(district=district)
    units = [UnitFactory(park=park) for _ in range(4)]
    firms = [EnterpriseFactory(district=district, park=park) for _ in range(4)]

    def let(i):
        return TenancyFactory(unit=units[i], enterprise=firms[i], start=D(2024, 1, 1), end=None).pk

    results = in_threads(let, 4)
    assert all(isinstance(result, int) for result in results), results
    assert _kept(user=bureau_user(), year=2025, on=D(2025, 1, 1), changed=frozenset())[district.pk]["tenants"] == 4
    assert_kept()
