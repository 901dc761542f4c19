"""Reads of the notifications: a user's own only (nobody reads another's inbox, the bureau included)."""

from .models import Notification, NotificationPreference


def notifications_of(user):
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def latest_of(user, count: int = 5) -> list:
    """The user's newest notifications (the bell's dropdown), one query."""
    return list(Notification.objects.filter(recipient=user)[:count])


def unread_count(user) -> int:
    """How many of the user's notifications are unread (one query)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def wants_mail(user) -> bool:
    """Whether the user receives notifications by e-mail too (the default)."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference is None or preference.email
