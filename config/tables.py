"""CSV and XLSX tables: the one writer of each format, and the rule that keeps their text from running as a formula.

A table is any iterable of rows of cells (the header row first). Every writer of the project (the report
renderers, the admin's export actions, the export file jobs, the import templates) writes through `csv_stream`,
`write_csv`, `write_xlsx` or `xlsx_append`, so each cell passes `safe_cell`. A report passes a `preamble`, its
header block (label, value rows saying what the table is), written above the table and parted from it by one empty
row; registers exported for import back pass none, so their first row stays the header row the import reads.

- numbers, dates and booleans stay typed (a negative number is a number, not text);
- text that a spreadsheet would read as a formula or a command (starting with = + - @, a tab or a carriage
  return) is written with a leading single quote, the OWASP rule against CSV injection; text that is only a
  plain number ("-12.5") is left as it is, since it is read as that number;
- XLSX text is written as a string cell (data type "s"), never as a formula or an error value.

The import reads a leading quote before such a character as the writer's escape (`unescape`), so an export
imports back unchanged.

A report's table is shaped here too (`report_table`, `basis_rows`), so the API's renderers (config.api.renderers)
and any service writing a report's file write the same cells: this module is the layer under both, and imports
nothing of the API.
"""

import csv
import datetime
import decimal
import io
import itertools
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
TYPED = (int, float, decimal.Decimal, datetime.date, datetime.time, datetime.timedelta)


def neutralise(text: str) -> str:
    """Text as it is safe to write in a spreadsheet cell: a quote before a formula's leading character."""
    if text.startswith(FORMULA_LEADS) and not PLAIN_NUMBER.fullmatch(text):
        return ESCAPE + text
    return text


def unescape(text: str) -> str:
    """Text read from a spreadsheet cell without the quote `neutralise` put before a formula's leading character."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_LEADS):
        return text[1:]
    return text


def safe_cell(value):
    """A cell as it is written: None, a number, date or boolean as it is, anything else as neutralised text."""
    if value is None or isinstance(value, TYPED):  # bool is an int
        return value
    return neutralise(str(value))


def with_preamble(table, preamble=()):
    """The rows as written: the preamble's rows and one empty row (where there is a preamble), then the table."""
    preamble = [list(row) for row in preamble]
    return itertools.chain(preamble, [[]], table) if preamble else table


def csv_stream(table, rows_per_chunk: int = 500, *, preamble=()):
    """A table (any iterable of rows) as CSV text in chunks, the first starting with a byte-order mark so Excel
    opens the Chinese text correctly: for a streamed response, a few hundred rows in memory at a time. The
    preamble's rows (a report's header block) come first, then an empty row."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for count, row in enumerate(with_preamble(table, preamble), start=1):
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(table, *, preamble=()) -> bytes:
    """A table as CSV in UTF-8 with a byte-order mark (under the preamble's rows and an empty row, if any)."""
    return "".join(csv_stream(table, preamble=preamble)).encode("utf-8")


def _string_cell(sheet, text: str) -> WriteOnlyCell:
    """A write-only cell holding the text as a string (openpyxl would make "#N/A" an error value)."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def xlsx_row(sheet, row) -> list:
    """A row's cells as they are appended to a write-only sheet."""
    cells = []
    for value in row:
        value = safe_cell(value)
        cells.append(_string_cell(sheet, value) if isinstance(value, str) and value in ERROR_CODES else value)
    return cells


def xlsx_append(sheet, row) -> None:
    """Append a row to a sheet of an ordinary (not write-only) workbook, its text as strings."""
    sheet.append([safe_cell(value) for value in row])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_xlsx(table, sheet: str = "report", *, preamble=()) -> bytes:
    """A table (any iterable of rows, written as it comes) as an Excel workbook with one sheet: numbers and dates
    stay typed (datetimes must be naive), text is written as strings. The preamble's rows (a report's header
    block) come first, then an empty row."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in with_preamble(table, preamble):
        worksheet.append(xlsx_row(worksheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- a report as a table -----------------------------------------------------------------------------------------
# The header block: basis key -> its label; and the words for how the year was chosen.
BASIS_LABELS = [
    ("year", "报告年度"), ("year_chosen", "年度选取"), ("as_of", "数据截止日期"), ("rule_set", "规则集"),
    ("rule_set_name", "规则集名称"), ("money_unit", "金额单位"), ("data_version", "数据版本"),
]
YEAR_CHOSEN = {"default": "默认：申报期已结束的最近年度", "asked": "按查询指定"}


def report_cell(value, kind: str):
    """A report's value as a cell of its kind ("text", "int", "decimal", "bool"): numbers as numbers, a list joined
    (a list of objects by their `label` or `name`), empty for None."""
    if value is None or value == "":
        return None
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return decimal.Decimal(str(value))
    if kind == "bool":
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v.get("label", v.get("name"))) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def report_table(columns, rows) -> list[list]:
    """A report's rows (dicts) as a table under its columns, (key, header, kind) each: the header row first."""
    table = [[header for _key, header, _kind in columns]]
    table += [[report_cell(row.get(key), kind) for key, _header, kind in columns] for row in rows]
    return table


def basis_rows(basis) -> list[list]:
    """A report's basis as the rows of its header block (none without a basis); dates as ISO text."""
    if not basis:
        return []
    rows = []
    for key, label in BASIS_LABELS:
        value = basis.get(key)
        if key == "year_chosen":
            value = YEAR_CHOSEN.get(value, value)
        elif key == "as_of" and value is not None:
            value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        rows.append([label, value])
    return rows
