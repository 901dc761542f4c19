"""Reading an uploaded XLSX or CSV file into a table: its columns recognised by header, its rows with their numbers.

The first sheet of a workbook is read (openpyxl read_only: the rows stream, the workbook is never held whole);
a CSV is read as UTF-8 (with or without a byte-order mark) or, failing that, as GB18030, the encoding Excel
uses for CSV on Chinese Windows; text that is neither cleanly (Big5, mojibake, replacement characters) is refused
(encodings.py). The first row that is neither empty nor starts with "#" holds the headers (the rows above it are
the exports' and templates' title block, whose labels start with "#"); below it, empty rows and rows whose first
cell starts with "#" (the template's notes row) are skipped.

What a file may make the server read is bounded before it is read and while it is read (the IMPORT_* settings):
its size; an XLSX's zip members (their count, unzipped size and ratio, from the zip's directory, before openpyxl
opens it) and its sheet's declared dimension; the rows, the columns (the kind's columns and a small margin) and
the cells read. XML entities and document types are refused (openpyxl parses with defusedxml when it is
installed). A formula (a cell starting with "="), which would not hold the value it shows, is refused at its row
and column; a quote before a formula's leading character, the exports' escape, is dropped. Whatever cannot be
read is a ValidationError on `file`, never a server error.
"""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from config.tables import unescape

from .columns import COLUMNS, KEY_COLUMNS, Column, fold
from .encodings import csv_text

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


def refuse(message: str):
    """A ValidationError on the file."""
    return ValidationError({"file": [message]})


UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, IndexError, OSError, EOFError,
              ValueError, TypeError, AttributeError, ParseError, InvalidFileException)
ZIP_RATIO_FLOOR = 1024 * 1024  # members smaller than this unzipped are not checked for their ratio


