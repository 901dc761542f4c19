"""Admin pages of the enterprises app."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.admin import ScopedAdmin, ScopedInline
from parks.scoping import REVIEW

from .choices import FilingStatus
from .models import AnnualFiling, Enterprise, EnterpriseMembership, Tenancy, TierDesignation
from .services import filing_approve


class TenancyInline(ScopedInline):
    """An enterprise's tenancies, read on its page."""

    model = Tenancy
    extra = 0
    fields = ["unit", "start", "end", "rent"]
    autocomplete_fields = ["unit"]


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    """Enterprises, searchable by names and credit code."""

    list_display = ["name", "short_name", "credit_code", "district", "park", "chain_position", "status"]
    list_filter = ["district", "park", "chain_position", "status"]
    search_fields = ["name", "short_name", "name_en", "credit_code"]
    list_select_related = ["district", "park"]
    autocomplete_fields = ["park"]
    date_hierarchy = "founded"
    inlines = [TenancyInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Tenancy)
class TenancyAdmin(ScopedAdmin):
    """Tenancies; the model refuses overlapping dates on a unit and names the tenancy in the way."""

    list_display = ["enterprise", "unit", "park", "start", "end", "rent"]
    list_filter = ["park__district", "park"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "unit__building", "unit__room"]
    list_select_related = ["enterprise", "unit__park", "park"]
    autocomplete_fields = ["enterprise", "unit"]
    date_hierarchy = "start"


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(ScopedAdmin):
    """Enterprise users: who files for which enterprise."""

    list_display = ["user", "enterprise", "created"]
    search_fields = ["user__username", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(AnnualFiling)
class AnnualFilingAdmin(ScopedAdmin):
    """Annual filings, read-only here: the park's administrators approve submitted ones in bulk (returns, with
    their reason, go through the API); enterprises file through the API and their own pages."""

    list_display = ["enterprise", "year", "revision", "status", "park", "submitted_at", "reviewed_by"]
    list_filter = ["status", "year", "park"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "park", "reviewed_by"]
    actions = ["approve_selected"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve the selected submitted filings"))
    def approve_selected(self, request, queryset):
        """Approve each selected filing this user may review; report the others."""
        approved = 0
        for filing in queryset.restrict(request.user, REVIEW).filter(status=FilingStatus.SUBMITTED):
            try:
                filing_approve(filing=filing, user=request.user)
                approved += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{filing}: {' '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.WARNING)
        self.message_user(request, ngettext("%(count)d filing approved.", "%(count)d filings approved.", approved) % {
            "count": approved}, messages.SUCCESS)


@admin.register(TierDesignation)
class TierDesignationAdmin(ScopedAdmin):
    """Tier designations, recorded by bureau staff."""

    list_display = ["enterprise", "tier", "year", "batch", "granted_on", "valid_until", "revoked_on"]
    list_filter = ["tier", "year"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "certificate_number"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    date_hierarchy = "granted_on"
