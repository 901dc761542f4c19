"""API polish: the root answers, every operation is tagged by its resource (described in Chinese and English),
districts, parks and enterprises filter by division code, and an unknown `ordering` or `format` is a 400 naming
what is allowed, in Chinese and in English."""

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from config.api_tags import RESOURCE_TAGS

from .conftest import park_admin_client, token_client
from .factories import DistrictFactory, EnterpriseFactory, ParkFactory, UserFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db

LANGUAGES = (("zh-hans", "排序"), ("en", "order by"))


@pytest.fixture
def districts():
    """Two districts, each with a park and an enterprise registered with it."""
    made = []
    for code in ("110105", "110108"):
        district = DistrictFactory(code=code)
        park = ParkFactory(district=district)
        made.append((district, park, EnterpriseFactory(district=district, park=park)))
    return made


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


# --- the root -----------------------------------------------------------------------------------------------------
def test_the_api_root_answers_every_role_in_json_and_html():
    world = build_world(parks=1, enterprises=1, users=1)
    for client in (token_client(bureau_user()), park_admin_client(world.parks[0]),
                   token_client(world.members[0].user), token_client(UserFactory())):
        client.raise_request_exception = False
        answer = client.get("/api/v1/")
        assert answer.status_code == 200 and answer.json()["districts"].endswith("/api/v1/districts/")
        page = client.get("/api/v1/", HTTP_ACCEPT="text/html")
        assert page.status_code == 200 and page["Content-Type"].startswith("text/html")


# --- tags ---------------------------------------------------------------------------------------------------------
def test_every_operation_is_tagged_by_its_resource_described_in_chinese_and_english():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    used = set()
    for path, operations in schema["paths"].items():
        resource = path.removeprefix("/api/v1/").split("/")[0]
        for method, operation in operations.items():
            assert operation["tags"] == [resource], (method, path, operation["tags"])
            used.add(resource)
    assert "v1" not in used and len(used) > 15
    described = {tag["name"]: tag["description"] for tag in schema["tags"]}
    assert used <= set(described)
    for name in used:
        chinese, english = RESOURCE_TAGS[name]
        assert described[name] == f"{chinese} / {english}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese) and english.isascii()


# --- division codes -----------------------------------------------------------------------------------------------
def test_districts_filter_by_one_or_several_division_codes(districts, bureau_client):
    (first, _p1, _e1), (second, _p2, _e2) = districts
    url = reverse("api:district-list")
    assert ids(bureau_client.get(url, {"code": "110105"})) == {first.pk}
    assert ids(bureau_client.get(url, {"code": "110105,110108"})) == {first.pk, second.pk}
    assert ids(bureau_client.get(url, {"code": "120101"})) == set()


def test_parks_and_enterprises_filter_by_their_districts_division_code(districts, bureau_client):
    (_d1, park, enterprise), (_d2, other_park, other) = districts
    assert ids(bureau_client.get(reverse("api:park-list"), {"district_code": "110105"})) == {park.pk}
    assert ids(bureau_client.get(reverse("api:enterprise-list"), {"district_code": "110108"})) == {other.pk}
    both = bureau_client.get(reverse("api:enterprise-list"), {"district_code": "110105, 110108"})
    assert ids(both) == {enterprise.pk, other.pk}


def test_a_division_code_filter_stays_inside_the_users_scope(districts):
    (_d1, park, enterprise), (_d2, _other_park, _other) = districts
    client = park_admin_client(park)
    assert ids(client.get(reverse("api:enterprise-list"), {"district_code": "110108"})) == set()  # another park's
    assert ids(client.get(reverse("api:enterprise-list"), {"district_code": "110105"})) == {enterprise.pk}


@pytest.mark.parametrize("name,parameter", [("district", "code"), ("park", "district_code"),
                                            ("enterprise", "district_code")])
def test_a_malformed_division_code_is_a_400_on_its_parameter(bureau_client, name, parameter):
    for language, words in (("zh-hans", "6位行政区划代码"), ("en", "6-digit division codes")):
        answer = bureau_client.get(reverse(f"api:{name}-list"), {parameter: "11A"}, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 400 and list(answer.json()) == [parameter]
        assert words in answer.json()[parameter][0]


# --- ordering and format ------------------------------------------------------------------------------------------
def test_an_unknown_ordering_is_a_400_naming_the_allowed_fields(districts, bureau_client):
    url = reverse("api:park-list")
    assert bureau_client.get(url, {"ordering": "-name"}).status_code == 200
    for language, words in (("zh-hans", "可用的排序字段"), ("en", "order by one of")):
        answer = bureau_client.get(url, {"ordering": "name,secret"}, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 400 and list(answer.json()) == ["ordering"]
        message = answer.json()["ordering"][0]
        assert words in message and "secret" in message and "name" in message.split(words)[1]


def test_an_unknown_ordering_of_a_report_is_a_400_too(bureau_client):
    answer = bureau_client.get(reverse("api:report-tier-candidates"), {"ordering": "password"})
    assert answer.status_code == 400 and "revenue" in answer.json()["ordering"][0]
    assert bureau_client.get(reverse("api:report-tier-candidates"), {"ordering": "-revenue"}).status_code == 200


@pytest.mark.parametrize("name", ["report-districts", "report-parks", "report-plan-progress", "report-declarations"])
def test_a_computed_report_in_its_own_order_refuses_any_ordering(bureau_client, name):
    for language, words in (("zh-hans", "未知的查询参数"), ("en", "Unknown query parameter")):
        answer = bureau_client.get(reverse(f"api:{name}"), {"ordering": "name"}, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 400 and answer.json() == {"ordering": [answer.json()["ordering"][0]]}
        assert words in answer.json()["ordering"][0]


@pytest.mark.parametrize("url,formats", [
    ("/api/v1/parks/", "json, api"),
    ("/api/v1/reports/tier-candidates/", "json, csv, xlsx"),
])
def test_an_unknown_format_is_a_400_naming_the_formats(bureau_client, url, formats):
    for language, words in (("zh-hans", "可用的格式"), ("en", "the formats are")):
        answer = bureau_client.get(url, {"format": "pdf"}, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
        assert list(answer.json()) == ["format"]
        message = answer.json()["format"][0]
        assert words in message and "pdf" in message and formats in message
