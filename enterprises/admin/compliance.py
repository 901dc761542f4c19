"""Admin pages of the compliance filings, scoped as their API (the enterprise its own, the park and district read,
the bureau all)."""

from django.contrib import admin

from ..models import ComplianceFiling
from .registers import RegisterAdmin


@admin.register(ComplianceFiling)
class ComplianceFilingAdmin(RegisterAdmin):
    """Compliance filings: algorithm filings, content- and data-security records."""

    list_display = ["enterprise", "kind", "service_name", "number", "filed_on", "valid_until", "cancelled_on"]
    list_filter = ["kind"]
    search_fields = [*RegisterAdmin.search_fields, "service_name", "number"]
    date_hierarchy = "filed_on"
