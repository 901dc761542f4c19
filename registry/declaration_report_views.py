"""The declaration pipeline's pages in the report centre (/reports/declarations/): the report, asked of the API's
own view as every report page is (registry/report_views.py), and the declarations behind one of its counts."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enterprises.choices import LADDER
from enterprises.models import DeclarationRound
from parks.models import District

from .report_views import REPORTS, allowed_scope, answered, chart, page_of, place_choices, report_page, show
from .selectors.declarations import STAGE_NAMES, pipeline_enterprises

# Each column's name on the page (docs/reports-declarations.md defines them).
STAGE_LABELS = {
    "declared": gettext_lazy("Declared"), "recommended": gettext_lazy("Recommended by the district"),
    "approved": gettext_lazy("Approved by the city"), "published": gettext_lazy("Published"),
    "designated": gettext_lazy("Designated"), "in_review": gettext_lazy("In review now"),
    "returned": gettext_lazy("Returned now"), "rejected": gettext_lazy("Rejected"),
    "withdrawn": gettext_lazy("Withdrawn"),
}


def round_years() -> list[int]:
    """The years a pipeline may be asked for: those rounds open in, and this year, newest first."""
    years = set(DeclarationRound.objects.order_by().values_list("opens__year", flat=True).distinct())
    return sorted(years | {timezone.localdate().year}, reverse=True)


@report_page
def declaration_pipeline_page(request):
    """The declaration pipeline of a year's rounds per round and district, with totals, a chart of the stages and
    each count one click from its declarations."""
    _report, params, context = answered(request, "declarations")
    this_year = timezone.localdate().year
    year = context["basis"]["year"] if context["basis"] else context["year"]
    context.update(
        years=sorted({*round_years(), year}, reverse=True), this_year=this_year,
        stages=[(stage, STAGE_LABELS[stage]) for stage in STAGE_NAMES],
        tier_choices=[(tier.value, tier.label) for tier in LADDER], **place_choices(request.user, parks=False),
        rounds=DeclarationRound.objects.filter(opens__year=year).order_by("-opens", "name"),
    )
    rows = context["rows"]
    if rows:
        totals = {stage: sum(row[stage] for row in rows) for stage in STAGE_NAMES}
        for row in rows:
            row["cells"] = [(stage, row[stage]) for stage in STAGE_NAMES]
        context["totals"] = [(stage, totals[stage]) for stage in STAGE_NAMES]
        context["chart"] = chart("bar", [STAGE_LABELS[stage] for stage in STAGE_NAMES],
                                 [(_("Declarations"), [totals[stage] for stage in STAGE_NAMES])])
    return show(request, "registry/reports/declarations.html", context)


class PipelineCountForm(forms.Form):
    """Which count of the pipeline the declarations are asked for: its column, year, and round, district or tier."""

    stage = forms.ChoiceField(choices=list(STAGE_LABELS.items()))
    year = forms.IntegerField(min_value=settings.REPORT_DATE_MIN.year, max_value=settings.REPORT_DATE_MAX.year)
    round = forms.ModelChoiceField(queryset=DeclarationRound.objects.all(), required=False)
    district = forms.ModelChoiceField(queryset=District.objects.all(), required=False)
    tier = forms.ChoiceField(choices=[("", "")] + [(tier.value, tier.label) for tier in LADDER], required=False)


@report_page
def pipeline_declarations_page(request):
    """The declarations behind one count of the pipeline, among those the user may see, a page at a time as the
    other drill-downs (400 with the field's message on a bad filter, 404 past the last page)."""
    allowed_scope(request.user, REPORTS["declarations"])
    form = PipelineCountForm(request.GET)
    if not form.is_valid():
        return render(request, "registry/reports/pipeline_declarations.html", {"form": form, "rows": None},
                      status=400)
    data = form.cleaned_data
    on = timezone.localdate()
    page, pager = page_of(request, pipeline_enterprises(
        user=request.user, year=data["year"], on=on, stage=data["stage"], tier=data["tier"] or None,
        round_id=data["round"].pk if data["round"] else None,
        district=data["district"].pk if data["district"] else None))
    return render(request, "registry/reports/pipeline_declarations.html", {
        "form": form, "rows": page.object_list, "page": page, "pager": pager, "stage": STAGE_LABELS[data["stage"]],
        "year": data["year"], "as_of": on, "declaration_round": data["round"], "district": data["district"]})
