"""Imports of enterprises, tenancies and filings from XLSX and CSV: a dry run reports every bad row and field;
nothing is written unless every row is good; a re-import changes nothing; the template round-trips; a large
file runs as a job on a real Celery worker, its progress seen while it runs."""

import csv
import datetime
import io
import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook

from config.celery import app
from enterprises.choices import FilingStatus
from enterprises.imports import kinds
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from registry.models import FileJob

from .conftest import enterprise_user_client, park_admin_client
from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    ParkFactory,
    TenancyFactory,
    UnitFactory,
    approved_filing,
    credit_code,
)

IMPORTS = reverse("api:import-list")
ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "简称", "注册所在区", "入驻园区", "产业链层级", "业务板块",
                     "成立日期"]
TENANCY_HEADER = ["统一社会信用代码", "园区", "楼栋", "楼层", "房间号", "起租日期", "退租日期", "租金（元/m²/天）"]
FILING_HEADER = ["统一社会信用代码", "年度", "营业收入（万元）", "数字人业务收入（万元）", "主营业务收入（万元）",
                 "研发费用（万元）", "净利润（万元）", "从业人员（人）", "研发人员（人）", "资产负债率（%）",
                 "研发机构级别"]


def table_bytes(rows: list[list], fmt: str) -> bytes:
    """The rows as a CSV (UTF-8 with BOM, as Excel writes it) or XLSX file."""
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def post_import(client, kind: str, rows: list[list], *, fmt: str = "csv", dry_run: bool = False, content=None):
    """POST a file of rows to the import endpoint (in English, so messages can be matched)."""
    upload = SimpleUploadedFile(f"{kind}.{fmt}", content if content is not None else table_bytes(rows, fmt))
    return client.post(IMPORTS, {"kind": kind, "file": upload, "dry_run": dry_run}, format="multipart",
                       HTTP_ACCEPT_LANGUAGE="en")


def database_counts() -> dict:
    """Rows in every table of the apps (history tables included) and of the file jobs."""
    return {m._meta.label: m._base_manager.count() for label in ("parks", "enterprises", "registry")
            for m in apps.get_app_config(label).get_models(include_auto_created=True)}


def errors_of(response) -> set[tuple[int, str | None]]:
    """The (row, field) pairs a report refuses."""
    return {(error["row"], error["field"]) for error in response.data["errors"]}


@pytest.fixture
def place(db):
    """A district with a park (Chaoyang) and two units, and a second park elsewhere with a unit."""
    district = DistrictFactory(code="110105", name="朝阳区")
    park = ParkFactory(name="朝阳数字人基地", district=district)
    other = ParkFactory(name="通州数字人园区")
    units = [UnitFactory(park=park, building="A", floor="1", room=room) for room in ("101", "102")]
    return {"district": district, "park": park, "other": other, "units": units,
            "other_unit": UnitFactory(park=other, building="B", floor="2", room="201")}


def enterprise_row(n: int, **overrides) -> list:
    """A good enterprise row in the template's columns."""
    values = {"code": credit_code(n), "name": f"导入数字人科技有限公司{n}", "short": f"导入{n}", "district": "朝阳区",
              "park": "朝阳数字人基地", "chain": "应用层", "segments": "建模、渲染", "founded": "2021-05-01"}
    values.update(overrides)
    return list(values.values())


def filing_row(code: str, year: int, **overrides) -> list:
    """A complete filing row (every figure needed for submission)."""
    values = {"code": code, "year": year, "revenue": "1200.50", "dh": "600", "main": "1000", "rd": "80",
              "profit": "-15.5", "staff": 40, "rd_staff": 12, "debt": "35", "institution": "市级"}
    values.update(overrides)
    return list(values.values())


