"""List filters of the enterprises admin: tier held, last year's filing status, tenancy end, designation status."""

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import VIEW

from ..choices import FILED_STATUSES, DesignationStatus, FilingStatus, Tier
from ..models import AnnualFiling, TierDesignation
from ..selectors import latest_filing, reporting_year

NONE = "none"


class TierHeldFilter(admin.SimpleListFilter):
    """Enterprises by a tier they hold today, or holding none."""

    title = _("tier held")
    parameter_name = "tier_held"

    def lookups(self, request, model_admin):
        return [*Tier.choices, (NONE, _("No tier held"))]

    def queryset(self, request, queryset):
        held = TierDesignation.objects.held_on(timezone.localdate()).filter(enterprise=OuterRef("pk"))
        if self.value() == NONE:
            return queryset.filter(~Exists(held))
        if self.value() in Tier.values:
            return queryset.filter(Exists(held.filter(tier=self.value())))
        return queryset


class LastYearFilingFilter(admin.SimpleListFilter):
    """Enterprises by the status of their filing of the reporting year (its latest revision in review or reviewed):
    the year every report shows by default (`reporting_year`)."""

    parameter_name = "filing_last_year"

    def __init__(self, request, params, model, model_admin):
        self.year = reporting_year()
        self.title = _("filing status of %(year)s") % {"year": self.year}
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(s, FilingStatus(s).label) for s in FILED_STATUSES] + [(NONE, _("Not filed"))]

    def queryset(self, request, queryset):
        if self.value() not in {*FILED_STATUSES, NONE}:
            return queryset
        filings = latest_filing(AnnualFiling.objects.restrict(request.user, VIEW), year=self.year)
        queryset = queryset.alias(last_year_status=Subquery(filings.values("status")[:1]))
        if self.value() == NONE:
            return queryset.filter(last_year_status__isnull=True)
        return queryset.filter(last_year_status=self.value())


class TenancyEndFilter(admin.SimpleListFilter):
    """Tenancies by when they end: within 30, 60 or 90 days, open-ended, or ended."""

    title = _("ends")
    parameter_name = "ends"
    WITHIN = (30, 60, 90)

    def lookups(self, request, model_admin):
        within = [(str(days), _("within %(days)d days") % {"days": days}) for days in self.WITHIN]
        return [*within, ("open", _("open-ended")), ("ended", _("ended"))]

    def queryset(self, request, queryset):
        today, value = timezone.localdate(), self.value()
        if value == "open":
            return queryset.filter(end__isnull=True)
        if value == "ended":
            return queryset.filter(end__lte=today)
        if value in {str(days) for days in self.WITHIN}:
            return queryset.filter(Q(end__gt=today) & Q(end__lte=today + datetime.timedelta(days=int(value))))
        return queryset


class DesignationStatusFilter(admin.SimpleListFilter):
    """Designations by their status today (on a queryset annotated by `with_status`)."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return DesignationStatus.choices

    def queryset(self, request, queryset):
        if self.value() in DesignationStatus.values:
            return queryset.filter(status=self.value())
        return queryset
