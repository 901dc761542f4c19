"""The report centre's pages of the compliance gaps and of the support awards (registry/report_list_views.py), and
the plan board's figures leading to pages: each page as each role shows the API's own answer for the same filters,
scoped as the API (another park's id 404, enterprise users 403 as on every report page), paged, its downloads the
API's; the support-fund report's and the plan board's drill-downs go to these pages."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.choices import EnterpriseStatus
from enterprises.models import ComplianceFiling
from parks.models import DistrictMembership
from registry.choices import AwardStatus

from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    SupportAwardFactory,
    UserFactory,
    bureau_user,
    support_funds_2024,
)

pytestmark = pytest.mark.django_db
D = datetime.date
GAPS = reverse("report-compliance-gaps")
GAPS_API = reverse("api:report-compliance-gaps")
AWARDS = reverse("report-support-awards")
AWARDS_API = reverse("api:supportaward-list")
ROLES = ("bureau", "park_admin", "staff")


MARCH = D(2024, 3, 1)


def filed(enterprise, kind="deep_synthesis", on=MARCH, **dates):
    """An in-force compliance filing of the enterprise from the day."""
    number = f"网信算备{enterprise.pk}{on:%Y%m%d}{kind[:2]}" if kind in ("deep_synthesis", "generative_ai") else ""
    return ComplianceFiling.objects.create(enterprise=enterprise, kind=kind, service_name="数字人客服", number=number,
                                           filed_on=on, **dates)


@pytest.fixture
def gaps_world():
    """P1 (district D1) with E1 (deep synthesis since March 2024), E2 (generative AI May-December 2024), E3 (none,
    a content-security record) and E5 (deregistered in 2023); P2 (district D2) with E4 (none); P1's administrator,
    D1's staff, E1's user and the bureau."""
    p1, p2 = ParkFactory(), ParkFactory()
    e1, e2, e3 = (EnterpriseFactory(park=p1, district=p1.district) for _ in range(3))
    e5 = EnterpriseFactory(park=p1, district=p1.district, status=EnterpriseStatus.DEREGISTERED,
                           left_on=D(2023, 12, 31))
    e4 = EnterpriseFactory(park=p2, district=p2.district)
    filed(e1)
    filed(e2, kind="generative_ai", on=D(2024, 5, 1), valid_until=D(2024, 12, 31))
    filed(e3, kind="content_security", on=D(2024, 2, 1))
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=p1.district)
    return {"p1": p1, "p2": p2, "e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5, "staff": staff,
            "park_admin": ParkMembershipFactory(park=p1).user, "bureau": bureau_user(),
            "user1": EnterpriseMembershipFactory(enterprise=e1).user}


def as_api(user) -> APIClient:
    """An API client authenticated as the user."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_rows(response, attribute: str) -> list[int]:
    """The record ids of a page's table rows (`data-<attribute>`), in order."""
    return [int(pk) for pk in re.findall(rf'<tr data-{attribute}="(\d+)"', response.content.decode())]


def signed_in(client, user):
    """The client signed in as the user."""
    client.force_login(user)
    return client


@pytest.mark.parametrize("query", [
    {"kind": ["deep_synthesis", "generative_ai"], "as_of": "2024-12-31"},
    {"kind": ["deep_synthesis", "generative_ai"], "as_of": "2025-01-01"},
    {"kind": ["deep_synthesis"], "as_of": "2024-02-01"},
    {"kind": ["data_security"], "year": "2024"},
])
@pytest.mark.parametrize("role", ROLES)
def test_the_gaps_page_shows_the_apis_enterprises_for_each_role(client, gaps_world, role, query):
    user = gaps_world[role]
    answer = as_api(user).get(GAPS_API, query).json()
    response = signed_in(client, user).get(GAPS, query)
    assert response.status_code == 200
    assert page_rows(response, "enterprise") == [row["enterprise"] for row in answer["results"]]
    assert response.context["data"]["count"] == answer["count"]
    assert response.context["basis"] == answer["basis"]


