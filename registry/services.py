"""Writes of the registry: report runs (Celery jobs computing snapshots) from their start to their end."""

import datetime
import traceback

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from config.celery import app
from config.history import Source, change_source
from enterprises.selectors import tier_reference_date
from enterprises.tiers import get_rule_set, rule_set_for

from .choices import ACTIVE_RUN_STATUSES, RunKind, RunStatus
from .models import ReportRun, TierSummary
from .selectors import tier_summary_compute

RUN_TASK = "registry.run_report"
# Sending a run's task: one quick retry, so a broker that is down answers in well under a second.
SEND_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
ADVISORY_LOCK_CLASS = 4242  # pg_advisory_xact_lock(class, year): one tier-summary computation per year at a time


class RunConflict(Exception):
    """A run of the same kind and year is already pending or running."""

    def __init__(self, run: ReportRun):
        super().__init__(str(run))
        self.run = run


class BrokerUnavailable(Exception):
    """The broker refused the run's task; the run is marked failed."""

    def __init__(self, run: ReportRun):
        super().__init__(str(run))
        self.run = run


def _validate_year(year: int) -> None:
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError({"year": [_("The year must be between 2000 and this year.")]})


def report_run_start(*, year: int, user=None, rule_set: str = "") -> ReportRun:
    """Write a pending tier-summary run and send its task once the run is committed.

    The broker is reached before anything is promised: if it is down, the run is marked failed and
    BrokerUnavailable raised (inside a request, the 503 rolls the run back with the rest).
    """
    _validate_year(year)
    if rule_set:
        try:
            get_rule_set(rule_set)
        except ValueError as error:
            raise ValidationError({"rule_set": [str(error)]}) from error
    try:
        with transaction.atomic():
            run = ReportRun.objects.create(kind=RunKind.TIER_SUMMARY, year=year, rule_set=rule_set, started_by=user)
    except IntegrityError:
        raise RunConflict(ReportRun.objects.get(kind=RunKind.TIER_SUMMARY, year=year,
                                                status__in=ACTIVE_RUN_STATUSES)) from None
    try:
        with app.connection_for_write(transport_options=SEND_OPTIONS) as conn:
            conn.ensure_connection(max_retries=SEND_OPTIONS["max_retries"])
    except (BrokerError, OSError) as error:
        _broker_failed(run, error)
    transaction.on_commit(lambda: _send(run))
    return run


def _broker_failed(run: ReportRun, error: Exception):
    """Mark the run failed because the broker refused it, and say so."""
    _finish(run, RunStatus.FAILED, error=_("The job queue (broker) is unavailable: %(error)s") % {"error": error})
    raise BrokerUnavailable(run) from error


def _send(run: ReportRun) -> None:
    """Send a committed run's task (a broker lost since the check fails the run; the sweep is the last resort)."""
    try:
        with app.connection_for_write(transport_options=SEND_OPTIONS) as conn:
            result = app.send_task(RUN_TASK, args=[run.pk], connection=conn, retry=False)
    except (BrokerError, OSError) as error:
        try:
            _broker_failed(run, error)
        except BrokerUnavailable:
            return
    ReportRun.objects.filter(pk=run.pk, task_id="").update(task_id=result.id)
    run.task_id = result.id


def _finish(run: ReportRun, status: str, *, rows: int | None = None, error: str = "") -> None:
    """Record a run's end (its own transaction, so a failure is recorded even when the work rolled back)."""
    run.status, run.finished, run.rows, run.error = status, timezone.now(), rows, error
    run.save(update_fields=["status", "finished", "rows", "error"])


def report_run_execute(*, run_id: int) -> ReportRun | None:
    """Run a pending run: mark it running, compute and replace the year's snapshot atomically, mark the end.

    A run already finished (say, failed by the sweep, then redelivered) is left as it is. Changes are
    attributed in the history to the Celery job and to the user who started the run.
    """
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).first()
        if run is None:
            return None
        run.status, run.started = RunStatus.RUNNING, timezone.now()
        run.save(update_fields=["status", "started"])
    try:
        with change_source(Source.CELERY, f"{RUN_TASK} run {run.pk}", user_id=run.started_by_id):
            rows = tier_summary_replace(run=run)
    except BaseException as error:  # also the soft time limit and a worker shutting down
        if ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists():
            _finish(run, RunStatus.FAILED, error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}")
        raise
    return run if rows is not None else None


@transaction.atomic
def tier_summary_replace(*, run: ReportRun) -> int | None:
    """Compute the run's year and replace that year's snapshot with it, in one transaction.

    Runs of one year queue on an advisory lock, so they never interleave; a run failed meanwhile (by the
    sweep) writes nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, run.year])
    if not ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).exists():
        return None
    rule_set = get_rule_set(run.rule_set) if run.rule_set else rule_set_for(run.year)
    rows = tier_summary_compute(year=run.year, rule_set=rule_set, on=tier_reference_date(run.year))
    for row in rows:
        row.run = run
    TierSummary.objects.filter(year=run.year).delete()
    TierSummary.objects.bulk_create(rows)
    _finish(run, RunStatus.SUCCEEDED, rows=len(rows))
    return len(rows)


@transaction.atomic
def report_run_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the runs stuck past the time limit (running since, or pending since created); how many it failed."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.REPORT_RUN_TIME_LIMIT + settings.REPORT_RUN_SWEEP_GRACE)
    stuck = ReportRun.objects.filter(status=RunStatus.RUNNING, started__lt=now - limit) | ReportRun.objects.filter(
        status=RunStatus.PENDING, created__lt=now - limit)
    failed = 0
    for run in stuck.select_for_update(skip_locked=True):
        _finish(run, RunStatus.FAILED, error=_("Stopped: still %(status)s after the time limit of %(limit)s s.") % {
            "status": run.status, "limit": settings.REPORT_RUN_TIME_LIMIT})
        failed += 1
    return failed


def tier_summaries_nightly() -> list[ReportRun]:
    """Start the tier summaries of this year and the last (a year already running is left to its run)."""
    runs = []
    for year in (timezone.localdate().year, timezone.localdate().year - 1):
        try:
            runs.append(report_run_start(year=year))
        except RunConflict as conflict:
            runs.append(conflict.run)
    return runs
