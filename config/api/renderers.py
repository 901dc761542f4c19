"""The report renderers (CSV and XLSX tables, shaped and written by config.tables) and the renderers of the file
views: only what ties the writers to DRF (media types, the response's headers, errors as JSON) lives here.

A report view declares `report_columns`: (key, header, kind) with kind "text", "int", "decimal" or "bool"; the
rows are the answer's `results` (config.tables.report_table). The answer's `basis` is written as a header block of
label-value rows above the table, then an empty row (config.tables.basis_rows). Errors are answered as JSON
whatever format was asked for.
"""

import orjson
from django.utils import timezone
from rest_framework import renderers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from config.tables import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    basis_rows,
    content_disposition,
    file_name,
    report_table,
    title_block,
    write_csv,
    write_xlsx,
)

# What orjson hands to DRF's encoder instead of writing itself: dates and times (DRF writes a datetime to the
# millisecond, UTC as Z) and dataclasses (DRF's encoder refuses them); keys other than strings as json.dumps does.
ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_encoder = JSONEncoder()


class FastJSONRenderer(JSONRenderer):
    """DRF's JSON renderer writing compact JSON with orjson: the same answer (what orjson does not write itself, a
    lazy translation, a decimal, a date, goes through DRF's encoder), in a twentieth of the time of json.dumps on a
    page of records; an indented answer (the browsable API's) or a value orjson refuses is DRF's. One difference:
    a float NaN or infinity is written null where DRF's strict encoder refuses it (the API's figures are decimals,
    written as strings, so none reaches it)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        """The data as UTF-8 JSON bytes, U+2028 and U+2029 escaped as DRF escapes them."""
        if data is None or not (self.compact and not self.ensure_ascii and self.strict) or \
                self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            answer = orjson.dumps(data, default=_encoder.default, option=ORJSON_OPTIONS)
        except (TypeError, ValueError):  # orjson's JSONEncodeError is a TypeError
            return super().render(data, accepted_media_type, renderer_context)
        return answer.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


def report_title(view) -> str:
    """A report's Chinese name (its sheet's and its file's): the view's `report_title`, else its `report_name`."""
    return str(getattr(view, "report_title", "") or getattr(view, "report_name", "") or "报表")


class ReportRenderer(BaseRenderer):
    """Base of the table renderers: the basis's header block, the header row, then one row per result, as cells."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response, view = renderer_context.get("response"), renderer_context.get("view")
        if response is not None and (response.status_code >= 400 or not hasattr(view, "report_columns")):
            response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, renderer_context=renderer_context)
        rows = data["results"] if isinstance(data, dict) else data
        basis = data.get("basis") if isinstance(data, dict) else None
        table = report_table(view.report_columns, rows)
        title, year = report_title(view), (basis or {}).get("year")
        if response is not None:
            response["Content-Disposition"] = content_disposition(
                file_name(title, self.format, year=year),
                fallback=file_name(getattr(view, "report_name", "report"), self.format, year=year))
        request = renderer_context.get("request")
        user = getattr(request, "user", None)
        heading = title_block(title=f"{title}（{year}年度）" if year else title, user=user if user and
                              user.is_authenticated else None, when=timezone.localtime().replace(tzinfo=None))
        return self.write(table, preamble=basis_rows(basis), title=heading, sheet=title)

    def write(self, table: list[list], *, preamble=(), title=(), sheet="") -> bytes:
        """The table, under the preamble's rows (and, in a workbook, the title block), as this format's bytes."""
        raise NotImplementedError


class CSVRenderer(ReportRenderer):
    """CSV in UTF-8 with a byte-order mark, so Excel opens the Chinese headers correctly."""

    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"  # the answer's type: text/csv; charset=utf-8

    def write(self, table, *, preamble=(), title=(), sheet=""):
        """The basis's rows, an empty row, then the table (CSV has no title block)."""
        return write_csv(table, preamble=preamble)


class XLSXRenderer(ReportRenderer):
    """An Excel workbook with one sheet: the header row, then numbers as numbers."""

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def write(self, table, *, preamble=(), title=(), sheet=""):
        """The title block and the basis above the formatted table, on a sheet named after the report."""
        return write_xlsx(table, sheet=sheet, preamble=preamble, title=title)


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


class PDFFileRenderer(FileRenderer):
    """A PDF file (`Accept: application/pdf`, `?format=pdf`): the printable declaration."""

    media_type = "application/pdf"
    format = "pdf"


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API (HTML pages of the API for a browser), whose templates carry inline styles (the code
    highlighting's, and a few style attributes): its pages alone allow inline styles; never an inline script.

    Its forms are the raw JSON ones only: DRF's HTML forms list every choice of every related field (up to a
    thousand records per field on each page, whatever the user may see) and failed on the brief related fields."""

    def get_rendered_html_form(self, data, view, method, request):
        """No HTML form (the raw data form stays)."""
        return None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return super().render(data, accepted_media_type, renderer_context)
