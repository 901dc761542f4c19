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
import unicodedata
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

CSV_MEDIA_TYPE = "text/csv"
CSV_CONTENT_TYPE = f"{CSV_MEDIA_TYPE}; charset=utf-8"
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


# --- the look of a workbook: sheet name, title block, number formats, widths --------------------------------------
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31
AMOUNT_FORMAT = "#,##0.00"  # 万元, two decimals, thousands separated
PERCENT_FORMAT = '0.0"%"'  # the value is in percent points (12.5 for 12.5%), as in the API's answer
INTEGER_FORMAT = "#,##0"
PLAIN_FORMAT = "0"  # years, numbers of records: no thousands separator
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
PLAIN_HEADERS = ("年度", "年份", "编号", "版本", "year", "id", "revision")
WIDTH_SAMPLE = 1000  # rows read ahead to fit the widths (a write-only sheet writes its widths before its rows)
WIDTH_MIN, WIDTH_MAX = 8, 60
TITLE_FONT, LABEL_FONT, HEADER_FONT = Font(bold=True, size=14), Font(bold=True, color="555555"), Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


def sheet_name(name: str) -> str:
    """A name as a sheet's title: without the characters Excel refuses ([]:*?/\\), at most 31 characters."""
    name = SHEET_FORBIDDEN.sub("", str(name)).strip("' ")[:SHEET_MAX]
    return name or "Sheet"


def file_name(name: str, extension: str, *, year=None, day: datetime.date | None = None) -> str:
    """A file's name: its subject's (Chinese) name, the year (or the day), the extension: 区县概览-2025.xlsx."""
    tail = str(year) if year else (day.isoformat() if day else "")
    stem = re.sub(r'[\\/:*?"<>|\r\n]', "", f"{name}-{tail}" if tail else str(name))
    return f"{stem}.{extension}"


def content_disposition(name: str, *, fallback: str = "") -> str:
    """A download's Content-Disposition: an ASCII fallback name (`fallback`, else the name's ASCII) and the real
    one in RFC 5987's filename*."""
    stem, _dot, extension = name.rpartition(".")
    if fallback:
        stem = fallback.rpartition(".")[0] or fallback
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem.encode("ascii", "ignore").decode()).strip("-._")
    fallback = f"{ascii_stem or 'download'}.{extension}" if extension else ascii_stem or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def title_block(*, title: str, basis=None, rows=(), user=None, when: datetime.datetime | None = None,
                prefix: str = "") -> list[list]:
    """The rows above a table: its title, the basis (a report's), any further label-value rows, who pulled the
    file and when. `prefix` ("#") starts each label of a table that is imported back, whose reader skips them."""
    block = [[prefix + title]]
    block += [[prefix + label, value] for label, value in [*basis_rows(basis), *rows]]
    if user is not None:
        block.append([prefix + "导出人", user_label(user)])
    if when is not None:
        block.append([prefix + "生成时间", when.strftime("%Y-%m-%d %H:%M:%S")])
    return block


def user_label(user) -> str:
    """Who pulled a file, as its title block names them: full name and user name, or the user name."""
    full = (getattr(user, "get_full_name", lambda: "")() or "").strip()
    username = str(getattr(user, "username", "") or "")
    return f"{full}（{username}）" if full and full != username else username or "—"


def number_format(header, value) -> str | None:
    """The number format of a cell under a header: amounts (万元) with two decimals and thousands separators,
    percentages with one decimal, integers with separators (years and numbers plain), dates as yyyy-mm-dd."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if not isinstance(value, int | float | decimal.Decimal):
        return None
    header = str(header or "")
    if "万元" in header:
        return AMOUNT_FORMAT
    if "%" in header or "％" in header:
        return PERCENT_FORMAT
    if isinstance(value, int):
        lowered = header.lower()
        return PLAIN_FORMAT if any(word in lowered for word in PLAIN_HEADERS) else INTEGER_FORMAT
    return AMOUNT_FORMAT


def text_width(value) -> int:
    """How wide a cell's text shows, in Excel's character units: a CJK (wide) character counts two."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return len(f"{value:,.2f}")
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in str(value).splitlines()), default=0)


def column_widths(rows) -> list[float]:
    """The width of each column fitting its widest cell among the rows (within WIDTH_MIN and WIDTH_MAX)."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], text_width(value))
    return [min(WIDTH_MAX, max(WIDTH_MIN, width + 2)) for width in widths]


def _styled(sheet, value, *, font=None, fill=None, number_format=None):
    """A write-only cell with its style (the value neutralised first)."""
    value = safe_cell(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if number_format:
        cell.number_format = number_format
    return cell


def write_xlsx(table, sheet: str = "报表", *, preamble=(), title=(), file=None) -> bytes | None:
    """A table (any iterable of rows, the header row first, written as it comes) as an Excel workbook with one sheet
    named `sheet` (Chinese; made a valid sheet title): the title block (`title_block`: a title row, label-value
    rows) and the `preamble`'s rows, an empty row, then the header row, frozen and filtered, the columns fitted to
    the first WIDTH_SAMPLE rows, numbers and dates typed and formatted by their header (`number_format`); text is
    written as strings, datetimes must be naive. Write-only: the rows stream, memory stays bounded. Into `file` (a
    binary file object; then None is returned) when one is given, else as bytes."""
    block = [list(row) for row in title] + [list(row) for row in preamble]
    rows = iter(table)
    header = list(next(rows, []))
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet_name(sheet))
    for index, width in enumerate(column_widths([header, *sample]), start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    header_row = len(block) + 2 if block else 1
    worksheet.freeze_panes = f"A{header_row + 1}"
    for number, row in enumerate(block):
        if number == 0 and title:
            worksheet.append([_styled(worksheet, row[0], font=TITLE_FONT), *xlsx_row(worksheet, row[1:])])
        else:
            worksheet.append([_styled(worksheet, row[0], font=LABEL_FONT), *xlsx_row(worksheet, row[1:])] if row
                             else [])
    if block:
        worksheet.append([])
    worksheet.append([_styled(worksheet, value, font=HEADER_FONT, fill=HEADER_FILL) for value in header])
    last = header_row
    for row in itertools.chain(sample, rows):
        worksheet.append([_styled(worksheet, value, number_format=number_format(
            header[index] if index < len(header) else "", value)) for index, value in enumerate(row)])
        last += 1
    if header:
        worksheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{last}"
    if file is not None:
        workbook.save(file)
        return None
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
