"""The declaration pipeline in the report centre and in files, and the tier summary's declaration counts: the page
shows the API's rows with totals, basis and downloads in Chinese, each count leads to its declarations within the
user's scope, the CSV and XLSX hold the JSON's figures, and a tier-summary run counts the declarations of its year's
rounds (declared, in review) against SQL written here, leaving an older snapshot's rows empty."""

import csv
import io
import re
from html import unescape as html_unescape

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from enterprises.choices import Tier
from parks.models import DistrictMembership
from registry.choices import ALL_TIERS
from registry.models import ReportRun, TierSummary
from registry.services import report_run_execute

from .factories import UserFactory, bureau_user
from .numbers.test_declaration_pipeline import STAGES, Pipeline
from .report_tables import split_report

pytestmark = pytest.mark.django_db
PAGE = reverse("report-declarations")
DRILL = reverse("report-declarations-enterprises")
API = reverse("api:report-declarations")


@pytest.fixture
def pipeline():
    return Pipeline()


def api_rows(user, **params) -> list[dict]:
    """The report API's rows for the user."""
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(API, params)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_the_page_shows_the_apis_rows_totals_basis_and_downloads_in_chinese(client, pipeline):
    bureau = bureau_user()
    client.force_login(bureau)
    index = client.get(reverse("report-index")).content.decode()
    assert PAGE in index and "梯度申报进度" in index
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "梯度申报进度" in html and "区县已推荐" in html and "已公示" in html and "异议成立撤销" in html
    assert f'data-basis="year">{pipeline.year}' in html and "本年度：本年开始的申报批次" in html
    rows = api_rows(bureau)
    for row in rows:
        assert f'data-round="{row["round"]}" data-district="{row["district_code"]}"' in html
    for stage in STAGES:
        assert f'data-total="{stage}"' in html
    declared = sum(row["declared"] for row in rows)
    assert f'data-total="declared"><a href="{DRILL}?stage=declared&amp;year={pipeline.year}">{declared}</a>' in html
    assert "format=csv" in html and "format=xlsx" in html and 'id="chart"' in html


def test_who_opens_the_page(client, pipeline):
    world = pipeline.world
    client.force_login(world.admin(0))
    mine = client.get(PAGE).content.decode()
    assert f'data-district="{world.parks[0].district.code}"' in mine
    assert f'data-district="{world.parks[1].district.code}"' not in mine
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=world.parks[0].district)
    client.force_login(staff)  # district staff: their district's rows only
    theirs = client.get(PAGE).content.decode()
    assert f'data-district="{world.parks[0].district.code}"' in theirs
    assert f'data-district="{world.parks[1].district.code}"' not in theirs
    client.force_login(UserFactory())  # no role: the report centre is not theirs
    assert client.get(PAGE).status_code == 403
    assert client.get(DRILL, {"stage": "declared", "year": pipeline.year}).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_a_count_leads_to_its_declarations_within_the_users_scope(client, pipeline):
    world, year = pipeline.world, pipeline.year
    client.force_login(bureau_user())
    key = {"round": pipeline.innovative.pk, "district": world.parks[0].district_id}
    html = client.get(DRILL, {"stage": "approved", "year": year, **key}).content.decode()
    approved = [d for d in pipeline.declarations if d.round == pipeline.innovative
                and d.district_id == key["district"] and d.status in ("publicity", "designated")]
    assert len(approved) == 2
    for declaration in approved:
        assert declaration.enterprise.name in html
    assert html.count("<tr><td>") == len(approved)
    client.force_login(world.admin(1))
    theirs = client.get(DRILL, {"stage": "declared", "year": year, **key}).content.decode()
    assert "<tr><td>" not in theirs  # the other park's declarations do not exist for them
    bad = client.get(DRILL, {"stage": "everything", "year": year})
    assert bad.status_code == 400 and "stage" in bad.content.decode()


