"""What every XLSX and CSV file looks like (docs/files.md): read back with openpyxl, each kind of file has a Chinese
sheet name, a title block above a frozen, filtered header, widths fitted to its content (CJK counting double), number
formats with units, and a Chinese file name with the year (RFC 5987 filename*, ASCII fallback); CSV is
text/csv; charset=utf-8. The registers' and templates' workbooks still import back."""

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from config.tables import (
    AMOUNT_FORMAT,
    DATE_FORMAT,
    INTEGER_FORMAT,
    PERCENT_FORMAT,
    PLAIN_FORMAT,
    content_disposition,
    file_name,
    sheet_name,
    title_block,
    write_xlsx,
)
from enterprises.imports import read_table
from enterprises.models import AnnualFiling
from registry.models import FileJob
from registry.services import file_job_execute

from .conftest import park_admin_client, token_client
from .factories import approved_filing, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
YEAR = 2024


def workbook(content: bytes):
    """The first sheet of a workbook, and the number of its header row (the row under the first empty one)."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return sheet, next(i for i, row in enumerate(rows) if not any(v not in (None, "") for v in row)) + 2


def column(sheet, header_row: int, header: str) -> str:
    """The letter of the column under a header."""
    return next(cell.column_letter for cell in sheet[header_row] if cell.value == header)


def assert_framed(sheet, header_row: int, rows: int) -> None:
    """The header row is frozen and the filter covers it and the rows under it."""
    assert sheet.freeze_panes == f"A{header_row + 1}"
    last = sheet.cell(header_row, sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A{header_row}:{last}{header_row + rows}"
    assert sheet.cell(header_row, 1).font.b


def disposition(name: str) -> str:
    return f"filename*=UTF-8''{quote(name)}"


# --- the writer ---------------------------------------------------------------------------------------------------
def test_the_writer_frames_formats_and_fits_a_table():
    table = [["名称", "营业收入（万元）", "出租率（%）", "年度", "企业数", "成立日期", "abcdef"],
             ["数字人数字人数字人", Decimal("12345.6"), Decimal("12.5"), 2025, 1234, datetime.date(2025, 1, 2), "=1"]]
    block = title_block(title="区县概览（2025年度）", basis={"year": 2025, "as_of": datetime.date(2025, 12, 31)},
                        user=bureau_user(username="王局"), when=datetime.datetime(2026, 1, 2, 3, 4, 5))
    sheet, header_row = workbook(write_xlsx(table, sheet="区县概览: [2025]/*?", title=block))
    assert sheet.title == "区县概览 2025" and header_row == len(block) + 2
    assert sheet["A1"].value == "区县概览（2025年度）" and sheet["A1"].font.b and sheet["A1"].font.sz == 14
    stated = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, header_row - 1)}
    assert stated["报告年度"] == 2025 and stated["数据截止日期"] == "2025-12-31" and stated["导出人"] == "王局"
    assert stated["生成时间"] == "2026-01-02 03:04:05"
    assert_framed(sheet, header_row, 1)
    formats = [cell.number_format for cell in sheet[header_row + 1]]
    assert formats[1:6] == [AMOUNT_FORMAT, PERCENT_FORMAT, PLAIN_FORMAT, INTEGER_FORMAT, DATE_FORMAT]
    assert AMOUNT_FORMAT == "#,##0.00" and INTEGER_FORMAT == "#,##0" and DATE_FORMAT == "yyyy-mm-dd"
    assert sheet.cell(header_row + 1, 7).value == "'=1"  # still neutralised
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABG"}
    assert widths == {"A": 9 * 2 + 2, "B": 8 * 2 + 2, "G": 8}  # B: its header (8 wide characters) is its widest


def test_names_and_dispositions():
    assert sheet_name("a" * 40) == "a" * 31 and sheet_name("[]") == "Sheet"
    assert file_name("区县概览", "xlsx", year=2025) == "区县概览-2025.xlsx"
    assert file_name("企业名录", "csv", day=datetime.date(2026, 1, 2)) == "企业名录-2026-01-02.csv"
    header = content_disposition("区县概览-2025.xlsx", fallback="district-overview-2025.xlsx")
    assert header == ('attachment; filename="district-overview-2025.xlsx"; '
                      "filename*=UTF-8''%E5%8C%BA%E5%8E%BF%E6%A6%82%E8%A7%88-2025.xlsx")
    assert content_disposition("区县概览-2025.xlsx").startswith('attachment; filename="2025.xlsx"')


# --- report answers -----------------------------------------------------------------------------------------------
@pytest.fixture
def figures():
    """Two parks with a registered enterprise each, both with an approved filing for YEAR."""
    world = build_world(parks=2, enterprises=1)
    for row in world.enterprises:
        approved_filing(enterprise=row[0], year=YEAR)
    return world


def test_a_report_as_xlsx(figures):
    user = bureau_user(username="report_puller")
    client = token_client(user)
    answer = client.get(reverse("api:report-districts"), {"year": YEAR, "format": "xlsx"})
    assert answer.status_code == 200
    assert disposition(f"区县概览-{YEAR}.xlsx") in answer["Content-Disposition"]
    assert f'filename="district-overview-{YEAR}.xlsx"' in answer["Content-Disposition"]
    sheet, header_row = workbook(answer.content)
    assert sheet.title == "区县概览" and sheet["A1"].value == f"区县概览（{YEAR}年度）"
    stated = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, header_row - 1)}
    assert stated["报告年度"] == YEAR and stated["规则集"] and stated["数据截止日期"].startswith(str(YEAR))
    assert stated["导出人"] == "report_puller" and stated["生成时间"].startswith(str(timezone.localdate().year))
    rows = client.get(reverse("api:report-districts"), {"year": YEAR}).json()["count"]
    assert_framed(sheet, header_row, rows)
    first = header_row + 1
    assert sheet[f"{column(sheet, header_row, '营业收入（万元）')}{first}"].number_format == AMOUNT_FORMAT
    assert sheet[f"{column(sheet, header_row, '园区数')}{first}"].number_format == INTEGER_FORMAT
    assert sheet.column_dimensions["A"].width >= len("区划代码") * 2


def test_a_report_as_csv_is_utf8_text_with_a_chinese_name(figures):
    answer = token_client(bureau_user()).get(reverse("api:report-districts"), {"year": YEAR, "format": "csv"})
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert disposition(f"区县概览-{YEAR}.csv") in answer["Content-Disposition"]
    assert answer.content.startswith("\ufeff".encode())


def test_a_park_report_formats_its_shares_as_percentages(figures):
    figures.let(enterprise=figures.enterprise(0), start=timezone.localdate() - datetime.timedelta(days=30))
    answer = park_admin_client(figures.parks[0]).get(reverse("api:report-parks"), {"format": "xlsx"})
    sheet, header_row = workbook(answer.content)
    assert sheet.title == "园区报表"
    occupancy = sheet[f"{column(sheet, header_row, '出租率（%）')}{header_row + 1}"]
    assert occupancy.value == 100 and occupancy.number_format == PERCENT_FORMAT  # shown as 100.0%
    assert_framed(sheet, header_row, 1)  # the administrator's one park


# --- registers, templates, the admin ------------------------------------------------------------------------------
def test_an_export_job_writes_a_formatted_register_that_imports_back(figures):
    job = FileJob.objects.create(kind="export", subject="filings", file_format="xlsx", started_by=bureau_user())
    file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.file_name == f"年报-{timezone.localdate().isoformat()}.xlsx"
    sheet, header_row = workbook(bytes(job.data))
    assert sheet.title == "年报" and sheet["A1"].value == "# 年报"
    assert all(str(sheet.cell(row, 1).value).startswith("# ") for row in range(1, header_row - 1))
    assert_framed(sheet, header_row, 2)
    revenue = sheet[f"{column(sheet, header_row, '营业收入（万元）')}{header_row + 1}"]
    assert revenue.value == 10000 and revenue.number_format == AMOUNT_FORMAT
    assert sheet[f"{column(sheet, header_row, '年度')}{header_row + 1}"].number_format == PLAIN_FORMAT
    assert sheet[f"{column(sheet, header_row, '资产负债率（%）')}{header_row + 1}"].number_format == PERCENT_FORMAT
    table = read_table(kind="filings", content=bytes(job.data), file_name=job.file_name)
    assert [number for number, _cells in table.rows] == [header_row + 1, header_row + 2]
    answer = token_client(job.started_by).get(reverse("api:export-detail", args=[job.pk]) + "file/")
    assert disposition(job.file_name) in answer["Content-Disposition"]
    assert f'filename="filings-{job.pk}.xlsx"' in answer["Content-Disposition"]


def test_the_streamed_register_is_utf8_csv_with_a_chinese_name(figures):
    answer = token_client(bureau_user()).get(reverse("api:export-csv", args=["enterprises"]))
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert disposition(f"企业名录-{timezone.localdate().isoformat()}.csv") in answer["Content-Disposition"]
    assert b"".join(answer.streaming_content).decode("utf-8-sig").startswith("统一社会信用代码")


def test_the_import_template_has_a_title_block_and_a_framed_header(bureau_client):
    answer = bureau_client.get(reverse("api:import-template", args=["tenancies"]), {"format": "xlsx"})
    assert disposition(f"租约导入模板-{timezone.localdate().year}.xlsx") in answer["Content-Disposition"]
    sheet, header_row = workbook(answer.content)
    assert sheet.title == "租约导入模板" and sheet["A1"].value == "# 租约导入模板"
    assert sheet.cell(header_row, 1).value == "统一社会信用代码"
    assert_framed(sheet, header_row, 1)  # the header and the notes row
    assert sheet.column_dimensions["A"].width == len("统一社会信用代码") * 2 + 2
    csv_answer = bureau_client.get(reverse("api:import-template", args=["tenancies"]), {"format": "csv"})
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"


def test_the_admins_filing_export_carries_the_figures(client):
    world = build_world(parks=2, admins=(1, 1), enterprises=1, staff=True)
    mine = approved_filing(enterprise=world.enterprise(0), year=YEAR)
    theirs = approved_filing(enterprise=world.enterprise(1), year=YEAR)
    client.force_login(world.admin(0))
    url = reverse("admin:enterprises_annualfiling_changelist")
    answer = client.post(url, {"action": "export_xlsx", "_selected_action": [mine.pk, theirs.pk], "index": 0})
    assert answer.status_code == 200
    assert disposition(f"年报-{timezone.localdate().isoformat()}.xlsx") in answer["Content-Disposition"]
    sheet, header_row = workbook(answer.content)
    assert sheet.title == "年报" and sheet["A1"].value == "年报"
    assert_framed(sheet, header_row, 1)  # the other park's filing is not written
    model_admin = admin.site._registry[AnnualFiling]
    figures_from = len(model_admin.export_columns(None)) - len(AnnualFiling.figure_names()) + 1
    headers = [cell.value for cell in sheet[header_row]]
    assert len(headers) == len(model_admin.list_display) + len(AnnualFiling.figure_names())
    cells = {header: cell for header, cell in zip(headers, sheet[header_row + 1], strict=True)}
    revenue = headers[figures_from - 1]
    assert cells[revenue].value == 10000 and cells[revenue].number_format == AMOUNT_FORMAT
    staff = [cell for cell in sheet[header_row + 1] if cell.value == 120]
    assert staff and staff[0].number_format == INTEGER_FORMAT
    csv_answer = client.post(url, {"action": "export_csv", "_selected_action": [mine.pk], "index": 0})
    assert csv_answer["Content-Type"] == "text/csv; charset=utf-8"
    assert "10000" in csv_answer.content.decode("utf-8-sig")
