"""The inbox (Notification), each user's choice of e-mail (NotificationPreference) and the reminders' once-only rows
(Reminder)."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about (the events and reminders of docs/notifications.md)."""

    INVITATION = "invitation", _("Invitation")
    FILING = "filing", _("Filing review")
    DECLARATION = "declaration", _("Declaration")
    ROUND = "round", _("Declaration round")
    PUBLICITY = "publicity", _("Publicity list")
    FILING_REMINDER = "filing_reminder", _("Filing season reminder")
    TENANCY_REMINDER = "tenancy_reminder", _("Tenancy ending")
    RE_REVIEW_REMINDER = "re_review_reminder", _("Re-review due")


class Notification(models.Model):
    """One message in one user's inbox: what it is about, its subject and body (in Chinese, with the English in
    `english`), where it leads, when it came and when it was read."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    english = models.JSONField(_("English text"), default=dict, blank=True,
                               help_text=_("The subject and body in English, shown under the English interface."))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject

    def _shown(self, field: str) -> str:
        """The field in the active language: the English text under English, else the Chinese."""
        if translation.get_language() == "en" and self.english.get(field):
            return self.english[field]
        return getattr(self, field)

    @property
    def subject_shown(self) -> str:
        """The subject in the active language."""
        return self._shown("subject")

    @property
    def body_shown(self) -> str:
        """The body in the active language."""
        return self._shown("body")


class NotificationPreference(models.Model):
    """Whether a user wants notifications by e-mail too (a user without a row does: the default), or in the inbox
    only."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notification_preference",
                                verbose_name=_("user"))
    email = models.BooleanField(_("also by e-mail"), default=True,
                                help_text=_("Send every notification to your e-mail address as well as the inbox."))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {'e-mail' if self.email else 'inbox'}"


class Reminder(models.Model):
    """A reminder sent: of a kind, about a subject (e.g. "enterprise:12"), for a period (e.g. "2026-W21"), to a
    recipient. Unique, so that a second run of a job or a retried task never sends it twice."""

    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    subject_key = models.CharField(_("subject"), max_length=100)
    period_key = models.CharField(_("period"), max_length=40)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="reminders",
                                  verbose_name=_("recipient"))
    sent = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["kind", "subject_key", "period_key", "recipient"],
                                               name="reminder_once_per_subject_and_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_key} {self.period_key} → {self.recipient}"
