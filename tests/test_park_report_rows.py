"""The park report page's fast paths give what the general paths gave: its units and tenancies read in one query
(compiled once for the bureau) equal the three ORM groupings it replaced, on varied data, dates and users and after
writes of every kind; its rows written as DRF's per-field representation writes them."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, DecimalField, ExpressionWrapper, Q, Sum
from django.test import RequestFactory
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request

from access.scoping import VIEW
from config.as_of import recorded
from enterprises.models import Tenancy
from enterprises.selectors import tenancies_on
from parks.models import Unit
from registry.api.park_report import ParkRowSerializer, ParkTableRowSerializer, park_list_url
from registry.selectors.parks import (
    ENDING_WINDOWS,
    _compiled_places,
    _open_days,
    _overlap_days,
    _place_figures,
    _place_queries,
    _place_values,
)
from registry.selectors.places import let_area_then

from .factories import EnterpriseFactory, ParkMembershipFactory, TenancyFactory, UnitFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
MONEY = DecimalField(max_digits=20, decimal_places=2)
TODAY = timezone.localdate()
DATES = [  # (on, start, end): the date inside the period, after it, before it, one day, a period over years
    (datetime.date(2024, 6, 30), datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)),
    (datetime.date(2025, 3, 1), datetime.date(2023, 6, 1), datetime.date(2025, 12, 31)),
    (datetime.date(2025, 8, 15), datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
    (datetime.date(2023, 1, 1), datetime.date(2024, 5, 5), datetime.date(2024, 5, 5)),
    (TODAY, datetime.date(TODAY.year, 1, 1), TODAY),
]


def orm_groupings(*, user, parks: list[int], on, start, end) -> dict:
    """The figures as the page read them before: three ORM groupings by park (its units; its tenancies on the date;
    its tenancies over the period), with the same names as `_place_figures`, parks without any row left out."""
    stop, leasable = end + datetime.timedelta(days=1), Unit.dated.condition(on)
    figures: dict = {}
    units = Unit.objects.restrict(user, VIEW).filter(park__in=parks).annotate(
        area_then=recorded(Unit, "area", on=on),
        days_at=ExpressionWrapper(recorded(Unit, "area", on=end) * _open_days(start, stop), output_field=MONEY),
    ).order_by().values("park").annotate(units=Count("pk", filter=leasable), area=Sum("area_then", filter=leasable),
                                         area_days=Sum("days_at"))
    ending = {f"ending_{window}": Count("pk", filter=Q(end__gt=on, end__lte=on + datetime.timedelta(days=window)))
              for window in ENDING_WINDOWS}
    let = tenancies_on(on=on).restrict(user, VIEW).filter(park__in=parks, unit__park__in=parks).order_by().values(
        "park").annotate(let_area=Sum(let_area_then(on=on)), tenants=Count("enterprise", distinct=True), **ending)
    used = (Tenancy.objects.restrict(user, VIEW).filter(park__in=parks, unit__park__in=parks, start__lt=stop)
            .exclude(end__lte=start).order_by().values("park").annotate(used=Sum(ExpressionWrapper(
                let_area_then(on=end) * _overlap_days(start, stop), output_field=MONEY))))
    for rows in (units, let, used):
        for row in rows:
            figures.setdefault(row.pop("park"), {}).update(row)
    return figures


def same_figures(fast: dict, general: dict) -> None:
    """Both give every park the same figures (a park or figure missing counts 0, as the report shows it)."""
    names = {name for row in fast.values() for name in row}
    assert names == {"units", "area", "area_days", "let_area", "tenants", "used",
                     *(f"ending_{window}" for window in ENDING_WINDOWS)}
    assert set(general) <= set(fast)  # the fast path also gives the parks whose units the user does not see
    for park in fast:
        for name in names:
            assert (fast[park].get(name) or 0) == (general.get(park, {}).get(name) or 0), (park, name)


def city(seed: int):
    """Three parks with units of varied areas and dates, tenancies of varied dates (some open, some ended, some
    ending within the windows), enterprises renting in several parks."""
    rng = random.Random(seed)
    world = build_world(parks=3, admins=0, enterprises=2)
    units = []
    for park in world.parks:
        for _ in range(rng.randrange(3, 7)):
            opened = rng.choice([None, datetime.date(2023, 3, 1), datetime.date(2024, 4, 10)])
            units.append(UnitFactory(park=park, area=Decimal(rng.randrange(3000, 90000)) / 100, opened_on=opened))
    firms = [EnterpriseFactory() for _ in range(6)]
    for unit in units:
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(0, 900))
        end = rng.choice([None, start + datetime.timedelta(days=rng.randrange(20, 700))])
        TenancyFactory(unit=unit, enterprise=rng.choice(firms), start=start, end=end)
    return world, units, rng


def check_every_date(world, user) -> None:
    parks = [park.pk for park in world.parks]
    for on, start, end in DATES:
        same_figures(_place_figures(user=user, parks=parks, on=on, start=start, end=end),
                     orm_groupings(user=user, parks=parks, on=on, start=start, end=end))


@pytest.mark.parametrize("seed", [1, 2])
def test_one_query_equals_the_three_groupings_for_the_bureau_and_a_park_administrator(seed):
    world, _units, _rng = city(seed)
    check_every_date(world, bureau_user())
    check_every_date(world, ParkMembershipFactory(park=world.parks[1]).user)


def test_one_query_equals_the_three_groupings_after_writes_of_every_kind():
    world, units, rng = city(3)
    bureau, admin = bureau_user(), ParkMembershipFactory(park=world.parks[0]).user
    today = timezone.localdate()
    units[0].area = Decimal("777.77")  # saved: recorded in its history today (earlier dates keep the old area)
    units[0].save()
    units[1].closed_on = today - datetime.timedelta(days=400)
    units[1].save()
    tenancy = Tenancy.objects.filter(unit=units[2]).get()
    tenancy.end = today + datetime.timedelta(days=rng.randrange(1, 90))  # ending within the windows
    tenancy.save()
    Tenancy.objects.bulk_create([Tenancy(unit=unit, park=unit.park, enterprise=world.enterprise(0, 0),
                                         start=datetime.date(2022, 5, 1), end=datetime.date(2024, 3, 3))
                                 for unit in units[3:6]])
    Tenancy.objects.filter(unit=units[6]).delete()
    with connection.cursor() as cursor:  # a write past the ORM: no history recorded
        cursor.execute(f"UPDATE {Unit._meta.db_table} SET area = area + 1 WHERE id = %s", [units[7].pk])
    for user in (bureau, admin):
        check_every_date(world, user)


@pytest.mark.parametrize("count", [1, 3, 50])
def test_the_compiled_query_is_the_one_built_for_the_values_asked(count):
    parks = list(range(1000, 1000 + count))
    for on, start, end in DATES:
        values = _place_values(parks=parks, on=on, start=start, end=end)
        for compiled, built in zip(_compiled_places(count), _place_queries(values), strict=True):
            sql, params = built.query.sql_with_params()
            assert compiled.sql(*values, using="default") == (sql, list(params))


def written_rows(serializer_class, rows, request, **context) -> list[tuple[dict, dict]]:
    """(fast, DRF's) representation of each row: the serializer's own and DRF's per-field one."""
    fast = serializer_class(rows, many=True, context={"request": request, **context}).data
    drf = serializer_class(context={"request": request, **context})
    return [(dict(row), dict(serializers.Serializer.to_representation(drf, source)))
            for row, source in zip(fast, rows, strict=True)]


def varied_rows(rng: random.Random, count: int) -> list[dict]:
    """Rows as park_figures gives them: decimals of many digits (halves to round), zeros, missing occupancies."""
    def decimal():
        return rng.choice([Decimal(0), Decimal("0.005"), Decimal("12.345"), Decimal("99999999.995"),
                           Decimal(rng.randrange(0, 10**9)) / rng.choice([1, 100, 1000, 7])])

    def share():
        return rng.choice([None, Decimal("66.665"), Decimal("0.005"), Decimal(100),
                           Decimal(rng.randrange(10**5)) / 997])

    rows = []
    for index in range(count):
        rows.append({
            "park_id": rng.randrange(1, 10**6), "park_name": f"园区{index} \"{rng.random()}\"",
            "district_name": rng.choice(["海淀区", "朝阳区", ""]), "units": rng.randrange(0, 500),
            "leasable_area": decimal(), "let_area": decimal(), "occupancy": share(),
            "tenants": rng.randrange(0, 300), "area_days": decimal(), "leasable_area_days": decimal(),
            "period_occupancy": share(),
            **{f"ending_{window}": rng.randrange(0, 9) for window in ENDING_WINDOWS},
            "not_filed_year": rng.choice([2023, 2024, 2025]), "not_filed_count": rng.randrange(0, 40),
            "ending": [{"tenancy": 7, "enterprise": 8, "name": "甲", "unit": "A-1-101",
                        "end": datetime.date(2025, 1, 2), "days": 3, "label": "甲 2025-01-02"}] * (index % 2),
            "not_filed": [{"enterprise": 9, "name": "乙"}] * (index % 3),
        })
    return rows


@pytest.mark.parametrize("serializer_class", [ParkRowSerializer, ParkTableRowSerializer])
def test_rows_are_written_as_drf_writes_them(serializer_class):
    rng = random.Random(7)
    request = Request(RequestFactory().get("/api/v1/reports/parks/"))
    for on, year in [(datetime.date(2025, 3, 1), 2024), (datetime.date(2026, 12, 31), 2026)]:
        for fast, drf in written_rows(serializer_class, varied_rows(rng, 40), request, as_of=on, year=year):
            assert fast == drf and list(fast) == list(drf)
            assert fast["ending_url"] == park_list_url(request=request, name="api:report-park-tenancies-ending",
                                                       park=fast["park_id"], query={"as_of": on.isoformat()})
            assert fast["not_filed_url"] == park_list_url(request=request, name="api:report-park-tenants-not-filed",
                                                          park=fast["park_id"],
                                                          query={"as_of": on.isoformat(), "year": year})
