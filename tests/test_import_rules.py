"""The table import applies the services' rules, not copies of them: a file whose rows break each rule of a write
is refused with exactly the message the API gives for the same input (asked of the API in the same test), in
English and in Chinese; and the write a service makes beside the record (a unit's opening moved back to a new
tenancy's start) is made by the import too."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling

from .conftest import enterprise_user_client
from .factories import (
    AnnualFilingFactory,
    DistrictFactory,
    EnterpriseFactory,
    ParkFactory,
    TenancyFactory,
    UnitFactory,
    approved_filing,
    credit_code,
)
from .test_imports import (
    ENTERPRISE_HEADER,
    FILING_HEADER,
    IMPORTS,
    TENANCY_HEADER,
    filing_row,
    post_import,
    table_bytes,
)

LANGUAGES = ["en", "zh-hans"]


def api(client, method: str, url: str, data: dict, language: str):
    """Call the API in a language; the response (a 400 expected by the callers)."""
    return getattr(client, method)(url, data, format="json", HTTP_ACCEPT_LANGUAGE=language)


def imported(client, kind: str, rows: list[list], language: str) -> dict:
    """Dry-run import of the rows as a CSV file in a language: the messages by (row, field)."""
    upload = SimpleUploadedFile(f"{kind}.csv", table_bytes(rows, "csv"))
    response = client.post(IMPORTS, {"kind": kind, "file": upload, "dry_run": True}, format="multipart",
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400, response.data
    found: dict = {}
    for error in response.data["errors"]:
        found.setdefault((error["row"], error["field"]), []).append(error["message"])
    return found


@pytest.fixture
def place(db):
    """A park in Chaoyang with a unit let since 2024, a unit that closed at the end of 2025, and a unit opening
    mid-2026; an enterprise registered there with an approved filing of 2022 and a submitted one of 2023."""
    district = DistrictFactory(code="110105", name="朝阳区")
    park = ParkFactory(name="朝阳数字人基地", district=district, opened_on=None)
    let = UnitFactory(park=park, building="A", floor="1", room="101")
    held = TenancyFactory(unit=let, start=datetime.date(2024, 1, 1), end=None)
    closed = UnitFactory(park=park, building="A", floor="1", room="102", opened_on=datetime.date(2020, 1, 1),
                         closed_on=datetime.date(2025, 12, 31))
    opening = [UnitFactory(park=park, building="A", floor="2", room=room, opened_on=datetime.date(2026, 6, 1))
               for room in ("201", "202")]
    enterprise = EnterpriseFactory(district=district, park=park, name="规则数字人科技有限公司")
    approved = approved_filing(enterprise=enterprise, year=2022)
    submitted = AnnualFilingFactory(enterprise=enterprise, year=2023, status=FilingStatus.SUBMITTED, park=park,
                                    district=district, submitted_at=approved.submitted_at)
    return {"park": park, "let": let, "held": held, "closed": closed, "opening": opening, "enterprise": enterprise,
            "approved": approved, "submitted": submitted}


def tenancy_row(code: str, room: str, start: str, end: str = "") -> list:
    """A tenancy row of the park's building A."""
    floor = room[0]
    return [code, "朝阳数字人基地", "A", floor, room, start, end, ""]


@pytest.mark.parametrize("language", LANGUAGES)
def test_tenancy_rows_get_the_services_messages(bureau_client, place, language):
    tenant = EnterpriseFactory()
    url = reverse("api:tenancy-list")
    overlap = api(bureau_client, "post", url, {"unit": place["let"].pk, "enterprise": tenant.pk,
                                               "start": "2025-01-01"}, language)
    closed = api(bureau_client, "post", url, {"unit": place["closed"].pk, "enterprise": tenant.pk,
                                              "start": "2025-01-01"}, language)
    unknown = api(bureau_client, "post", url, {"unit": place["opening"][0].pk, "start": "2026-07-01",
                                               "enterprise_credit_code": credit_code(999)}, language)
    assert (overlap.status_code, closed.status_code, unknown.status_code) == (400, 400, 400)
    rows = [TENANCY_HEADER,
            tenancy_row(tenant.credit_code, "101", "2025-01-01"),     # row 2: the unit is let since 2024
            tenancy_row(tenant.credit_code, "102", "2025-01-01"),     # row 3: the unit closed at the end of 2025
            tenancy_row(credit_code(999), "201", "2026-07-01")]       # row 4: no enterprise has this code
    found = imported(bureau_client, "tenancies", rows, language)
    assert found[2, "start"] == overlap.data["start"]
    assert str(place["held"].pk) in found[2, "start"][0]  # the bureau sees the tenancy in the way named
    assert found[3, "end"] == closed.data["end"]
    assert found[4, "enterprise"] == unknown.data["enterprise_credit_code"]


def test_a_new_tenancy_moves_its_units_opening_back_as_the_api_does(bureau_client, place):
    by_api, by_import = place["opening"]
    tenant = EnterpriseFactory()
    response = bureau_client.post(reverse("api:tenancy-list"), {"unit": by_api.pk, "enterprise": tenant.pk,
                                                                "start": "2026-03-01"}, format="json")
    assert response.status_code == 201, response.data
    response = post_import(bureau_client, "tenancies", [TENANCY_HEADER, tenancy_row(tenant.credit_code, "202",
                                                                                     "2026-03-01")])
    assert response.status_code == 200 and response.data["created"] == 1, response.data
    by_api.refresh_from_db(), by_import.refresh_from_db()
    assert by_import.opened_on == by_api.opened_on == datetime.date(2026, 3, 1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_filing_rows_get_the_services_messages(place, language):
    enterprise = place["enterprise"]
    member = enterprise_user_client(enterprise)
    url = reverse("api:annualfiling-list")
    taken = {year: api(member, "post", url, {"enterprise": enterprise.pk, "year": year, "revenue": "1.00"},
                       language) for year in (2022, 2023)}
    assert [response.status_code for response in taken.values()] == [400, 400]
    draft = member.post(url, {"enterprise": enterprise.pk, "year": 2024, "revenue": "100.00"}, format="json")
    incomplete = member.post(reverse("api:annualfiling-submit", args=[draft.data["id"]]),
                             HTTP_ACCEPT_LANGUAGE=language)
    assert incomplete.status_code == 400
    AnnualFiling.objects.filter(pk=draft.data["id"]).delete()
    code = enterprise.credit_code
    rows = [FILING_HEADER,
            filing_row(code, 2022, revenue="99999"),   # row 2: approved: revised, not filed again
            filing_row(code, 2023, revenue="99999"),   # row 3: submitted: awaits its review
            [code, 2024, "100.00"]]                    # row 4: a figure of the submission missing
    found = imported(member, "filings", rows, language)
    assert found[2, "year"] == taken[2022].data["year"]
    assert found[3, "year"] == taken[2023].data["year"]
    assert {name: messages for (row, name), messages in found.items() if row == 4} == incomplete.data


@pytest.mark.parametrize("language", LANGUAGES)
def test_bureau_fields_get_the_api_message(place, language):
    enterprise = place["enterprise"]
    member = enterprise_user_client(enterprise)
    refused = api(member, "patch", reverse("api:enterprise-detail", args=[enterprise.pk]),
                  {"name": "改名有限公司"}, language)
    assert refused.status_code == 400 and list(refused.data) == ["name"]
    row = [enterprise.credit_code, "改名有限公司", enterprise.short_name, "朝阳区", "朝阳数字人基地", "应用层", "建模",
           "2020-01-01"]
    found = imported(member, "enterprises", [ENTERPRISE_HEADER, row], language)
    assert found == {(2, "name"): refused.data["name"]}
