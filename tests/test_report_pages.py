"""The report centre's pages (registry/report_views.py), server side: who may open which report, that each page
shows the API's own figures within the user's scope, bad filters answered 400 with the field's message, the
drill-downs scoped, and the bureau's run button (the same pages in a browser: tests/browser/test_report_centre.py)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from parks.models import DistrictMembership
from registry.choices import RunStatus
from registry.models import ReportRun
from registry.services import report_run_execute

from .factories import (
    LabFactory,
    ParkFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    plan_targets,
)
from .worlds import build_world

pytestmark = pytest.mark.django_db

YEAR = 2024
PAGES = ["report-index", "report-districts", "report-parks", "report-plan", "report-tier-summary",
         "report-tier-candidates"]
BUREAU_ONLY = {"report-districts", "report-plan"}


@pytest.fixture
def world():
    """Two parks in two districts, an administrator of each, two enterprises registered with each (one renting in
    its park, with an approved filing of YEAR), the plan's targets, labs, and a tier summary of YEAR computed."""
    made = build_world(parks=2, admins=1, enterprises=2, users=1)
    for p, park in enumerate(made.parks):
        for n, enterprise in enumerate(made.enterprises[p]):
            if n == 0:
                TenancyFactory(unit=UnitFactory(park=park, area=Decimal("250")), enterprise=enterprise,
                               start=datetime.date(2024, 1, 1), end=datetime.date(2030, 1, 1))
            approved_filing(enterprise=enterprise, year=YEAR, revenue=Decimal("30000"), rd_expense=Decimal("2000"))
    plan_targets()
    LabFactory(host=made.enterprise(0), park=made.parks[0])
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    return made