def _check_zip(content: bytes) -> None:
    """Refuse a workbook whose zip is unreadable or unpacks to too much, from its directory, before it is opened."""
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise refuse(_("The file is not a readable XLSX workbook.")) from error
    if len(members) > settings.IMPORT_MAX_ZIP_MEMBERS:
        raise refuse(_("The workbook holds more than %(limit)d parts.") % {"limit": settings.IMPORT_MAX_ZIP_MEMBERS})
    limit = settings.IMPORT_MAX_UNZIPPED_BYTES
    if sum(member.file_size for member in members) > limit:
        raise refuse(_("The workbook unpacks to more than %(size)d MB.") % {"size": limit // (1024 * 1024)})
    for member in members:
        if member.file_size > max(ZIP_RATIO_FLOOR, settings.IMPORT_MAX_ZIP_RATIO * member.compress_size):
            raise refuse(_("The workbook unpacks to more than %(ratio)d times its size.") % {
                "ratio": settings.IMPORT_MAX_ZIP_RATIO})


def _check_dimension(sheet, width: int) -> None:
    """Refuse a sheet whose declared dimension (its <dimension> element) is larger than a table may be."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if columns > width:
        raise refuse(_("The sheet declares %(count)d columns; a table of this kind has at most %(limit)d columns.")
                     % {"count": columns, "limit": width})
    if rows > settings.IMPORT_MAX_SHEET_ROWS or rows * columns > settings.IMPORT_MAX_CELLS:
        raise refuse(_("The sheet declares %(rows)d rows of %(columns)d columns; split it.") % {
            "rows": rows, "columns": columns})


def _unreadable(error: BaseException) -> ValidationError:
    """The refusal of a workbook openpyxl could not read: XML entities (openpyxl wraps defusedxml's refusal in
    its own error) or anything else."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return refuse(_("The workbook declares XML entities or a document type, which are refused."))
        error = error.__cause__ or error.__context__
    return refuse(_("The file is not a readable XLSX workbook."))


def _xlsx_rows(content: bytes, width: int):
    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except UNREADABLE as error:
        raise _unreadable(error) from error
    try:
        sheet = workbook.worksheets[0]
        _check_dimension(sheet, width)
        sheet.reset_dimensions()  # rows are not padded to the declared size, nor cut short by it
        yield from sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    except UNREADABLE as error:
        raise _unreadable(error) from error
    finally:
        workbook.close()


def _csv_rows(content: bytes):
    text = csv_text(content)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise ValidationError({"file": [_("The CSV file cannot be read: %(error)s") % {"error": error}]}) from error


def _is_empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _is_formula(cell) -> bool:
    return isinstance(cell, ArrayFormula | DataTableFormula) or (isinstance(cell, str) and cell.startswith("="))


def _bounded(rows, width: int):
    """The rows with their sheet row numbers, trailing empty cells dropped, within the bounds of the settings;
    escaped text unescaped; a ValidationError naming the first formulas found."""
    cells_read, formulas, headers = 0, [], ()
    for number, cells in enumerate(rows, start=1):
        if number > settings.IMPORT_MAX_SHEET_ROWS:
            raise refuse(_("The file has more than %(limit)d rows; split it.") % {
                "limit": settings.IMPORT_MAX_SHEET_ROWS})
        cells_read += len(cells)
        if cells_read > settings.IMPORT_MAX_CELLS:
            raise refuse(_("The file has more than %(limit)d cells; split it.") % {
                "limit": settings.IMPORT_MAX_CELLS})
        cells = list(cells)
        while cells and _is_empty(cells[-1]):
            cells.pop()
        if len(cells) > width:
            raise refuse(_("Row %(row)d has %(count)d columns; a table of this kind has at most %(limit)d columns.")
                         % {"row": number, "count": len(cells), "limit": width})
        for index, cell in enumerate(cells):
            if _is_formula(cell):
                header = headers[index] if index < len(headers) and headers[index] is not None else ""
                formulas.append(_("Row %(row)d, column %(column)s %(header)s holds a formula; enter its value.") % {
                    "row": number, "column": get_column_letter(index + 1), "header": str(header).strip()})
                if len(formulas) >= settings.IMPORT_MAX_FILE_ERRORS:
                    raise ValidationError({"file": formulas})
            elif isinstance(cell, str):
                cells[index] = unescape(cell)
        if not headers and not _skipped(cells):
            headers = cells
        yield number, tuple(cells)
    if formulas:
        raise ValidationError({"file": formulas})


def _skipped(cells) -> bool:
    """Whether a row is skipped: empty, or a note (its first cell starting with "#")."""
    return all(_is_empty(cell) for cell in cells) or str(cells[0] or "").lstrip().startswith(COMMENT)


def _columns(kind: str, headers) -> list[Column | None]:
    """The column of each header; a ValidationError naming unknown, repeated and missing key columns."""
    known = {}
    for column in COLUMNS[kind]:
        known[fold(column.header)] = known[fold(column.key)] = column
        known.update({fold(header): column for header in column.former})
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
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise refuse(_("The file is larger than %(size)d MB; split it.") % {
            "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)})
    width = len(COLUMNS[kind]) + settings.IMPORT_EXTRA_COLUMNS
    rows = _bounded(_xlsx_rows(content, width) if fmt == "xlsx" else _csv_rows(content), width)
    _number, headers = next(((n, cells) for n, cells in rows if not _skipped(cells)), (None, None))
    if headers is None:
        raise ValidationError({"file": [_("The file is empty.")]})
    columns = _columns(kind, headers)
    table = Table(kind=kind, columns=columns, rows=[])
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in rows:
        if _skipped(cells):
            continue
        if len(table.rows) >= limit:
            raise ValidationError({"file": [_("The file has more than %(limit)d rows; split it.") % {
                "limit": limit}]})
        table.rows.append((number, cells))
    if not table.rows:
        raise ValidationError({"file": [_("The file has no rows to import.")]})
    return table
