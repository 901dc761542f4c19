"""Formula injection (CSV injection): text that a spreadsheet would run as a formula is written neutralised by
every export (a leading single quote, and XLSX strings as strings), while numbers stay numbers.

The attack: records named like formulas, exported through every path that writes CSV or XLSX (the API's CSV
stream, the export file jobs, the report renderers, the admin's export actions, the import templates)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.models import AnnualFiling, Enterprise, Tenancy
from parks.models import District, Park, Unit
from registry.models import BenchmarkProject, FileJob, Lab, Platform
from registry.services import file_job_execute

from ..factories import (
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    LabFactory,
    ParkFactory,
    PlatformFactory,
    TenancyFactory,
    UnitFactory,
    approved_filing,
    bureau_user,
)

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tabc", "\rabc"]
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
NEGATIVE = Decimal("-12.50")


@pytest.fixture
def hostile(db):
    """Records of every exported kind whose text fields hold the formula payloads; a filing with a loss."""
    for n, payload in enumerate(PAYLOADS):
        district = DistrictFactory(code=f"{118000 + n}", name=payload)
        park = ParkFactory(name=f"{payload}{n}", district=district)
        enterprise = EnterpriseFactory(name=payload, short_name=payload, name_en=payload, park=park,
                                       district=district)
        unit = UnitFactory(park=park, building=payload, floor="1", room=str(n))
        TenancyFactory(unit=unit, enterprise=enterprise, start=datetime.date(2024, 1, 1))
        approved_filing(enterprise=enterprise, year=2023, net_profit=NEGATIVE)
        LabFactory(name=payload, partner=payload, host=enterprise, park=park)
        PlatformFactory(name=payload, operator=enterprise, park=park)
        BenchmarkProjectFactory(name=payload, lead=enterprise, park=park)


def neutral(payload: str) -> str:
    """What a payload must read as in a written file."""
    return "'" + payload


def csv_cells(content: bytes) -> list[str]:
    """Every cell of a CSV file (UTF-8 with a byte-order mark)."""
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text[1:], newline="")) for cell in row]


def assert_csv_safe(content: bytes, *, expect=PAYLOADS) -> None:
    """No cell starts with a formula's lead (a plain number aside); every payload is there, neutralised."""
    cells = csv_cells(content)
    for cell in cells:
        if cell.startswith(FORMULA_LEADS):
            try:
                Decimal(cell)
            except ArithmeticError:
                pytest.fail(f"a CSV cell starts with a formula lead: {cell!r}")
    for payload in expect:
        assert neutral(payload) in cells, payload


def assert_xlsx_safe(content: bytes, *, expect=PAYLOADS) -> None:
    """No formula cell in any sheet, text as strings; every payload is there as its neutralised string."""
    workbook = load_workbook(io.BytesIO(content))
    strings = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (cell.coordinate, cell.value)
                    assert not cell.value.startswith(FORMULA_LEADS), (cell.coordinate, cell.value)
                    strings.add(cell.value)
    for payload in expect:  # XML reads a carriage return in text as a line feed
        assert neutral(payload).replace("\r", "\n") in strings, payload


@pytest.mark.parametrize("subject", ["enterprises", "tenancies"])
def test_the_streamed_csv_export_neutralises_formulas(bureau_client, hostile, subject):
    response = bureau_client.get(reverse("api:export-csv", args=[subject]))
    assert response.status_code == 200
    assert_csv_safe(b"".join(response.streaming_content))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("subject", ["enterprises", "tenancies"])
def test_the_export_job_file_neutralises_formulas(hostile, subject, fmt):
    job = FileJob.objects.create(kind="export", subject=subject, file_format=fmt, started_by=bureau_user())
    file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    (assert_xlsx_safe if fmt == "xlsx" else assert_csv_safe)(bytes(job.data))


@pytest.mark.parametrize("url,params", [
    ("api:report-parks", {"as_of": "2024-10-15"}),
    ("api:report-districts", {"year": 2023}),
])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_report_files_neutralise_formulas(bureau_client, hostile, url, params, fmt):
    response = bureau_client.get(reverse(url), {**params, "format": fmt})
    assert response.status_code == 200
    expect = [f"{p}{n}" for n, p in enumerate(PAYLOADS)] if url == "api:report-parks" else PAYLOADS
    (assert_xlsx_safe if fmt == "xlsx" else assert_csv_safe)(response.content, expect=expect)


PARK_NAMES = [f"{payload}{n}" for n, payload in enumerate(PAYLOADS)]


@pytest.mark.parametrize("model,expect", [
    (Enterprise, PAYLOADS), (Tenancy, PAYLOADS), (AnnualFiling, PAYLOADS), (Lab, PAYLOADS), (Platform, PAYLOADS),
    (BenchmarkProject, PAYLOADS), (Unit, PARK_NAMES), (Park, PARK_NAMES), (District, PAYLOADS),
])
@pytest.mark.parametrize("action", ["export_xlsx", "export_csv"])
def test_the_admin_exports_neutralise_formulas(client, hostile, model, expect, action):
    client.force_login(bureau_user(is_staff=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    pks = list(model.objects.values_list("pk", flat=True))
    response = client.post(url, {"action": action, "_selected_action": pks, "index": 0})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    (assert_xlsx_safe if action == "export_xlsx" else assert_csv_safe)(response.content, expect=expect)


@pytest.mark.parametrize("kind", ["enterprises", "tenancies", "filings"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_import_templates_hold_no_formula(bureau_client, kind, fmt):
    response = bureau_client.get(reverse("api:import-template", args=[kind]), {"format": fmt})
    assert response.status_code == 200
    (assert_xlsx_safe if fmt == "xlsx" else assert_csv_safe)(response.content, expect=[])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_negative_number_stays_a_number(hostile, fmt):
    job = FileJob.objects.create(kind="export", subject="filings", file_format=fmt, started_by=bureau_user())
    file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    if fmt == "csv":
        cells = csv_cells(bytes(job.data))
        assert str(NEGATIVE) in cells and neutral(str(NEGATIVE)) not in cells
        return
    sheet = load_workbook(io.BytesIO(bytes(job.data))).active
    losses = [cell for row in sheet.iter_rows() for cell in row if cell.value == NEGATIVE]
    assert losses and all(cell.data_type == "n" for cell in losses)
