"""Self-service pages of enterprise users: their enterprise's profile with its tier self-assessment explained, its
annual filings (start, fill in, try against the rules, submit), and its other records read-only. Writes go through
the services; every record is found through `restrict()`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.scoping import CHANGE, VIEW, user_scope
from enterprises.basis import report_basis

from .choices import EDITABLE_FILING_STATUSES
from .evidence_selectors import evidence_panel
from .forms import AnnualFilingForm, EnterpriseProfileForm, FilingStartForm
from .models import AnnualFiling, Enterprise
from .register_selectors import register_figures
from .selectors import (
    assessment_years,
    designations_not_assessed,
    designations_on,
    draft_assessment,
    enterprise_assessment,
    reporting_year,
    tier_reference_date,
    tier_standings,
)
from .services import filing_create, filing_submit, filing_update


@login_required
def my_enterprises(request):
    """The enterprises the user is a member of; straight to the profile when there is one."""
    enterprises = Enterprise.objects.filter(memberships__user=request.user).select_related("district", "park")
    if len(enterprises) == 1:
        return redirect("enterprise-profile", pk=enterprises[0].pk)
    if not enterprises and request.user.is_staff:
        return redirect("admin:index")  # bureau staff and park administrators work in the admin
    return render(request, "enterprises/list.html", {"enterprises": enterprises})


@login_required
def enterprise_profile(request, pk):
    """An enterprise's profile, editable by its users, with its tier self-assessment (a report of a year: `?year=`
    among the years it filed and the reporting year, the default, with its basis stated), filings, tenancies, labs,
    platforms and projects."""
    enterprise = get_object_or_404(
        Enterprise.objects.restrict(request.user, VIEW).select_related("district", "park"), pk=pk,
    )
    editable = Enterprise.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    form = EnterpriseProfileForm(request.POST if request.method == "POST" and editable else None, instance=enterprise)
    if request.method == "POST" and editable and form.is_valid():
        if form.has_changed():  # saved unchanged: nothing written, no history entry
            form.save()
            messages.success(request, _("The profile is saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("enterprise-profile", pk=pk)
    reporting = reporting_year()
    years = assessment_years(enterprise=enterprise, user=request.user, reporting=reporting)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else reporting
    assessment, filing = enterprise_assessment(enterprise=enterprise, user=request.user, year=year)
    designations = designations_on(enterprise=enterprise, user=request.user, on=tier_reference_date(year))
    context = {
        "enterprise": enterprise,
        "assessment": assessment,
        "assessed_filing": filing,
        "standings": tier_standings(assessment=assessment, designations=designations, filed=filing is not None),
        "other_designations": designations_not_assessed(assessment=assessment, designations=designations),
        "basis": report_basis(year=year, as_of=tier_reference_date(year), default=year == reporting and not asked,
                              rule_set=assessment.rule_set),
        "years": years,
        "reporting_year": reporting,
        "filings": enterprise.filings.restrict(request.user, VIEW).order_by("-year", "-revision"),
        "form": form,
        "editable": editable,
        "own_registers": enterprise.pk in user_scope(request.user).enterprises,  # 我的登记, else a reader's link
        "tenancies": enterprise.tenancies.restrict(request.user, VIEW).select_related("unit", "park"),
        "labs": enterprise.labs.restrict(request.user, VIEW).select_related("park"),
        "platforms": enterprise.platforms.restrict(request.user, VIEW).select_related("park"),
        "projects": (enterprise.led_projects.restrict(request.user, VIEW)
                     | enterprise.partner_projects.restrict(request.user, VIEW)).distinct(),
    }
    return render(request, "enterprises/profile.html", context)


def _form_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on its field where the form has one, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


@login_required
def filing_start(request, pk):
    """Start a draft filing of an enterprise the user files for, for a year; then fill it in."""
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, CHANGE), pk=pk)
    form = FilingStartForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    if request.method == "POST" and form.is_valid():
        try:
            filing = filing_create(enterprise=enterprise, year=form.cleaned_data["year"], figures={},
                                   user=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The draft filing is started: fill in its figures."))
            return redirect("filing-edit", pk=filing.pk)
    return render(request, "enterprises/filing_start.html", {"enterprise": enterprise, "form": form})


@login_required
def filing_edit(request, pk):
    """A filing: its figures editable while a draft or returned (save, or save and submit), read-only after."""
    filing = get_object_or_404(AnnualFiling.objects.restrict(request.user, VIEW).select_related("enterprise"), pk=pk)
    editable = filing.status in EDITABLE_FILING_STATUSES and \
        AnnualFiling.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    if request.method == "POST" and not editable:
        raise PermissionDenied(_("Only a draft or a returned filing can be changed."))
    # While it may change: the figures the enterprise's registers give, noted or warned on their fields
    register = register_figures(user=request.user, enterprise_id=filing.enterprise_id,
                                year=filing.year) if editable else None
    form = AnnualFilingForm(request.POST if request.method == "POST" else None, instance=filing, disabled=not editable,
                            register=register)
    if request.method == "POST" and form.is_valid():
        try:
            filing = filing_update(filing=filing, figures=form.figures())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if register.differences(form.figures()):  # a warning, never a refusal
                messages.warning(request, _("Some figures differ from the enterprise's registers: check them (each "
                                            "is marked on its field)."))
            if "submit" not in request.POST:
                messages.success(request, _("The filing is saved."))
                return redirect("filing-edit", pk=pk)
            try:
                filing_submit(filing=filing, user=request.user)
            except ValidationError as error:  # the figures stay saved; what is missing is shown on its field
                _form_errors(form, error)
                messages.warning(request, _("The figures are saved, but the filing is not submitted yet."))
            else:
                messages.success(request, _("The filing is submitted for review."))
                return redirect("filing-edit", pk=pk)
    context = {"filing": filing, "enterprise": filing.enterprise, "form": form, "editable": editable,
               "register_prefilled": bool(register and register.figures),  # the note's link to the registers
               # the filing's evidence may change exactly when its figures may (enterprises.evidence)
               "evidence_panel": evidence_panel(user=request.user, owner_name="filing", owner=filing,
                                                editable=editable)}
    return render(request, "enterprises/filing.html", context)


@login_required
@require_POST
def filing_preview(request, pk):
    """"按规则试算": the filing form's current, unsaved values tried against the rules of the filing's year, as a
    partial for the form's page (htmx); the form's errors instead where a value is invalid. Saves nothing."""
    filing = get_object_or_404(AnnualFiling.objects.restrict(request.user, CHANGE).select_related("enterprise"),
                               pk=pk, status__in=EDITABLE_FILING_STATUSES)
    form = AnnualFilingForm(request.POST, instance=filing)
    context = {"filing": filing, "form": form}
    if form.is_valid():
        context["assessment"] = draft_assessment(filing=filing, figures=form.figures(), user=request.user)
    # An invalid draft answers 200 with its errors field by field in the partial: htmx swaps only 2xx answers, and
    # the page shows the errors where the result would be (docs/screens-assessment.md).
    return render(request, "enterprises/filing_preview.html", context)
