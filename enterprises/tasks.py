"""Celery tasks of the enterprises app: the daily re-review of tier designations, a thin wrapper over the
declaration services."""

from celery import shared_task

from .declarations import designations_open_re_reviews, designations_revoke_lapsed
from .reminders import reminders_send


@shared_task(name="enterprises.designations_re_review")
def designations_re_review() -> dict:
    """Open the re-review declarations of the designations that fell due, and revoke those that lapsed."""
    opened = designations_open_re_reviews()
    return {"opened": len(opened), "revoked": designations_revoke_lapsed()}


@shared_task(name="enterprises.reminders")
def reminders() -> dict:
    """Send the day's reminders (filing season, tenancies ending, re-reviews due), each once (docs/notifications.md)."""
    return reminders_send()
