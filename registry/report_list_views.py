"""The report centre's list pages of two reports that had only an API: the compliance gaps (the enterprises lacking
an in-force compliance filing of a kind on a date) and the support awards behind a row of the support-fund report.

As every report page (registry/report_views.py), a page computes nothing itself: it asks the API's own view,
in-process, for its answer to the page's user, and shows it a page at a time with the basis, downloads and a print
layout (docs/screens-reports.md)."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy

from access.scoping import VIEW, input_choices
from enterprises.choices import ALGORITHM_FILINGS, ComplianceKind
from enterprises.selectors import reporting_year
from parks.models import District, Park

from .choices import AwardStatus
from .models import PlanTask, SupportPolicy
from .report_views import (
    REPORTS,
    Report,
    _address,
    allowed_scope,
    api_answer,
    asked,
    pager,
    park_in_scope,
    place_choices,
    report_context,
    report_page,
    show,
)
from .selectors.plan_board import PLAN_2022_2025
from .selectors.support_funds import GROUPS

ALGORITHM_KINDS = [str(kind) for kind in ALGORITHM_FILINGS]  # the kinds the gaps page asks by default


@report_page
def compliance_gaps_page(request):
    """The enterprises in the user's scope lacking an in-force filing of the kinds chosen (default either algorithm
    filing) on a date, by name, a page at a time, optionally of a district or a park."""
    report = REPORTS["compliance-gaps"]
    allowed_scope(request.user, report)
    params = asked(request, report)
    park_in_scope(request, params)
    kinds = [kind for kind in request.GET.getlist("kind") if kind.strip()] or ALGORITHM_KINDS
    params = {"kind": kinds, **params}
    page = request.GET.get("page", "").strip()
    status, data = api_answer(request, report.api, {**params, **({"page": page} if page else {})})
    context = report_context(request, report, params=params, status=status, data=data, kinds=kinds,
                             kind_choices=ComplianceKind.choices, **place_choices(request.user))
    if context["data"]:
        context["pager"] = pager(request, data)
        context["kind_names"] = [label for value, label in ComplianceKind.choices if value in kinds]
    return show(request, "registry/reports/compliance_gaps.html", context)


AWARD_FILTERS = ("year", "policy", "district", "park", "task", "status")  # the awards list's filters the page takes
AWARD_GROUPS = {param: grouping for grouping, (_key, _name, param) in GROUPS.items()}  # filter -> the report's `by`


def awards_page_url(*, year, by: str, key) -> str | None:
    """The address of the awards page listing a row of the support-fund report (None for a row without a key: the
    awards without a park or a plan task)."""
    if key is None:
        return None
    return _address(reverse("report-support-awards"), {"year": year, GROUPS[by][2]: key})


def award_group(request, params: dict) -> tuple[str, str]:
    """The report's grouping and the name of the row the awards page lists (a policy, district, park or plan task
    the filters name), blank when none or not found; a park outside the user's scope is 404."""
    park_in_scope(request, params)
    for param, grouping in AWARD_GROUPS.items():
        value = params.get(param, "")
        if not value.isdigit():
            continue
        if param == "policy":
            found = SupportPolicy.objects.restrict(request.user, VIEW).filter(pk=value)
        elif param == "district":
            found = District.objects.filter(pk=value)
        elif param == "park":
            found = input_choices(user=request.user, queryset=Park.objects.all()).filter(pk=value)
        else:
            found = PlanTask.objects.restrict(request.user, VIEW).filter(plan=PLAN_2022_2025, number=value)
        name = found.values_list("title" if param == "task" else "name", flat=True).first()
        return grouping, name or ""
    return "", ""


@report_page
def support_awards_page(request):
    """The support-fund awards behind a row of the support-fund report (its policy, district, park or plan task, and
    year; optionally of a status), a page at a time, amounts in 万元, scoped as the report."""
    report = REPORTS["support-funds"]
    allowed_scope(request.user, report)
    params = {name: request.GET[name].strip() for name in AWARD_FILTERS if request.GET.get(name, "").strip()}
    by, group_name = award_group(request, params)
    params.setdefault("year", str(reporting_year()))
    page = request.GET.get("page", "").strip()
    api = "api:supportaward-list"
    status, data = api_answer(request, api, {**params, **({"page": page} if page else {})})
    if status == 404:
        raise Http404
    listing = Report(report.slug, report.title, api, AWARD_FILTERS)
    context = report_context(request, listing, params=params, status=status, data=data, by=by, group_name=group_name,
                             statuses=AwardStatus.choices, list_title=AWARDS_TITLE)
    context["downloads"] = {"json": _address(reverse(api), params)}  # the awards list has no table formats
    context["reset"] = _address(reverse("report-support-awards"), {key: params[key] for key in AWARD_GROUPS
                                                                    if key in params})  # the row kept
    context["back"] = _address(reverse("report-support-funds"), {"year": params["year"], **({"by": by} if by else {})})
    labels = dict(AwardStatus.choices)
    for row in context["rows"]:
        row["status_name"] = labels.get(row["status"], row["status"])
    if context["data"]:
        context["pager"] = pager(request, data)
    return show(request, "registry/reports/support_awards.html", context)


AWARDS_TITLE = gettext_lazy("Support-fund awards")