def test_the_gaps_page_asks_both_algorithm_filings_by_default_and_states_its_rule(client, gaps_world):
    response = signed_in(client, gaps_world["bureau"]).get(GAPS, {"as_of": "2024-12-31"},
                                                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    # On 2024-12-31 E3 and E4 hold neither algorithm filing (E2's generative-AI filing runs to that day).
    assert page_rows(response, "enterprise") == sorted(
        [gaps_world["e3"].pk, gaps_world["e4"].pk], key=lambda pk: next(
            (e.name, e.pk) for e in (gaps_world["e3"], gaps_world["e4"]) if e.pk == pk))
    assert 'name="kind" value="deep_synthesis" checked' in page and 'value="generative_ai" checked' in page
    assert 'data-basis="rule"' in page and "2024-12-31" in page and "缺少合规备案" in page
    downloads = {fmt: unescape(re.search(rf'href="([^"]+)" id="download-{fmt}"', page).group(1))
                 for fmt in ("csv", "xlsx")}
    for fmt, address in downloads.items():
        assert address.startswith(GAPS_API) and "kind=deep_synthesis&kind=generative_ai" in address
        assert f"format={fmt}" in address and "as_of=2024-12-31" in address
    table = client.get(downloads["csv"])
    text = b"".join(table.streaming_content if table.streaming else [table.content]).decode("utf-8-sig")
    assert gaps_world["e4"].credit_code in text and gaps_world["e1"].credit_code not in text
    assert 'id="print-report"' in page and "print-header" in page


def test_the_gaps_page_filters_by_district_and_park_within_scope(client, gaps_world):
    query = {"kind": "deep_synthesis", "as_of": "2024-12-31"}
    bureau = signed_in(client, gaps_world["bureau"])
    by_park = bureau.get(GAPS, {**query, "park": gaps_world["p2"].pk})
    assert page_rows(by_park, "enterprise") == [gaps_world["e4"].pk]
    by_district = bureau.get(GAPS, {**query, "district": gaps_world["p1"].district_id})
    assert set(page_rows(by_district, "enterprise")) == {gaps_world["e2"].pk, gaps_world["e3"].pk}
    # The attack: P1's administrator names P2 (not theirs) — 404, as every report page answers another park's id.
    admin = signed_in(client, gaps_world["park_admin"])
    assert admin.get(GAPS, {**query, "park": gaps_world["p2"].pk}).status_code == 404
    assert set(page_rows(admin.get(GAPS, {**query, "park": gaps_world["p1"].pk}), "enterprise")) == {
        gaps_world["e2"].pk, gaps_world["e3"].pk}
    # District staff of D1 naming D2 see nothing of it (the API's scope), not E4.
    staff = signed_in(client, gaps_world["staff"])
    assert page_rows(staff.get(GAPS, {**query, "district": gaps_world["p2"].district_id}), "enterprise") == []


def test_the_gaps_page_refuses_enterprise_users_and_the_anonymous_and_bad_filters(client, gaps_world):
    assert client.get(GAPS).status_code == 302
    user = signed_in(client, gaps_world["user1"])
    assert user.get(GAPS).status_code == 403  # as on every report page (the API answers them their own)
    bureau = signed_in(client, gaps_world["bureau"])
    bad = bureau.get(GAPS, {"kind": "unknown"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert bad.status_code == 400 and 'id="kind-error"' in bad.content.decode()
    assert bureau.get(GAPS, {"as_of": "2024-13-01"}).status_code == 400
    assert ComplianceFiling.objects.count() == 3


def test_the_gaps_page_is_paged_as_the_api(client, gaps_world):
    park = gaps_world["p2"]
    for _ in range(55):
        EnterpriseFactory(park=park, district=park.district)
    query = {"kind": "deep_synthesis", "as_of": "2024-12-31", "park": park.pk}
    bureau = signed_in(client, gaps_world["bureau"])
    first = bureau.get(GAPS, query)
    api = as_api(gaps_world["bureau"])
    assert page_rows(first, "enterprise") == [row["enterprise"] for row in api.get(GAPS_API, query).json()["results"]]
    pager = first.context["pager"]
    assert pager["number"] == 1 and pager["pages"] == 2 and pager["previous"] is None
    second = bureau.get(f"{GAPS}{pager['next']}")
    assert page_rows(second, "enterprise") == [
        row["enterprise"] for row in api.get(GAPS_API, {**query, "page": 2}).json()["results"]]
    assert len(page_rows(first, "enterprise")) + len(page_rows(second, "enterprise")) == 56
    assert bureau.get(GAPS, {**query, "page": 3}).status_code == 404


def test_the_gaps_page_is_in_the_report_centre(client, gaps_world):
    for role in ROLES:
        index = signed_in(client, gaps_world[role]).get(reverse("report-index")).content.decode()
        assert f'href="{GAPS}" data-report="compliance-gaps"' in index, role


# --- the support awards ------------------------------------------------------------------------------------------
@pytest.fixture
def awards_world():
    """Districts D1 (park P1: E1, E3) and D2 (park P2: E2); policy A (task 2) and B (task 4) of 2024, C of 2023;
    awards: E1 paid 100 / 80 and E2 approved 50.5 and E3 applied under A, E1 cancelled under B, E2 paid under C;
    P1's administrator, D2's staff, E1's user and the bureau."""
    d1, d2 = DistrictFactory(), DistrictFactory()
    p1, p2 = ParkFactory(district=d1), ParkFactory(district=d2)
    e1, e3 = (EnterpriseFactory(district=d1, park=p1) for _ in range(2))
    e2 = EnterpriseFactory(district=d2, park=p2)
    a, b, c = support_funds_2024(e1=e1, e2=e2, e3=e3)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=d2)
    return {"d1": d1, "d2": d2, "p1": p1, "p2": p2, "e1": e1, "policies": (a, b, c), "staff": staff,
            "park_admin": ParkMembershipFactory(park=p1).user, "bureau": bureau_user(),
            "user1": EnterpriseMembershipFactory(enterprise=e1).user}


def drill_links(response) -> list[str]:
    """The addresses the support-fund report's counts lead to."""
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)" data-drill="awards">',
                                                  response.content.decode())]