def test_the_drill_down_is_paged_as_the_other_drill_downs(client, pipeline, settings):
    """At the API's page size (2 here): pages that add up to the count's declarations in order, each once, the
    pager's links keeping the filters, and a page past the end or not a number a 404, as the API's pages."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "PAGE_SIZE": 2}
    client.force_login(bureau_user())
    expected = [d.enterprise.name for d in sorted(
        (d for d in pipeline.declarations if d.round.opens.year == pipeline.year and d.status != "draft"),
        key=lambda d: (-d.round.opens.toordinal(), d.round.name, d.enterprise.name, d.pk))]
    assert len(expected) > 4
    pages = -(-len(expected) // 2)
    names, address = [], f"{DRILL}?stage=declared&year={pipeline.year}"
    for number in range(1, pages + 1):
        html = client.get(address).content.decode()
        rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td>", html)
        assert [int(n) for n, _name in rows] == list(range(2 * number - 1, 2 * number - 1 + len(rows)))
        assert len(rows) == (2 if number < pages else len(expected) - 2 * (pages - 1))
        assert f"{len(expected)} 件申报" in html and f"第{number}页，共{pages}页" in html
        names += [html_unescape(name) for _n, name in rows]
        following = re.search(r'<a href="([^"]+)" rel="next">', html)
        assert (following is None) == (number == pages)
        address = DRILL + html_unescape(following.group(1)) if following else None
        if address:  # the filters kept
            assert all(part in address for part in ("stage=declared", f"year={pipeline.year}", f"page={number + 1}"))
    assert names == expected
    assert client.get(DRILL, {"stage": "declared", "year": pipeline.year, "page": pages + 1}).status_code == 404
    assert client.get(DRILL, {"stage": "declared", "year": pipeline.year, "page": "x"}).status_code == 404


def test_bad_filters_answer_400_on_the_page_with_the_fields_message(client, pipeline):
    client.force_login(bureau_user())
    response = client.get(PAGE, {"year": pipeline.year, "round": pipeline.last_year.pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="round-error"' in html and "该申报批次不属于所选年度。" in html


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_files_hold_the_jsons_figures(pipeline, fmt):
    bureau = bureau_user()
    rows = api_rows(bureau)
    client = APIClient()
    client.force_authenticate(bureau)
    response = client.get(API, {"format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        table = [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    block, cells = split_report(table)
    assert block["报告年度"] == str(pipeline.year) or block["报告年度"] == pipeline.year
    headers = cells[0]
    assert headers[:5] == ["申报批次", "梯度", "认定标准", "区划代码", "区"]
    assert len(cells) - 1 == len(rows) == 4
    columns = {"declared": "已申报（件）", "recommended": "区县已推荐（件）", "published": "已公示（件）",
               "withdrawn": "异议成立撤销（件）"}
    for row, line in zip(rows, cells[1:], strict=True):
        assert line[headers.index("申报批次")] == row["round_name"]
        assert line[headers.index("梯度")] == str(Tier(row["tier"]).label)
        for key, header in columns.items():
            assert int(line[headers.index(header)]) == row[key]


def expected_summary(year: int) -> dict[tuple, tuple[int, int]]:
    """(level, district, park, tier) -> (declared, in review), by SQL of the test's own: the submitted declarations
    of rounds opening in the year, in the declaration's district and its enterprise's park."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.tier, d.district_id, e.park_id, p.district_id, COUNT(*), COUNT(*) FILTER (WHERE d.status IN "
            "('district_review', 'city_review', 'publicity')) FROM enterprises_declaration d JOIN "
            "enterprises_declarationround r ON r.id = d.round_id JOIN enterprises_enterprise e ON e.id = "
            "d.enterprise_id LEFT JOIN parks_park p ON p.id = e.park_id WHERE d.status <> 'draft' AND "
            "EXTRACT(YEAR FROM r.opens) = %s GROUP BY 1, 2, 3, 4", [year])
        found = cursor.fetchall()
    counts: dict[tuple, list[int]] = {}
    for tier, district, park, park_district, declared, in_review in found:
        places = [("city", None, None), ("district", district, None)]
        if park is not None:
            places.append(("park", park_district, park))
        for place in places:
            for key in ((*place, tier), (*place, ALL_TIERS)):
                total = counts.setdefault(key, [0, 0])
                total[0] += declared
                total[1] += in_review
    return {key: tuple(value) for key, value in counts.items()}


def test_the_tier_summary_counts_declared_and_in_review_per_tier(client, pipeline):
    older = ReportRun.objects.create(year=pipeline.year)
    report_run_execute(run_id=older.pk)
    TierSummary.objects.filter(run=older).update(declared=None, in_review=None)  # as computed before the columns
    bureau = bureau_user()
    client.force_login(bureau)
    html = client.get(reverse("report-tier-summary"), {"year": pipeline.year, "level": "city"}).content.decode()
    assert '<td class="num" data-column="declared">—</td>' in html  # not counted then: a dash, not a zero
    places = TierSummary.objects.filter(run=older).count()
    run = ReportRun.objects.create(year=pipeline.year)
    report_run_execute(run_id=run.pk)
    expected = expected_summary(pipeline.year)
    rows = TierSummary.objects.filter(run=run)
    assert rows.count() == places  # the year's snapshot replaced, no place added or lost
    got = {(row.level, row.district_id, row.park_id, row.tier): (row.declared, row.in_review) for row in rows}
    for key, counts in got.items():
        assert counts == expected.get(key, (0, 0)), key
    assert got[("city", None, None, ALL_TIERS)] == (17, 8)  # written out from the set-up (as the pipeline's totals)
    assert got[("city", None, None, Tier.SPECIALISED)] == (6, 2)
    client_api = APIClient()
    client_api.force_authenticate(bureau)
    answer = client_api.get(reverse("api:report-tier-summary"), {"year": pipeline.year, "level": "city",
                                                                 "tier": ALL_TIERS}).json()
    assert [(row["declared"], row["in_review"]) for row in answer["results"]] == [(17, 8)]
    page = client.get(reverse("report-tier-summary"), {"year": pipeline.year, "level": "city"}).content.decode()
    assert "已申报（件）" in page and '<td class="num" data-column="declared">17</td>' in page
