"""CSV and XLSX tables: the one writer of each format, and the report renderers built on them.

A table is a list of rows of cells (the header row first); `write_csv` and `write_xlsx` turn it into a file's
bytes, for the report renderers here and for the admin's export actions alike. A report view declares
`report_columns`: (key, header, kind) with kind "text", "int", "decimal" or "bool"; the rows are the answer's
`results` (lists are joined, a list of objects by their `label` or `name`). Errors are answered as JSON
whatever format was asked for.
"""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from rest_framework.renderers import BaseRenderer, JSONRenderer

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_stream(table, rows_per_chunk: int = 500):
    """A table (any iterable of rows) as CSV text in chunks, the first starting with a byte-order mark so Excel
    opens the Chinese text correctly: for a streamed response, a few hundred rows in memory at a time."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for count, row in enumerate(table, start=1):
        writer.writerow(["" if cell is None else cell for cell in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def write_csv(table) -> bytes:
    """A table as CSV in UTF-8 with a byte-order mark."""
    return "".join(csv_stream(table)).encode("utf-8")


def write_xlsx(table, sheet: str = "report") -> bytes:
    """A table (any iterable of rows, written as it comes) as an Excel workbook with one sheet: numbers and dates
    stay typed (datetimes must be naive)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in table:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value, kind: str):
    """A value as a spreadsheet cell: numbers as numbers, lists joined, empty for None."""
    if value is None or value == "":
        return None
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return Decimal(str(value))
    if kind == "bool":
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v.get("label", v.get("name"))) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


class ReportRenderer(BaseRenderer):
    """Base of the table renderers: header row, then one row per result, as cells."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response, view = renderer_context.get("response"), renderer_context.get("view")
        if response is not None and (response.status_code >= 400 or not hasattr(view, "report_columns")):
            response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, renderer_context=renderer_context)
        columns = view.report_columns
        rows = data["results"] if isinstance(data, dict) else data
        table = [[header for _key, header, _kind in columns]]
        table += [[_cell(row.get(key), kind) for key, _header, kind in columns] for row in rows]
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{view.report_name}.{self.format}"'
        return self.write(table)

    def write(self, table: list[list]) -> bytes:
        """The table as this format's bytes."""
        raise NotImplementedError


class CSVRenderer(ReportRenderer):
    """CSV in UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def write(self, table):
        return write_csv(table)


class XLSXRenderer(ReportRenderer):
    """An Excel workbook with one sheet: the header row, then numbers as numbers."""

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, table):
        return write_xlsx(table)


REPORT_RENDERERS = [JSONRenderer, CSVRenderer, XLSXRenderer]


class FileRenderer(BaseRenderer):
    """The renderer of the views answering a file (their HttpResponse carries the bytes): errors as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data, renderer_context=renderer_context)


class XLSXFileRenderer(FileRenderer):
    """An Excel workbook file (`?format=xlsx`)."""

    media_type = XLSXRenderer.media_type
    format = "xlsx"


class CSVFileRenderer(FileRenderer):
    """A CSV file (`?format=csv`)."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"


FILE_RENDERERS = [XLSXFileRenderer, CSVFileRenderer]