def api(user, name, **params):
    """The report API's JSON answer for the user."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(reverse(f"api:{name}"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_anonymous_are_sent_to_sign_in(client):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), name


def test_enterprise_users_are_refused(client, world):
    client.force_login(world.members[0].user)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("report-enterprises"), {"kind": "tenants", "park": world.parks[0].pk,
                                                      "as_of": "2024-06-01"}).status_code == 403
    assert "报表中心" not in client.get(reverse("dashboard")).content.decode()


def test_bureau_opens_every_report_with_basis_totals_and_downloads(client, world):
    client.force_login(bureau_user())
    index = client.get(reverse("report-index")).content.decode()
    for name in PAGES[1:]:
        assert reverse(name) in index
        response = client.get(reverse(name), {"year": YEAR})
        assert response.status_code == 200, (name, response.content[:500])
        html = response.content.decode()
        assert 'id="report-basis"' in html and f'data-basis="year">{YEAR}' in html, name
        assert 'class="totals"' in html, name
        assert "format=csv" in html and "format=xlsx" in html and f"year={YEAR}" in html, name
    assert 'href="/reports/"' in client.get(reverse("dashboard")).content.decode()  # the nav link


def test_district_page_shows_the_apis_figures_and_totals(client, world):
    bureau = bureau_user()
    client.force_login(bureau)
    answer = api(bureau, "report-districts", year=YEAR)
    html = client.get(reverse("report-districts"), {"year": YEAR}).content.decode()
    for row in answer["results"]:
        assert f'data-district="{row["district_code"]}"' in html
    # Four enterprises of 30000 万元 each: 12 亿元 in the totals row; two tenants of 250 m².
    assert "12.00 亿元" in html and "500.00" in html
    assert f'value="{answer["basis"]["as_of"]}"' not in html  # the date field stays blank: the default


def test_park_admin_sees_only_their_park(client, world):
    admin = world.admin(0)
    client.force_login(admin)
    for name in BUREAU_ONLY:
        assert client.get(reverse(name)).status_code == 403
    html = client.get(reverse("report-parks")).content.decode()
    assert world.parks[0].name in html and world.parks[1].name not in html
    mine = reverse("report-park-list", args=[world.parks[0].pk, "tenants-not-filed"])
    assert mine in html  # the park's list of tenants not filed, one click away
    listed = client.get(mine).content.decode()
    assert world.enterprise(0, 0).name in listed and world.enterprise(1, 0).name not in listed  # by name
    theirs = reverse("report-park-list", args=[world.parks[1].pk, "tenants-not-filed"])
    assert client.get(theirs).status_code == 404  # another park's list does not exist for them
    summary = client.get(reverse("report-tier-summary"), {"year": YEAR}).content.decode()
    assert world.parks[0].name in summary and world.parks[1].name not in summary
    assert 'id="run-panel"' not in summary  # the runs are the bureau's
    candidates = client.get(reverse("report-tier-candidates"), {"year": YEAR}).content.decode()
    assert world.enterprise(1, 0).name not in candidates and world.enterprise(1, 1).name not in candidates


def test_park_report_lists_names_of_tenancies_ending_and_tenants_not_filed(client, world):
    client.force_login(bureau_user())
    ending = world.let(enterprise=world.enterprise(0, 1), start=datetime.date(2024, 1, 1),
                       end=datetime.date(2025, 3, 1))
    html = client.get(reverse("report-parks"), {"as_of": "2025-01-15", "year": 2025}).content.decode()
    park = world.parks[0].pk
    row = html[html.index(f'data-park="{park}"'):]
    row = row[:row.index("</tr>")]
    ending_list = f'{reverse("report-park-list", args=[park, "tenancies-ending"])}?as_of=2025-01-15&amp;year=2025'
    not_filed_list = f'{reverse("report-park-list", args=[park, "tenants-not-filed"])}?as_of=2025-01-15&amp;year=2025'
    assert ending_list in row and not_filed_list in row  # each park's lists, linked from its row
    section = client.get(ending_list.replace("&amp;", "&")).content.decode()
    assert ending.enterprise.name in section and "2025-03-01" in section
    assert f"<h1>{world.parks[0].name}: " in section  # named by the answer's park_name
    # Nobody filed for 2025: every enterprise of the park is listed by name.
    assert world.enterprise(0, 0).name in client.get(not_filed_list.replace("&amp;", "&")).content.decode()
    assert client.get(reverse("report-park-list", args=[park, "elsewhere"])).status_code == 404


def test_park_report_pages_a_screen_of_parks_at_a_time(client, world):
    from rest_framework.settings import api_settings

    client.force_login(bureau_user())
    parks = sorted(world.parks, key=lambda park: park.name)
    extra = [ParkFactory(name=f"园区{index:03d}") for index in range(api_settings.PAGE_SIZE + 1 - len(parks))]
    count = len(parks) + len(extra)
    html = client.get(reverse("report-parks")).content.decode()
    assert html.count("data-park=") == api_settings.PAGE_SIZE and 'rel="next"' in html and 'rel="prev"' not in html
    last = client.get(reverse("report-parks"), {"page": 2}).content.decode()
    assert last.count("data-park=") == count - api_settings.PAGE_SIZE and 'rel="prev"' in last


def test_drill_down_is_scoped(client, world):
    admin = world.admin(0)
    client.force_login(admin)
    mine = client.get(reverse("report-enterprises"), {"kind": "tenants", "park": world.parks[0].pk,
                                                      "as_of": "2024-06-01"})
    assert mine.status_code == 200 and world.enterprise(0, 0).name in mine.content.decode()
    theirs = client.get(reverse("report-enterprises"), {"kind": "tenants", "park": world.parks[1].pk,
                                                        "as_of": "2024-06-01"})
    assert theirs.status_code == 404
    for name in ("report-tier-summary", "report-tier-candidates"):  # another park named in a filter: 404
        assert client.get(reverse(name), {"year": YEAR, "park": world.parks[1].pk}).status_code == 404, name
        assert client.get(reverse(name), {"year": YEAR, "park": world.parks[0].pk}).status_code == 200, name
    client.force_login(bureau_user())
    enterprise = world.enterprise(1, 1)
    registered = client.get(reverse("report-enterprises"), {"kind": "registered", "district": enterprise.district_id,
                                                            "as_of": "2024-06-01"}).content.decode()
    assert enterprise.name in registered and world.enterprise(1, 0).name not in registered


def test_bad_filters_answer_400_with_the_fields_message(client, world):
    client.force_login(bureau_user())
    for language, words in (("en", "Date has wrong format"), ("zh-hans", "日期格式错误")):
        with translation.override(language):
            response = client.get(reverse("report-districts"), {"as_of": "someday"}, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="as_of-error"' in html and words in html, html[html.find("as_of-error"):][:300]
    response = client.get(reverse("report-enterprises"), {"kind": "nothing", "as_of": "2024-06-01"})
    assert response.status_code == 400


def test_plan_records_are_one_click_away(client, world):
    client.force_login(bureau_user())
    html = client.get(reverse("report-plan"), {"year": YEAR, "as_of": "2024-12-31"}).content.decode()
    link = reverse("report-plan-records", args=["labs"])
    assert link in html
    records = client.get(link, {"year": YEAR, "as_of": "2024-12-31"})
    assert records.status_code == 200
    assert records.content.decode().count("<tr data-record=") == 1  # the one lab
    assert client.get(reverse("report-plan-records", args=["no-such-target"])).status_code == 404


def test_tier_summary_without_a_run_says_so(client, world):
    client.force_login(bureau_user())
    response = client.get(reverse("report-tier-summary"), {"year": 2023})
    assert response.status_code == 200  # the page is there: it says there is no summary yet, and offers the run
    assert 'id="report-message"' in response.content.decode() and 'id="run-start"' in response.content.decode()


def test_run_button_starts_a_run_and_a_second_one_is_refused(client, world):
    bureau = bureau_user()
    client.force_login(bureau)
    before = ReportRun.objects.count()
    started = client.post(reverse("report-run-start"), {"year": 2023}, HTTP_HX_REQUEST="true")
    assert started.status_code == 202
    run = ReportRun.objects.latest("created")
    assert ReportRun.objects.count() == before + 1 and run.year == 2023 and run.started_by == bureau
    html = started.content.decode()
    assert f'hx-get="{reverse("report-run-panel", args=[run.pk])}"' in html and 'hx-trigger="every 2s"' in html

    conflict = client.post(reverse("report-run-start"), {"year": 2023}, HTTP_HX_REQUEST="true")
    assert conflict.status_code == 200 and 'data-refused="409"' in conflict.content.decode()  # htmx swaps a 2xx
    assert ReportRun.objects.count() == before + 1
    assert f"/api/v1/report-runs/{run.pk}/" in conflict.content.decode()  # the API's message names the run
    assert 'id="run-message"' in conflict.content.decode()
    without_htmx = client.post(reverse("report-run-start"), {"year": 2023})
    assert without_htmx.status_code == 409 and 'id="run-message"' in without_htmx.content.decode()

    report_run_execute(run_id=run.pk)
    done = client.get(reverse("report-run-panel", args=[run.pk])).content.decode()
    assert 'data-status="succeeded"' in done and "every 2s" not in done  # polling stops


def test_run_button_refuses_bad_years_and_other_roles(client, world):
    client.force_login(bureau_user())
    response = client.post(reverse("report-run-start"), {"year": 1999}, HTTP_HX_REQUEST="true")
    message = re.search(r'id="run-message" data-refused="400">([^<]*)<', response.content.decode())
    assert message and "2000" in message.group(1)  # the service's message: the years it takes
    response = client.post(reverse("report-run-start"), {"year": 1999})
    assert response.status_code == 400 and 'id="run-message"' in response.content.decode()
    assert not ReportRun.objects.filter(year=1999).exists()
    client.force_login(world.admin(0))
    assert client.post(reverse("report-run-start"), {"year": 2023}).status_code == 403
    run = ReportRun.objects.get(year=YEAR)
    assert client.get(reverse("report-run-panel", args=[run.pk])).status_code == 403
    client.force_login(UserFactory())
    assert client.post(reverse("report-run-start"), {"year": 2023}).status_code == 403
    assert not ReportRun.objects.filter(year=2023).exists()
    assert ReportRun.objects.filter(status=RunStatus.SUCCEEDED).count() == 1


def test_figures_carry_their_units():
    from registry.templatetags.report_figures import figure, money, percent

    assert money("9999.99") == "9,999.99 万元" and money("10000") == "1.00 亿元"
    assert money(Decimal("123456.78")) == "12.35 亿元" and money(None) == "—"
    assert percent("50.5") == "50.50%" and percent(None) == "—"
    assert figure(1234) == "1,234" and figure("2.00", 0) == "2" and figure("") == "—"


def test_district_staff_see_their_districts_reports_only(client):
    """District staff open the report centre: the parks and enterprises of their district, never another's; the
    bureau's own reports stay 403 (a district membership gave 403 on every page before)."""
    made = build_world(parks=2, districts=2, local=True, admins=1, enterprises=2, users=1)
    for p in range(2):
        for enterprise in made.enterprises[p]:
            approved_filing(enterprise=enterprise, year=YEAR, revenue=Decimal("30000"), rd_expense=Decimal("2000"))
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=made.districts[0])
    client.force_login(staff)
    assert 'href="/reports/"' in client.get(reverse("dashboard")).content.decode()  # the centre is in the menu
    assert client.get(reverse("report-index")).status_code == 200
    for name in BUREAU_ONLY:
        assert client.get(reverse(name)).status_code == 403
    parks = client.get(reverse("report-parks")).content.decode()
    assert made.parks[0].name in parks and made.parks[1].name not in parks
    summary = client.get(reverse("report-tier-summary"), {"year": YEAR}).content.decode()
    assert made.parks[0].name in summary and made.parks[1].name not in summary
    candidates = client.get(reverse("report-tier-candidates"), {"year": YEAR}).content.decode()
    assert not {e.name for e in made.enterprises[1]} & set(re.findall(r">([^<>]+)<", candidates))
    assert client.get(reverse("report-declarations")).status_code == 200
