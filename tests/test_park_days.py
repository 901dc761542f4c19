"""The park report's figures kept per park by day (registry.ParkDay, registry.ParkDelta, migration registry 0027):
for many dates and periods (before, inside and after tenancies and units opening and closing, periods across
years, open starts), the kept path's figures equal the counted path's, after writes through the services, ORM saves,
many-row updates, raw SQL and deletes, and equal a rebuild; the report reads them only where it may (the bureau or
an administrator of every park asked, dates within the years kept, no unit's area moved since the earlier of the
date and the period's end)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.models import Tenancy
from enterprises.services import tenancy_save
from parks.models import DistrictMembership, Park, Unit
from registry.models import ParkDelta
from registry.selectors.park_days import kept_place_figures, may_keep
from registry.selectors.parks import ENDING_WINDOWS, _place_figures, park_figures, report_parks

from .factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkMembershipFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
    bureau_user,
)
from .test_place_days import city

pytestmark = pytest.mark.django_db
D = datetime.date
FIGURES = ("units", "area", "area_days", "let_area", "tenants", "used", *(f"ending_{w}" for w in ENDING_WINDOWS))


def periods() -> list[tuple[datetime.date, datetime.date, datetime.date]]:
    """(date, start, end) compared: dates around the records' boundaries and today, with periods ending on the date,
    inside a year, across years and decades, of one day, starting on the first day kept and reaching the last."""
    today = timezone.localdate()
    days = sorted({D(2000, 1, 1), D(2021, 1, 1), D(2023, 1, 1), D(2024, 5, 31), D(2024, 6, 1), D(2025, 2, 28),
                   D(2025, 3, 1), D(2025, 3, 2), D(2026, 1, 1), D(2029, 12, 31), D(2030, 1, 1), today,
                   today + datetime.timedelta(days=40), D(2100, 12, 31)})
    found = []
    for on in days:
        found += [(on, D(on.year, 1, 1), on), (on, on, on), (on, D(2000, 1, 1), D(2100, 12, 31)),
                  (on, D(2019, 12, 31), D(2031, 1, 2)), (on, D(2024, 2, 29), D(2025, 3, 1))]
    return found


def plain(figures: dict, parks: list[int]) -> dict:
    """Per park, its figures' non-zero values compared as numbers (the counted path's NULL where nothing counts is
    the kept path's zero)."""
    return {park: {name: Decimal(figures.get(park, {}).get(name) or 0) for name in FIGURES
                   if figures.get(park, {}).get(name)} for park in parks}


def clear_unit_history():
    """Forget the units' recorded history, so that every date reads today's areas (what the kept days are of) and
    both paths can be compared on every date after an area changed (with history they may not: see below)."""
    Unit.history.model.objects.all().delete()


def assert_kept(*, strict: bool = True) -> set:
    """For every (date, start, end) compared, the kept figures of every park equal the counted ones for the bureau;
    the kept tables equal a rebuild. Returns the figures non-zero somewhere (what the comparison saw)."""
    bureau, parks, seen = bureau_user(), sorted(Park.objects.values_list("pk", flat=True)), set()
    for on, start, end in periods():
        assert may_keep(user=bureau, parks=parks, on=on, start=start, end=end)
        kept = kept_place_figures(parks=parks, on=on, start=start, end=end, windows=ENDING_WINDOWS)
        assert kept is not None, (on, start, end)
        counted = _place_figures(user=bureau, parks=parks, on=on, start=start, end=end)
        assert plain(kept, parks) == plain(counted, parks), (on, start, end)
        seen |= {name for figures in plain(counted, parks).values() for name in figures}
    assert seen
    before = totals()
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_place_rebuild()")
    assert totals() == before
    return seen


def totals() -> tuple[dict, list]:
    """The kept park changes, (grain, figure, park, day) -> (change, weighted) with zeros left out, and every owner's
    rows."""
    summed = {tuple(key): (delta, weighted) for *key, delta, weighted in ParkDelta.objects.values_list(
        "grain", "figure", "park", "day", "delta", "weighted") if delta or weighted}
    with connection.cursor() as cursor:
        cursor.execute("SELECT owner_kind, owner, figure, park, day::text, delta FROM registry_parkday")
        return summed, sorted(cursor.fetchall())


