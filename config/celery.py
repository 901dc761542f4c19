"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's tasks module."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _attribute_changes_to_task(task=None, **kwargs):
    """Changes a task makes are recorded in the history as made by that Celery job."""
    from config.history import Source, set_change_source

    set_change_source(Source.CELERY, task.name if task else "")


@task_postrun.connect
def _end_attribution(**kwargs):
    from config.history import Source, set_change_source

    set_change_source(Source.OTHER)
