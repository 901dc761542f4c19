"""Exports of whole registers: CSV streamed in the request (the same records as the JSON list, scoped, in bounded
memory, importing back unchanged) and XLSX written by a file job on a real Celery worker."""

import csv
import datetime
import io
import time
import tracemalloc
from decimal import Decimal
from urllib.parse import quote

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from config.celery import app
from enterprises.choices import ChainPosition, FilingStatus, Segment
from enterprises.credit_code import credit_code_make
from enterprises.imports.tables import EXPORT_CHUNK
from enterprises.models import Enterprise
from registry.models import FileJob
from registry.services import file_job_execute, file_job_sweep
from registry.tasks import sweep_jobs

from .conftest import park_admin_client
from .factories import (
    AnnualFilingFactory,
    DistrictFactory,
    EnterpriseFactory,
    TenancyFactory,
    UnitFactory,
    approved_filing,
)
from .worlds import build_world

EXPORTS = reverse("api:export-list")


def csv_url(subject: str) -> str:
    return reverse("api:export-csv", args=[subject])


def read_csv(response) -> list[dict]:
    """A streamed CSV answer as rows by header."""
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def json_list(client, name: str) -> list[dict]:
    """Every record of a register's JSON list."""
    return client.get(reverse(f"api:{name}-list"), {"page_size": 1000}).data["results"]


def label(choices, value) -> str:
    with translation.override("zh-hans"):
        return str(choices(value).label)


def export_world():
    """Two parks with enterprises (one in no park), tenancies and filings (one approved year with an open
    revision, so a superseded revision is left out of the export).

    The parks come from tests/worlds.py; the enterprises are made here, each with the fields an export column
    is checked on (one registered with no park, the parks taken in turn)."""
    district = DistrictFactory(code="110105", name="朝阳区")
    parks = build_world(parks=2, admins=0, park_kwargs=lambda p: (
        {"name": "朝阳数字人基地", "district": district}, {"name": "通州数字人园区"})[p]).parks
    enterprises = []
    for n in range(6):
        park = parks[n % 2] if n < 5 else None
        enterprises.append(EnterpriseFactory(
            park=park, district=district, chain_position=[*ChainPosition.values][n % 3],
            segments=[Segment.MODELLING, Segment.AI_DRIVING][: n % 3], founded=datetime.date(2020, 1, n + 1),
            contact_phone="010-12345678" if n % 2 else ""))
    for n, enterprise in enumerate(enterprises[:4]):
        unit = UnitFactory(park=parks[n % 2], building="A", floor=str(n), room=f"{n}01")
        TenancyFactory(unit=unit, enterprise=enterprise, start=datetime.date(2024, 1, 1),
                       end=datetime.date(2026, 1, 1) if n % 2 else None, rent=Decimal("3.20") if n else None)
        approved_filing(enterprise=enterprise, year=2023, revenue=Decimal(10000 + n))
        approved_filing(enterprise=enterprise, year=2024, net_profit=Decimal("-12.50"))
    first = enterprises[0]
    AnnualFilingFactory(enterprise=first, year=2022, revision=1, status="superseded", submitted_at=timezone.now(),
                        park=first.park, district=first.district)
    approved_filing(enterprise=first, year=2022, revision=2, revenue=Decimal("12000"))
    return parks, enterprises


@pytest.mark.django_db
def test_the_streamed_csv_holds_the_json_list(bureau_client):
    parks, _ = export_world()
    rows = read_csv(bureau_client.get(csv_url("enterprises")))
    listed = sorted(json_list(bureau_client, "enterprise"), key=lambda record: record["credit_code"])
    assert [row["统一社会信用代码"] for row in rows] == [record["credit_code"] for record in listed]
    for row, record in zip(rows, listed, strict=True):
        assert row["企业名称"] == record["name"] and row["简称"] == record["short_name"]
        assert row["注册所在区"] == record["district"]["name"]
        assert row["入驻园区"] == (record["park"]["name"] if record["park"] else "")
        assert row["产业链层级"] == label(ChainPosition, record["chain_position"])
        assert row["业务板块"] == "、".join(label(Segment, s) for s in record["segments"])
        assert row["成立日期"] == record["founded"] and row["联系电话"] == record["contact_phone"]

    tenancies = read_csv(bureau_client.get(csv_url("tenancies")))
    # 租期至 is the API's last_day (the inclusive last day), not its exclusive end.
    expected = {(t["enterprise"]["credit_code"], t["unit"]["room"], t["start"], t["last_day"] or "", t["rent"] or "")
                for t in json_list(bureau_client, "tenancy")}
    assert {(r["统一社会信用代码"], r["房间号"], r["起租日期"], r["租期至"], r["租金（元/m²/天）"])
            for r in tenancies} == expected and len(tenancies) == 4

    filings = read_csv(bureau_client.get(csv_url("filings")))
    expected = {(f["enterprise"]["credit_code"], str(f["year"]), f["revenue"], f["net_profit"])
                for f in json_list(bureau_client, "annualfiling") if f["status"] != "superseded"}
    assert {(r["统一社会信用代码"], r["年度"], r["营业收入（万元）"], r["净利润（万元）"]) for r in filings} == expected
    assert len(filings) == 9 and {r["审核状态"] for r in filings} == {label(FilingStatus, "approved")}
    assert {r["版本"] for r in filings if r["年度"] == "2022"} == {"2"}  # the superseded revision left out

    # A park administrator's export: the enterprises they see, as in their JSON list.
    admin = park_admin_client(parks[0])
    own = read_csv(admin.get(csv_url("enterprises")))
    assert {r["统一社会信用代码"] for r in own} == {e["credit_code"] for e in json_list(admin, "enterprise")}
    assert 0 < len(own) < len(rows)
    assert bureau_client.get(csv_url("parks")).status_code == 404