def test_the_kept_park_figures_equal_the_counted_ones_after_each_kind_of_write():
    districts, parks, units, firms = city()
    TenancyFactory(unit=UnitFactory(park=parks[2], opened_on=None), enterprise=firms[0], start=D(2025, 2, 27),
                   end=D(2025, 3, 3))  # a few days within a month: its changes cancel, its days do not
    clear_unit_history()
    assert assert_kept() == set(FIGURES)
    # the services: a tenancy created, then ended
    tenancy = tenancy_save(tenancy=Tenancy(unit=UnitFactory(park=parks[2]), enterprise=firms[3],
                                           start=D(2024, 3, 1), end=None), user=None)
    clear_unit_history()
    assert_kept()
    tenancy.end = D(2026, 1, 1)
    tenancy_save(tenancy=tenancy, user=None)
    assert_kept()
    # a unit closed, a unit's area changed, a park moving district, a unit moved to another park
    units[3].closed_on = D(2031, 1, 1)
    units[3].save()
    units[0].area = Decimal("99.90")
    units[0].save()
    parks[0].district = districts[1]
    parks[0].save()
    clear_unit_history()
    assert_kept()
    # many-row updates, a bulk insert, raw SQL (a tenancy moved to another enterprise, a unit reopened)
    Unit.objects.filter(park=parks[2]).update(area=Decimal("55.55"))
    Tenancy.objects.bulk_create([Tenancy(unit=UnitFactory(park=parks[1]), park=parks[1], enterprise=firms[1],
                                         start=D(2025, 3, 1) + datetime.timedelta(days=n), end=None)
                                 for n in range(3)])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE enterprises_tenancy SET enterprise_id = %s WHERE enterprise_id = %s",
                       [firms[2].pk, firms[4].pk])
        cursor.execute("UPDATE parks_unit SET opened_on = %s, closed_on = NULL WHERE id = %s",
                       [D(2022, 7, 1), units[1].pk])
    clear_unit_history()
    assert_kept()
    # deletes: a tenancy, a unit's tenancies and the unit, an enterprise with its tenancies
    Tenancy.objects.filter(enterprise=firms[3]).order_by("start").first().delete()
    Tenancy.objects.filter(unit=units[1]).delete()
    Unit.objects.filter(pk=units[1].pk).delete()
    gone = EnterpriseFactory()
    TenancyFactory(unit=units[2], enterprise=gone, start=D(2020, 1, 1), end=D(2021, 1, 1))
    Tenancy.objects.filter(enterprise=gone).delete()
    gone.delete()
    clear_unit_history()
    assert_kept()
    assert not connection.cursor().execute(
        "SELECT 1 FROM registry_parkday WHERE owner_kind = 'e' AND owner = %s", [gone.pk]).fetchall()


def test_the_report_reads_the_kept_figures_only_where_it_may():
    districts, parks, units, firms = city()
    bureau, today = bureau_user(), timezone.localdate()
    ids = [park.pk for park in parks]
    rows = park_figures(user=bureau, parks=list(report_parks(user=bureau, on=today)), on=today,
                        start=D(today.year, 1, 1), end=today, year=2025)
    assert {row["park_id"] for row in rows} == set(ids)
    assert kept_place_figures(parks=ids, on=today, start=D(2024, 1, 1), end=today, windows=ENDING_WINDOWS)
    # a unit's area changed today: a date (or a period's end) before it reads the records, one from today the kept
    last_week = today - datetime.timedelta(days=7)
    units[0].area = Decimal("77.70")
    units[0].save()
    assert kept_place_figures(parks=ids, on=last_week, start=D(2024, 1, 1), end=last_week,
                              windows=ENDING_WINDOWS) is None
    assert kept_place_figures(parks=ids, on=today, start=D(2024, 1, 1), end=last_week,
                              windows=ENDING_WINDOWS) is None
    assert kept_place_figures(parks=ids, on=last_week, start=D(2024, 1, 1), end=today,
                              windows=ENDING_WINDOWS) is None
    kept = kept_place_figures(parks=ids, on=today, start=D(2024, 1, 1), end=today, windows=ENDING_WINDOWS)
    assert plain(kept, ids) == plain(_place_figures(user=bureau, parks=ids, on=today, start=D(2024, 1, 1),
                                                    end=today), ids)
    # the report itself on such a date answers the counted figures (its area recorded then)
    for on, end in ((last_week, last_week), (today, last_week)):
        rows = park_figures(user=bureau, parks=list(report_parks(user=bureau, on=on)), on=on,
                            start=D(2024, 1, 1), end=end, year=2025)
        counted = _place_figures(user=bureau, parks=ids, on=on, start=D(2024, 1, 1), end=end)
        by_park = {row["park_id"]: row for row in rows}
        assert by_park[parks[0].pk]["leasable_area"] == counted[parks[0].pk]["area"]
        assert by_park[parks[0].pk]["leasable_area_days"] == counted[parks[0].pk]["area_days"]
    # dates outside the years kept: the records
    assert not may_keep(user=bureau, parks=ids, on=D(1999, 12, 31), start=D(1999, 1, 1), end=D(1999, 12, 31))
    assert not may_keep(user=bureau, parks=ids, on=today, start=D(1999, 1, 1), end=today)


