"""Admin exports: the selected rows of a changelist as Excel or CSV, under the changelist's column headers.

The columns are the changelist's `list_display`; each cell is the value the column shows, as plain text
(choices by their label, related records by their name, badges by their text) except numbers and dates,
which stay typed. The files are written by `config.tables`, which neutralises text a spreadsheet would run as
a formula.
"""

import datetime
import decimal

from django.contrib import admin
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import label_for_field, lookup_field
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html_join, strip_tags
from django.utils.safestring import SafeData, SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from .tables import (
    CSV_CONTENT_TYPE,
    XLSX_MEDIA_TYPE,
    content_disposition,
    file_name,
    title_block,
    write_csv,
    write_xlsx,
)


class Badges(SafeString):
    """Badge HTML for a changelist cell that also carries its plain text, which is what an export writes."""

    text: str = ""


def badges(items) -> Badges:
    """Small coloured badges from (text, kind) pairs, each a span of the classes `badge badge-<kind>`, whose colours
    are in config/static/admin-registry.css (no style attribute: the CSP allows none); empty for none."""
    items = [(str(text), kind) for text, kind in items]
    html = Badges(format_html_join("", '<span class="badge badge-{}">{}</span>',
                                   ((kind, text) for text, kind in items)))
    html.text = "、".join(text for text, _kind in items)
    return html


def badge(text, kind: str) -> Badges:
    """One small coloured badge."""
    return badges([(text, kind)])


def export_cell(field, value):
    """A changelist value as a spreadsheet cell: typed numbers and dates, plain text for everything else."""
    if field is not None and getattr(field, "flatchoices", None) and not isinstance(value, list | tuple):
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return None
    if isinstance(value, Badges):
        return value.text or None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):  # local time to the second, as the list shows it
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        return value.replace(microsecond=0)
    if isinstance(value, datetime.date | int | float | decimal.Decimal):
        return value
    if isinstance(value, list | tuple):
        labels = dict(field.base_field.flatchoices) if field is not None and hasattr(field, "base_field") else {}
        return "、".join(str(labels.get(item, item)) for item in value)
    if isinstance(value, SafeData):
        return strip_tags(value)
    return str(value)


class ExportActionsMixin:
    """Admin actions "export selected to Excel / CSV" on every changelist, for users who may view its rows."""

    export_actions = ("export_xlsx", "export_csv")

    def get_actions(self, request):
        """The page's own actions, then the exports (offered to whoever may view the rows)."""
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET or not self.has_view_permission(request):
            return actions
        for name in self.export_actions:
            func, name, description = self.get_action(name)
            actions.setdefault(name, (func, name, description))
        return actions

    def export_columns(self, request) -> list[str]:
        """The columns an export writes: the changelist's, without the selection checkbox."""
        return [name for name in self.get_list_display(request) if name != "action_checkbox"]

    def export_table(self, request, queryset) -> list[list]:
        """The header row (the columns' verbose names) and one row per record the user may see."""
        columns = self.export_columns(request)
        table = [[str(label_for_field(name, self.model, self)) for name in columns]]
        for obj in queryset:
            table.append([export_cell(*lookup_field(name, obj, self)[::2]) for name in columns])
        return table

    def export_title(self) -> str:
        """The Chinese name of the export (its sheet's, its title's and its file's): the model's plural name."""
        with override("zh-hans"):
            return str(self.model._meta.verbose_name_plural)

    def export_response(self, request, queryset, extension: str) -> HttpResponse:
        """The export as a download named (in Chinese) after the model and today's date; a workbook has a title
        block (the name, the day, who exported it and when), a frozen, filtered header and formatted numbers."""
        table = self.export_table(request, queryset)
        title, when = self.export_title(), timezone.localtime().replace(tzinfo=None, microsecond=0)
        if extension == "xlsx":
            block = title_block(title=title, rows=[["数据截止日期", when.date().isoformat()]], user=request.user,
                                when=when)
            content, media_type = write_xlsx(table, sheet=title, title=block), XLSX_MEDIA_TYPE
        else:
            content, media_type = write_csv(table), CSV_CONTENT_TYPE
        response = HttpResponse(content, content_type=media_type)
        response["Content-Disposition"] = content_disposition(
            file_name(title, extension, day=when.date()),
            fallback=f"{self.model._meta.model_name}-{when:%Y%m%d}.{extension}")
        return response

    @admin.action(description=gettext_lazy("Export selected to Excel (XLSX)"))
    def export_xlsx(self, request, queryset):
        """The selected rows as an Excel workbook."""
        return self.export_response(request, queryset, "xlsx")

    @admin.action(description=gettext_lazy("Export selected to CSV"))
    def export_csv(self, request, queryset):
        """The selected rows as CSV."""
        return self.export_response(request, queryset, "csv")

