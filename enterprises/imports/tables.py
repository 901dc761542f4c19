"""Writing tables: the blank template of each kind, and the export of a whole register as CSV or XLSX.

An export reads `values_list(...).iterator(chunk_size=...)` (a server-side cursor: a chunk of rows in memory at a
time) and writes with config.tables (openpyxl's write_only workbook or the csv module, formula-like text
neutralised), so memory stays bounded whatever the register's size. Exported tables have the import's columns:
an export imports back unchanged.
"""

import datetime
import io
import itertools

from django.db.models import QuerySet
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter

from access.scoping import VIEW
from config.tables import (
    HEADER_FILL,
    HEADER_FONT,
    LABEL_FONT,
    TITLE_FONT,
    column_widths,
    sheet_name,
    title_block,
    write_csv,
    write_xlsx,
    xlsx_append,
)
from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy

from .columns import CHOICE, CHOICES, COLUMNS, Column, choice_labels, write_cell
from .reading import COMMENT
from .registers import REGISTER_EXPORTS

EXPORT_CHUNK = 2000  # rows fetched per round trip of the server-side cursor
SHEET = "数据"
NOTES_SHEET = "填写说明"
# The Chinese name of each register: its workbook's sheet and title, its files' names.
SUBJECT_TITLES = {"enterprises": "企业名录", "tenancies": "租约", "filings": "年报", "standards": "标准",
                  "ip_items": "知识产权", "financing_rounds": "融资", "listings": "上市挂牌",
                  "compliance": "合规备案", "activities": "产业活动", "characters": "虚拟角色"}
TEMPLATE_SUFFIX = "导入模板"
# What a kind's template says below its columns' notes (the CSV's last rows, the notes sheet's), each line read as a
# comment on import: how its rows make records where that is more than one row, one record.
TEMPLATE_NOTES = {
    "characters": [
        "每行一项登记：同一企业（统一社会信用代码）同一角色名称的各行为同一角色，类型和上线日期各行相同。",
        "导入后该角色的登记恰为表中各行的登记：表中未列出的已有登记将被删除，列出的新增或更新。",
        "没有登记的角色填一行，登记类型、登记号、登记日期三列留空；文件不含这三列时，角色的已有登记不变。",
    ],
}


def export_queryset(*, kind: str, user) -> QuerySet:
    """The records of a register the user may see, in a stable order (filings: superseded revisions left out)."""
    if kind in REGISTER_EXPORTS:
        query = REGISTER_EXPORTS[kind]()
    elif kind == "enterprises":
        query = Enterprise.objects.order_by("credit_code")
    elif kind == "tenancies":
        query = Tenancy.objects.order_by("enterprise__credit_code", "park__name", "unit__building", "unit__floor",
                                         "unit__room", "start")
    else:
        query = AnnualFiling.objects.exclude(status=FilingStatus.SUPERSEDED).order_by(
            "enterprise__credit_code", "-year", "-revision")
    return query.restrict(user, VIEW)


def export_rows(*, kind: str, queryset: QuerySet, on_progress=None):
    """Each record as a row of cells (the kind's columns), read a chunk at a time."""
    columns = COLUMNS[kind]
    done = 0
    for values in queryset.values_list(*(c.source for c in columns)).iterator(chunk_size=EXPORT_CHUNK):
        yield [write_cell(column, value) for column, value in zip(columns, values, strict=True)]
        done += 1
        if on_progress is not None and done % EXPORT_CHUNK == 0:
            on_progress(done)


def headers(kind: str) -> list[str]:
    """The Chinese headers of a kind's columns."""
    return [column.header for column in COLUMNS[kind]]


def register_title(*, kind: str, user=None, when: datetime.datetime | None = None, template: bool = False) -> list:
    """The title block of a register's (or its template's) workbook: the register's name, the day, who pulled it
    and when; each label starts with "#", so the import skips these rows and the file still imports back."""
    title = SUBJECT_TITLES[kind] + (TEMPLATE_SUFFIX if template else "")
    rows = [["数据截止日期", when.date().isoformat()]] if when is not None and not template else []
    return title_block(title=title, rows=rows, user=user, when=when, prefix=COMMENT + " ")


def export_xlsx(*, kind: str, rows, user=None, when: datetime.datetime | None = None, file=None) -> bytes | None:
    """A register as a workbook: its title block, then the header row (frozen, filtered) and the rows, streamed
    (into `file`, a binary file object, when one is given; else returned as bytes)."""
    table = itertools.chain([headers(kind)], rows)
    return write_xlsx(table, sheet=SUBJECT_TITLES[kind], title=register_title(kind=kind, user=user, when=when),
                      file=file)


def _note(column: Column) -> str:
    """What a column's notes cell says: required or not, the format or unit, the allowed values."""
    note = column.note
    if column.kind in (CHOICE, CHOICES) and "可选" not in note:
        note = "；".join(part for part in (note, "可选：" + "、".join(choice_labels(column.choices))) if part)
    return note


def template(*, kind: str, fmt: str, user=None, when: datetime.datetime | None = None) -> bytes:
    """The blank table of a kind: the header row, then a notes row (first cell starting with "#", skipped on
    import) giving each column's rule and unit; an XLSX also holds a title block above (its labels starting with
    "#"), the header frozen and filtered, and a sheet explaining every column."""
    columns = [c for c in COLUMNS[kind] if c.imported]
    header = [c.header for c in columns]
    notes_row = [_note(c) for c in columns]
    notes_row[0] = f"{COMMENT} {notes_row[0]}"
    lines = [[f"{COMMENT} {line}"] for line in TEMPLATE_NOTES.get(kind, ())]
    if fmt == "csv":
        return write_csv([header, notes_row, *lines])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(SUBJECT_TITLES[kind] + TEMPLATE_SUFFIX)
    block = register_title(kind=kind, user=user, when=when, template=True)
    for number, row in enumerate(block):
        xlsx_append(sheet, row)
        sheet.cell(sheet.max_row, 1).font = TITLE_FONT if number == 0 else LABEL_FONT
    sheet.append([])
    header_row = len(block) + 2
    xlsx_append(sheet, header)
    xlsx_append(sheet, notes_row)
    for cell, column in zip(sheet[header_row], columns, strict=True):
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.comment = Comment(f"{column.key}: {_note(column)}", "registry")
    for index, width in enumerate(column_widths([header]), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, width)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{header_row + 1}"
    notes = workbook.create_sheet(NOTES_SHEET)
    xlsx_append(notes, ["列名", "字段", "必填", "说明"])
    for cell in notes[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    notes.freeze_panes = "A2"
    for letter, width in zip("ABCD", (28, 24, 8, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for column in columns:
        xlsx_append(notes, [column.header, column.key, "是" if column.required else "否", _note(column)])
    xlsx_append(notes, [f"{COMMENT} 说明行（以 # 开头）和空行在导入时跳过；空单元格表示该字段为空或取默认值。"])
    for line in lines:
        xlsx_append(notes, line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
