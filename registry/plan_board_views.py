"""The report centre's pages of the plan board and of the support funds (the report_views pattern: the API's own
answer, in-process, shown as a table with totals, drill-downs, the basis, CSV / XLSX links and a print layout)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from access.scoping import ADD, grants

from .choices import FileSubject, FundGrouping
from .models import SupportAward
from .report_list_views import awards_page_url
from .report_views import answered, chart, report_page, show, total


@report_page
def plan_board_page(request):
    """The plan board: the plan's fifteen tasks, each with its indicators of the year (or 暂无指标) and the support
    funds granted under its policies."""
    _report, _params, context = answered(request, "plan-board")
    rows = context["rows"]
    if rows:
        context["with_indicators"] = sum(1 for row in rows if row["indicators"])
        context["totals"] = {key: total(rows, key) for key in ("policies", "budget", "awards", "approved", "paid")}
        context["chart"] = chart("bar", [f"{row['number']}. {row['title']}" for row in rows], [
            (_("Amount approved"), [row["approved"] for row in rows]),
            (_("Amount paid"), [row["paid"] for row in rows])], unit="万元")
    return show(request, "registry/reports/plan_board.html", context)


@report_page
def support_funds_page(request):
    """The support funds of a year's policies, grouped by policy, district, park or plan task, with totals and each
    group's awards one click away (the awards page); the import page of the awards for those who may add them (the
    bureau)."""
    _report, params, context = answered(request, "support-funds")
    context["groupings"] = FundGrouping.choices
    if grants(user=request.user, model=SupportAward, action=ADD):
        context["award_import"] = FileSubject.SUPPORT_AWARDS.value
    context["by"] = params.get("by", FundGrouping.POLICY)
    rows = context["rows"]
    for row in rows:
        row["awards_page"] = awards_page_url(year=context["year"], by=context["by"], key=row["key"])
    if rows:
        context["totals"] = {key: total(rows, key) for key in
                             ("awards", "applied", "cancelled", "approved", "paid", "outstanding")}
        context["paid_share"] = (None if not context["totals"]["approved"] else
                                 (context["totals"]["paid"] * 100 / context["totals"]["approved"])
                                 .quantize(Decimal("0.01")))
        context["chart"] = chart("bar", [row["name"] for row in rows], [
            (_("Amount approved"), [row["approved"] for row in rows]),
            (_("Amount paid"), [row["paid"] for row in rows])], unit="万元")
    return show(request, "registry/reports/support_funds.html", context)
