"""Occupancy of parks and districts on a date, from the tenancy dates (selector and endpoints)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from enterprises.selectors import occupancy
from parks.models import Unit

from .conftest import park_admin_client
from .factories import DistrictFactory, ParkFactory, TenancyFactory, UnitFactory
from .worlds import build_world

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def district():
    """A district with two parks: park A 300 m² in two units, park B 100 m² in one."""
    district = DistrictFactory()
    a, b = build_world(admins=0, district=district).parks
    u1, u2 = UnitFactory(park=a, area=Decimal("200")), UnitFactory(park=a, area=Decimal("100"))
    u3 = UnitFactory(park=b, area=Decimal("100"))
    TenancyFactory(unit=u1, start=D(2024, 1, 1), end=D(2025, 1, 1))
    TenancyFactory(unit=u1, start=D(2025, 1, 1), end=None)
    TenancyFactory(unit=u2, start=D(2024, 7, 1), end=D(2024, 10, 1))
    TenancyFactory(unit=u3, start=D(2023, 1, 1), end=D(2024, 3, 1))
    UnitFactory(area=Decimal("999"))  # another district's unit, never counted
    return district


@pytest.mark.parametrize("on,let_a,let_district", [
    (D(2023, 6, 1), 0, 100),      # only u3
    (D(2024, 1, 1), 200, 300),    # u1 starts that day, u3 still let
    (D(2024, 3, 1), 200, 200),    # u3 ended the day before (half-open)
    (D(2024, 8, 15), 300, 300),   # u1 and u2
    (D(2024, 12, 31), 200, 200),
    (D(2025, 1, 1), 200, 200),    # u1's second tenancy starts the day the first ends
    (D(2030, 1, 1), 200, 200),    # open end
])
def test_occupancy_on_dates(district, on, let_a, let_district):
    park_a = district.parks.order_by("pk").first()
    occ = occupancy(units=Unit.objects.filter(park=park_a), on=on)
    assert (occ.leasable_area, occ.let_area) == (Decimal("300"), Decimal(let_a))
    assert occ.rate == (Decimal(let_a) * 100 / 300).quantize(Decimal("0.01"))
    docc = occupancy(units=Unit.objects.filter(park__district=district), on=on)
    assert (docc.leasable_area, docc.let_area) == (Decimal("400"), Decimal(let_district))


def test_park_without_units_has_no_rate():
    assert occupancy(units=Unit.objects.filter(park=ParkFactory()), on=D(2024, 1, 1)).rate is None


def test_occupancy_endpoints(district, bureau_client, django_assert_max_num_queries):
    park_a = district.parks.order_by("pk").first()
    with django_assert_max_num_queries(7):
        data = bureau_client.get(reverse("api:park-occupancy", args=[park_a.pk]), {"date": "2024-08-15"}).data
    assert data == {"date": "2024-08-15", "leasable_area": "300.00", "let_area": "300.00", "rate": "100.00",
                    "unit_count": 2, "let_unit_count": 2}
    data = bureau_client.get(reverse("api:district-occupancy", args=[district.pk]), {"date": "2023-06-01"}).data
    assert (data["let_area"], data["rate"]) == ("100.00", "25.00")


def test_a_park_administrator_sees_occupancy_of_their_parks_only(district):
    park_a, park_b = district.parks.order_by("pk")
    client = park_admin_client(park_a)
    data = client.get(reverse("api:district-occupancy", args=[district.pk]), {"date": "2024-01-01"}).data
    assert (data["leasable_area"], data["let_area"]) == ("300.00", "200.00")  # park B's unit left out
    assert client.get(reverse("api:park-occupancy", args=[park_b.pk])).status_code == 404


def test_occupancy_endpoint_errors(bureau_client, user_client, anon_client):
    park = ParkFactory()
    url = reverse("api:park-occupancy", args=[park.pk])
    assert bureau_client.get(url, {"date": "2024-13-01"}).status_code == 400
    assert "date" in bureau_client.get(url, {"date": "yesterday"}).data
    assert bureau_client.get(reverse("api:park-occupancy", args=[park.pk + 1000])).status_code == 404
    assert anon_client.get(url).status_code == 401
    assert user_client.get(url).status_code == 404  # no role: the park does not exist for them
    assert bureau_client.get(url).data["date"]  # today by default
