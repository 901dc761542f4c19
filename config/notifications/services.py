"""Writes of the notifications: `notify` (inbox rows now, e-mail after the commit), `remind` (the same, once per
subject, period and recipient), marking read, and the e-mail preference."""

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone, translation

from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)
LANGUAGE, ENGLISH = "zh-hans", "en"


def _rendered(text, language: str) -> str:
    """A text (a string, a lazy translation, or a function writing it with gettext) in the language."""
    with translation.override(language):
        return str(text() if callable(text) else text)


def _unique(users: Iterable) -> list:
    """The users once each, signed-in accounts only (no None), in the order given."""
    seen, found = set(), []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            found.append(user)
    return found


def notify(*, users: Iterable, kind: str, subject, body="", link: str | Callable = "",
           mail: bool = True) -> list[Notification]:
    """Put a notification in each user's inbox, in Chinese with its English kept too (`subject` and `body`: lazy
    translations, or functions called once per language), and, once the transaction
    commits, mail it to those who want mail and have an address (unless `mail` is off). `link`: the path every
    recipient's notification links to, or a function `user -> path` (each recipient their own page, one batch).
    Mail failures are logged, never raised: the caller's write stands."""
    users = _unique(users)
    if not users:
        return []
    zh = {"subject": _rendered(subject, LANGUAGE)[:200], "body": _rendered(body, LANGUAGE)}
    en = {"subject": _rendered(subject, ENGLISH)[:200], "body": _rendered(body, ENGLISH)}
    links = {user.pk: link(user) if callable(link) else link for user in users}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, link=links[user.pk], english=en, **zh) for user in users)
    if mail:
        recipients = _mail_recipients(users, links)
        if recipients:
            transaction.on_commit(lambda: _send(recipients, zh, en))
    return rows


def _mail_recipients(users: list, links: dict) -> list[tuple[str, str]]:
    """(address, link) of the users who want mail (no preference row: they do) and have an address."""
    inbox_only = set(NotificationPreference.objects.filter(user__in=[u.pk for u in users], email=False)
                     .values_list("user_id", flat=True))
    return [(user.email, links[user.pk]) for user in users if user.email and user.pk not in inbox_only]


def _send(recipients: list[tuple[str, str]], zh: dict, en: dict) -> int:
    """Mail one message to each address (Chinese, then its link, then English); how many the server took. A server
    that is down or refuses a message is logged, not raised."""
    sent = 0
    try:
        with get_connection() as mailer:
            for address, link in recipients:
                url = settings.SITE_URL + link if link.startswith("/") else link
                body = "\n\n".join(part for part in (zh["body"], url, "-" * 40, en["subject"], en["body"]) if part)
                try:
                    sent += mailer.send_messages([EmailMessage(zh["subject"], body, to=[address])]) or 0
                except Exception:  # noqa: BLE001 (a refused recipient: the others still get theirs)
                    logger.exception("notification mail to %s failed", address)
    except Exception:  # noqa: BLE001 (the server is down: the inbox has the notification)
        logger.exception("notification mail failed: %d address(es), subject %r", len(recipients), zh["subject"])
    return sent


def remind(*, users: Iterable, kind: str, subject_key: str, period_key: str, subject, body="",
           link: str | Callable = "") -> list:
    """Notify each user of a reminder not yet sent them for this subject and period (`link` as notify's: a path, or
    a function `user -> path`); the users reminded now. The Reminder rows are claimed with one INSERT .. ON CONFLICT
    DO NOTHING, so two runs at once send it once."""
    users = _unique(users)
    if not users:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_reminder (kind, subject_key, period_key, recipient_id, sent) "
            "SELECT %s, %s, %s, unnest(%s::bigint[]), now() ON CONFLICT DO NOTHING RETURNING recipient_id",
            [kind, subject_key, period_key, [u.pk for u in users]])
        claimed = {row[0] for row in cursor.fetchall()}
        reminded = [user for user in users if user.pk in claimed]
        notify(users=reminded, kind=kind, subject=subject, body=body, link=link)
    return reminded


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (already read: unchanged)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_set(*, user, email: bool) -> NotificationPreference:
    """Choose e-mail and inbox (True) or the inbox only (False)."""
    preference, _created = NotificationPreference.objects.update_or_create(user=user, defaults={"email": email})
    return preference
