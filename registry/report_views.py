"""The report centre (/reports/): the report pages of the bureau and the park administrators, server-rendered.

A page computes nothing itself: it asks the report API's own view, in-process, for its JSON answer to the page's
user (the same query validation, selectors, serializers, scope, cache and snapshot as /api/v1/reports/), and shows
it as a table with a totals row, the answer's basis, a chart and CSV / XLSX links to the same address
(docs/screens-reports.md)."""

import copy
import json
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import resolve, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from rest_framework.settings import api_settings

from access.scoping import VIEW, input_choices, user_scope
from enterprises.choices import Tier
from enterprises.selectors import reporting_year
from parks.models import District, Park

from .models import PlanTarget
from .selectors import place_enterprises, report_years

RECORD_KINDS = {"filing": gettext_lazy("Annual filing"), "lab": gettext_lazy("Lab"),
                "platform": gettext_lazy("Platform"), "benchmark_project": gettext_lazy("Benchmark project"),
                "park": gettext_lazy("Park")}  # the kinds of record behind a plan target's figure


@dataclass(frozen=True)
class Report:
    """A page of the report centre: its title, the API route it shows, its query parameters, who may open it."""

    slug: str
    title: str
    api: str
    params: tuple[str, ...]
    bureau_only: bool = False
    description: str = ""

    @property
    def url(self) -> str:
        """The page's address."""
        return reverse(f"report-{self.slug}")


REPORTS = {report.slug: report for report in (
    Report("districts", gettext_lazy("District overview"), "api:report-districts", ("year", "as_of"), True,
           gettext_lazy("Per district: parks, enterprises, tenants, revenue, tiers held, labs, platforms, projects "
                        "and occupancy.")),
    Report("parks", gettext_lazy("Park report"), "api:report-parks", ("as_of", "start", "end", "year"), False,
           gettext_lazy("Per park: units, occupancy on a date and over a period, tenancies ending, tenants not "
                        "filed.")),
    Report("plan", gettext_lazy("Plan progress"), "api:report-plan-progress", ("year", "as_of", "plan"), True,
           gettext_lazy("Each target of the action plan: goal, actual, share met and the records behind it.")),
    Report("plan-board", gettext_lazy("Plan board"), "api:report-plan-board", ("year", "as_of"), False,
           gettext_lazy("The action plan's fifteen key tasks: each task's indicators of the year and the support "
                        "funds granted under its policies.")),
    Report("support-funds", gettext_lazy("Support funds"), "api:report-support-funds", ("year", "by"), False,
           gettext_lazy("Support-fund awards of a year's policies by policy, district, park or plan task: amounts "
                        "approved, paid and outstanding.")),
    Report("tier-summary", gettext_lazy("Tier summary"), "api:report-tier-summary",
           ("year", "level", "district", "park", "tier"), False,
           gettext_lazy("The latest computed tier summary of a year, per city, district and park.")),
    Report("tier-candidates", gettext_lazy("Tier candidates"), "api:report-tier-candidates",
           ("year", "district", "park", "tier"), False,
           gettext_lazy("Enterprises whose approved figures meet a tier they do not hold yet.")),
    Report("compliance-gaps", gettext_lazy("Compliance gaps"), "api:report-compliance-gaps",
           ("year", "as_of", "district", "park"), False,
           gettext_lazy("Enterprises without a compliance filing of the kinds chosen in force on a date (by default "
                        "either algorithm filing).")),
    Report("declarations", gettext_lazy("Declaration pipeline"), "api:report-declarations",
           ("year", "tier", "round", "district"), False,
           gettext_lazy("Per round and district: tier declarations submitted, recommended, approved, published, "
                        "designated, and those returned, rejected or withdrawn.")),
)}


# --- who may open what -----------------------------------------------------------------------------------------
def allowed_scope(user, report: Report | None = None):
    """The user's scope when they may open the report centre (or the report): bureau staff everything, park
    administrators the reports of their parks, district staff those of their districts; anyone else 403."""
    scope = user_scope(user)
    reports_held = scope.bureau or scope.parks or scope.districts
    if not reports_held or (report is not None and report.bureau_only and not scope.bureau):
        raise PermissionDenied
    return scope


def bureau_scope(user):
    """The user's scope when they are bureau staff (the report runs are the bureau's), else 403."""
    scope = user_scope(user)
    if not scope.bureau:
        raise PermissionDenied
    return scope