# --- refused files and rows ---------------------------------------------------------------------------------
def test_request_errors_are_400_with_the_field(bureau_client, place):
    assert post_import(bureau_client, "enterprises", [], content=b"").status_code == 400
    response = post_import(bureau_client, "enterprises", [["统一社会信用代码", "公司规模"], [credit_code(1), "大"]])
    assert response.status_code == 400 and "公司规模" in response.data["file"][0]
    response = post_import(bureau_client, "tenancies", [["统一社会信用代码", "园区"], [credit_code(1), "x"]])
    assert response.status_code == 400 and any("楼栋" in message for message in response.data["file"])
    upload = SimpleUploadedFile("enterprises.txt", b"a,b")
    response = bureau_client.post(IMPORTS, {"kind": "enterprises", "file": upload}, format="multipart")
    assert response.status_code == 400 and "file" in response.data
    response = post_import(bureau_client, "enterprises", [], fmt="xlsx", content=b"not a workbook")
    assert response.status_code == 400 and "file" in response.data
    response = bureau_client.post(IMPORTS, {"kind": "parks"}, format="multipart")
    assert response.status_code == 400 and set(response.data) == {"kind", "file"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_dry_run_reports_every_bad_enterprise_row_and_writes_nothing(bureau_client, place, fmt):
    EnterpriseFactory(credit_code=credit_code(5), district=place["district"], park=place["park"])
    bad_check = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    rows = [
        ENTERPRISE_HEADER,
        ["# 说明行：导入时跳过"] + [""] * 7,
        enterprise_row(1),
        enterprise_row(2, code=bad_check),                            # row 4: check character
        enterprise_row(3, name=""),                                   # row 5: required field missing
        enterprise_row(4, park="不存在的园区", chain="顶层"),            # row 6: unknown park, unknown choice
        enterprise_row(6, founded="去年", district="海淀区"),           # row 7: bad date, unknown district
        enterprise_row(1, name="重复"),                                # row 8: the same code as row 3
        enterprise_row(5, short="新简称"),                              # row 9: an update (good)
    ]
    before = database_counts()
    response = post_import(bureau_client, "enterprises", rows, fmt=fmt, dry_run=True)
    assert response.status_code == 400
    assert errors_of(response) == {
        (4, "credit_code"), (5, "name"), (6, "park"), (6, "chain_position"), (7, "founded"), (7, "district"),
        (8, "credit_code"),
    }
    report = response.data
    assert (report["rows"], report["created"], report["updated"], report["written"]) == (7, 1, 1, False)
    by_row = {error["row"]: error for error in report["errors"]}
    assert "Position 18" in by_row[4]["message"] and by_row[4]["column"] == "统一社会信用代码"
    assert "row 3" in by_row[8]["message"].lower()
    assert database_counts() == before

    good = [ENTERPRISE_HEADER, enterprise_row(1), enterprise_row(5, short="新简称")]
    response = post_import(bureau_client, "enterprises", good, fmt=fmt, dry_run=True)
    assert response.status_code == 200, response.data
    assert (response.data["created"], response.data["updated"], response.data["written"]) == (1, 1, False)
    assert database_counts() == before  # a dry run writes nothing, even when every row is good


def test_tenancy_rows_of_a_park_administrator(place):
    unit, second = place["units"]
    tenant = EnterpriseFactory(district=place["district"], park=place["park"])
    TenancyFactory(unit=second, enterprise=tenant, start=datetime.date(2024, 1, 1), end=None)
    client = park_admin_client(place["park"])
    code = tenant.credit_code
    rows = [
        TENANCY_HEADER,
        [code, "朝阳数字人基地", "A", "1", "101", "2025-01-01", "2026-01-01", "3.50"],
        [code, "通州数字人园区", "B", "2", "201", "2025-01-01", "", ""],          # row 3: another park's
        [code, "朝阳数字人基地", "A", "1", "999", "2025-01-01", "", ""],          # row 4: no such unit
        [code, "朝阳数字人基地", "A", "1", "102", "2025-03-01", "", ""],          # row 5: unit let since 2024
        [code, "朝阳数字人基地", "A", "1", "101", "2025-06-01", "", ""],          # row 6: overlaps row 2
        [code, "朝阳数字人基地", "A", "1", "101", "2027-01-01", "2026-01-01", ""],  # row 7: ends before it starts
        [credit_code(999), "朝阳数字人基地", "A", "1", "101", "2030-01-01", "", "-2"],  # row 8: unknown, rent
    ]
    before = database_counts()
    response = post_import(client, "tenancies", rows)
    assert response.status_code == 400
    assert errors_of(response) == {(3, "park"), (4, "unit"), (5, "start"), (6, "start"), (7, "end"),
                                   (8, "enterprise"), (8, "rent")}
    by_row = {error["row"]: error["message"] for error in response.data["errors"]}
    assert by_row[3] == "No park you may see is called 通州数字人园区."  # another park does not exist for them
    assert "already let" in by_row[5] and "row 2" in by_row[6]
    assert database_counts() == before
    response = post_import(client, "tenancies", rows[:2])
    assert response.status_code == 200 and response.data["created"] == 1
    assert Tenancy.objects.get(unit=unit).rent == Decimal("3.50")


def test_the_database_constraint_refuses_an_overlap_the_check_did_not_see(bureau_client, place, monkeypatch):
    """The exclusion constraint has the last word: with the importer's own check off, PostgreSQL refuses the row
    and the report names the tenancy in the way, as the API does."""
    unit = place["units"][0]
    held = TenancyFactory(unit=unit, start=datetime.date(2024, 1, 1), end=None)
    monkeypatch.setattr(kinds.TenancyImporter, "check_overlap", lambda self, row, obj, existing: None)
    tenant = EnterpriseFactory()
    rows = [TENANCY_HEADER,
            [tenant.credit_code, "朝阳数字人基地", "A", "1", "102", "2025-01-01", "", ""],
            [tenant.credit_code, "朝阳数字人基地", "A", "1", "101", "2025-01-01", "", ""]]
    before = database_counts()
    response = post_import(bureau_client, "tenancies", rows, dry_run=True)
    assert response.status_code == 400
    assert response.data["errors"] == [{"row": 3, "field": "start", "column": "起租日期", "message": (
        f"The unit is already let to {held.enterprise} from 2024-01-01 to open end (tenancy {held.pk}).")}]
    assert database_counts() == before


def test_filing_rows_and_scope(bureau_client, place):
    enterprise = EnterpriseFactory(district=place["district"], park=place["park"])
    approved_filing(enterprise=enterprise, year=2022)
    code = enterprise.credit_code
    rows = [
        FILING_HEADER,
        filing_row(code, 2024),
        filing_row(code, 2023, revenue="-5"),                      # row 3: negative revenue (below its parts)
        filing_row(code, 2021, profit=""),                         # row 4: required before submission
        filing_row(code, 2022, revenue="99999"),                   # row 5: approved, figures differ
        filing_row(credit_code(777), 2024),                        # row 6: unknown enterprise
        filing_row(code, 2020, rd_staff=50),                       # row 7: R&D staff above staff
    ]
    before = database_counts()
    response = post_import(bureau_client, "filings", rows)
    assert response.status_code == 400
    assert errors_of(response) == {(3, "revenue"), (3, "main_revenue"), (3, "digital_human_revenue"),
                                   (4, "net_profit"), (5, "year"), (6, "enterprise"), (7, "rd_staff")}
    assert "revise" in {e["row"]: e["message"] for e in response.data["errors"]}[5]
    assert database_counts() == before

    response = post_import(bureau_client, "filings", rows[:2])
    assert response.status_code == 200 and response.data["created"] == 1
    filing = AnnualFiling.objects.get(enterprise=enterprise, year=2024)
    assert (filing.status, filing.park, filing.district, filing.submitted_by) == (
        FilingStatus.SUBMITTED, place["park"], place["district"], bureau_client.user)
    assert filing.net_profit == Decimal("-15.50") and filing.rd_institution == "municipal"
    # A park administrator reviews filings but does not file them: a row error, never a 403.
    response = post_import(park_admin_client(place["park"]), "filings", [FILING_HEADER, filing_row(code, 2023)])
    assert response.status_code == 400 and "may not add annual filings" in response.data["errors"][0]["message"]
    # The enterprise's own user files it (and the submitted one is unchanged when re-imported as it is).
    response = post_import(enterprise_user_client(enterprise), "filings",
                           [FILING_HEADER, filing_row(code, 2023), filing_row(code, 2024)])
    assert response.status_code == 200 and (response.data["created"], response.data["unchanged"]) == (1, 1)


def test_enterprise_rows_follow_the_api_roles(place):
    own = EnterpriseFactory(district=place["district"], park=place["park"], short_name="旧")
    rows = [ENTERPRISE_HEADER, enterprise_row(1)]
    response = post_import(park_admin_client(place["park"]), "enterprises", rows)
    assert response.status_code == 400 and response.data["errors"][0]["message"] == "You may not add enterprises."
    member = enterprise_user_client(own)
    row = [own.credit_code, own.name, "新", "朝阳区", own.park.name, "应用层", "建模", "2020-01-01"]
    response = post_import(member, "enterprises", [ENTERPRISE_HEADER, row])
    assert response.status_code == 200 and response.data["updated"] == 1
    own.refresh_from_db()
    assert own.short_name == "新"
    row[1] = "改名有限公司"  # the legal name is the bureau's
    response = post_import(member, "enterprises", [ENTERPRISE_HEADER, row])
    assert response.status_code == 400 and errors_of(response) == {(2, "name")}
    # Another enterprise's user may not see it (nor its park): the row is an enterprise they may not add.
    response = post_import(enterprise_user_client(EnterpriseFactory()), "enterprises", [ENTERPRISE_HEADER, row])
    assert "You may not add enterprises." in [error["message"] for error in response.data["errors"]]


def test_nothing_is_written_when_one_row_of_many_is_bad(bureau_client, place):
    rows = [ENTERPRISE_HEADER, *(enterprise_row(n) for n in range(1, 120))]
    rows.append(enterprise_row(500, district=""))
    before = database_counts()
    response = post_import(bureau_client, "enterprises", rows)
    assert response.status_code == 400 and errors_of(response) == {(121, "district")}
    assert response.data["created"] == 119 and response.data["written"] is False
    assert database_counts() == before


# --- re-import and round trip -------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimport_changes_nothing_and_writes_no_history(bureau_client, place, fmt):
    enterprises = [ENTERPRISE_HEADER, *(enterprise_row(n) for n in range(1, 6))]
    response = post_import(bureau_client, "enterprises", enterprises, fmt=fmt)
    assert response.status_code == 200 and response.data["created"] == 5 and response.data["written"]
    created = Enterprise.history.filter(history_type="+").first()
    assert (created.history_user, created.history_source) == (bureau_client.user, "api")
    assert created.history_origin == f"POST {IMPORTS}"
    tenancies = [TENANCY_HEADER,
                 [credit_code(1), "朝阳数字人基地", "A", "1", "101", "2024-01-01", "2025-01-01", "2.80"],
                 [credit_code(2), "朝阳数字人基地", "A", "1", "101", "2025-01-01", "", ""]]
    filings = [FILING_HEADER, *(filing_row(credit_code(n), 2024) for n in range(1, 4))]
    assert post_import(bureau_client, "tenancies", tenancies, fmt=fmt).data["created"] == 2
    assert post_import(bureau_client, "filings", filings, fmt=fmt).data["created"] == 3

    before = database_counts()
    for kind, rows in (("enterprises", enterprises), ("tenancies", tenancies), ("filings", filings)):
        response = post_import(bureau_client, kind, rows, fmt=fmt)
        assert response.status_code == 200, response.data
        assert (response.data["created"], response.data["updated"], response.data["unchanged"]) == (
            0, 0, len(rows) - 1), kind
    assert database_counts() == before  # not one history row more

    enterprises[2][2] = "改了简称"
    response = post_import(bureau_client, "enterprises", enterprises, fmt=fmt)
    assert (response.data["updated"], response.data["unchanged"]) == (1, 4)
    assert Enterprise.history.count() == before["enterprises.HistoricalEnterprise"] + 1
    assert Enterprise.objects.get(credit_code=credit_code(2)).short_name == "改了简称"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_filled_in_imports(bureau_client, place, fmt):
    response = bureau_client.get(reverse("api:import-template", args=["enterprises"]), {"format": fmt})
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "text/csv" if fmt == "csv" else "application/vnd.openxmlformats")
    assert f"enterprises-template.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(response.content))
        sheet = workbook.worksheets[0]
        header_row = int(sheet.freeze_panes[1:]) - 1  # under the title block, whose labels start with "#"
        assert all(str(sheet.cell(row, 1).value or "#").startswith("#") for row in range(1, header_row))
        header = [cell.value for cell in sheet[header_row]]
        assert str(sheet.cell(header_row + 1, 1).value).startswith("#")
        assert "填写说明" in workbook.sheetnames
        values = {"统一社会信用代码": credit_code(41), "企业名称": "模板数字人有限公司", "注册所在区": "110105",
                  "产业链层级": "platform", "业务板块": "AI驱动、建模", "成立日期": datetime.date(2022, 3, 1),
                  "联系电话": 13800000000}
        sheet.append([values.get(name) for name in header])
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        text = response.content.decode("utf-8-sig")
        table = list(csv.reader(io.StringIO(text)))
        header = table[0]
        assert table[1][0].startswith("#") and "万元" not in text
        row = {"统一社会信用代码": credit_code(41), "企业名称": "模板数字人有限公司", "注册所在区": "朝阳区",
               "产业链层级": "平台层（平台与AI驱动）", "业务板块": "AI驱动;建模", "成立日期": "2022/3/1",
               "联系电话": "13800000000"}
        table.append([row.get(name, "") for name in header])
        content = table_bytes(table, "csv")
    response = post_import(bureau_client, "enterprises", [], fmt=fmt, content=content)
    assert response.status_code == 200, response.data
    enterprise = Enterprise.objects.get(credit_code=credit_code(41))
    assert (enterprise.chain_position, sorted(enterprise.segments), enterprise.founded, enterprise.contact_phone) == (
        "platform", ["ai_driving", "modelling"], datetime.date(2022, 3, 1), "13800000000")
    assert enterprise.district == place["district"] and enterprise.park is None and enterprise.status == "active"
    filings = bureau_client.get(reverse("api:import-template", args=["filings"]), {"format": "csv"})
    assert "营业收入（万元）" in filings.content.decode("utf-8-sig")
    assert bureau_client.get(reverse("api:import-template", args=["parks"])).status_code == 404


