"""API tests of enterprises and tenancies (the generic class), credit-code input, and tenancy rules."""

import datetime

from django.urls import reverse

from enterprises.choices import ChainPosition, Segment
from enterprises.models import Enterprise, Tenancy

from .api_base import APIResourceTests
from .factories import DistrictFactory, EnterpriseFactory, ParkFactory, TenancyFactory, UnitFactory, credit_code


class TestEnterpriseAPI(APIResourceTests):
    basename = "enterprise"
    factory = EnterpriseFactory

    def create_payload(self):
        return {
            "credit_code": "91110108551385082Q", "name": "小米科技有限责任公司", "district": DistrictFactory().pk,
            "park": ParkFactory().pk, "chain_position": "application", "segments": ["ai_driving", "rendering"],
        }

    def update_payload(self, obj):
        return {"short_name": "新简称", "park": ParkFactory().pk, "segments": ["voice_dialogue"]}

    def invalid_payload(self):
        return {"credit_code": "91110108551385082A", "name": "坏码公司", "district": DistrictFactory().pk,
                "chain_position": "application"}, "credit_code"

    def filter_cases(self):
        a = EnterpriseFactory(name="甲数字人", chain_position=ChainPosition.PLATFORM, segments=[Segment.RENDERING],
                              park=ParkFactory())
        b = EnterpriseFactory(name="乙虚拟人", status="moved_out")
        return [
            ({"district": a.district_id}, [a], [b]), ({"park": a.park_id}, [a], [b]),
            ({"chain_position": "platform"}, [a], [b]), ({"segment": "rendering"}, [a], [b]),
            ({"status": "moved_out"}, [b], [a]), ({"q": "乙虚"}, [b], [a]),
            ({"q": a.credit_code.lower()}, [a], [b]), ({"credit_code": b.credit_code}, [b], [a]),
        ]


def test_credit_code_is_normalised_on_input(bureau_client):
    district = DistrictFactory()
    body = {"credit_code": " 9111 0000-80210043３b ", "name": "北京百度网讯科技有限公司", "district": district.pk,
            "chain_position": "platform"}
    response = bureau_client.post(reverse("api:enterprise-list"), body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["credit_code"] == "91110000802100433B"


def test_credit_code_faults_are_named(bureau_client):
    district = DistrictFactory()
    cases = {
        "9111000080210043": "18",          # length
        "9111000080210O433B": "14",        # forbidden letter O at position 14
        "91110000802100433A": "18",        # wrong check character
        "91110000802100423B": "17",        # organisation-code check
    }
    for code, position in cases.items():
        body = {"credit_code": code, "name": "某公司", "district": district.pk, "chain_position": "platform"}
        response = bureau_client.post(reverse("api:enterprise-list"), body, format="json",
                                     HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, code
        assert position in " ".join(response.data["credit_code"]), (code, response.data)
    assert not Enterprise.objects.exists()


def test_duplicate_credit_code_is_refused(bureau_client):
    existing = EnterpriseFactory()
    body = {"credit_code": existing.credit_code.lower(), "name": "重复", "district": existing.district_id,
            "chain_position": "platform"}
    response = bureau_client.post(reverse("api:enterprise-list"), body, format="json")
    assert response.status_code == 400
    assert "credit_code" in response.data
    assert Enterprise.objects.count() == 1


def test_unknown_segment_is_refused(bureau_client):
    body = {"credit_code": credit_code(1), "name": "某", "district": DistrictFactory().pk,
            "chain_position": "platform", "segments": ["juggling"]}
    response = bureau_client.post(reverse("api:enterprise-list"), body, format="json")
    assert response.status_code == 400
    assert "segments" in response.data


class TestTenancyAPI(APIResourceTests):
    basename = "tenancy"
    factory = TenancyFactory
    ordering = "enterprise__name"

    def create_payload(self):
        return {"unit": UnitFactory().pk, "enterprise": EnterpriseFactory().pk, "start": "2025-03-01",
                "end": "2027-03-01", "rent": "4.50", "contract_number": "HT-2025-001", "deposit": "27000.00",
                "rent_free_months": 3}

    def update_payload(self, obj):
        return {"end": "2030-01-01", "rent": "5.00", "deposit": "30000.00"}

    def invalid_payload(self):
        return {"unit": UnitFactory().pk, "enterprise": EnterpriseFactory().pk, "start": "2025-03-01",
                "end": "2025-03-01"}, "end"

    def filter_cases(self):
        a = TenancyFactory(start=datetime.date(2020, 1, 1), end=datetime.date(2021, 1, 1))
        b = TenancyFactory()
        return [
            ({"park": a.park_id}, [a], [b]), ({"district": b.park.district_id}, [b], [a]),
            ({"unit": a.unit_id}, [a], [b]), ({"enterprise": b.enterprise_id}, [b], [a]),
            ({"current_on": "2020-06-01"}, [a], [b]), ({"current_on": "2024-06-01"}, [b], [a]),
        ]


def test_tenancy_takes_its_park_from_the_unit(bureau_client):
    unit = UnitFactory()
    body = {"unit": unit.pk, "enterprise": EnterpriseFactory().pk, "start": "2025-01-01"}
    response = bureau_client.post(reverse("api:tenancy-list"), body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["park"]["id"] == unit.park_id
    assert Tenancy.objects.get().park_id == unit.park_id


def test_overlapping_tenancy_is_refused_naming_the_one_in_the_way(bureau_client):
    held = TenancyFactory(start=datetime.date(2024, 1, 1), end=datetime.date(2025, 1, 1))
    url = reverse("api:tenancy-list")
    body = {"unit": held.unit_id, "enterprise": EnterpriseFactory().pk, "start": "2024-06-01"}
    response = bureau_client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert f"tenancy {held.pk}" in response.data["start"][0]
    assert Tenancy.objects.count() == 1
    # Half-open ranges: starting on the day the other ends is no overlap.
    body["start"] = "2025-01-01"
    assert bureau_client.post(url, body, format="json").status_code == 201


def test_open_ended_tenancy_blocks_every_later_start(bureau_client):
    held = TenancyFactory(start=datetime.date(2024, 1, 1), end=None)
    body = {"unit": held.unit_id, "enterprise": EnterpriseFactory().pk, "start": "2039-01-01", "end": "2040-01-01"}
    response = bureau_client.post(reverse("api:tenancy-list"), body, format="json")
    assert response.status_code == 400
    assert str(held.pk) in response.data["start"][0]


def test_moving_a_tenancy_onto_a_let_unit_is_refused(bureau_client):
    held, other = TenancyFactory(), TenancyFactory()
    response = bureau_client.patch(reverse("api:tenancy-detail", args=[other.pk]), {"unit": held.unit_id},
                                  format="json")
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.unit_id != held.unit_id


def test_deleting_a_park_with_units_is_a_conflict(bureau_client):
    unit = UnitFactory()
    response = bureau_client.delete(reverse("api:park-detail", args=[unit.park_id]))
    assert response.status_code == 409
    assert response.data["detail"]