# --- the API's answer, in-process ------------------------------------------------------------------------------
def api_answer(request, name: str, params: dict, **kwargs) -> tuple[int, dict]:
    """The report API's JSON answer (status, data) to this page's user for these query parameters: the API's own
    view called with a GET of its own address, so the figures are the API's (and share its cache)."""
    path = reverse(name, kwargs=kwargs or None)
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    sub = copy.copy(request)
    sub.method, sub.path, sub.path_info, sub.GET = "GET", path, path, query
    sub.META = {**request.META, "REQUEST_METHOD": "GET", "HTTP_ACCEPT": "application/json",
                "QUERY_STRING": query.urlencode(), "PATH_INFO": path}
    match = resolve(path)
    response = match.func(sub, *match.args, **match.kwargs)
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response.status_code, json.loads(response.content or b"null")


def asked(request, report: Report) -> dict:
    """The report's query parameters the page was asked with (empty ones left out), as the API takes them."""
    found = {}
    for name in report.params:
        values = [value for value in request.GET.getlist(name) if value.strip()]
        if values:
            found[name] = values[-1]
    return found


def links(report: Report, params: dict, **kwargs) -> dict:
    """The addresses of the report's CSV and XLSX with the page's filters."""
    path = reverse(report.api, kwargs=kwargs or None)
    return {fmt: _address(path, {**params, "format": fmt}) for fmt in ("csv", "xlsx")}


def _address(path: str, params: dict) -> str:
    """A path with a query (a list's values each repeated: `kind=a&kind=b`)."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, [str(item) for item in value] if isinstance(value, list) else [str(value)])
    return f"{path}?{query.urlencode()}" if query else path


def number(value) -> Decimal | None:
    """A figure of the API's answer (a string or a number), None where hidden or absent."""
    return None if value in (None, "") else Decimal(str(value))


def total(rows: list[dict], key: str) -> Decimal | None:
    """The sum of a column over the rows, None when any row's figure is hidden (the sum would mislead)."""
    values = [number(row.get(key)) for row in rows]
    return None if any(value is None for value in values) else sum(values, Decimal(0))


