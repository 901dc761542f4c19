"""Lost jobs without a worker killed: the sweep (every minute) fails the runs and file jobs whose heartbeat stopped and
leaves the live ones; a user's lost file jobs no longer count against their active jobs; a message delivered again
after its run ended changes nothing; an unexpected error tells users a message and administrators the traceback.

Workers killed, queues lost and the time limit: tests/faults/test_lost_workers.py."""

import datetime
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from config.celery import app
from registry.choices import RunStatus
from registry.models import FileJob, ReportRun
from registry.services import RUN_TASK, file_job_execute, report_run_start
from registry.tasks import sweep_jobs

from .conftest import token_client
from .factories import UserFactory, approved_filing, bureau_user
from .faults.test_lost_workers import UNEXPECTED, WORKER_STOPPED, snapshot
from .test_tier_summary import YEAR, wait_for


# --- a message delivered twice -----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_message_delivered_again_after_its_run_ended_changes_nothing():
    for _ in range(3):
        approved_filing(year=YEAR)
    run = report_run_start(year=YEAR)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert wait_for(lambda: ReportRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED)
        run.refresh_from_db()
        before = snapshot()
        assert app.send_task(RUN_TASK, args=[run.pk]).get(timeout=20) is None  # the same run's message, again
    again = ReportRun.objects.get(pk=run.pk)
    assert (again.status, again.finished, again.attempts, again.rows) == (run.status, run.finished, 1, run.rows)
    assert snapshot() == before and before


# --- the sweep, every minute --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sweep_fails_the_jobs_whose_heartbeat_stopped_and_leaves_the_live_ones():
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.JOB_LOST_AFTER + 1)
    running = {"status": RunStatus.RUNNING, "worker": "gone@elsewhere:4242", "attempts": 1}
    lost = ReportRun.objects.create(year=2023, started=stale, heartbeat_at=stale, **running)
    alive = ReportRun.objects.create(year=2022, started=stale, heartbeat_at=now, **running)
    older_release = ReportRun.objects.create(year=2021, status=RunStatus.RUNNING, started=stale)  # no worker recorded
    long_ago = now - datetime.timedelta(seconds=settings.REPORT_RUN_TIME_LIMIT + 1)
    timed_out = ReportRun.objects.create(year=2020, started=long_ago, heartbeat_at=stale, **running)
    job = FileJob.objects.create(kind="export", subject="enterprises", file_format="csv", started=stale,
                                 heartbeat_at=stale, **running)
    # The sweep runs at `now`, the instant the heartbeats above are dated from: however long the writes took (a
    # loaded run can stall them past JOB_LOST_AFTER, waiting on the data version's row), the live heartbeat is
    # current and the stopped ones are JOB_LOST_AFTER + 1 s old when swept.
    # And whatever language the process has active (a request in English before it): the messages are the site's.
    with mock.patch.object(timezone, "now", return_value=now), translation.override("en"):
        assert sweep_jobs() == 3
        assert sweep_jobs() == 0
    status = {run.pk: (run.status, run.error) for run in ReportRun.objects.all()}
    assert status[lost.pk] == (RunStatus.FAILED, WORKER_STOPPED)
    assert status[timed_out.pk] == (RunStatus.FAILED, f"已在{settings.REPORT_RUN_TIME_LIMIT}秒时限处终止。")
    assert status[alive.pk] == status[older_release.pk] == (RunStatus.RUNNING, "")
    job.refresh_from_db()
    assert (job.status, job.error) == (RunStatus.FAILED, WORKER_STOPPED) and job.finished


@pytest.mark.django_db
def test_a_user_whose_file_jobs_lost_their_workers_may_start_another(settings):
    owner = UserFactory()
    stale = timezone.now() - datetime.timedelta(seconds=settings.JOB_LOST_AFTER + 1)
    jobs = [FileJob.objects.create(kind="export", subject="enterprises", file_format="csv", started_by=owner,
                                   status=RunStatus.RUNNING, worker="gone@elsewhere:4242", attempts=1,
                                   started=stale, heartbeat_at=timezone.now() if n else stale)
            for n in range(settings.FILE_JOB_MAX_ACTIVE)]
    api = token_client(owner)
    started = api.post(reverse("api:export-list"), {"subject": "tenancies"}, format="json")
    assert started.status_code == 202, started.data
    statuses = [FileJob.objects.get(pk=job.pk).status for job in jobs]
    assert statuses == [RunStatus.FAILED] + [RunStatus.RUNNING] * (len(jobs) - 1)  # the lost one, alone
    assert FileJob.objects.get(pk=jobs[0].pk).error == WORKER_STOPPED
    refused = api.post(reverse("api:export-list"), {"subject": "tenancies"}, format="json")
    assert refused.status_code == 429  # the live ones still count


# --- what users and administrators are told -------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_unexpected_error_tells_users_a_message_and_administrators_the_traceback(client):
    owner = UserFactory(is_staff=True)
    job = FileJob.objects.create(kind="export", subject="no-such-register", file_format="csv", started_by=owner)
    with pytest.raises(Exception):  # noqa: B017 (whatever it is, it is unexpected)
        file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == RunStatus.FAILED and job.error == UNEXPECTED
    assert "Traceback" in job.error_detail and "no-such-register" in job.error_detail
    detail, api = reverse("api:export-detail", args=[job.pk]), token_client(owner)
    for language in ("en", "zh-hans"):
        answer = api.get(detail, HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 200 and answer.json()["error"] == UNEXPECTED
        assert "Traceback" not in answer.content.decode() and "error_detail" not in answer.json()
    page = reverse("admin:registry_filejob_change", args=[job.pk])
    client.force_login(owner)  # the job's own user, staff but not the bureau
    shown = client.get(page)
    assert shown.status_code == 200 and UNEXPECTED in shown.content.decode()
    assert "Traceback" not in shown.content.decode()
    client.force_login(bureau_user(is_staff=True))
    assert "no-such-register" in client.get(page).content.decode()
