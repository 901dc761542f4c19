"""Unhandled 500s: the API root, and the reports asked for dates and years at the edges of what Python and
PostgreSQL can hold (9999-12-31 overflowed a date computed from it; year 0001 and 9999 passed through).

Every report's every date and year parameter, and the occupancy endpoints' date, are swept with extreme values
as each role: the answer is never a 5xx; a value outside the reports' range is a 400 naming the parameter, in
Chinese and in English; the range's own ends are answered."""

import pytest
from django.conf import settings
from django.urls import reverse

from ..conftest import park_admin_client, token_client
from ..endpoints import api_endpoints
from ..factories import (
    LabFactory,
    TenancyFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    plan_targets,
)

pytestmark = pytest.mark.django_db

EXTREME_DATES = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01", "2100-12-31", "2000-01-01"]
EXTREME_YEARS = ["9999", "0", "-1", "1999", "2101", "99999999999999999999", "2100", "2000"]


def reports() -> list[tuple[str, list[str], list[str]]]:
    """(address, its date parameters, its year parameters) of every report and the occupancy endpoints."""
    return [
        (reverse("api:report-parks"), ["as_of", "on", "start", "end"], []),
        (reverse("api:report-districts"), ["as_of", "on"], ["year"]),
        (reverse("api:report-plan-progress"), ["as_of"], ["year"]),
        (reverse("api:report-plan-progress-records", args=["labs"]), ["as_of"], ["year"]),
        (reverse("api:report-tier-summary"), [], ["year"]),
        (reverse("api:report-tier-candidates"), [], ["year"]),
        (reverse("api:report-declarations"), [], ["year"]),
    ]


@pytest.fixture
def world():
    """A park with a let unit, an approved filing, a lab, the plan's targets; a client per role."""
    tenancy = TenancyFactory()
    approved_filing(enterprise=tenancy.enterprise)
    LabFactory()
    plan_targets()
    return {
        "bureau": token_client(bureau_user()),
        "park": park_admin_client(tenancy.unit.park),
        "user": token_client(UserFactory()),
        "park_id": tenancy.unit.park_id,
        "district_id": tenancy.unit.park.district_id,
    }


def in_range(value: str) -> bool:
    """Whether a date or year is within the reports' range (settings.REPORT_DATE_MIN .. REPORT_DATE_MAX)."""
    if "-" in value[1:]:  # a date
        return settings.REPORT_DATE_MIN.isoformat() <= value <= settings.REPORT_DATE_MAX.isoformat()
    return settings.REPORT_DATE_MIN.year <= int(value) <= settings.REPORT_DATE_MAX.year


def test_the_api_root_answers(world):
    for client in (world["bureau"], world["park"], world["user"]):
        client.raise_request_exception = False
        response = client.get("/api/v1/")
        assert response.status_code == 200, response.content[:200]
        assert "parks" in response.json()


def test_the_browsable_api_answers_every_list(world):
    client = world["bureau"]
    client.raise_request_exception = False
    lists = [name for name, methods in api_endpoints().items() if name.endswith("-list") and "get" in methods]
    assert len(lists) > 15
    for name in lists:
        response = client.get(reverse(f"api:{name}"), HTTP_ACCEPT="text/html")
        assert response.status_code == 200, (name, response.status_code)
        assert response["Content-Type"].startswith("text/html")


def test_the_api_root_asks_anonymous_callers_to_sign_in(anon_client):
    anon_client.raise_request_exception = False
    assert anon_client.get("/api/v1/").status_code == 401


def test_the_overflowing_park_report_is_a_clear_400(world):
    client = world["bureau"]
    client.raise_request_exception = False
    for language, word in (("en", "date"), ("zh-hans", "日期")):
        response = client.get(reverse("api:report-parks"), {"on": "9999-12-31"}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400, response.content[:300]
        assert list(response.json()) == ["on"]
        assert word in response.json()["on"][0] and "2100-12-31" in response.json()["on"][0]


@pytest.mark.parametrize("role", ["bureau", "park", "user"])
def test_every_report_date_and_year_at_the_extremes(world, role):
    client = world[role]
    client.raise_request_exception = False
    for url, dates, years in reports():
        for name, values in [*((d, EXTREME_DATES) for d in dates), *((y, EXTREME_YEARS) for y in years)]:
            for value in values:
                for fmt in ("json", "csv"):
                    response = client.get(url, {name: value, "format": fmt})
                    where = f"{url}?{name}={value}&format={fmt} as {role}"
                    assert response.status_code < 500, where
                    if not in_range(value):
                        assert response.status_code == 400, where
                        assert name in response.json(), where


def test_occupancy_dates_at_the_extremes(world):
    client = world["bureau"]
    client.raise_request_exception = False
    for url in (reverse("api:park-occupancy", args=[world["park_id"]]),
                reverse("api:district-occupancy", args=[world["district_id"]])):
        for value in EXTREME_DATES:
            for name in ("as_of", "date"):  # `date`: its name before, still read
                response = client.get(url, {name: value})
                assert response.status_code == (200 if in_range(value) else 400), f"{url}?{name}={value}"
                if response.status_code == 400:
                    assert list(response.json()) == [name]


def test_the_range_is_in_the_message_in_both_languages(world):
    client = world["bureau"]
    url = reverse("api:report-districts")
    english = client.get(url, {"as_of": "1999-12-31"}, HTTP_ACCEPT_LANGUAGE="en").json()["as_of"][0]
    chinese = client.get(url, {"as_of": "1999-12-31"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["as_of"][0]
    assert "2000-01-01" in english and "2000-01-01" in chinese and english != chinese
    assert "between" in english
