"""An XLSX export job keeps its memory bounded: the workbook streams into a temporary file and is stored in the
job's row a chunk at a time, so three times the rows take about the same peak memory (the rows are read 2,000 at a
time: both sizes below read several chunks); the stored file is whole."""

import io
import tracemalloc

import pytest
from openpyxl import load_workbook

from enterprises.choices import ChainPosition, Segment
from enterprises.credit_code import credit_code_make
from enterprises.models import Enterprise
from registry.bulk import store_file
from registry.choices import FileFormat, FileJobKind, FileSubject, RunStatus
from registry.models import FileJob
from registry.services import file_job_execute

from .factories import DistrictFactory, bureau_user

pytestmark = pytest.mark.django_db

CHUNK = 64 * 1024  # bytes stored per statement in these tests: the files below take several


def add(district, numbers) -> None:
    """Enterprises with long names and profiles, so each row weighs in the file."""
    Enterprise.objects.bulk_create(
        Enterprise(credit_code=credit_code_make(serial=n), name=f"内存测试数字人科技有限公司{n}", district=district,
                   chain_position=ChainPosition.APPLICATION, segments=[Segment.MODELLING], profile="数字人" * 40)
        for n in numbers)


def export_peak(user) -> tuple[int, int, FileJob]:
    """Run an XLSX export job of the enterprises: (peak bytes traced while it ran, file size, the job)."""
    job = FileJob.objects.create(kind=FileJobKind.EXPORT, subject=FileSubject.ENTERPRISES,
                                 file_format=FileFormat.XLSX, started_by=user)
    tracemalloc.start()
    try:
        file_job_execute(job_id=job.pk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    job.refresh_from_db()
    assert job.status == RunStatus.SUCCEEDED, job.error
    return peak, len(job.data), job


def test_three_times_the_rows_in_about_the_same_memory(monkeypatch):
    """4,000 then 12,000 enterprises: the file grows about three times, the job's peak memory does not; the stored
    workbook opens with its title block and every row."""
    monkeypatch.setattr("registry.bulk.FILE_CHUNK", CHUNK)
    user = bureau_user()
    district = DistrictFactory()
    add(district, range(4000))
    small_peak, small_size, _ = export_peak(user)
    add(district, range(4000, 12000))
    large_peak, large_size, job = export_peak(user)
    assert large_size > 2.5 * small_size and large_size > 4 * CHUNK  # three times the rows, in many chunks...
    assert large_peak < 1.25 * small_peak, (small_peak, large_peak)  # ...in about the same memory
    rows = list(load_workbook(io.BytesIO(job.data), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "# 企业名录"
    assert sum(1 for row in rows if row and isinstance(row[0], str) and row[0].startswith("91")) == 12000


def test_a_file_is_stored_whole_chunk_by_chunk():
    """store_file appends every chunk, in order, to the (empty) field."""
    job = FileJob.objects.create(kind=FileJobKind.EXPORT, subject=FileSubject.ENTERPRISES,
                                 file_format=FileFormat.CSV, data=b"")
    content = bytes(range(256)) * 1000 + b"end"
    assert store_file(FileJob.objects.filter(pk=job.pk), io.BytesIO(content), chunk_size=10_000) == len(content)
    job.refresh_from_db()
    assert bytes(job.data) == content
