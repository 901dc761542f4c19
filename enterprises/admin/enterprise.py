"""Admin pages of enterprises, their tenancies and their users."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from access.scoping import VIEW
from config.admin import ScopedAdmin, ScopedInline, ScopedReadOnlyInline
from parks.admin import MembershipAdmin
from parks.selectors import unit_search

from ..choices import Segment
from ..forms import LAST_DAY_LABEL, check_last_day, last_day_field
from ..models import (
    AnnualFiling,
    Enterprise,
    EnterpriseMembership,
    Tenancy,
    TierDesignation,
    end_after,
    overlap_named,
)
from ..models.enterprise import OVERLAP_CODE
from ..selectors import enterprise_overview, held_tiers
from .display import filing_status_badge, tier_badges
from .filters import LastYearFilingFilter, TenancyEndFilter, TierHeldFilter


class TenancyForm(forms.ModelForm):
    """A tenancy's form: 租期至 (`last_day`, the last day let, inclusive) for the stored exclusive end; a unit already
    let over its dates names the tenancy in the way only to a user who may see it (`overlap_message`)."""

    scope_user = None  # set per request by TenancyAdmin.get_form
    last_day = last_day_field()

    class Meta:
        model = Tenancy
        fields = ["unit", "enterprise", "start", "rent", "contract_number", "deposit", "rent_free_months"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("last_day", self.instance.last_day)

    def clean(self):
        """The last day is not before the start; the record's end is the day after it."""
        cleaned = super().clean()
        check_last_day(self, cleaned)
        if "last_day" in cleaned:
            self.instance.end = end_after(cleaned["last_day"])
        return cleaned

    def _get_validation_exclusions(self):
        """The end is validated with the record (the overlap and the dates' order), though the form shows 租期至."""
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("end")
        return exclusions

    def _update_errors(self, errors):
        """The record's errors on its end shown on 租期至."""
        if hasattr(errors, "error_dict") and "end" in errors.error_dict:
            errors.error_dict.setdefault("last_day", []).extend(errors.error_dict.pop("end"))
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        start = self._errors.get("start") if self._errors else None
        if start and any(error.code == OVERLAP_CODE for error in start.as_data()):
            named = overlap_named(ValidationError({"start": start.as_data()}), tenancy=self.instance,
                                  user=self.scope_user)
            self._errors["start"] = self.error_class(named.error_dict["start"], renderer=self.renderer)


class TenancyInline(ScopedInline):
    """An enterprise's tenancies, read on its page (租期至: the last day, inclusive)."""

    model = Tenancy
    form = TenancyForm
    extra = 0
    fields = ["unit", "start", "last_day", "rent", "contract_number", "deposit", "rent_free_months"]
    autocomplete_fields = ["unit"]

    @admin.display(description=LAST_DAY_LABEL)
    def last_day(self, obj):
        """租期至 on a page the user reads only (the form's field where they change it): the last day, or the empty
        mark while open-ended; and the column's name either way."""
        return date_format(obj.last_day) if obj.last_day else self.get_empty_value_display()


class FilingSummaryInline(ScopedReadOnlyInline):
    """The enterprise's annual filings the user may see, newest first, each linked to its page."""

    model = AnnualFiling
    fields = ["year", "revision", "status", "submitted_at", "reviewed_at"]
    ordering = ["-year", "-revision"]


class DesignationSummaryInline(ScopedReadOnlyInline):
    """The enterprise's tier designations the user may see, newest first."""

    model = TierDesignation
    fields = ["tier", "year", "batch", "granted_on", "revoked_on"]
    ordering = ["-year", "tier"]


