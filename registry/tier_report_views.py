"""The report centre's tier pages: the tier summary of a year from its latest snapshot with the bureau's run panel
(start a run, watch it, the latest runs), and the tier candidates, live from the records (docs/screens-reports.md).
Built on the report centre's helpers (registry.report_views): each page shows the report API's own answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from access.scoping import VIEW
from config.years import FIRST_YEAR
from enterprises.choices import LADDER, Tier
from enterprises.selectors import reporting_year

from .api.reports import run_conflict_detail
from .choices import ACTIVE_RUN_STATUSES, ALL_TIERS, SummaryLevel
from .models import ReportRun
from .report_views import (
    REPORTS,
    allowed_scope,
    api_answer,
    asked,
    bureau_scope,
    chart,
    park_in_scope,
    place_choices,
    report_context,
    report_page,
    share,
    show,
    total,
)
from .services import BrokerUnavailable, RunConflict, report_run_start

RUN_HISTORY = 10  # runs listed under the tier summary's button


@report_page
def tier_summary_report(request):
    """The tier summary of a year from its latest snapshot, and for the bureau the button that computes it anew
    with the run's progress and the run history."""
    return tier_summary_page(request)


def tier_summary_page(request, *, run_message: str = "", run_status: int = 200):
    """The tier summary page, with the message (and status) of a refused run start if any."""
    report = REPORTS["tier-summary"]
    scope = allowed_scope(request.user, report)
    params = asked(request, report)
    park_in_scope(request, params)
    params.setdefault("level", SummaryLevel.DISTRICT if scope.bureau else SummaryLevel.PARK)
    params.setdefault("tier", ALL_TIERS)
    status, data = api_answer(request, report.api, {**params, "page_size": "1000"})
    context = report_context(request, report, params=params, status=status, data=data, **place_choices(
        request.user), levels=SummaryLevel.choices, tier_choices=[(ALL_TIERS, _("All enterprises")), *Tier.choices])
    rows = context["rows"]
    if rows:
        keys = ["enterprises", "filed", "designated", "candidates", "due_for_review", "declared", "in_review",
                "reporting", "revenue",
                "digital_human_revenue", "rd_expense"]
        totals = {key: total(rows, key) for key in keys}
        totals["rd_intensity"] = share(totals["rd_expense"], totals["revenue"])
        context["totals"] = totals
        place = "park_name" if params["level"] == SummaryLevel.PARK else "district_name"
        names = [f"{row[place] or _('Beijing')} · {row['tier_name']}" for row in rows]
        context["chart"] = chart("bar", names, [(_("designated"), [row["designated"] for row in rows]),
                                                (_("candidates"), [row["candidates"] for row in rows])])
    if context["data"] and context["data"].get("run"):
        context["computed"] = parse_datetime(context["data"]["run"]["finished"] or "")
    if scope.bureau:
        context.update(run_panel_context(request, message=run_message))
    # No summary of the year yet is this page's news, not a missing page: it says so beside the run button (200).
    return render(request, "registry/reports/tier_summary.html", context,
                  status=run_status if run_status != 200 else (status if status in (400, 503) else 200))


@report_page
def tier_candidates_report(request):
    """The enterprises that meet a tier's criteria without holding it, live from the records."""
    report = REPORTS["tier-candidates"]
    allowed_scope(request.user, report)
    params = asked(request, report)
    park_in_scope(request, params)
    status, data = api_answer(request, report.api, {**params, "page_size": "1000"})
    context = report_context(request, report, params=params, status=status, data=data, **place_choices(
        request.user), tier_choices=[(tier.value, tier.label) for tier in LADDER])
    rows = context["rows"]
    if rows:
        context["totals"] = {"revenue": total(rows, "revenue"), "rd_expense": total(rows, "rd_expense")}
        context["totals"]["rd_intensity"] = share(context["totals"]["rd_expense"], context["totals"]["revenue"])
        counts = {str(tier.label): sum(1 for row in rows if tier.value in row["candidate_tiers"]) for tier in LADDER}
        context["chart"] = chart("bar", list(counts), [(_("Candidates"), list(counts.values()))])
    return show(request, "registry/reports/tier_candidates.html", context)


# --- the tier-summary runs (the bureau's) ----------------------------------------------------------------------
def run_panel_context(request, *, message: str = "", run: ReportRun | None = None) -> dict:
    """The run panel: the years a run may be started for, the run being watched (the latest active one when none
    is named), the latest runs and any message of a refused start."""
    runs = ReportRun.objects.restrict(request.user, VIEW).select_related("started_by").order_by("-created")
    if run is None:
        run = runs.filter(status__in=ACTIVE_RUN_STATUSES).first()
    this_year = timezone.localdate().year
    return {"run": run, "runs": runs[:RUN_HISTORY], "run_message": message,
            "run_years": list(range(this_year, FIRST_YEAR - 1, -1)), "run_active": bool(run) and (
                run.status in ACTIVE_RUN_STATUSES)}


@login_required
@require_POST
def run_start(request):
    """Start the tier summary of a year (the API's service, report_run_start); a run of the year already under way
    answers the API's message (409), a bad year its field message (400), in the run panel."""
    bureau_scope(request.user)
    year = request.POST.get("year", "")
    message, status, run = "", 202, None
    if not year.isdigit():
        message, status = _("Choose a year."), 400
    else:
        try:
            run = report_run_start(user=request.user, year=int(year))
        except RunConflict as conflict:
            message, status = run_conflict_detail(run=conflict.run, request=request)["detail"], 409
        except ValidationError as error:
            message, status = " ".join(error.message_dict.get("year", error.messages)), 400
        except BrokerUnavailable:
            message, status = _("The job queue is unavailable; the run was not started. Reports still answer; "
                                "try again later."), 503
    if request.htmx:
        chosen = int(year) if year.isdigit() else reporting_year()
        context = {**run_panel_context(request, message=message, run=run), "bureau": True, "year": chosen,
                   "run_refused": status if message else None}
        # htmx swaps only a 2xx answer (and the browser logs any 4xx as an error): a refused start is the panel
        # with the message and its status in data-refused; without htmx the page answers with the status itself.
        return render(request, "registry/reports/_run_panel.html", context, status=200 if message else status)
    if status == 202:
        messages.success(request, _("The tier summary of %(year)s was started.") % {"year": year})
        return redirect(f"{reverse('report-tier-summary')}?year={year}")
    return tier_summary_page(request, run_message=message, run_status=status)


@login_required
@require_GET
def run_panel(request, pk: int):
    """The run panel watching one run (polled every 2 s by htmx while the run is pending or running)."""
    bureau_scope(request.user)
    run = get_object_or_404(ReportRun.objects.restrict(request.user, VIEW), pk=pk)
    return render(request, "registry/reports/_run_panel.html", {**run_panel_context(request, run=run),
                                                                 "bureau": True, "year": run.year})