def test_a_park_administrator_reads_the_kept_figures_of_their_parks_only():
    districts, parks, units, firms = city()
    clear_unit_history()
    today = timezone.localdate()
    admin = ParkMembershipFactory(park=parks[0]).user
    ParkMembershipFactory(park=parks[1], user=admin)
    mine = [parks[0].pk, parks[1].pk]
    assert may_keep(user=admin, parks=mine, on=today, start=D(2024, 1, 1), end=today)
    # a park not theirs, district staff, an enterprise's user, nobody: the records (their scope is their query)
    assert not may_keep(user=admin, parks=[*mine, parks[2].pk], on=today, start=D(2024, 1, 1), end=today)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=parks[0].district)
    assert not may_keep(user=staff, parks=[parks[0].pk], on=today, start=D(2024, 1, 1), end=today)
    member = EnterpriseMembershipFactory(enterprise=firms[0]).user
    assert not may_keep(user=member, parks=[parks[0].pk], on=today, start=D(2024, 1, 1), end=today)
    assert not may_keep(user=None, parks=[parks[0].pk], on=today, start=D(2024, 1, 1), end=today)
    # what they read is what the records they see give, on every date and period compared
    listed = list(report_parks(user=admin, on=today))
    assert sorted(park.pk for park in listed) == sorted(mine)
    for on, start, end in periods():
        kept = {row["park_id"]: row for row in park_figures(user=admin, parks=listed, on=on, start=start, end=end,
                                                            year=2025)}
        counted = _place_figures(user=admin, parks=mine, on=on, start=start, end=end)
        assert plain({park: {"units": row["units"], "area": row["leasable_area"], "let_area": row["let_area"],
                             "tenants": row["tenants"], "area_days": row["leasable_area_days"],
                             "used": row["area_days"], **{f"ending_{w}": row[f"ending_{w}"] for w in ENDING_WINDOWS}}
                      for park, row in kept.items()}, mine) == plain(counted, mine), (on, start, end)
    with CaptureQueriesContext(connection) as queries:
        park_figures(user=admin, parks=listed, on=today, start=D(2024, 1, 1), end=today, year=2025)
    assert any("registry_parkdelta" in query["sql"] for query in queries)
    assert not any("parks_unit" in query["sql"] and "registry_parkdelta" not in query["sql"] for query in queries)


def test_the_kept_page_is_one_query_and_a_move_one_more():
    districts, parks, units, firms = city()
    bureau, today = bureau_user(), timezone.localdate()
    listed = list(report_parks(user=bureau, on=today))
    park_figures(user=bureau, parks=listed, on=today, start=D(2024, 1, 1), end=today, year=2025)  # compiled
    with CaptureQueriesContext(connection) as queries:
        park_figures(user=bureau, parks=listed, on=today, start=D(2024, 1, 1), end=today, year=2025)
    kept = [query for query in queries if "registry_parkdelta" in query["sql"]]
    assert len(kept) == 1 and "enterprises_tenancy" in kept[0]["sql"] and "parks_historicalunit" in kept[0]["sql"]
    assert not any("parks_unit" in query["sql"] and "registry_parkdelta" not in query["sql"] for query in queries)
    # a unit's area moved since the date: the kept statement finds it, the counted query answers
    units[0].area = Decimal("66.60")
    units[0].save()
    last_week = today - datetime.timedelta(days=7)
    ids = [park.pk for park in parks]
    expected = plain(_place_figures(user=bureau, parks=ids, on=last_week, start=D(2024, 1, 1), end=last_week), ids)
    with CaptureQueriesContext(connection) as queries:
        rows = park_figures(user=bureau, parks=listed, on=last_week, start=D(2024, 1, 1), end=last_week, year=2025)
    assert len([query for query in queries if "registry_parkdelta" in query["sql"]]) == 1
    assert len([query for query in queries if "parks_unit" in query["sql"]
                and "registry_parkdelta" not in query["sql"]]) == 1
    by_park = {row["park_id"]: row for row in rows}
    assert by_park[parks[0].pk]["leasable_area"] == expected[parks[0].pk]["area"] == Decimal("120.50")
    assert by_park[parks[0].pk]["leasable_area_days"] == expected[parks[0].pk]["area_days"]
