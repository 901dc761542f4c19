"""The long jobs (report runs, file jobs) go to a queue of their own, every other task to the default queue: a
real worker listening on the long queue alone runs a report run started through the API."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from registry.choices import RunStatus
from registry.models import ReportRun, TierSummary
from registry.services import FILE_JOB_TASK, RUN_TASK

from .conftest import token_client
from .factories import approved_filing, bureau_user
from .settings_probe import settings_of

YEAR = 2024
SHORT_TASKS = ("config.health", "registry.sweep_jobs", "registry.tier_summaries_nightly")


def queue_of(task: str) -> str:
    """The queue Celery sends a task to."""
    return app.amqp.router.route({}, task)["queue"].name


def test_long_jobs_route_to_the_long_queue_and_short_tasks_to_the_default_queue():
    assert settings.CELERY_LONG_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue_of(RUN_TASK) == queue_of(FILE_JOB_TASK) == settings.CELERY_LONG_QUEUE
    for task in SHORT_TASKS:
        assert queue_of(task) == settings.CELERY_TASK_DEFAULT_QUEUE, task
    others = {name for name in app.tasks if not name.startswith("celery.")} - {RUN_TASK, FILE_JOB_TASK}
    assert set(SHORT_TASKS) <= others
    assert {queue_of(task) for task in others} == {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert {queue.name for queue in app.amqp.queues.consume_from.values()} == {
        settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_LONG_QUEUE}  # a worker without -Q takes both


def test_queue_names_come_from_the_environment():
    names = ("CELERY_TASK_DEFAULT_QUEUE", "CELERY_LONG_QUEUE", "CELERY_TASK_ROUTES")
    found = settings_of("production", *names)
    assert (found["CELERY_TASK_DEFAULT_QUEUE"], found["CELERY_LONG_QUEUE"]) == ("default", "long")
    assert found["CELERY_TASK_ROUTES"] == {RUN_TASK: {"queue": "long"}, FILE_JOB_TASK: {"queue": "long"}}
    found = settings_of("production", *names, CELERY_DEFAULT_QUEUE="web", CELERY_LONG_QUEUE="reports")
    assert (found["CELERY_TASK_DEFAULT_QUEUE"], found["CELERY_LONG_QUEUE"]) == ("web", "reports")
    assert found["CELERY_TASK_ROUTES"][RUN_TASK] == {"queue": "reports"}


@pytest.fixture
def long_queue_worker():
    """A real worker (in a thread) that consumes the long queue only; the app consumes every queue again after."""
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10,
                          queues=[settings.CELERY_LONG_QUEUE]) as worker:
            yield worker
    finally:
        app.amqp.queues.select(list(app.amqp.queues))


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_the_long_queue_alone_runs_a_report_run_started_through_the_api(long_queue_worker):
    assert {queue.name for queue in app.amqp.queues.consume_from.values()} == {settings.CELERY_LONG_QUEUE}
    for _ in range(3):
        approved_filing(year=YEAR)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    waiting_on_default = broker.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
    response = token_client(bureau_user()).post("/api/v1/report-runs/", {"year": YEAR}, format="json")
    assert response.status_code == 202, response.content
    run = ReportRun.objects.get(pk=response.data["id"])
    deadline = time.monotonic() + 30
    while run.status in (RunStatus.PENDING, RunStatus.RUNNING) and time.monotonic() < deadline:
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.task_id and run.rows == TierSummary.objects.filter(run=run).count() > 0
    assert broker.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == waiting_on_default  # nothing sent to the default
