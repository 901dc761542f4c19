"""Lost workers, with real Celery workers (a process each) killed by `kill -9` and real queues deleted in Redis: the
next run of the year of a run whose worker died starts within 30 s, the last snapshot intact; a killed pool process's
task is given back and taken over; a message lost from the broker is sent again once, then its job failed; a run
stopped by its time limit tells its users a message and the administrators the traceback.

Without a worker killed: tests/test_lost_jobs.py."""

import contextlib
import datetime
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app, task_ids_in_broker
from registry.choices import RunStatus
from registry.models import ReportRun, TierSummary
from registry.services import (
    ADVISORY_LOCK_CLASS,
    RUN_TASK,
    report_run_execute,
    report_run_start,
)
from registry.tasks import sweep_jobs
from tests.factories import approved_filing, bureau_user
from tests.test_tier_summary import REPORT, YEAR, tier_world, wait_for

pytestmark = pytest.mark.faults

RUNS = reverse("api:reportrun-list")
# The messages users are told, as the site's language (Chinese) words them.
WORKER_STOPPED = "任务所在的工作进程已停止。"
MESSAGE_LOST = "没有工作进程接收该任务：任务消息已从任务队列中丢失。"
UNEXPECTED = "任务因意外错误而停止；管理员可查看详情。"


def database_url() -> str:
    """The test database's address, for a worker process of its own."""
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def worker_process(log, *, name: str, pool: str = "solo", **env: str) -> subprocess.Popen:
    """A real Celery worker in a process (and session) of its own, on this test process's queues, logging to `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", pool, "--concurrency", "1",
         "-Q", settings.CELERY_LONG_QUEUE, "--hostname", f"{name}@%h", "--without-heartbeat", "--without-gossip",
         "--without-mingle", "--loglevel", "INFO"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
             "CELERY_TEST_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE, **env},
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def kill(worker: subprocess.Popen) -> None:
    """kill -9 a worker process and everything it started."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


@contextlib.contextmanager
def year_locked():
    """Hold the advisory lock a run of YEAR takes before it computes: a run started meanwhile is running (claimed,
    beating) and waits there, mid-run, until the lock is released."""
    with psycopg.connect(database_url(), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s, %s)", [ADVISORY_LOCK_CLASS, YEAR])
        yield


def snapshot() -> list[tuple]:
    """The tier-summary rows as stored."""
    return list(TierSummary.objects.order_by("pk").values_list("pk", "run_id", "revenue"))


def queued() -> set[str]:
    """The task ids waiting in (or taken from) this test process's long queue."""
    ids = task_ids_in_broker(queues=[settings.CELERY_LONG_QUEUE])
    assert ids is not None
    return ids


# --- a worker killed mid-run -------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_lets_the_next_run_of_its_year_start_within_30_s(bureau_client, tmp_path):
    tier_world()
    good = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=good.pk)
    before = snapshot()
    with year_locked(), open(tmp_path / "killed.log", "w") as log:
        started = bureau_client.post(RUNS, {"year": YEAR}, format="json")
        assert started.status_code == 202, started.data
        run = ReportRun.objects.get(pk=started.data["id"])
        worker = worker_process(log, name="killed")
        try:
            assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.RUNNING, 60)
            run.refresh_from_db()
            assert run.worker.startswith("killed@") and run.attempts == 1
            assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).heartbeat_at > run.heartbeat_at,
                            settings.JOB_HEARTBEAT_INTERVAL + 5)  # it beats while it waits mid-run
            assert bureau_client.post(RUNS, {"year": YEAR}, format="json").status_code == 409  # alive: its year's
        finally:
            kill(worker)
        killed = time.monotonic()
        answers = []
        while not answers or answers[-1].status_code == 409 and time.monotonic() - killed < 45:
            time.sleep(0.25 if answers else 0)
            answers.append(bureau_client.post(RUNS, {"year": YEAR}, format="json", HTTP_ACCEPT_LANGUAGE="en"))
        waited = time.monotonic() - killed
        print(f"next run of the year accepted {waited:.1f} s after the kill, after {len(answers) - 1} answers 409")
        assert answers[-1].status_code == 202, answers[-1].data
        assert answers[0].status_code == 409 and answers[0].data["run"] == started.data["url"]  # not at once...
        assert waited < 30  # ...but within 30 s (JOB_LOST_AFTER and a poll), not after the time limit
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED and run.finished and run.error == WORKER_STOPPED
        assert snapshot() == before  # the killed run wrote nothing
        assert bureau_client.get(REPORT, {"year": YEAR}).data["run"]["id"] == good.pk
    with open(tmp_path / "next.log", "w") as log:  # the year's lock released: a new worker runs the new run
        worker = worker_process(log, name="next")
        try:
            assert wait_for(lambda: ReportRun.objects.get(pk=answers[-1].data["id"]).status == RunStatus.SUCCEEDED,
                            60), (tmp_path / "next.log").read_text()
        finally:
            kill(worker)
    assert bureau_client.get(REPORT, {"year": YEAR}).data["run"]["id"] == answers[-1].data["id"]
    assert {run_id for _, run_id, _ in snapshot()} == {answers[-1].data["id"]}
    assert ReportRun.objects.get(pk=run.pk).status == RunStatus.FAILED  # the killed run stays failed


