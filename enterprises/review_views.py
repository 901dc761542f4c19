"""The filing review screen of park administrators and the bureau: the queue of submitted filings (待审核), a filing
with its figures beside the previous year's, the ratios the tier rules read and its assessment, and its approval
(confirmed first: an approved filing is frozen) or return (with a reason). Filings are found through
`restrict(user, REVIEW)`; the steps call the services the API and the admin call (docs/screens-review.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from access.scoping import REVIEW, grants

from .choices import FilingStatus
from .models import AnnualFiling
from .review_forms import ApproveForm, ReturnForm, ReviewFilterForm
from .review_selectors import (
    assessment_rows,
    figure_comparison,
    filing_assessment,
    previous_approved,
    ratio_comparison,
    review_queue,
    review_years,
)
from .services import filing_approve, filing_return
from .tiers import rule_set_for


def _reviewer(request) -> None:
    """Refuse (403) a user who reviews no filings at all (an enterprise user)."""
    if not grants(user=request.user, model=AnnualFiling, action=REVIEW):
        raise PermissionDenied(_("Only park administrators and the bureau review filings."))


def _filing(request, pk) -> AnnualFiling:
    """The filing, if the user may review it (404 otherwise, as if it did not exist)."""
    _reviewer(request)
    queryset = AnnualFiling.objects.restrict(request.user, REVIEW).select_related(
        "enterprise", "park", "district", "submitted_by", "reviewed_by")
    return get_object_or_404(queryset, pk=pk)


@login_required
def review_queue_page(request):
    """The queue of submitted filings the user may review, oldest first, filtered by year and park."""
    _reviewer(request)
    form = ReviewFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else True
    filters = form.cleaned_data if form.is_bound and valid else {}
    filings = review_queue(user=request.user, year=filters.get("year"), park=filters.get("park"))
    context = {"form": form, "filings": filings if valid else [], "years": review_years(user=request.user),
               "filtered": bool(filters.get("year") or filters.get("park"))}
    return render(request, "enterprises/review/queue.html", context, status=200 if valid else 400)


def _review_context(request, filing, *, return_form=None) -> dict:
    """What the review page shows of a filing: figures, the previous year's, ratios, assessment, the return form."""
    previous = previous_approved(filing=filing, user=request.user)
    rule_set = rule_set_for(filing.year)
    assessment = filing_assessment(filing=filing, user=request.user)
    return {
        "filing": filing,
        "enterprise": filing.enterprise,
        "previous": previous,
        "previous_label": str(previous.year) if previous else _("Previous year"),
        "figures": figure_comparison(filing=filing, previous=previous),
        "ratios": ratio_comparison(filing=filing, previous=previous, rule_set=rule_set),
        "assessment": assessment,
        "tiers": assessment_rows(assessment),
        "reviewable": filing.status == FilingStatus.SUBMITTED,
        "return_form": return_form or ReturnForm(),
    }


@login_required
def review_filing_page(request, pk):
    """A filing under review: its figures beside the previous year's, the ratios, the assessment, and the steps."""
    filing = _filing(request, pk)
    return render(request, "enterprises/review/filing.html", _review_context(request, filing))


def _refused(request, error) -> None:
    """Show a service's refusal (the filing already reviewed, one's own enterprise) as a message."""
    for text in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, text)


@login_required
@require_http_methods(["GET", "POST"])
def review_approve_page(request, pk):
    """Approve a filing after confirming it (the page is the confirmation without JavaScript; the review page's
    dialog posts here with the confirmation ticked); unconfirmed, nothing happens."""
    filing = _filing(request, pk)
    if request.method == "GET" and filing.status != FilingStatus.SUBMITTED:
        return redirect("review-filing", pk=filing.pk)  # reviewed meanwhile: its page says so
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            filing_approve(filing=filing, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refused(request, error)
            return redirect("review-filing", pk=filing.pk)
        messages.success(request, _("The filing of %(enterprise)s for %(year)s is approved and frozen.") % {
            "enterprise": filing.enterprise.name, "year": filing.year})
        return redirect("review-queue")
    status = 400 if form.is_bound else 200
    return render(request, "enterprises/review/approve.html", {"filing": filing, "form": form}, status=status)


@login_required
@require_POST
def review_return_page(request, pk):
    """Return a filing to its enterprise with a reason (an empty reason is a field error on the review page)."""
    filing = _filing(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            filing_return(filing=filing, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if "reason" not in getattr(error, "message_dict", {}):
                _refused(request, error)
                return redirect("review-filing", pk=filing.pk)
            form.add_error("reason", error.message_dict["reason"])
        except PermissionDenied as error:
            _refused(request, error)
            return redirect("review-filing", pk=filing.pk)
        else:
            messages.success(request, _("The filing of %(enterprise)s for %(year)s is returned.") % {
                "enterprise": filing.enterprise.name, "year": filing.year})
            return redirect("review-queue")
    context = _review_context(request, filing, return_form=form)
    return render(request, "enterprises/review/filing.html", context, status=400)