# --- large files: a job on a real worker --------------------------------------------------------------------
def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_large_file_runs_as_a_job_with_progress(bureau_client, settings, monkeypatch):
    settings.IMPORT_SYNC_MAX_ROWS = 100
    monkeypatch.setattr("enterprises.imports.base.CHUNK", 100)  # more progress steps to watch
    DistrictFactory(code="110105", name="朝阳区")
    rows = [ENTERPRISE_HEADER, *(enterprise_row(n, park="") for n in range(1, 2001))]
    started = post_import(bureau_client, "enterprises", rows, fmt="xlsx")
    assert started.status_code == 202, started.data
    assert started["Location"] == started.data["url"] and started.data["status"] == "pending"
    assert started.data["total"] == 2000 and not Enterprise.objects.exists()
    seen = []

    def done():
        job = bureau_client.get(started.data["url"]).data
        seen.append((job["status"], job["processed"]))
        return job["status"] in ("succeeded", "failed")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert wait_for(done), seen[-1]
    job = bureau_client.get(started.data["url"]).data
    assert job["status"] == "succeeded", job
    assert job["report"]["created"] == 2000 and job["report"]["errors"] == [] and job["progress"] == 100
    running = [processed for status, processed in seen if status == "running"]
    assert any(0 < processed < 2000 for processed in running), seen  # progress seen while the rows were uncommitted
    assert Enterprise.objects.count() == 2000
    record = Enterprise.history.first()
    assert (record.history_source, record.history_user) == ("celery", bureau_client.user)
    assert record.history_origin == f"registry.run_file_job job {job['id']}"

    rows[5][1] = ""  # a bad row: the job fails with the report, nothing written
    started = post_import(bureau_client, "enterprises", rows, fmt="csv", dry_run=False)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert wait_for(lambda: FileJob.objects.get(pk=started.data["id"]).status == "failed")
    job = bureau_client.get(started.data["url"], HTTP_ACCEPT_LANGUAGE="en").data
    with translation.override(settings.LANGUAGE_CODE):  # the worker writes the error in the site's language
        refused = ngettext("%(n)d row is refused; nothing was written.", "%(n)d rows are refused; nothing was "
                           "written.", 1) % {"n": 1}
    assert job["report"]["errors"][0]["row"] == 6 and job["error"] == refused
    assert (job["report"]["unchanged"], job["report"]["updated"]) == (1999, 0)
    assert Enterprise.history.count() == 2000
    assert park_admin_client(ParkFactory()).get(started.data["url"]).status_code == 404  # another's job