def share(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in %, rounded to two decimals; None when the whole is nothing."""
    if part is None or not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"))


def chart(kind: str, categories: list, series: list[tuple[str, list]], unit: str = "") -> dict:
    """A chart's data for registry/static/registry/reports.js: a bar chart of categories, each series named."""
    return {"kind": kind, "categories": [str(c) for c in categories], "unit": unit,
            "series": [{"name": str(name), "data": [float(v) if v is not None else None for v in data]}
                       for name, data in series]}


def report_context(request, report: Report, *, params: dict, status: int, data: dict, **extra) -> dict:
    """What every report page shows: its title, filters and their errors, basis, rows, downloads and the menu."""
    scope = user_scope(request.user)
    ok = status == 200
    errors = data if status == 400 and isinstance(data, dict) else {}
    message = data.get("detail") if not ok and isinstance(data, dict) and "detail" in data else ""
    default_year = reporting_year()
    years = report_years(user=request.user, reporting=default_year)
    basis = data.get("basis") if ok else None
    year = int(basis["year"]) if basis else (int(params["year"]) if str(params.get("year", "")).isdigit() else
                                              default_year)
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return {
        "report": report, "reports": visible_reports(scope), "params": params, "errors": errors,
        "message": message, "status": status, "data": data if ok else None, "basis": basis,
        "rows": data.get("results", []) if ok else [], "years": years, "year": year,
        "reporting_year": default_year, "downloads": links(report, params, **extra.pop("api_kwargs", {})),
        "bureau": scope.bureau, **extra,
    }


def visible_reports(scope) -> list[Report]:
    """The reports this scope may open."""
    return [report for report in REPORTS.values() if scope.bureau or not report.bureau_only]


def show(request, template: str, context: dict):
    """Render a report page with the API's status (a 400's field messages shown on the page, with the 400; a 404's
    or a 503's message)."""
    status = context["status"]
    return render(request, template, context, status=status if status in (400, 404, 503) else 200)


# --- the pages -------------------------------------------------------------------------------------------------
def report_page(view):
    """A report page: signed in, GET only, outside the request's transaction (the API's view it asks reads in a
    snapshot of its own)."""
    return transaction.non_atomic_requests(login_required(require_GET(view)))


def answered(request, name: str) -> tuple[Report, dict, dict]:
    """The report's page context for this request: the user's scope checked, the filters read, the API answered."""
    report = REPORTS[name]
    allowed_scope(request.user, report)
    params = asked(request, report)
    status, data = api_answer(request, report.api, params)
    return report, params, report_context(request, report, params=params, status=status, data=data)


@login_required
@require_GET
def report_index(request):
    """The report centre's index: the reports of the user's role, each with what it shows."""
    scope = allowed_scope(request.user)
    return render(request, "registry/reports/index.html", {
        "reports": visible_reports(scope), "bureau": scope.bureau, "reporting_year": reporting_year(),
        "parks": Park.objects.restrict(request.user, VIEW).filter(memberships__user=request.user).order_by("name"),
    })


@report_page
def district_report(request):
    """The district overview: per district its counts, revenue, tiers and occupancy, with totals and drill-downs."""
    _report, _params, context = answered(request, "districts")
    rows = context["rows"]
    if rows:
        keys = ["parks", "enterprises", "tenants", "filed", "revenue", "digital_human_revenue", "labs", "platforms",
                "projects", "leasable_area", "let_area", *[f"designated_{tier}" for tier in Tier.values]]
        totals = {key: total(rows, key) for key in keys}
        totals["occupancy"] = share(totals["let_area"], totals["leasable_area"])
        context["totals"] = totals
        context["chart"] = chart("bar", [row["district_name"] for row in rows], [
            (_("Enterprises"), [row["enterprises"] for row in rows]), (_("Tenants"), [row["tenants"] for row in rows])])
        context["tiers"] = [(tier.value, tier.label) for tier in Tier]
    return show(request, "registry/reports/districts.html", context)


@report_page
def park_report_page(request):
    """The park report, a page of parks at a time (the API's page): occupancy on a date and over a period,
    tenancies ending and tenants not filed, each park's lists one click away."""
    report = REPORTS["parks"]
    allowed_scope(request.user, report)
    params = asked(request, report)
    page = request.GET.get("page", "").strip()
    status, data = api_answer(request, report.api, {**params, **({"page": page} if page else {})})
    context = report_context(request, report, params=params, status=status, data=data)
    rows = context["rows"]
    if rows:
        keys = ["units", "leasable_area", "let_area", "tenants", "area_days", "leasable_area_days", "ending_30",
                "ending_60", "ending_90", "not_filed_count"]
        totals = {key: total(rows, key) for key in keys}
        totals["occupancy"] = share(totals["let_area"], totals["leasable_area"])
        totals["period_occupancy"] = share(totals["area_days"], totals["leasable_area_days"])
        context["totals"] = totals
        context["chart"] = chart("bar", [row["park_name"] for row in rows], [
            (_("Occupancy (%)"), [row["occupancy"] for row in rows]),
            (_("Occupancy over the period (%)"), [row["period_occupancy"] for row in rows])], unit="%")
        context["lists_query"] = _address("", {"as_of": data["as_of"], "year": data["year"]})
    if context["data"]:
        context["pager"] = pager(request, data)
    return show(request, "registry/reports/parks.html", context)


def pager(request, data: dict) -> dict | None:
    """The page links of a paged answer of the API's page size (None when it has one page): the page's number, the
    number of pages, and the addresses of the previous and next pages with the page's filters."""
    raw = request.GET.get("page", "")
    return page_links(request, number=int(raw) if raw.isdigit() and int(raw) > 0 else 1,
                      pages=max(1, -(-(data.get("count") or 0) // api_settings.PAGE_SIZE)),
                      previous=bool(data.get("previous")), following=bool(data.get("next")))


def page_of(request, rows) -> tuple[Page, dict | None]:
    """One page, at the API's page size, of a list a page reads itself rather than through the API (a drill-down of
    a selector's rows), from `?page=` (past the end or not a number: 404, as the API answers), with its pager."""
    paginator = Paginator(rows, api_settings.PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404 from None
    return page, page_links(request, number=page.number, pages=paginator.num_pages, previous=page.has_previous(),
                            following=page.has_next())


def page_links(request, *, number: int, pages: int, previous: bool, following: bool) -> dict | None:
    """The pager `_pager.html` shows (None on a single page): the page's number, the number of pages, and the
    addresses of the previous and next pages with the page's filters."""
    if not (previous or following):
        return None
    query = request.GET.copy()

    def link(to: int) -> str:
        query["page"] = str(to)
        return f"?{query.urlencode()}"

    return {"number": number, "pages": pages, "previous": link(number - 1) if previous else None,
            "next": link(number + 1) if following else None}


PARK_LISTS = {  # a park's lists in the park report: the API route, the page's title and template
    "tenancies-ending": ("api:report-park-tenancies-ending", gettext_lazy("Tenancies ending within 90 days")),
    "tenants-not-filed": ("api:report-park-tenants-not-filed", gettext_lazy("Tenants not filed")),
}


@report_page
def park_list_page(request, park: int, kind: str):
    """One of a park's lists in the park report (its tenancies ending, its tenants not filed), a page at a time,
    named by the answer's park_name; a park the user may not see is the API's 404."""
    report = REPORTS["parks"]
    allowed_scope(request.user, report)
    if kind not in PARK_LISTS:
        raise Http404
    api, title = PARK_LISTS[kind]
    params = {name: request.GET[name].strip() for name in ("as_of", "year", "page")
              if request.GET.get(name, "").strip()}
    status, data = api_answer(request, api, params, park=park)
    if status == 404:
        raise Http404
    params.pop("page", None)
    listing = Report(report.slug, report.title, api, ("as_of", "year"))
    context = report_context(request, listing, params=params, status=status, data=data, api_kwargs={"park": park},
                             park_name=data.get("park_name", "") if status == 200 else "", kind=kind,
                             list_title=title)
    if context["data"]:
        context["pager"] = pager(request, data)
    return show(request, "registry/reports/park_list.html", context)


@report_page
def plan_report(request):
    """Plan progress: each target's goal, actual, share met, and the records behind its figure one click away."""
    report = REPORTS["plan"]
    allowed_scope(request.user, report)
    params = asked(request, report)
    status, data = api_answer(request, report.api, params)
    plans = (PlanTarget.objects.restrict(request.user, VIEW).order_by("plan").values_list("plan", flat=True)
             .distinct())
    context = report_context(request, report, params=params, status=status, data=data, plans=list(plans))
    rows = context["rows"]
    if rows:
        context["met"] = sum(1 for row in rows if row["met"])
        context["counted"] = sum(row["counted"] for row in rows)
        context["chart"] = chart("bar", [row["title"] for row in rows],
                                 [(_("Share of the goal met (%)"), [row["share"] for row in rows])], unit="%")
        context["records_query"] = {"year": data["year"], "as_of": data["as_of"]}
    return show(request, "registry/reports/plan.html", context)


@report_page
def plan_records(request, code: str):
    """Every record behind one plan target's figure (the drill-down of plan progress)."""
    report = REPORTS["plan"]
    allowed_scope(request.user, report)
    target = get_object_or_404(PlanTarget.objects.restrict(request.user, VIEW), code=code)
    params = {**asked(request, report), "page_size": "1000"}
    params.pop("plan", None)
    status, data = api_answer(request, "api:report-plan-progress-records", params, code=code)
    if status == 404:
        raise Http404
    records = Report(report.slug, report.title, "api:report-plan-progress-records", ("year", "as_of"), True)
    params.pop("page_size")
    context = report_context(request, records, params=params, status=status, data=data, target=target,
                             api_kwargs={"code": code})
    for row in context["rows"]:
        row["kind_name"] = RECORD_KINDS.get(row["kind"], row["kind"])
    if context["rows"]:
        context["value_total"] = total([row for row in context["rows"] if row["value"] is not None], "value")
    return show(request, "registry/reports/plan_records.html", context)


def park_in_scope(request, params: dict) -> None:
    """A park named in the filters must be one the user may name (input_choices); another park's id is 404."""
    park = params.get("park", "")
    if park and not (park.isdigit() and input_choices(user=request.user, queryset=Park.objects.all()).filter(
            pk=park).exists()):
        raise Http404


def place_choices(user, *, parks: bool = True) -> dict:
    """The districts and the parks a filter may name (the parks within the user's scope), for `_places.html`;
    `parks=False` for a report filtered by district only (the picker then shows no park)."""
    choices = {"districts": District.objects.order_by("code")}
    if parks:
        choices["parks"] = input_choices(user=user, queryset=Park.objects.order_by("name"))
    return choices


class PlaceEnterprisesForm(forms.Form):
    """What the enterprises behind a count are asked by: which count, the district or park, the date."""

    kind = forms.ChoiceField(choices=[("registered", gettext_lazy("Registered")),
                                      ("tenants", gettext_lazy("Tenants"))])
    district = forms.ModelChoiceField(queryset=District.objects.all(), required=False)
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False)
    as_of = forms.DateField()

    def clean(self):
        """A district or a park must be named."""
        cleaned = super().clean()
        if not cleaned.get("district") and not cleaned.get("park"):
            raise ValidationError({"district": _("Name a district or a park.")})
        return cleaned


@login_required
@require_GET
def place_enterprises_page(request):
    """The enterprises behind a district's or a park's count (registered, or tenants on the date); a park outside
    the user's scope is 404."""
    allowed_scope(request.user)
    park_in_scope(request, {"park": request.GET.get("park", "")})
    form = PlaceEnterprisesForm(request.GET)
    form.fields["park"].queryset = input_choices(user=request.user, queryset=Park.objects.all())
    if not form.is_valid():
        return render(request, "registry/reports/enterprises.html", {"form": form, "rows": None}, status=400)
    data = form.cleaned_data
    rows = place_enterprises(user=request.user, on=data["as_of"], kind=data["kind"],
                             district=data["district"].pk if data["district"] else None,
                             park=data["park"].pk if data["park"] else None)
    return render(request, "registry/reports/enterprises.html", {
        "form": form, "rows": rows, "place": data["park"] or data["district"], "kind": data["kind"],
        "as_of": data["as_of"]})
