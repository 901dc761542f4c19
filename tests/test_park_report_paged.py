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


@pytest.mark.parametrize("who", ["bureau", "park_admin"])
def test_a_page_read_with_the_number_of_parks_answers_as_the_counted_pages(who):
    """A page of parks is read with their number in one query (the bureau's compiled once, a park administrator's
    built for them): each page, the last one, a page past the end and a page that is no number answer as Django's
    paginator over `report_parks` does."""
    from django.core.paginator import InvalidPage, Paginator

    from config.api.pagination import CountedPagePaginator
    from registry.selectors import report_parks
    from registry.selectors.parks import ReportParks

    world = build_world(parks=5, admins=1, districts=2)
    user = bureau_user() if who == "bureau" else world.admin(0)
    client, today = token_client(user), timezone.localdate()
    counted = Paginator(report_parks(user=user, on=today), 2)
    assert counted.count == 5 if who == "bureau" else counted.count >= 1
    for number in (*range(1, counted.num_pages + 1), str(counted.num_pages), "last"):
        page = counted.page(counted.num_pages if number == "last" else number)
        body = client.get(URL, {"page_size": 2, "page": number}).json()
        assert body["count"] == counted.count
        assert [(row["park_id"], row["park_name"], row["district_name"]) for row in body["results"]] == [
            (park.pk, park.name, park.district_name_then) for park in page]
        one_pass = CountedPagePaginator(ReportParks(user=user, on=today), 2)
        assert list(one_pass.page(number if number != "last" else counted.num_pages)) == [
            (park.pk, park.name, park.district_name_then) for park in page] and one_pass.count == counted.count
    for number in (str(counted.num_pages + 1), "0", "-1", "x", "1.5"):
        assert client.get(URL, {"page_size": 2, "page": number}).status_code == 404
        with pytest.raises(InvalidPage):
            CountedPagePaginator(ReportParks(user=user, on=today), 2).page(number)


def test_a_report_without_parks_answers_an_empty_first_page():
    """No park existed on the date: the first page is empty (count 0), the second a 404, as Django's paginator."""
    build_world(parks=2, admins=0, park_kwargs=lambda index: {"opened_on": datetime.date(2024, 1, 1)})
    client = token_client(bureau_user())
    body = client.get(URL, {"as_of": "2023-06-01"}).json()
    assert (body["count"], body["results"], body["next"]) == (0, [], None)
    assert client.get(URL, {"as_of": "2023-06-01", "page": 2}).status_code == 404
    assert client.get(URL, {"as_of": "2024-01-01"}).json()["count"] == 2


def test_a_parks_tenants_not_filed_compiled_for_the_bureau_equal_its_queryset():
    """The bureau's list of a park's tenants not filed (`TenantsNotFiled`, compiled once per year) holds the rows of
    the `tenants_not_filed` queryset, in its order, for each park and year: the count, every page and every row
    (a download); the API's pages add up to them."""
    from registry.selectors import tenants_not_filed
    from registry.selectors.parks import TenantsNotFiled

    world = build_world(parks=2, admins=0, enterprises=4)
    bureau, today = bureau_user(), timezone.localdate()
    year = today.year - 1
    filer = world.enterprise(0, 1)
    AnnualFilingFactory(enterprise=filer, year=year, status=FilingStatus.SUBMITTED, park=filer.park,
                        district=filer.district, submitted_at=timezone.now())
    world.let(enterprise=world.enterprise(1, 0), park=0, start=datetime.date(year, 3, 1),
              end=datetime.date(year, 9, 1))  # a tenant of the first park registered with the second
    client = token_client(bureau)
    for park in world.parks:
        for asked in (year - 1, year, year + 1):
            expected = [{"enterprise": pk, "name": name} for pk, name in
                        tenants_not_filed(user=bureau, park=park.pk, year=asked).values_list("pk", "name")]
            kept = TenantsNotFiled(park=park.pk, year=asked)
            assert kept.count() == len(kept) == len(expected) and list(kept) == expected
            assert [row for start in range(0, 6, 2) for row in kept[start:start + 2]] == expected
            assert kept[3:3] == []
            paged, address = [], f"{URL}{park.pk}/tenants-not-filed/?page_size=2&year={asked}"
            while address:
                body = client.get(address).json()
                assert body["count"] == len(expected)
                paged += body["results"]
                address = body["next"]
            assert paged == expected
    assert len(list(TenantsNotFiled(park=world.parks[0].pk, year=year))) == 4  # 3 registered owing, 1 renting
