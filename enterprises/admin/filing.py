"""Admin page of annual filings: read here, approved in bulk or returned with a reason by their reviewers."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from access.scoping import REVIEW, grants
from config.admin import ReadOnlyAdminMixin, ScopedAdmin

from ..choices import FilingStatus
from ..models import AnnualFiling
from ..services import filing_approve, filing_return
from .display import filing_status_badge


def error_text(error) -> str:
    """The messages of a refused step, as one line."""
    return " ".join(getattr(error, "messages", None) or [str(error)])


class ReturnReasonForm(forms.Form):
    """The reason sent back with returned filings."""

    reason = forms.CharField(
        label=_("reason for return"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The enterprise sees this reason and corrects its filing before submitting it again."),
    )


@admin.register(AnnualFiling)
class AnnualFilingAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """Annual filings, read-only here: their reviewers approve submitted ones in bulk or return them with a
    reason; enterprises file through the API and their own pages."""

    list_display = ["enterprise", "year", "revision", "status_badge", "park", "submitted_at", "reviewed_at",
                    "reviewed_by"]
    list_filter = ["status", "year", "park"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "park", "reviewed_by"]
    actions = ["approve_selected", "return_selected"]
    return_template = "admin/enterprises/annualfiling/return_selected.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The filing's page, with a button to the review screen while it is submitted and the user reviews it."""
        reviewable = self.reviewable(request, AnnualFiling.objects.filter(pk=object_id)).exists() \
            if str(object_id).isdigit() else False
        extra = {**(extra_context or {}),
                 "review_url": reverse("review-filing", args=[object_id]) if reviewable else None}
        return super().change_view(request, object_id, form_url, extra)

    def export_columns(self, request) -> list[str]:
        """The changelist's columns, then every figure of the filing (the export carries the figures)."""
        return [*super().export_columns(request), *AnnualFiling.figure_names()]

    def has_review_permission(self, request):
        """Whether the user reviews some filings (the bureau, a park's administrators)."""
        return grants(user=request.user, model=AnnualFiling, action=REVIEW)

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        """The review status, as a badge."""
        return filing_status_badge(obj.status)

    def reviewable(self, request, queryset):
        """The selected filings this user may review that wait for review."""
        return queryset.restrict(request.user, REVIEW).filter(status=FilingStatus.SUBMITTED)

    @admin.action(description=_("Approve the selected submitted filings"), permissions=["review"])
    def approve_selected(self, request, queryset):
        """Approve each selected filing this user may review; report the others."""
        approved = 0
        for filing in self.reviewable(request, queryset):
            try:
                filing_approve(filing=filing, user=request.user)
                approved += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{filing}: {error_text(error)}", messages.WARNING)
        self.message_user(request, ngettext("%(count)d filing approved.", "%(count)d filings approved.", approved) % {
            "count": approved}, messages.SUCCESS)

    @admin.action(description=_("Return the selected submitted filings with a reason"), permissions=["review"])
    def return_selected(self, request, queryset):
        """Ask for the reason, then return every selected submitted filing with it, all or none."""
        filings = list(self.reviewable(request, queryset).select_related("enterprise", "park"))
        skipped = queryset.count() - len(filings)
        if not filings:
            self.message_user(request, _("None of the selected filings is submitted and yours to review."),
                              messages.WARNING)
            return None
        form = ReturnReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            return self.return_filings(request, filings, form.cleaned_data["reason"])
        return TemplateResponse(request, self.return_template, {
            **self.admin_site.each_context(request),
            "title": _("Return filings with a reason"), "opts": self.opts, "filings": filings, "skipped": skipped,
            "form": form, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME, "media": self.media + form.media,
        })

    def return_filings(self, request, filings, reason: str) -> None:
        """Return the filings with the reason in one transaction: if one is refused, none is returned."""
        errors = []
        with transaction.atomic():
            for filing in filings:
                try:
                    filing_return(filing=filing, user=request.user, reason=reason)
                except (ValidationError, PermissionDenied) as error:
                    errors.append(f"{filing}: {error_text(error)}")
            if errors:
                transaction.set_rollback(True)
        if errors:
            for error in errors:
                self.message_user(request, error, messages.ERROR)
            self.message_user(request, _("No filing was returned."), messages.ERROR)
            return
        self.message_user(request, ngettext("%(count)d filing returned.", "%(count)d filings returned.",
                                            len(filings)) % {"count": len(filings)}, messages.SUCCESS)
