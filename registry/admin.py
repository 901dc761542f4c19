"""Admin pages of the registry app."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from access.scoping import user_scope
from config import lockout_admin  # noqa: F401 - registers the sign-in lockout's pages
from config.admin import ReadOnlyAdminMixin, ScopedAdmin, ScopedPermissionsMixin
from config.admin_export import ExportActionsMixin
from config.amounts import money_display

from .models import (
    BenchmarkProject,
    FileJob,
    Lab,
    PlanTarget,
    PlanTask,
    Platform,
    ReportRun,
    SupportAward,
    SupportPolicy,
)
from .targets import unit_name


@admin.register(Lab)
class LabAdmin(ScopedAdmin):
    """Joint labs and innovation centres."""

    list_display = ["name", "kind", "host", "partner", "park", "established", "status"]
    list_filter = ["kind", "status", "park__district", "park"]
    search_fields = ["name", "partner", "host__name"]
    list_select_related = ["host", "park"]
    autocomplete_fields = ["host", "park"]


@admin.register(Platform)
class PlatformAdmin(ScopedAdmin):
    """Common technology platforms."""

    list_display = ["name", "domain", "operator", "park", "launched", "status"]
    list_filter = ["domain", "status", "park__district", "park"]
    search_fields = ["name", "operator__name", "services"]
    list_select_related = ["operator", "park"]
    autocomplete_fields = ["operator", "park"]


@admin.register(BenchmarkProject)
class BenchmarkProjectAdmin(ScopedAdmin):
    """Benchmark application projects."""

    list_display = ["name", "field", "dh_kind", "lead", "park", "year", "status"]
    list_filter = ["field", "dh_kind", "status", "year", "park__district"]
    search_fields = ["name", "lead__name", "summary"]
    list_select_related = ["lead", "park"]
    autocomplete_fields = ["lead", "partners", "park"]


@admin.register(PlanTarget)
class PlanTargetAdmin(ScopedAdmin):
    """The plan's targets as data."""

    list_display = ["title", "plan", "metric", "comparison", "goal", "goal_upper", "unit_shown", "year", "position"]
    list_filter = ["plan", "metric", "comparison", "year"]
    search_fields = ["title", "code"]

    @admin.display(description=_("unit of measure"), ordering="unit")
    def unit_shown(self, obj):
        """The unit as the plan words it: 亿元, or 家 / 个 for what is counted (registry.targets.unit_name)."""
        return unit_name(unit=obj.unit, metric=obj.metric)


class JobAdmin(ReadOnlyAdminMixin, ExportActionsMixin, ScopedPermissionsMixin, admin.ModelAdmin):
    """The read-only admin of a Celery job (report runs and file jobs): started elsewhere, never added, changed or
    deleted here (a job is the record of what ran and what it read), listed as `restrict` lets the user see them
    (exported like every list), with the worker that took each and its heartbeat; the traceback of an unexpected
    error is the bureau's alone."""

    list_select_related = ["started_by"]
    deferred: tuple[str, ...] = ()  # columns the pages never read (a file job's file)

    def get_exclude(self, request, obj=None):
        """The model's excluded fields, and for anyone but the bureau the traceback of an unexpected error."""
        return [*(self.exclude or ()), *([] if user_scope(request.user).bureau else ["error_detail"])]

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*self.deferred).restrict(request.user)


@admin.register(ReportRun)
class ReportRunAdmin(JobAdmin):
    """Report runs: started over the API or nightly by celery beat (the bureau's)."""

    list_display = ["id", "kind", "year", "applied_rule_set", "as_of", "status", "created", "started", "finished",
                    "rows", "started_by", "worker", "heartbeat_at", "attempts"]
    list_filter = ["kind", "status", "year"]


@admin.register(FileJob)
class FileJobAdmin(JobAdmin):
    """File jobs (imports and exports run by Celery): started over the API; each user sees their own."""

    list_display = ["id", "kind", "subject", "file_format", "dry_run", "status", "processed", "total", "created",
                    "finished", "expired", "started_by", "worker", "heartbeat_at", "attempts"]
    list_filter = ["kind", "subject", "status"]
    exclude = ["data"]
    deferred = ("data",)


@admin.register(PlanTask)
class PlanTaskAdmin(ScopedAdmin):
    """The plan's key tasks as data (the bureau edits their wording)."""

    list_display = ["number", "title", "plan"]
    list_display_links = ["number", "title"]
    list_filter = ["plan"]
    search_fields = ["title", "description"]


@admin.register(SupportPolicy)
class SupportPolicyAdmin(ScopedAdmin):
    """Support-fund policies."""

    list_display = ["name", "issuer", "task", "year", "budget_shown"]
    list_filter = ["year", "task", "issuer"]
    search_fields = ["name", "issuer", "description"]
    list_select_related = ["task"]

    @admin.display(description=_("budget"), ordering="budget")
    def budget_shown(self, obj):
        """The budget by the one money rule (config.amounts)."""
        return money_display(obj.budget)


@admin.register(SupportAward)
class SupportAwardAdmin(ScopedAdmin):
    """Support-fund awards to enterprises."""

    list_display = ["enterprise", "policy", "status", "approved_shown", "approved_on", "paid_shown", "paid_on"]
    list_filter = ["status", "policy__year", "policy__task", "enterprise__district"]
    search_fields = ["enterprise__name", "policy__name"]
    list_select_related = ["enterprise", "policy"]
    autocomplete_fields = ["enterprise"]

    @admin.display(description=_("amount approved"), ordering="amount_approved")
    def approved_shown(self, obj):
        """The amount approved by the one money rule (config.amounts)."""
        return money_display(obj.amount_approved)

    @admin.display(description=_("amount paid"), ordering="amount_paid")
    def paid_shown(self, obj):
        """The amount paid by the one money rule (config.amounts)."""
        return money_display(obj.amount_paid)
