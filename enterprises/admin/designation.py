"""Admin page of tier designations, with their status today."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.admin import ScopedAdmin

from ..models import TierDesignation
from .display import designation_status_badge
from .filters import DesignationStatusFilter


@admin.register(TierDesignation)
class TierDesignationAdmin(ScopedAdmin):
    """Tier designations, recorded by bureau staff, with their status today (valid, due, expired, revoked)."""

    list_display = ["enterprise", "tier", "year", "batch", "granted_on", "valid_until", "status_badge", "revoked_on"]
    list_filter = [DesignationStatusFilter, "tier", "year"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "certificate_number"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    date_hierarchy = "granted_on"

    def get_queryset(self, request):
        """The designations the user may see, with their status today."""
        return super().get_queryset(request).with_status(timezone.localdate())

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        """The status today, as a badge."""
        return designation_status_badge(obj.status)
