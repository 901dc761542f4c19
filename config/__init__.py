"""Project package: settings, URL map, the Celery app and the shared API plumbing (no domain rules)."""

from .celery import app as celery_app

__all__ = ("celery_app",)