@pytest.mark.django_db(transaction=True)
def test_a_killed_pool_process_gives_its_run_back_and_another_takes_it_over(tmp_path):
    for _ in range(3):
        approved_filing(year=YEAR)
    with open(tmp_path / "pool.log", "w") as log:
        # A beat a second, lost after 3 s: the take-over waits for the killed process's heartbeat to go stale.
        worker = worker_process(log, name="pool", pool="prefork", JOB_HEARTBEAT_INTERVAL="1", JOB_LOST_AFTER="3")
        try:
            with year_locked():
                run = report_run_start(year=YEAR)
                assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.RUNNING, 60)
                run.refresh_from_db()
                first = run.worker
                pool_process = int(first.rpartition(":")[2])
                assert pool_process != worker.pid
                os.kill(pool_process, signal.SIGKILL)  # the pool process dies mid-run; its worker gives the task back
                assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).worker != first, 30), \
                    (tmp_path / "pool.log").read_text()
            assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED, 30)
        finally:
            kill(worker)
    run.refresh_from_db()
    assert run.attempts == 2 and run.worker.startswith("pool@") and run.error == ""
    assert run.rows == TierSummary.objects.filter(run=run).count() > 0


# --- messages lost ----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_message_was_lost_is_sent_again_once_then_failed(bureau_client):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    bound = datetime.timedelta(seconds=settings.JOB_PENDING_LOST_AFTER + 1)
    started = bureau_client.post(RUNS, {"year": YEAR}, format="json")
    assert started.status_code == 202, started.data
    run = ReportRun.objects.get(pk=started.data["id"])
    assert run.task_id in queued()
    ReportRun.objects.filter(pk=run.pk).update(created=timezone.now() - bound)
    assert sweep_jobs() == 0  # pending past the bound but waiting its turn in the queue: left alone

    broker.delete(settings.CELERY_LONG_QUEUE)  # Redis lost its data
    assert run.task_id not in queued()
    assert sweep_jobs() == 1
    first_id, run = run.task_id, ReportRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.PENDING and run.resent and run.task_id != first_id and run.task_id in queued()
    assert sweep_jobs() == 0

    broker.delete(settings.CELERY_LONG_QUEUE)  # lost again
    assert sweep_jobs() == 0  # sent again just now
    ReportRun.objects.filter(pk=run.pk).update(resent=timezone.now() - bound)
    assert sweep_jobs() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == MESSAGE_LOST and run.finished


@pytest.mark.django_db(transaction=True)
def test_the_next_run_of_its_year_fails_a_run_whose_message_was_lost(bureau_client):
    started = bureau_client.post(RUNS, {"year": YEAR}, format="json")
    assert started.status_code == 202, started.data
    ReportRun.objects.filter(pk=started.data["id"]).update(
        created=timezone.now() - datetime.timedelta(seconds=settings.JOB_PENDING_LOST_AFTER + 1))
    assert bureau_client.post(RUNS, {"year": YEAR}, format="json").status_code == 409  # queued: waits its turn
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(settings.CELERY_LONG_QUEUE)  # Redis lost its data
    again = bureau_client.post(RUNS, {"year": YEAR}, format="json")
    assert again.status_code == 202, again.data
    lost = ReportRun.objects.get(pk=started.data["id"])
    assert lost.status == RunStatus.FAILED and lost.error == MESSAGE_LOST
    assert ReportRun.objects.get(pk=again.data["id"]).task_id in queued()


# --- what users and administrators are told -------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_run_stopped_by_its_time_limit_tells_users_a_message_and_administrators_the_traceback(
        bureau_client, client, tmp_path):
    tier_world()
    with open(tmp_path / "limit.log", "w") as log:
        # A time limit of 32 s: the soft limit, 30 s before it, stops the run after 2 s (it waits on the year's lock).
        # The sender states the limits in the message, as every process of a deployment would from its settings.
        worker = worker_process(log, name="limit", pool="prefork", REPORT_RUN_TIME_LIMIT="32")
        try:
            with year_locked():
                run = ReportRun.objects.create(year=YEAR)
                app.send_task(RUN_TASK, args=[run.pk], time_limit=32, soft_time_limit=2)
                assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.FAILED, 60), \
                    (tmp_path / "limit.log").read_text()
        finally:
            kill(worker)
    run.refresh_from_db()
    assert run.error == "已在32秒时限处终止。"
    assert "SoftTimeLimitExceeded" in run.error_detail and "Traceback" in run.error_detail
    assert not TierSummary.objects.exists()
    for language in ("en", "zh-hans"):
        answer = bureau_client.get(reverse("api:reportrun-detail", args=[run.pk]), HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 200 and answer.json()["error"] == run.error
        assert "SoftTimeLimitExceeded" not in answer.content.decode()
    client.force_login(bureau_user(is_staff=True))
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert run.error in dashboard and "SoftTimeLimitExceeded" not in dashboard
    admin_page = client.get(reverse("admin:registry_reportrun_change", args=[run.pk])).content.decode()
    assert "SoftTimeLimitExceeded" in admin_page
