"""The sign-in lockout in the admin: django-axes' attempt and access pages, open to bureau staff only (read, and
delete an attempt to lift its lock); nobody adds or changes them."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from access.scoping import user_scope

# django-axes names its app "Axes" (no verbose name): the admin's index shows it in the page's language instead.
apps.get_app_config("axes").verbose_name = _("Sign-in lockout")


class BureauOnlyMixin:
    """Pages a member of the bureau (signed in to the admin) reads; nobody adds or changes a row."""

    deletable = False

    def _bureau(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user_scope(user).bureau)

    def has_module_permission(self, request):
        return self._bureau(request)

    def has_view_permission(self, request, obj=None):
        return self._bureau(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and self._bureau(request)


@admin.register(AccessAttempt)
class LockoutAttemptAdmin(BureauOnlyMixin, AccessAttemptAdmin):
    """Failed sign-ins per username and address, and the lockouts they caused; deleting an attempt lifts its lock."""

    deletable = True


@admin.register(AccessLog)
class LockoutAccessLogAdmin(BureauOnlyMixin, AccessLogAdmin):
    """Successful sign-ins and sign-outs."""


@admin.register(AccessFailureLog)
class LockoutFailureLogAdmin(BureauOnlyMixin, AccessFailureLogAdmin):
    """Every failed sign-in (kept when AXES_ENABLE_ACCESS_FAILURE_LOG is on)."""
