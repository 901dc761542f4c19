"""Admin pages of the registry app."""

from django.contrib import admin

from access.scoping import user_scope
from config import lockout_admin  # noqa: F401 - registers the sign-in lockout's pages
from config.admin import ScopedAdmin, ScopedPermissionsMixin
from config.admin_export import ExportActionsMixin

from .models import BenchmarkProject, FileJob, Lab, PlanTarget, Platform, ReportRun


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

    list_display = ["title", "plan", "metric", "comparison", "goal", "goal_upper", "unit", "year", "position"]
    list_filter = ["plan", "metric", "comparison", "year"]
    search_fields = ["title", "code"]


@admin.register(ReportRun)
class ReportRunAdmin(ExportActionsMixin, ScopedPermissionsMixin, admin.ModelAdmin):
    """Report runs, read-only: started over the API or nightly by celery beat (exported like every list), with the
    worker that took each, its heartbeat and the traceback of an unexpected error (the bureau's alone)."""

    list_display = ["id", "kind", "year", "applied_rule_set", "as_of", "status", "created", "started", "finished",
                    "rows", "started_by", "worker", "heartbeat_at", "attempts"]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["started_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)


@admin.register(FileJob)
class FileJobAdmin(ExportActionsMixin, ScopedPermissionsMixin, admin.ModelAdmin):
    """File jobs (imports and exports run by Celery), read-only: started over the API; each user sees their own
    (exported like every list)."""

    list_display = ["id", "kind", "subject", "file_format", "dry_run", "status", "processed", "total", "created",
                    "finished", "expired", "started_by", "worker", "heartbeat_at", "attempts"]
    list_filter = ["kind", "subject", "status"]
    list_select_related = ["started_by"]
    exclude = ["data"]

    def get_exclude(self, request, obj=None):
        """The file, and for anyone but the bureau the traceback of an unexpected error (its users see the error)."""
        return [*self.exclude, *([] if user_scope(request.user).bureau else ["error_detail"])]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data").restrict(request.user)
