"""Celery tasks of the enterprises app, thin wrappers over its services: the daily re-review of tier designations,
the daily reminders, and a round's notices (sent after the round's write commits)."""

from celery import shared_task

from .declarations import designations_open_re_reviews, designations_revoke_lapsed
from .notices import ROUND_NOTICES_TASK, round_notices_send
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


@shared_task(name=ROUND_NOTICES_TASK)
def round_notices(round_id: int, event: str) -> int:
    """Tell a round's opening, closing or publicity list to its recipients, each once however often it runs."""
    return round_notices_send(round_id=round_id, event=event)
