"""Reading an uploaded XLSX or CSV file into a table: its columns recognised by header, its rows with their numbers.

The first sheet of a workbook is read (openpyxl read_only: the rows stream, the workbook is never held whole);
a CSV is read as UTF-8 (with or without a byte-order mark) or, failing that, as GB18030, the encoding Excel
uses for CSV on Chinese Windows. The first row holds the headers; empty rows and rows whose first cell starts
with "#" (the template's notes row) are skipped.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .columns import COLUMNS, KEY_COLUMNS, Column, fold

FORMATS = ("xlsx", "csv")
COMMENT = "#"


@dataclass
class Table:
    """A file's recognised columns (None where a column is ignored) and its rows: (sheet row number, cells)."""

    kind: str
    columns: list[Column | None]
    rows: list[tuple[int, tuple]]


def file_format(file_name: str) -> str:
    """The format a file name says (xlsx or csv); a ValidationError on the file for anything else."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in FORMATS:
        raise ValidationError({"file": [_("Upload an .xlsx or .csv file.")]})
    return extension


def _xlsx_rows(content: bytes):
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError({"file": [_("The file is not a readable XLSX workbook.")]}) from error
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": [_("The CSV file is neither UTF-8 nor GB18030 text.")]})
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise ValidationError({"file": [_("The CSV file cannot be read: %(error)s") % {"error": error}]}) from error


def _columns(kind: str, headers) -> list[Column | None]:
    """The column of each header; a ValidationError naming unknown, repeated and missing key columns."""
    known = {}
    for column in COLUMNS[kind]:
        known[fold(column.header)] = known[fold(column.key)] = column
    columns, errors, seen = [], [], set()
    for header in headers:
        if header is None or not str(header).strip():
            columns.append(None)
            continue
        column = known.get(fold(header))
        if column is None:
            errors.append(_("Unknown column %(header)s.") % {"header": str(header).strip()})
        elif column.key in seen:
            errors.append(_("Column %(header)s appears twice.") % {"header": column.header})
        seen.add(getattr(column, "key", None))
        columns.append(column if column is not None and column.imported else None)
    for key in KEY_COLUMNS[kind]:
        if key not in seen:
            header = next(c.header for c in COLUMNS[kind] if c.key == key)
            errors.append(_("The column %(header)s is missing.") % {"header": header})
    if errors:
        raise ValidationError({"file": errors})
    return columns


def read_table(*, kind: str, content: bytes, file_name: str) -> Table:
    """The table an uploaded file holds; a ValidationError on `file` when it cannot be read as one."""
    fmt = file_format(file_name)
    rows = _xlsx_rows(content) if fmt == "xlsx" else _csv_rows(content)
    headers = next(rows, None)
    if headers is None:
        raise ValidationError({"file": [_("The file is empty.")]})
    columns = _columns(kind, headers)
    table = Table(kind=kind, columns=columns, rows=[])
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in enumerate(rows, start=2):
        if not any(cell is not None and str(cell).strip() for cell in cells):
            continue
        if str(cells[0] or "").lstrip().startswith(COMMENT):
            continue
        if len(table.rows) >= limit:
            raise ValidationError({"file": [_("The file has more than %(limit)d rows; split it.") % {
                "limit": limit}]})
        table.rows.append((number, tuple(cells)))
    if not table.rows:
        raise ValidationError({"file": [_("The file has no rows to import.")]})
    return table