class MembershipSummaryInline(ScopedReadOnlyInline):
    """The enterprise's users (memberships) the user may see."""

    model = EnterpriseMembership
    fields = ["user", "created"]
    ordering = ["user__username"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    """Enterprises, searchable by names and credit code, with the tiers they hold, their latest filing and the
    next end of a tenancy."""

    list_display = ["name", "short_name", "credit_code", "district", "park", "chain_position", "tiers",
                    "latest_filing", "next_tenancy_end", "status"]
    list_filter = [TierHeldFilter, LastYearFilingFilter, "park", "district", "chain_position", "status"]
    search_fields = ["name", "short_name", "name_en", "credit_code"]
    list_select_related = ["district", "park"]
    autocomplete_fields = ["park"]
    date_hierarchy = "founded"
    inlines = [TenancyInline, FilingSummaryInline, DesignationSummaryInline, MembershipSummaryInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        """The enterprises the user may see, with the tiers, filing and tenancy end the list shows."""
        return enterprise_overview(
            super().get_queryset(request), on=timezone.localdate(),
            filings=AnnualFiling.objects.restrict(request.user, VIEW),
            tenancies=Tenancy.objects.restrict(request.user, VIEW),
        )

    def get_fields(self, request, obj=None):
        """The fields; to a reader who may not change the enterprise, its segments by their names."""
        fields = super().get_fields(request, obj)
        if self._reads_only(request, obj):
            return ["segment_names" if name == "segments" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        """The read-only fields, with the segments' names where the reader may not change the enterprise."""
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "segment_names"] if self._reads_only(request, obj) else fields

    def _reads_only(self, request, obj) -> bool:
        return obj is not None and not self.has_change_permission(request, obj)

    @admin.display(description=_("segments"))
    def segment_names(self, obj):
        """The business segments by their names in the page's language."""
        return pgettext("list separator", ", ").join(str(Segment(code).label) for code in obj.segments) or "—"

    @admin.display(description=_("tiers held"))
    def tiers(self, obj):
        """Badges of the tiers held today, highest first."""
        return tier_badges(held_tiers(obj))

    @admin.display(description=_("latest filing"), ordering="latest_filing_year")
    def latest_filing(self, obj):
        """The year and status of the latest filing in review or reviewed."""
        return filing_status_badge(obj.latest_filing_status, prefix=obj.latest_filing_year)

    @admin.display(description=_("next tenancy end"), ordering="next_tenancy_end")
    def next_tenancy_end(self, obj):
        """The earliest end of a tenancy still running."""
        return obj.next_tenancy_end


@admin.register(Tenancy)
class TenancyAdmin(ScopedAdmin):
    """Tenancies; the model refuses overlapping dates on a unit, named to whoever may see the tenancy in the way."""

    form = TenancyForm

    # 租期至 (the last day) rather than the stored exclusive end; the park is in the unit's name (docs/screens-board.md)
    list_display = ["enterprise", "unit", "start", "last_day", "days_left", "rent", "contract_number"]
    list_filter = [TenancyEndFilter, "park__district", "park"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "unit__building", "unit__room",
                     "contract_number"]
    list_select_related = ["enterprise", "unit__park", "park"]
    autocomplete_fields = ["enterprise", "unit"]
    date_hierarchy = "start"
    fields = ["unit", "enterprise", "start", "last_day", "rent", "contract_number", "deposit", "rent_free_months",
              "contract_scans"]
    readonly_fields = ["contract_scans"]

    @admin.display(description=_("contract scans"))
    def contract_scans(self, obj):
        """A link to the tenancy's evidence panel: its contract scans, downloaded there, and uploaded there by its
        park's administrators."""
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a id="contract-scans" href="{}">{}</a>',
                           reverse("evidence-list", args=["tenancy", obj.pk]), _("Contract scans"))

    def get_search_results(self, request, queryset, search_term):
        """The admin's search, and the tenancies of units whose own label holds the text (「C座-5-501」)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | queryset.filter(unit_search(search_term, prefix="unit__"))
        return found, duplicates

    @admin.display(description=LAST_DAY_LABEL, ordering="end")
    def last_day(self, obj):
        """租期至: the last day let, inclusive (empty while open-ended)."""
        return obj.last_day

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The tenancy form, naming an overlap as the request's user may be told it."""
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"scope_user": request.user})

    @admin.display(description=_("days left"), ordering="end")
    def days_left(self, obj):
        """Days until the end (0 once ended; empty while open-ended)."""
        if obj.end is None:
            return None
        return max((obj.end - timezone.localdate()).days, 0)


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(MembershipAdmin):
    """Enterprise users: who files for which enterprise."""

    list_display = ["user", "enterprise", "created"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]
