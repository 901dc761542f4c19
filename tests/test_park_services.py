"""Park services (园区服务与政策, branch parksvc): the API through the generic class, the scope (a park administrator
keeps its own park's services only: the attack on another park's as a test), the public directory, the services
page, and the plan board's indicators against counts written here."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parks.models import DistrictMembership, ParkService

from .api_base import APIResourceTests
from .conftest import token_client
from .factories import ParkFactory, ParkServiceFactory, UserFactory, bureau_user
from .worlds import build_world

D = datetime.date


class TestParkServiceAPI(APIResourceTests):
    basename = "parkservice"
    factory = ParkServiceFactory
    ordering = "title"

    def create_payload(self):
        return {"park": ParkFactory().pk, "kind": "training", "title": "数字人主播培训", "offered_from": "2025-03-01",
                "contact": "service@park.example.cn"}

    def update_payload(self, obj):
        return {"description": "每月一期", "offered_until": "2030-01-01"}

    def invalid_payload(self):
        return {"park": ParkFactory().pk, "kind": "policy", "title": "租金减免", "offered_from": "2025-03-01",
                "offered_until": "2025-01-01"}, "offered_until"

    def filter_cases(self):
        a = ParkServiceFactory(kind="scene_matching", public=False, offered_until=datetime.date(2024, 6, 1))
        b = ParkServiceFactory(description="天使投资对接会")
        return [({"park": a.park_id}, [a], [b]), ({"kind": "scene_matching"}, [a], [b]),
                ({"public": "false"}, [a], [b]), ({"offered_on": "2024-12-31"}, [b], [a]),
                ({"district": b.park.district_id}, [b], [a]), ({"q": "天使"}, [b], [a])]


# --- scope ----------------------------------------------------------------------------------------------------
@pytest.fixture
def two(db):
    """Parks P0 (its administrator, an enterprise registered with it and its user) and P1 in two districts, a
    service of each, and staff of P0's district."""
    world = build_world(parks=2, admins=(1, 1), enterprises=(1, 0), users=1, districts=2)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=world.districts[0])
    services = [ParkServiceFactory(park=park, title=f"孵化{n}") for n, park in enumerate(world.parks)]
    return {"world": world, "parks": world.parks, "admin": world.admin(0), "staff": staff,
            "member": world.members[0].user, "services": services}


def listed(client, **query) -> set[int]:
    response = client.get(reverse("api:parkservice-list"), {"page_size": 100, **query})
    assert response.status_code == 200, response.data
    return {row["id"] for row in response.data["results"]}


def test_each_role_reads_its_parks_services(two):
    mine, theirs = two["services"]
    admin = token_client(two["admin"])
    assert listed(admin) == {mine.pk}
    assert listed(token_client(two["staff"])) == {mine.pk}  # their district's park
    assert listed(token_client(two["member"])) == {mine.pk}  # the park its enterprise is registered with
    assert listed(token_client(bureau_user())) >= {mine.pk, theirs.pk}
    assert admin.get(reverse("api:parkservice-detail", args=[theirs.pk])).status_code == 404


def test_attack_a_park_administrator_writes_another_parks_services(two):
    """P0's administrator names P1 in a new service, moves its own service to P1, changes and deletes P1's: each
    refused (400 on `park` for the related input, 404 for the record), nothing written."""
    mine, theirs = two["services"]
    other = two["parks"][1]
    client = token_client(two["admin"])
    body = {"park": other.pk, "kind": "training", "title": "越权培训", "offered_from": "2025-01-01"}
    answer = client.post(reverse("api:parkservice-list"), body, format="json")
    assert answer.status_code == 400 and list(answer.data) == ["park"], answer.data
    assert not ParkService.objects.filter(title="越权培训").exists()
    moved = client.patch(reverse("api:parkservice-detail", args=[mine.pk]), {"park": other.pk}, format="json")
    assert moved.status_code == 400 and list(moved.data) == ["park"], moved.data
    for send in (client.patch, client.put):
        answer = send(reverse("api:parkservice-detail", args=[theirs.pk]), {**body, "title": "改写"}, format="json")
        assert answer.status_code == 404
    assert client.delete(reverse("api:parkservice-detail", args=[theirs.pk])).status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.park_id, theirs.park_id, theirs.title) == (two["parks"][0].pk, other.pk, "孵化1")
    assert ParkService.objects.count() == 2


def test_district_staff_and_enterprise_users_only_read(two):
    mine = two["services"][0]
    body = {"park": two["parks"][0].pk, "kind": "training", "title": "培训", "offered_from": "2025-01-01"}
    for user in (two["staff"], two["member"]):
        client = token_client(user)
        assert client.post(reverse("api:parkservice-list"), body, format="json").status_code == 403
        assert client.patch(reverse("api:parkservice-detail", args=[mine.pk]), {"title": "改"},
                            format="json").status_code == 403
    assert not ParkService.objects.filter(title__in=["培训", "改"]).exists()


