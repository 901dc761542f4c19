"""App config of the notifications (the inbox, mail preferences and the reminders' once-only rows)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The notifications app: its models, inbox pages and API (config.notifications)."""

    name = "config.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"
