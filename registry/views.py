"""The dashboard: the bureau's view of the whole city, a park administrator's of their parks, an enterprise
user's of their own enterprise. The page holds no figures itself: its script reads them from the report API with
the session, so every chart is scoped exactly as the API is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from access.scoping import CHANGE, VIEW, user_scope
from config.amounts import MONEY_DISPLAY
from enterprises.choices import EDITABLE_FILING_STATUSES, TIER_NAMES, Tier
from enterprises.models import AnnualFiling, Enterprise
from enterprises.selectors import reporting_year
from parks.models import Park

from .choices import RunStatus
from .models import ReportRun
from .selectors import report_years, tier_summary_latest

REPORTS = {  # chart -> the report endpoint it reads
    "plan": "api:report-plan-progress",
    "districts": "api:report-districts",
    "parks": "api:report-parks",
    "tiers": "api:report-tier-summary",
}



def _strings() -> dict[str, str]:
    """The script's words, translated here (the script itself holds none)."""
    return {
        "noData": _("No data yet."),
        "loadError": _("The figures could not be loaded."),
        "share": _("Share of the goal met (%)"),
        "goal": _("Goal"),
        "goalValue": _("Goal value"),
        "metOrNot": _("Met or not"),
        "actual": _("Actual"),
        "met": _("Met"),
        "notMet": _("Not met"),
        "target": _("Target"),
        "district": _("District"),
        "park": _("Park"),
        "designated": _("designated"),
        "candidates": _("candidates"),
        "occupancy": _("Occupancy (%)"),
        "leasableArea": _("Leasable area (m²)"),
        "letArea": _("Let area (m²)"),
        "tenants": _("Tenants"),
        "ending90": _("Tenancies ending within 90 days"),
        "notFiled": _("Tenants not filed"),
        "on": _("on"),
        "enterprises": _("Enterprises"),
        "revenue": _("Revenue"),
        "dhRevenue": _("Digital-human revenue"),
        "missing": _("Required domains still missing"),
        "breakdown": _("By category"),
        "listSeparator": pgettext("list separator", ", "),
        "tier": _("Tier"),
        "criteriaMet": _("Criteria met"),
        "criteriaFailed": _("Criteria not met"),
        "gaps": _("To reach the next tier:"),
        "held": _("held"),
        "yearOf": _("year %(year)s"),
        "yearChosen": _("Year %(year)s (%(how)s)"),
        "asOf": _("as of"),
        "ruleSet": _("tier rule set"),
        "moneyUnit": _("money in"),
        "defaultYear": _("the reporting year: the latest year whose filing season has closed"),
        "askedYear": _("the year chosen"),
        "noSummary": _("No tier summary has been computed for this year yet."),
    }


def chosen_year(request, years: list[int], default: int) -> int:
    """The year the page shows: `?year=` when it is one of the years offered, else the reporting year."""
    asked = request.GET.get("year", "")
    return int(asked) if asked.isdigit() and int(asked) in years else default


@login_required
def dashboard(request):
    """Charts of the plan's progress, the tier pipeline, park occupancy and the latest summary run, by role; the
    reports' year is picked among the years with figures (default the reporting year)."""
    user = request.user
    scope = user_scope(user)
    # Which charts this user gets: the city's to the bureau, their parks' to park administrators.
    shown = {"plan": scope.bureau, "districts": scope.bureau,
             "tiers": scope.bureau or bool(scope.parks), "parks": scope.bureau or bool(scope.parks)}
    default_year = reporting_year()
    years = report_years(user=user, reporting=default_year) if any(shown.values()) else [default_year]
    year = chosen_year(request, years, default_year)
    parks = Park.objects.restrict(user, VIEW).filter(memberships__user=user).order_by("name")
    enterprises = (Enterprise.objects.restrict(user, VIEW).filter(memberships__user=user)
                   .select_related("district", "park").order_by("name"))
    filings = (AnnualFiling.objects.restrict(user, VIEW).filter(enterprise__in=enterprises)
               .order_by("enterprise__name", "-year", "-revision"))
    filable = set(Enterprise.objects.restrict(user, CHANGE).filter(pk__in=enterprises).values_list("pk", flat=True))
    summary_run = tier_summary_latest(year=year)
    # The bureau sees its latest run whatever became of it (running, failed); others the snapshot they read.
    latest_run = ReportRun.objects.restrict(user, VIEW).order_by("-created").first() if scope.bureau else summary_run
    reports = {name: reverse(url_name) if shown[name] else None for name, url_name in REPORTS.items()}
    # The years with a tier summary: the report answers 404 for any other, so it is not asked for them.
    summary_years = sorted(set(ReportRun.objects.filter(status=RunStatus.SUCCEEDED, year__in=years)
                               .values_list("year", flat=True))) if shown["tiers"] else []
    config = {
        "reports": reports,
        "year": year,
        "summaryYears": summary_years,
        "tierLevel": "district" if scope.bureau else "park",
        "tiers": {tier.value: str(TIER_NAMES[tier]) for tier in Tier},
        "enterprises": [
            {"id": e.pk, "name": e.name, "assessment": reverse("api:enterprise-assessment", args=[e.pk])}
            for e in enterprises
        ],
        "strings": _strings(),
        # The money rule of config.amounts, for the script: 亿元 from the threshold (in 万元) up.
        "money": {**MONEY_DISPLAY, "large": _("%(amount)s hundred million yuan"),
                  "small": _("%(amount)s ten thousand yuan")},
    }
    context = {
        "bureau": scope.bureau,
        "shown": shown,
        "parks": parks,
        "enterprises": [
            {"enterprise": e, "filings": [f for f in filings if f.enterprise_id == e.pk], "filable": e.pk in filable}
            for e in enterprises
        ],
        "summary_run": summary_run,
        "years": years,
        "year": year,
        "reporting_year": default_year,
        "latest_run": latest_run,
        "config": config,
        "editable_statuses": EDITABLE_FILING_STATUSES,
    }
    return render(request, "registry/dashboard.html", context)
