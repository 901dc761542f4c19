"""Audit history plumbing: every historical row records where its change came from, not only who made it.

Sources: `api` and `web` (set by HistorySourceMiddleware), `celery` (task signals in config.celery),
`command` and `shell` (manage.py), `other` for anything else. The origin says which request, task or command.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Source(models.TextChoices):
    """Where a change came from."""

    API = "api", _("API")
    WEB = "web", _("Web page")
    CELERY = "celery", _("Celery job")
    COMMAND = "command", _("Management command")
    SHELL = "shell", _("Shell")
    OTHER = "other", _("Other")


_current: ContextVar[tuple[str, str]] = ContextVar("history_source", default=(Source.OTHER, ""))
_acting_user: ContextVar[int | None] = ContextVar("history_user", default=None)


@contextmanager
def change_source(source: str, origin: str = "", *, user_id: int | None = None):
    """Attribute the changes made inside the block to a source and origin, and to a user outside a request
    (a job keeps the user who started it)."""
    token = _current.set((source, origin[:200]))
    user_token = _acting_user.set(user_id)
    try:
        yield
    finally:
        _current.reset(token)
        _acting_user.reset(user_token)


def history_stamp() -> dict:
    """The source and origin of changes made now, as historical-row fields (for bulk writes, which send no signal)."""
    source, origin = _current.get()
    return {"history_source": source, "history_origin": origin}


def set_change_source(source: str, origin: str = "") -> None:
    """Attribute every later change of this context (a process run by manage.py) to a source and origin."""
    _current.set((source, origin[:200]))


class HistorySource(models.Model):
    """Fields added to every historical row: the source and origin of the change."""

    history_source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.OTHER)
    history_origin = models.CharField(_("origin"), max_length=200, blank=True)

    class Meta:
        abstract = True


def audit_history(**kwargs) -> HistoricalRecords:
    """django-simple-history's HistoricalRecords, with the change's source and origin on every row."""
    return HistoricalRecords(bases=[HistorySource], **kwargs)


@receiver(pre_create_historical_record)
def _stamp_source(sender, history_instance, **kwargs):
    history_instance.history_source, history_instance.history_origin = _current.get()
    if history_instance.history_user_id is None:
        history_instance.history_user_id = _acting_user.get()


class HistorySourceMiddleware:
    """Attribute the changes of a request to the API or the web pages, with its method and path."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = Source.API if request.path.startswith("/api/") else Source.WEB
        with change_source(source, f"{request.method} {request.path}"):
            return self.get_response(request)