@pytest.mark.django_db
def test_an_exported_csv_imports_back_unchanged(bureau_client):
    export_world()
    for subject in ("enterprises", "tenancies", "filings"):
        content = b"".join(bureau_client.get(csv_url(subject)).streaming_content)
        upload = SimpleUploadedFile(f"{subject}.csv", content)
        response = bureau_client.post(reverse("api:import-list"), {"kind": subject, "file": upload},
                                      format="multipart")
        assert response.status_code == 200, (subject, response.data)
        assert response.data["unchanged"] == response.data["rows"] > 0 and response.data["created"] == 0, subject


def streamed_peak(client) -> tuple[int, int, int]:
    """The bytes, chunks and peak traced memory of streaming the enterprise register."""
    response = client.get(csv_url("enterprises"))
    tracemalloc.start()
    size = chunks = 0
    for chunk in response.streaming_content:
        size, chunks = size + len(chunk), chunks + 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return size, chunks, peak


@pytest.mark.django_db
def test_the_stream_keeps_memory_bounded(bureau_client):
    district = DistrictFactory()

    def add(numbers):
        Enterprise.objects.bulk_create(
            Enterprise(credit_code=credit_code_make(serial=n), name=f"规模测试数字人科技有限公司{n}",
                       district=district, chain_position=ChainPosition.APPLICATION, segments=[Segment.MODELLING],
                       profile="数字人" * 40) for n in numbers)

    # Both sizes span several fetches of the cursor: while a fetch is read, the one before it is still held, so
    # the peak is two fetches of rows at any size past one. The first stream only loads what a process keeps
    # after its first export (whether an earlier test did so already depends on the order the suite runs in).
    add(range(2 * EXPORT_CHUNK))
    streamed_peak(bureau_client)
    small = streamed_peak(bureau_client)
    add(range(2 * EXPORT_CHUNK, 10 * EXPORT_CHUNK))
    large = streamed_peak(bureau_client)
    assert large[0] > 4.5 * small[0] and large[1] > 20  # five times the rows, in many chunks...
    assert large[2] < 1.5 * small[2], (small, large)  # ...in about the same memory: a fetch or two of rows at a time


@pytest.mark.django_db(transaction=True)
def test_an_xlsx_export_job_on_a_real_worker(bureau_client):
    parks, _ = export_world()
    started = bureau_client.post(EXPORTS, {"subject": "enterprises"}, format="json")
    assert started.status_code == 202, started.data
    assert started["Location"] == started.data["url"] and started.data["file"] is None
    assert bureau_client.get(started.data["url"] + "file/").status_code == 409  # not written yet
    admin = park_admin_client(parks[0])
    own = admin.post(EXPORTS, {"subject": "enterprises", "file_format": "xlsx"}, format="json").data
    assert admin.get(started.data["url"]).status_code == 404  # another user's job
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 30
        while FileJob.objects.exclude(status__in=["succeeded", "failed"]).exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    job = bureau_client.get(started.data["url"]).data
    assert job["status"] == "succeeded" and job["total"] == job["processed"] == 6 and job["progress"] == 100
    response = bureau_client.get(job["file"])
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote(job["file_name"]) in response["Content-Disposition"] and job["file_name"].startswith("企业名录-")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "# 企业名录" and sheet.title == "企业名录"  # the title block, skipped on import
    cells = rows[next(i for i, row in enumerate(rows) if not any(row)) + 1:]
    streamed = read_csv(bureau_client.get(csv_url("enterprises")))
    assert cells[0] == list(streamed[0])
    assert len(cells) == len(streamed) + 1
    for row, streamed_row in zip(cells[1:], streamed, strict=True):
        row = row + [None] * (len(cells[0]) - len(row))  # a read-only sheet leaves trailing empty cells out
        assert [("" if v is None else v.date().isoformat() if isinstance(v, datetime.datetime) else str(v))
                for v in row] == list(streamed_row.values())
    mine = admin.get(own["url"]).data
    assert mine["status"] == "succeeded" and 0 < mine["total"] < 6
    assert [j["id"] for j in admin.get(EXPORTS).data["results"]] == [own["id"]]


@pytest.mark.django_db
def test_the_sweep_fails_stuck_file_jobs_and_a_dead_broker_answers_503(bureau_client, settings):
    job = FileJob.objects.create(kind="export", subject="enterprises", file_format="xlsx")
    assert file_job_sweep() == 0
    limit = settings.FILE_JOB_TIME_LIMIT + settings.REPORT_RUN_SWEEP_GRACE
    assert file_job_sweep(now=timezone.now() + datetime.timedelta(seconds=limit + 1)) == 1
    job.refresh_from_db()
    assert job.status == "failed" and str(settings.FILE_JOB_TIME_LIMIT) in job.error and job.finished
    assert file_job_execute(job_id=job.pk) is None  # a task redelivered after the sweep leaves the job as it is
    assert sweep_jobs() == 0  # the periodic sweep covers file jobs too

    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        response = bureau_client.post(EXPORTS, {"subject": "tenancies"}, format="json")
    finally:
        app.conf.broker_write_url = None
    assert response.status_code == 503
    assert FileJob.objects.count() == 1  # the refused job is rolled back with its request
