"""API tests of districts, parks and units (the generic class), plus leasable area."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from parks.choices import ParkKind
from parks.models import Unit

from .api_base import APIResourceTests
from .factories import DistrictFactory, ParkFactory, UnitFactory


class TestDistrictAPI(APIResourceTests):
    basename = "district"
    factory = DistrictFactory

    def create_payload(self):
        return {"code": "119999", "name": "新区", "name_en": "New District", "kind": "district", "plan_role": ""}

    def update_payload(self, obj):
        return {"plan_role": "数字人测试基地"}

    def invalid_payload(self):
        return {"code": "11A", "name": "坏区"}, "code"

    def filter_cases(self):
        planned = DistrictFactory(plan_role="有角色")
        plain = DistrictFactory(name="普通区")
        return [({"in_plan": "true"}, [planned], [plain]), ({"q": "普通"}, [plain], [planned]),
                ({"code": plain.code}, [plain], [planned])]


class TestParkAPI(APIResourceTests):
    basename = "park"
    factory = ParkFactory

    def create_payload(self):
        return {"name": "新园区", "district": DistrictFactory().pk, "kind": "base", "featured": True}

    def update_payload(self, obj):
        return {"district": DistrictFactory().pk, "address": "某路1号"}

    def invalid_payload(self):
        return {"name": "无区园区", "district": 999999}, "district"

    def filter_cases(self):
        a, b = ParkFactory(kind=ParkKind.INCUBATOR, featured=True), ParkFactory()
        return [({"district": a.district_id}, [a], [b]), ({"kind": "incubator"}, [a], [b]),
                ({"featured": "true"}, [a], [b]), ({"district_code": b.district.code}, [b], [a]),
                ({"q": a.name}, [a], [b])]


def test_leasable_area_is_the_sum_of_units(bureau_client):
    park = ParkFactory()
    UnitFactory(park=park, area=Decimal("120.50"))
    UnitFactory(park=park, area=Decimal("79.50"))
    data = bureau_client.get(reverse("api:park-detail", args=[park.pk])).data
    assert Decimal(data["leasable_area"]) == Decimal("200.00")
    assert data["unit_count"] == 2


class TestUnitAPI(APIResourceTests):
    basename = "unit"
    factory = UnitFactory
    ordering = "room"

    def create_payload(self):
        return {"park": ParkFactory().pk, "building": "B", "floor": "3", "room": "301", "area": "88.00"}

    def update_payload(self, obj):
        return {"area": "90.00"}

    def invalid_payload(self):
        return {"park": ParkFactory().pk, "building": "B", "floor": "3", "room": "302", "area": "-5"}, "area"

    def test_delete(self, bureau_client):
        """A unit added today goes; one leasable before today (earlier reports count it) is closed instead."""
        fresh = UnitFactory(opened_on=timezone.localdate())
        assert bureau_client.delete(self.detail_url(fresh)).status_code == 204
        assert not Unit.objects.filter(pk=fresh.pk).exists()
        counted = UnitFactory()
        response = bureau_client.delete(self.detail_url(counted))
        assert response.status_code == 400 and list(response.data) == ["closed_on"]
        assert Unit.objects.filter(pk=counted.pk).exists()

    def filter_cases(self):
        a, b = UnitFactory(building="Z"), UnitFactory()
        return [({"park": a.park_id}, [a], [b]), ({"district": b.park.district_id}, [b], [a]),
                ({"building": "Z"}, [a], [b])]
