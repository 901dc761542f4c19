"""Hostile import files: each is refused with a clear 400 (a message on `file`), quickly and in bounded memory,
through the API as a signed-in user; the same file run as an import job fails the job with that message.

The attacks: a sheet declaring the widest dimension Excel allows, a CSV header 5,000 columns wide, malformed
sheet XML, XML entities (billion laughs), a zip bomb, a file named .xlsx that is no zip, a formula cell, and a
CSV in no known encoding."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from registry.models import FileJob
from registry.services import file_job_execute

from ..conftest import token_client
from ..factories import UserFactory

IMPORTS = reverse("api:import-list")
HEADER = ["统一社会信用代码", "企业名称", "简称", "注册所在区"]
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook_bytes(rows) -> bytes:
    """An XLSX written by openpyxl with these rows."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_sheet(sheet_xml: bytes | None = None, *, extra: dict | None = None) -> bytes:
    """A valid workbook whose first sheet's XML is replaced (and members added), written by hand with zipfile."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == SHEET and sheet_xml is not None else source.read(info)
            target.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return buffer.getvalue()


def inline_row(number: int, cells: list[tuple[str, str]]) -> str:
    """A sheet row of inline-string cells at the given references."""
    return f'<row r="{number}">' + "".join(
        f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>' for ref, text in cells) + "</row>"


HEADER_ROW = inline_row(1, [(f"{letter}1", text) for letter, text in zip("ABCD", HEADER, strict=True)])


def huge_dimension() -> bytes:
    """A 1 KB sheet declaring A1:XFD1048576 (17 billion cells), with a cell at XFD1 and one at XFD1048576."""
    return with_sheet((
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>'
        + HEADER_ROW.replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>')
        + inline_row(1048576, [("XFD1048576", "x")]) + "</sheetData></worksheet>").encode())


def malformed() -> bytes:
    """A sheet whose XML breaks off inside a cell."""
    return with_sheet(f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER_ROW}<row r="2"><c r="A2" t="inl'.encode())


def billion_laughs() -> bytes:
    """A sheet declaring nested entities that expand to a billion "lol"s in one cell."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    return with_sheet((
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet xmlns="{MAIN}"><sheetData>'
        f'{HEADER_ROW}{inline_row(2, [("A2", "&lol9;")])}</sheetData></worksheet>').encode())


def zip_bomb() -> bytes:
    """A workbook with a 200 MB member of zeros, 200 KB zipped."""
    buffer = io.BytesIO(with_sheet())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/pad.bin", "w") as pad:
        chunk = bytes(1024 * 1024)
        for _ in range(200):
            pad.write(chunk)
    return buffer.getvalue()


def formula_cell() -> bytes:
    """A workbook whose second row holds a formula."""
    return workbook_bytes([HEADER, ["91110105000000001X", "=HYPERLINK(\"http://x\",\"y\")", "a", "朝阳区"]])


WIDE_CSV = ("\ufeff" + ",".join(f"列{n}" for n in range(5000)) + "\r\n").encode()

HOSTILE = {
    "huge-dimension": ("xlsx", huge_dimension, "columns"),
    "wide-csv-header": ("csv", lambda: WIDE_CSV, "columns"),
    "malformed-xml": ("xlsx", malformed, "not a readable XLSX"),
    "billion-laughs": ("xlsx", billion_laughs, "XML entities"),
    "zip-bomb": ("xlsx", zip_bomb, "unpacks"),
    "not-a-zip": ("xlsx", lambda: b"PK\x03\x04 this is no zip archive" * 100, "not a readable XLSX"),
    "formula-xlsx": ("xlsx", formula_cell, "formula"),
    "formula-csv": ("csv", lambda: "\ufeff统一社会信用代码,企业名称\r\n91110105000000001X,=1+1\r\n".encode(),
                    "formula"),
    "undecodable-csv": ("csv", lambda: b"\xff\xfe\x00\xff\x81\x30" * 50, "neither UTF-8 nor GB18030"),
}


@pytest.fixture
def signed_in(db):
    """A client of a signed-in account with no role (the attack needs no more)."""
    return token_client(UserFactory())


def post(client, content: bytes, fmt: str):
    upload = SimpleUploadedFile(f"enterprises.{fmt}", content)
    return client.post(IMPORTS, {"kind": "enterprises", "file": upload, "dry_run": True}, format="multipart",
                       HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_refused_quickly_with_a_clear_400(signed_in, name):
    fmt, make, phrase = HOSTILE[name]
    content = make()
    assert len(content) < 1024 * 1024
    tracemalloc.start()
    began = time.perf_counter()
    response = post(signed_in, content, fmt)
    elapsed = time.perf_counter() - began
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 400, (response.status_code, response.content[:500])
    messages = response.json()["file"]
    assert any(phrase in message for message in messages), messages
    assert len(response.content) < 4096, len(response.content)
    assert elapsed < 3, elapsed
    assert peak < 50 * 1024 * 1024, peak


def test_a_formula_is_reported_at_its_row_and_column(signed_in):
    response = post(signed_in, formula_cell(), "xlsx")
    assert response.status_code == 400
    assert any("row 2" in message.lower() and "B" in message and "企业名称" in message
               for message in response.json()["file"]), response.json()


@pytest.mark.parametrize("name", HOSTILE)
def test_the_same_file_fails_its_import_job_with_the_message(db, name):
    fmt, make, phrase = HOSTILE[name]
    job = FileJob.objects.create(kind="import", subject="enterprises", file_format=fmt, data=make(),
                                 file_name=f"enterprises.{fmt}", started_by=UserFactory(), dry_run=True)
    with translation.override("en"):
        file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and phrase in job.error, job.error
    assert "Traceback" not in job.error and len(job.error) < 2048
