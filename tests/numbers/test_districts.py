"""The district overview lists every district of the city (the District table), with zeros where there is no data,
for the bureau and for a park administrator alike."""

import datetime
from decimal import Decimal

import pytest

from parks.models import District

from ..conftest import token_client
from ..factories import DistrictFactory, UnitFactory, UserFactory, approved_filing, bureau_user
from ..worlds import build_world

ZERO_FIGURES = ("parks", "enterprises", "tenants", "filed", "labs", "platforms", "projects", "designated_innovative",
                "designated_specialised", "designated_little_giant", "designated_single_champion")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_every_district_is_listed_with_zeros(role):
    busy, *quiet = [DistrictFactory() for _ in range(7)]  # six districts without any record
    world = build_world(parks=1, district=busy, enterprises=3, local=True)
    park = world.parks[0]
    UnitFactory(park=park, area=Decimal("100.00"))
    for enterprise in world.enterprises[0]:
        approved_filing(enterprise=enterprise, year=2024, revenue=Decimal("100.00"), main_revenue=Decimal("100.00"),
                        digital_human_revenue=Decimal("10.00"))
    client = token_client(bureau_user()) if role == "bureau" else token_client(world.admin(0))
    body = client.get("/api/v1/reports/districts/", {"year": 2024, "as_of": datetime.date(2024, 12, 31)}).json()
    rows = {row["district"]: row for row in body["results"]}
    assert list(rows) == list(District.objects.order_by("code").values_list("pk", flat=True))
    assert body["count"] == District.objects.count() >= 7
    assert rows[busy.pk]["parks"] == 1 and rows[busy.pk]["filed"] == 3
    assert Decimal(rows[busy.pk]["revenue"]) == Decimal("300.00")
    for district in quiet:
        row = rows[district.pk]
        assert (row["district_code"], row["district_name"]) == (district.code, district.name)
        assert all(row[key] == 0 for key in ZERO_FIGURES), row
        assert Decimal(row["leasable_area"]) == Decimal(row["let_area"]) == 0 and row["occupancy"] is None
        # money of a district with no filing: zero for the bureau, hidden (a small cell) for anyone else
        money = {row["revenue"], row["digital_human_revenue"]}
        assert money == ({"0.00"} if role == "bureau" else {None})


@pytest.mark.django_db
def test_an_account_without_a_role_sees_every_district_at_zero():
    """Signed in with no role, one sees none of the records: every district is listed, every figure zero, the money
    hidden (a small cell), as for a district with no record."""
    world = build_world(parks=1, district=DistrictFactory(), enterprises=3, local=True)
    UnitFactory(park=world.parks[0], area=Decimal("100.00"))
    for enterprise in world.enterprises[0]:
        approved_filing(enterprise=enterprise, year=2024, revenue=Decimal("100.00"), main_revenue=Decimal("100.00"),
                        digital_human_revenue=Decimal("10.00"))
    body = token_client(UserFactory()).get("/api/v1/reports/districts/", {"year": 2024, "as_of": "2024-12-31"}).json()
    assert [row["district"] for row in body["results"]] == list(
        District.objects.order_by("code").values_list("pk", flat=True))
    for row in body["results"]:
        assert all(row[key] == 0 for key in ZERO_FIGURES), row
        assert (row["leasable_area"], row["let_area"], row["occupancy"]) == ("0.00", "0.00", None)
        assert row["revenue"] is None and row["digital_human_revenue"] is None
