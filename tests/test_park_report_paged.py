"""The park report a page at a time: pages that add up to every park in order, a clear 400 or 404 for a bad page,
each park's lists behind their own addresses, and a write shown by the next read of a page and of a list."""

import datetime

import pytest
from django.utils import timezone

from enterprises.choices import FilingStatus

from .conftest import token_client
from .factories import AnnualFilingFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/parks/"


def test_pages_add_up_to_every_park_in_order():
    parks = 7
    build_world(parks=parks, admins=0, enterprises=1)
    client = token_client(bureau_user())
    whole = client.get(URL, {"page_size": 1000}).json()
    assert whole["count"] == parks == len(whole["results"]) and whole["next"] is None
    paged, address = [], f"{URL}?page_size=3"
    while address:
        body = client.get(address).json()
        assert body["count"] == parks and len(body["results"]) <= 3
        paged += body["results"]
        address = body["next"]
    assert paged == whole["results"]  # the same rows, in the same order (by name), each park once
    assert len(client.get(URL).json()["results"]) == parks  # the default page (50) holds them all


@pytest.mark.parametrize("language,message", [("zh-hans", "请输入1至1000之间的整数。"),
                                              ("en", "Give a whole number from 1 to 1000.")])
def test_a_bad_page_size_is_a_400_on_its_field_and_a_page_past_the_end_a_404(language, message):
    build_world(parks=2, admins=0)
    client = token_client(bureau_user())
    response = client.get(URL, {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and list(response.json()) == ["page_size"]
    assert response.json()["page_size"] == [message]
    assert client.get(URL, {"page": "9"}).status_code == 404


def test_a_write_shows_in_the_next_page_and_list():
    world = build_world(parks=1, admins=0, enterprises=2)
    client = token_client(bureau_user())
    today = timezone.localdate()
    row = client.get(URL).json()["results"][0]
    assert (row["ending_30"], row["not_filed_count"]) == (0, 2)
    ending = world.let(enterprise=world.enterprise(0, 0), start=today - datetime.timedelta(days=10),
                       end=today + datetime.timedelta(days=20))
    row = client.get(URL).json()["results"][0]
    assert row["ending_30"] == row["ending_90"] == 1
    listed = client.get(row["ending_url"]).json()
    assert [(item["tenancy"], item["days"]) for item in listed["results"]] == [(ending.pk, 20)]
    filer = world.enterprise(0, 1)
    AnnualFilingFactory(enterprise=filer, year=row["not_filed_year"], status=FilingStatus.SUBMITTED,
                        park=filer.park, district=filer.district, submitted_at=timezone.now())
    row = client.get(URL).json()["results"][0]
    assert row["not_filed_count"] == 1
    names = [item["name"] for item in client.get(row["not_filed_url"]).json()["results"]]
    assert names == [world.enterprise(0, 0).name]
