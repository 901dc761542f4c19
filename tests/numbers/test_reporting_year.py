"""Finding 1 (and the run's rule set of finding 6): the reporting year is a rule, not the newest data.

The default year of every report is the latest year whose filing season has closed (the season is open through its
closing day); approving one filing of a newer year moves nothing; the bureau's seasons move it; every answer (JSON,
CSV, XLSX) names its year, as-of date and rule set; a tier-summary run records the rule set it applied.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enterprises.models import FilingSeason
from enterprises.selectors import reporting_year
from enterprises.tiers import rule_set_for
from registry.models import ReportRun
from registry.services import report_run_execute, tier_summaries_nightly
from tests.conftest import park_admin_client, token_client
from tests.factories import (
    EnterpriseFactory,
    approved_filing,
    bureau_user,
    plan_targets,
)
from tests.report_tables import split_report
from tests.worlds import build_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# With the default season (1 January to 31 May of the next year), the latest closed year on TODAY.
CLOSED = TODAY.year - 1 if TODAY >= datetime.date(TODAY.year, 6, 1) else TODAY.year - 2
REPORTS = ["report-plan-progress", "report-districts", "report-parks", "report-tier-summary", "report-tier-candidates"]


@pytest.fixture
def bureau():
    return token_client(bureau_user())


@pytest.fixture
def figures():
    """Approved filings of the two years before the latest closed one (none of it: that year's season has closed
    with no approval yet), a plan, and a tier summary of each year."""
    plan_targets()
    world = build_world(parks=1, admins=0, enterprises=11, local=True)
    enterprises = iter(world.enterprises[0])
    for year in (CLOSED - 2, CLOSED - 1, CLOSED):
        for n in range(4 if year < CLOSED else 3):
            approved_filing(enterprise=next(enterprises), year=year, revenue=10000 * (n + 1))
    park = world.parks[0]
    for year in (CLOSED - 1, CLOSED):
        report_run_execute(run_id=ReportRun.objects.create(year=year).pk)
    return park


def default_year(client, name):
    """The year a report answers when no year is asked for (the basis it states)."""
    response = client.get(reverse(f"api:{name}"))
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    return (body.get("basis") or body).get("year")


def test_one_early_filing_of_a_new_year_does_not_move_the_default_year(figures, bureau):
    before = {name: default_year(bureau, name) for name in REPORTS}
    # One enterprise's figures of the year whose season is still open (or not even begun) approved early, and the
    # tier summary of that year computed (as the nightly run did).
    approved_filing(enterprise=EnterpriseFactory(park=figures), year=CLOSED + 1, revenue=9500)
    report_run_execute(run_id=ReportRun.objects.create(year=CLOSED + 1).pk)
    after = {name: default_year(bureau, name) for name in REPORTS}
    assert after == before
    assert set(after.values()) == {CLOSED}
    scale = next(row for row in bureau.get(reverse("api:report-plan-progress")).json()["results"]
                 if row["code"] == "scale")
    assert scale["actual"] != "0.00"  # the figures of the closed year, not the one early filing's


def test_the_tier_candidates_default_to_the_same_year_as_the_other_reports(figures, bureau):
    years = {name: default_year(bureau, name) for name in REPORTS}
    assert years["report-tier-candidates"] == years["report-plan-progress"] == CLOSED


def test_a_season_set_by_the_bureau_moves_the_default_year(figures, bureau):
    url = reverse("api:filingseason-list")
    season = {"year": CLOSED, "opens": f"{CLOSED + 1}-01-01", "closes": TODAY.isoformat()}
    created = bureau.post(url, season, format="json")
    assert created.status_code == 201, created.content
    # Open through its closing day: today it is still open, so the year before is the default.
    assert {default_year(bureau, name) for name in REPORTS} == {CLOSED - 1}
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    changed = bureau.patch(created.json()["url"], {"closes": yesterday, "opens": yesterday}, format="json")
    assert changed.status_code == 200, changed.content
    assert {default_year(bureau, name) for name in REPORTS} == {CLOSED}


def test_only_the_bureau_sets_a_season_and_every_role_reads_them(figures):
    url = reverse("api:filingseason-list")
    bureau_client = token_client(bureau_user())
    assert bureau_client.post(url, {"year": CLOSED, "opens": f"{CLOSED + 1}-02-01",
                                    "closes": f"{CLOSED + 1}-04-30"}, format="json").status_code == 201
    park_admin = park_admin_client(figures)
    assert park_admin.get(url).json()["count"] == 1
    refused = park_admin.post(url, {"year": CLOSED - 1, "opens": f"{CLOSED}-01-01", "closes": f"{CLOSED}-05-31"},
                              format="json")
    assert refused.status_code == 403


def test_a_season_closing_before_its_year_ends_is_refused_on_the_field(bureau):
    url = reverse("api:filingseason-list")
    answer = bureau.post(url, {"year": 2024, "opens": "2024-06-01", "closes": "2024-12-31"}, format="json")
    assert answer.status_code == 400 and "closes" in answer.json()
    answer = bureau.post(url, {"year": 2024, "opens": "2025-06-01", "closes": "2025-05-31"}, format="json")
    assert answer.status_code == 400 and "closes" in answer.json()


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_names_its_year_as_of_and_rule_set(figures, bureau, name):
    url = reverse(f"api:{name}")
    basis = bureau.get(url).json()["basis"]
    rules = rule_set_for(CLOSED)
    assert basis["year"] == CLOSED and basis["rule_set"] == rules.code and basis["as_of"]
    assert basis["year_chosen"] == "default"
    asked = bureau.get(url, {"year": CLOSED - 1}).json()["basis"]
    assert asked["year"] == CLOSED - 1 and asked["year_chosen"] == "asked"
    csv_rows = list(csv.reader(io.StringIO(bureau.get(url, {"format": "csv"}).content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(bureau.get(url, {"format": "xlsx"}).content)).active
    xlsx_rows = [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    for table in (csv_rows, xlsx_rows):
        block = table[:table.index(next(row for row in table if not any(row)))]
        stated = {row[0]: row[1] for row in block}
        assert stated["报告年度"] == str(CLOSED)
        assert stated["数据截止日期"] == basis["as_of"]
        assert stated["规则集"] == rules.code


def test_the_tier_summary_run_records_its_rule_set(figures):
    run = ReportRun.objects.create(year=CLOSED)
    report_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.applied_rule_set == rule_set_for(CLOSED).code
    assert run.as_of == min(TODAY, datetime.date(CLOSED, 12, 31))


@pytest.mark.django_db(transaction=True)
def test_the_nightly_run_computes_the_reporting_year_and_the_year_before():
    runs = tier_summaries_nightly()
    assert sorted(run.year for run in runs) == [CLOSED - 1, CLOSED]
    ReportRun.objects.all().delete()


def test_the_drill_down_of_a_figure_names_its_basis_too(figures, bureau):
    url = reverse("api:report-plan-progress-records", args=["scale"])
    body = bureau.get(url).json()
    assert body["basis"]["year"] == CLOSED and body["count"] == 3
    table = list(csv.reader(io.StringIO(bureau.get(url, {"format": "csv"}).content.decode("utf-8-sig"))))
    header, rows = split_report(table)
    assert table[0] == ["报告年度", str(CLOSED)] and header["报告年度"] == str(CLOSED) and rows[0][0] == "类型"


def test_the_header_block_is_neutralised_and_registers_carry_none(bureau):
    from config.tables import write_csv

    text = write_csv([["名称"], ["=1+2"]], preamble=[["=SUM(A1)", "-3"]]).decode("utf-8-sig")
    assert text.splitlines() == ["'=SUM(A1),-3", "", "名称", "'=1+2"]  # a formula quoted, a plain number kept
    EnterpriseFactory()
    register = b"".join(bureau.get(reverse("api:export-csv", args=["enterprises"])).streaming_content)
    assert register.decode("utf-8-sig").splitlines()[0].startswith("统一社会信用代码")


def test_the_closing_day_is_still_in_the_season():
    """Default season of 2025: 1 January to 31 May 2026; 2025 is the reporting year from 1 June 2026."""
    assert reporting_year(on=datetime.date(2026, 5, 31)) == 2024
    assert reporting_year(on=datetime.date(2026, 6, 1)) == 2025
    assert reporting_year(on=datetime.date(2027, 1, 1)) == 2025
    FilingSeason.objects.create(year=2025, opens=datetime.date(2026, 2, 1), closes=datetime.date(2026, 7, 15))
    assert reporting_year(on=datetime.date(2026, 7, 15)) == 2024  # extended by the bureau: open through the 15th
    assert reporting_year(on=datetime.date(2026, 7, 16)) == 2025
    FilingSeason.objects.create(year=2024, opens=datetime.date(2025, 1, 1), closes=datetime.date(2026, 12, 31))
    assert reporting_year(on=datetime.date(2026, 7, 15)) == 2023  # a year still open is skipped for the one before