@pytest.mark.parametrize("by", ["policy", "district", "park", "task"])
@pytest.mark.parametrize("role", ROLES)
def test_each_row_of_the_support_fund_report_leads_to_its_awards_page(client, awards_world, role, by):
    user = awards_world[role]
    report = signed_in(client, user).get(reverse("report-support-funds"), {"year": 2024, "by": by})
    assert report.status_code == 200
    rows = [row for row in as_api(user).get(reverse("api:report-support-funds"), {"year": 2024, "by": by})
            .json()["results"] if row["key"] is not None]
    links = drill_links(report)
    assert len(links) == len(rows) and all(link.startswith(f"{AWARDS}?year=2024&{by}=") for link in links)
    for link, row in zip(links, rows, strict=True):
        page = client.get(link)
        assert page.status_code == 200
        listed = as_api(user).get(row["records_url"]).json()
        assert page_rows(page, "award") == [item["id"] for item in listed["results"]]
        assert page.context["data"]["count"] == row["awards"] + row["applied"] + row["cancelled"]


def test_the_awards_page_names_its_row_shows_amounts_in_wan_yuan_and_filters_by_status(client, awards_world):
    a = awards_world["policies"][0]
    bureau = signed_in(client, awards_world["bureau"])
    page = bureau.get(AWARDS, {"year": 2024, "policy": a.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200 and f"{a.name}: " in text
    assert "100.00 万元" in text and "80.00 万元" in text and "50.50 万元" in text and "已拨付" in text
    granted = bureau.get(AWARDS, {"year": 2024, "policy": a.pk, "status": "paid"})
    assert len(page_rows(granted, "award")) == 1 and 'data-status="paid"' in granted.content.decode()
    assert f'href="{reverse("report-support-funds")}?year=2024&amp;by=policy"' in text
    assert f'href="{AWARDS}?policy={a.pk}">' in text  # the filters' reset keeps the row
    json_link = unescape(re.search(r'href="([^"]+)" id="download-json"', text).group(1))
    assert json_link.startswith(AWARDS_API) and client.get(json_link).json()["count"] == 3


def test_the_awards_page_is_scoped_as_the_report(client, awards_world):
    a = awards_world["policies"][0]
    admin = signed_in(client, awards_world["park_admin"])
    mine = admin.get(AWARDS, {"year": 2024, "policy": a.pk})
    assert len(page_rows(mine, "award")) == 2  # E1's and E3's (P1), not E2's
    # The attack: P1's administrator names P2's id — 404; D2's staff see D2's award only, whatever they name.
    assert admin.get(AWARDS, {"year": 2024, "park": awards_world["p2"].pk}).status_code == 404
    staff = signed_in(client, awards_world["staff"])
    assert len(page_rows(staff.get(AWARDS, {"year": 2024, "district": awards_world["d1"].pk}), "award")) == 0
    assert len(page_rows(staff.get(AWARDS, {"year": 2024, "policy": a.pk}), "award")) == 1
    user = signed_in(client, awards_world["user1"])
    assert user.get(AWARDS, {"year": 2024}).status_code == 403
    assert user.get(reverse("report-support-funds")).status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_the_readers_of_the_plan_board_and_funds_pages_are_the_apis(client, awards_world, role):
    """The bureau, district staff and park administrators read both the API and the pages."""
    user = awards_world[role]
    for name in ("report-plan-board", "report-support-funds"):
        assert as_api(user).get(reverse(f"api:{name}")).status_code == 200
        assert signed_in(client, user).get(reverse(name)).status_code == 200, (name, role)


# --- the plan board's figures -------------------------------------------------------------------------------------
def test_the_boards_figures_lead_to_their_pages_and_keep_the_data_link(client, gaps_world):
    bureau = signed_in(client, gaps_world["bureau"])
    response = bureau.get(reverse("report-plan-board"), {"year": 2024, "as_of": "2024-12-31"})
    page = response.content.decode()
    answer = as_api(gaps_world["bureau"]).get(reverse("api:report-plan-board"),
                                                    {"year": 2024, "as_of": "2024-12-31"}).json()
    figures = {item["code"]: item for row in answer["results"] for item in row["indicators"]}
    lacking = figures["algorithm-filings-lacking"]
    assert lacking["records_url"] and lacking["page_url"].endswith(
        f"{GAPS}?kind=deep_synthesis&kind=generative_ai&as_of=2024-12-31")
    cell = re.search(r'data-indicator="algorithm-filings-lacking">.*?</td>\s*<td[^>]*>(.*?)</td>', page, re.S).group(1)
    main = unescape(re.search(r'<a href="([^"]+)" data-drill="page">', cell).group(1))
    data = unescape(re.search(r'<a href="([^"]+)" data-drill="records">', cell).group(1))
    assert main == lacking["page_url"] and data == lacking["records_url"]
    followed = client.get(main)
    assert followed.status_code == 200 and followed.context["data"]["count"] == int(Decimal(lacking["value"])) == 2
    # A figure without a page keeps its data link only, not as the figure's link.
    held = re.search(r'data-indicator="algorithm-filings-held">.*?</td>\s*<td[^>]*>(.*?)</td>', page, re.S).group(1)
    assert 'data-drill="page"' not in held and 'data-drill="records"' in held
    assert figures["algorithm-filings-held"]["page_url"] is None
    # Every page a figure leads to opens for the bureau and for district staff.
    for item in figures.values():
        if item["page_url"]:
            for role in ("bureau", "staff"):
                assert signed_in(client, gaps_world[role]).get(item["page_url"]).status_code == 200, item["code"]


def test_both_pages_read_as_many_queries_whatever_the_number_of_rows(client, gaps_world, awards_world):
    """No query per row: a page of one row and a page of many cost the same (tests/budgets.py locks the count)."""
    bureau = signed_in(client, gaps_world["bureau"])
    a = awards_world["policies"][0]
    pages = {GAPS: {"kind": "deep_synthesis", "park": gaps_world["p2"].pk},
             AWARDS: {"year": 2024, "policy": a.pk, "status": "approved"}}
    kinds = {GAPS: "enterprise", AWARDS: "award"}
    few = {}
    for path, query in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert len(page_rows(bureau.get(path, query), kinds[path])) == 1
        few[path] = len(queries)
    for _ in range(6):
        enterprise = EnterpriseFactory(park=gaps_world["p2"], district=gaps_world["p2"].district)
        SupportAwardFactory(policy=a, enterprise=enterprise, status=AwardStatus.APPROVED,
                            amount_approved=Decimal("1"), approved_on=D(2024, 5, 1))
    many = {}
    for path, query in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert len(page_rows(bureau.get(path, query), kinds[path])) == 7
        many[path] = len(queries)
    assert few == many