def test_the_administrator_adds_changes_and_deletes_its_own(two):
    client = token_client(two["admin"])
    body = {"park": two["parks"][0].pk, "kind": "scene_matching", "title": "场景对接会", "offered_from": "2025-01-01",
            "contact": "400-123-4567"}
    answer = client.post(reverse("api:parkservice-list"), body, format="json")
    assert answer.status_code == 201, answer.data
    url = reverse("api:parkservice-detail", args=[answer.data["id"]])
    assert client.patch(url, {"offered_until": "2026-01-01"}, format="json").status_code == 200
    assert client.delete(url).status_code == 204


@pytest.mark.parametrize(("change", "field"), [
    ({"contact": "13812345678"}, "contact"),  # a person's mobile number
    ({"contact": "随时联系"}, "contact"),
    ({"offered_until": "2024-12-31"}, "offered_until"),
    ({"offered_until": "2025-01-01"}, "offered_until"),  # ends the day it starts: never offered
    ({"title": "孵化0", "offered_from": "2024-01-01"}, "title"),  # listed already from that day
    ({"kind": "consulting"}, "kind"),
])
def test_bad_input_is_a_field_error_in_chinese_and_english(two, change, field):
    body = {"park": two["parks"][0].pk, "kind": "training", "title": "新培训", "offered_from": "2025-01-01", **change}
    client = token_client(two["admin"])
    answer = client.post(reverse("api:parkservice-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and list(answer.data) == [field], answer.data
    assert all(ord(char) < 0x2e80 for char in str(answer.data[field][0])), answer.data  # English
    chinese = client.post(reverse("api:parkservice-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    message = str(chinese.data[field][0])
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    assert ParkService.objects.count() == 2


def test_ending_a_service_and_removing_one_never_offered(two):
    from parks.services import park_service_end

    today = timezone.localdate()
    mine = two["services"][0]
    ended = park_service_end(service=mine, user=two["admin"])
    assert ended.offered_until == today and not ended.offered_on(today)
    assert ended.history.first().offered_until == today
    upcoming = ParkServiceFactory(park=two["parks"][0], offered_from=today + datetime.timedelta(days=3))
    assert park_service_end(service=upcoming, user=two["admin"]) is None
    assert not ParkService.objects.filter(pk=upcoming.pk).exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        park_service_end(service=two["services"][1], user=two["admin"])  # another park's
    assert ParkService.objects.get(pk=two["services"][1].pk).offered_until is None


# --- the public directory -------------------------------------------------------------------------------------
def test_the_directory_shows_a_parks_public_services_offered_now_or_later(anon_client, db):
    today = timezone.localdate()
    park = ParkFactory()
    ParkServiceFactory(park=park, title="孵化器入驻", kind="incubation")
    ParkServiceFactory(park=park, title="下月起的培训", kind="training",
                       offered_from=today + datetime.timedelta(days=30))
    ParkServiceFactory(park=park, title="内部政策", kind="policy", public=False)
    ParkServiceFactory(park=park, title="已结束的对接", kind="financing", offered_until=today)
    ParkServiceFactory(title="别的园区的服务")
    detail = anon_client.get(reverse("api:public-park-detail", args=[park.pk]))
    assert detail.status_code == 200
    assert [s["title"] for s in detail.data["services"]] == ["孵化器入驻", "下月起的培训"]
    assert set(detail.data["services"][0]) == {"kind", "title", "description", "contact", "offered_from",
                                               "offered_until"}
    rows = anon_client.get(reverse("api:public-park-list"), {"page_size": 100}).data["results"]
    assert {row["name"]: len(row["services"]) for row in rows}[park.name] == 2


# --- the plan board -------------------------------------------------------------------------------------------
YEAR, ON = 2024, D(2024, 12, 31)


@pytest.fixture
def year(db):
    """P1 and P3 in D1, P2 in D2; E1 registered with P1 (its user); a year of services, each marked with whether it
    counts on 2024-12-31."""
    world = build_world(parks=3, admins=(1, 0, 0), enterprises=(1, 0, 0), users=1, districts=2)
    p1, p2, p3 = world.parks  # P1 in D1, P2 in D2, P3 in D1 again
    make = ParkServiceFactory
    # task 9: parks offering incubation on the date
    make(park=p1, kind="incubation", offered_from=D(2023, 1, 1))  # counts
    make(park=p1, kind="incubation", offered_from=D(2024, 5, 1))  # counts, P1 once
    make(park=p2, kind="incubation", offered_from=D(2024, 2, 1), public=False)  # counts (not public: still offered)
    make(park=p2, kind="incubation", offered_from=D(2022, 1, 1), offered_until=D(2024, 10, 1))  # ended
    make(park=p3, kind="incubation", offered_from=D(2025, 1, 1))  # not yet
    # task 13: scene-matching and financing-matching services on the date
    make(park=p1, kind="scene_matching", offered_from=D(2024, 3, 1))  # counts
    make(park=p1, kind="financing", offered_from=D(2022, 1, 1), offered_until=D(2025, 1, 1))  # counts
    make(park=p2, kind="financing", offered_from=D(2024, 1, 1), offered_until=D(2024, 12, 31))  # ended that day
    make(park=p3, kind="scene_matching", offered_from=D(2024, 6, 1))  # counts
    make(park=p2, kind="training", offered_from=D(2024, 1, 1))  # another kind
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=world.districts[1])
    return {"bureau": bureau_user(), "admin": world.admin(0), "staff": staff, "member": world.members[0].user}


# Counts written from the records above, per viewer: the bureau, P1's administrator, D2's staff, E1's user.
EXPECTED = {"bureau": {"parks-incubating": 2, "park-matching-services": 3},
            "admin": {"parks-incubating": 1, "park-matching-services": 2},
            "staff": {"parks-incubating": 1, "park-matching-services": 0},
            "member": {"parks-incubating": 1, "park-matching-services": 2}}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_indicator_against_the_counts(year, role):
    response = token_client(year[role]).get(reverse("api:report-plan-board"), {"year": YEAR, "as_of": ON})
    assert response.status_code == 200, response.content
    rows = {row["number"]: row for row in response.json()["results"]}
    found = {item["code"]: Decimal(item["value"]) for row in rows.values() for item in row["indicators"]
             if item["code"] in EXPECTED[role]}
    assert found == {code: Decimal(count) for code, count in EXPECTED[role].items()}
    assert "parks-incubating" in {item["code"] for item in rows[9]["indicators"]}
    matching = next(item for item in rows[13]["indicators"] if item["code"] == "park-matching-services")
    assert matching["records_url"].endswith("?kind=scene_matching&kind=financing&offered_on=2024-12-31")


def test_the_records_behind_a_figure_are_the_ones_counted(year):
    client = token_client(year["bureau"])
    answer = client.get(reverse("api:parkservice-list"), {"kind": ["scene_matching", "financing"],
                                                           "offered_on": ON.isoformat()})
    assert answer.data["count"] == EXPECTED["bureau"]["park-matching-services"]


# --- the services page ----------------------------------------------------------------------------------------
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_administrator_adds_edits_and_ends_a_service_on_the_page(two):
    park = two["parks"][0]
    client = signed_in(two["admin"])
    page = client.get(reverse("park-services"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "园区服务与政策" in page and 'id="service-add"' in page and "孵化0" in page and "孵化1" not in page
    assert 'id="nav-park-services"' in page
    add = reverse("park-service-add", args=[park.pk])
    body = {"kind": "financing", "title": "投融资对接会", "description": "每季度一期", "contact": "fin@park.example.cn",
            "offered_from": "2025-02-01", "public": "on"}
    refused = client.post(add, {**body, "contact": "13912345678"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200 and "个人手机号码" in refused.content.decode()
    assert not ParkService.objects.filter(title="投融资对接会").exists()
    answer = client.post(add, body)
    assert answer.status_code == 302
    service = ParkService.objects.get(title="投融资对接会")
    assert (service.park, service.kind, service.public) == (park, "financing", True)
    assert service.history.first().history_source == "web"
    edited = client.post(reverse("park-service-edit", args=[service.pk]), {**body, "title": "投融资路演"})
    assert edited.status_code == 302
    assert client.post(reverse("park-service-end", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    assert (service.title, service.offered_until) == ("投融资路演", timezone.localdate())


def test_another_parks_services_do_not_exist_on_the_page(two):
    client = signed_in(two["admin"])
    theirs, other = two["services"][1], two["parks"][1]
    assert client.get(reverse("park-services"), {"park": other.pk}).status_code == 404
    body = {"kind": "training", "title": "越权", "offered_from": "2025-02-01"}
    assert client.post(reverse("park-service-add", args=[other.pk]), body).status_code == 404
    assert client.post(reverse("park-service-edit", args=[theirs.pk]), body).status_code == 404
    assert client.post(reverse("park-service-end", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.offered_until) == ("孵化1", None)
    assert not ParkService.objects.filter(title="越权").exists()


def test_district_staff_read_the_page_and_change_nothing(two):
    client = signed_in(two["staff"])
    page = client.get(reverse("park-services")).content.decode()
    assert "孵化0" in page and 'id="service-add"' not in page and "park-service-end" not in page
    mine = two["services"][0]
    body = {"kind": "training", "title": "区里加的", "offered_from": "2025-02-01"}
    assert client.post(reverse("park-service-add", args=[mine.park_id]), body).status_code == 403
    assert client.post(reverse("park-service-edit", args=[mine.pk]), body).status_code == 404
    assert client.post(reverse("park-service-end", args=[mine.pk])).status_code == 404
    assert signed_in(two["member"]).get(reverse("park-services")).status_code == 403  # an enterprise user
