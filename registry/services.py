"""Writes of the registry: report runs (Celery jobs computing snapshots) and file jobs (imports and exports run
by Celery), from their start to their end."""

import datetime
import itertools
import traceback

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError as BrokerError

from config.celery import app
from config.history import Source, change_source
from config.tables import write_csv, write_xlsx
from enterprises.imports import SHEET, export_queryset, export_rows, headers, read_table, table_import
from enterprises.selectors import reporting_year, tier_reference_date
from enterprises.tiers import get_rule_set, rule_set_for

from .choices import ACTIVE_RUN_STATUSES, FileFormat, FileJobKind, RunKind, RunStatus
from .models import FileJob, ReportRun, TierSummary
from .selectors import tier_summary_compute

RUN_TASK = "registry.run_report"
# Sending a run's task: one quick retry, so a broker that is down answers in well under a second.
SEND_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _send_options() -> dict:
    """The broker connection's options for checking it and sending a task: SEND_OPTIONS, and sockets that time out
    after BROKER_CHECK_TIMEOUT seconds, so a broker that is down or hung (accepts, never answers) costs that."""
    timeout = settings.BROKER_CHECK_TIMEOUT
    return {**SEND_OPTIONS, "socket_connect_timeout": timeout, "socket_timeout": timeout}
ADVISORY_LOCK_CLASS = 4242  # pg_advisory_xact_lock(class, year): one tier-summary computation per year at a time
FILE_JOB_LOCK_CLASS = 4243  # pg_advisory_xact_lock(class, user id): one file job started per user at a time


class RunConflict(Exception):
    """A run of the same kind and year is already pending or running."""

    def __init__(self, run: ReportRun):
        super().__init__(str(run))
        self.run = run


class TooManyActiveJobs(Exception):
    """The user already has FILE_JOB_MAX_ACTIVE file jobs pending or running."""

    def __init__(self, active: int):
        super().__init__(str(active))
        self.active = active


class BrokerUnavailable(Exception):
    """The broker refused the task of a job (a report run or a file job); it is marked failed."""

    def __init__(self, run: ReportRun | FileJob):
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
    _send_when_committed(run, RUN_TASK)
    return run


# --- the life of a job (a report run or a file job): pending -> running -> succeeded / failed -----------------
def _send_when_committed(job, task: str) -> None:
    """Reach the broker now (down: the job is failed and BrokerUnavailable raised), and send the job's task once
    the job is committed."""
    try:  # at most three socket timeouts: a retry (at once) only if the first try failed within one
        with app.connection_for_write(transport_options=_send_options()) as conn:
            conn.ensure_connection(max_retries=SEND_OPTIONS["max_retries"], interval_start=0, interval_step=0,
                                   timeout=settings.BROKER_CHECK_TIMEOUT)
    except (BrokerError, OSError) as error:
        _broker_failed(job, error)
    transaction.on_commit(lambda: _send(job, task))


def _broker_failed(job, error: Exception):
    """Mark the job failed because the broker refused it, and say so."""
    _finish(job, RunStatus.FAILED, error=_("The job queue (broker) is unavailable: %(error)s") % {"error": error})
    raise BrokerUnavailable(job) from error


def _send(job, task: str) -> None:
    """Send a committed job's task (a broker lost since the check fails the job; the sweep is the last resort)."""
    try:
        with app.connection_for_write(transport_options=_send_options()) as conn:
            result = app.send_task(task, args=[job.pk], connection=conn, retry=False)
    except (BrokerError, OSError) as error:
        try:
            _broker_failed(job, error)
        except BrokerUnavailable:
            return
    type(job).objects.filter(pk=job.pk, task_id="").update(task_id=result.id)
    job.task_id = result.id


def _finish(job, status: str, *, error: str = "", **fields) -> None:
    """Record a job's end and any of its fields (its own transaction, so a failure is recorded even when the work
    rolled back)."""
    job.status, job.finished, job.error = status, timezone.now(), error
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished", "error", *fields])


def _claim(queryset, pk: int):
    """Mark a pending job running and return it; None for a job already finished (failed by the sweep, then
    redelivered), which is left as it is."""
    with transaction.atomic():
        job = queryset.select_for_update().filter(pk=pk, status__in=ACTIVE_RUN_STATUSES).first()
        if job is None:
            return None
        job.status, job.started = RunStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started"])
    return job


def _fail_if_running(job, error: BaseException) -> None:
    """Record the error that stopped a running job (also the soft time limit and a worker shutting down)."""
    if type(job).objects.filter(pk=job.pk, status=RunStatus.RUNNING).exists():
        _finish(job, RunStatus.FAILED, error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=5)}")


def _sweep(queryset, *, time_limit: int, now: datetime.datetime | None) -> int:
    """Fail the jobs stuck past the time limit and its grace (running since, or pending since created)."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=time_limit + settings.REPORT_RUN_SWEEP_GRACE)
    stuck = queryset.filter(status=RunStatus.RUNNING, started__lt=now - limit) | queryset.filter(
        status=RunStatus.PENDING, created__lt=now - limit)
    failed = 0
    for job in stuck.select_for_update(skip_locked=True):
        _finish(job, RunStatus.FAILED, error=_("Stopped: still %(status)s after the time limit of %(limit)s s.") % {
            "status": job.status, "limit": time_limit})
        failed += 1
    return failed


def report_run_execute(*, run_id: int) -> ReportRun | None:
    """Run a pending run: mark it running, compute and replace the year's snapshot atomically, mark the end.

    A run already finished (say, failed by the sweep, then redelivered) is left as it is. Changes are
    attributed in the history to the Celery job and to the user who started the run.
    """
    run = _claim(ReportRun.objects.all(), run_id)
    if run is None:
        return None
    try:
        with change_source(Source.CELERY, f"{RUN_TASK} run {run.pk}", user_id=run.started_by_id):
            rows = tier_summary_replace(run=run)
    except BaseException as error:
        _fail_if_running(run, error)
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
    as_of = tier_reference_date(run.year)
    rows = tier_summary_compute(year=run.year, rule_set=rule_set, on=as_of)
    for row in rows:
        row.run = run
    TierSummary.objects.filter(year=run.year).delete()
    TierSummary.objects.bulk_create(rows)
    _finish(run, RunStatus.SUCCEEDED, rows=len(rows), applied_rule_set=rule_set.code, as_of=as_of)
    return len(rows)


@transaction.atomic
def report_run_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the runs stuck past the time limit (running since, or pending since created); how many it failed."""
    return _sweep(ReportRun.objects.all(), time_limit=settings.REPORT_RUN_TIME_LIMIT, now=now)


def tier_summaries_nightly() -> list[ReportRun]:
    """Start the tier summaries of the reporting year and the year before (a year already running is left to its
    run): the years the reports answer by default, never this calendar year's, whose season has not closed."""
    runs = []
    latest = reporting_year()
    for year in (latest, latest - 1):
        try:
            runs.append(report_run_start(year=year))
        except RunConflict as conflict:
            runs.append(conflict.run)
    return runs


# --- file jobs: imports and exports run by Celery --------------------------------------------------------------
FILE_JOB_TASK = "registry.run_file_job"


def file_job_start(*, kind: str, subject: str, file_format: str, user, data: bytes | None = None,
                   file_name: str = "", dry_run: bool = False, total: int | None = None) -> FileJob:
    """Write a pending file job (with the uploaded file, for an import) and send its task once it is committed.

    As for report runs, the broker is reached first: if it is down, the job is marked failed and
    BrokerUnavailable raised (inside a request, the 503 rolls the job back with the rest). A user with
    FILE_JOB_MAX_ACTIVE jobs pending or running is refused (TooManyActiveJobs), counted under a lock of theirs so
    that concurrent requests cannot both pass.
    """
    with transaction.atomic(savepoint=False):  # a request's transaction, else one of its own
        if user is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [FILE_JOB_LOCK_CLASS, user.pk])
            active = FileJob.objects.filter(started_by=user, status__in=ACTIVE_RUN_STATUSES).count()
            if active >= settings.FILE_JOB_MAX_ACTIVE:
                raise TooManyActiveJobs(active)
        job = FileJob.objects.create(kind=kind, subject=subject, file_format=file_format, started_by=user,
                                     data=data, file_name=file_name[:200], dry_run=dry_run, total=total)
    _send_when_committed(job, FILE_JOB_TASK)
    return job


class Progress:
    """A running job's progress, written through a database connection of its own (in autocommit): the job's
    writes wait uncommitted in their transaction, and a poller still sees how far it got."""

    def __init__(self, job: FileJob):
        self.job = job
        self.connection = None

    def __call__(self, processed: int) -> None:
        """Record the rows processed so far."""
        if self.connection is None:
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = self.connection.ops.quote_name(FileJob._meta.db_table)
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET processed = %s WHERE id = %s", [processed, self.job.pk])  # noqa: S608

    def close(self) -> None:
        """Close the progress connection."""
        if self.connection is not None:
            self.connection.close()


def file_job_execute(*, job_id: int) -> FileJob | None:
    """Run a pending file job: mark it running, import or export with progress, record the end.

    A job already finished (failed by the sweep, then redelivered) is left as it is. The changes an import makes
    are attributed in the history to the Celery job and to the user who started it.
    """
    job = _claim(FileJob.objects.all(), job_id)
    if job is None:
        return None
    progress = Progress(job)
    try:
        with change_source(Source.CELERY, f"{FILE_JOB_TASK} job {job.pk}", user_id=job.started_by_id):
            if job.kind == FileJobKind.IMPORT:
                _file_job_import(job, progress)
            else:
                _file_job_export(job, progress)
    except BaseException as error:
        _fail_if_running(job, error)
        raise
    finally:
        progress.close()
    return job


def _file_job_import(job: FileJob, progress: Progress) -> None:
    """Import the job's file (all or nothing); failed, with the report, when a row is refused."""
    try:
        table = read_table(kind=job.subject, content=bytes(job.data), file_name=job.file_name)
    except ValidationError as error:
        _finish(job, RunStatus.FAILED, error=" ".join(error.messages))
        return
    report = table_import(table=table, user=job.started_by, dry_run=job.dry_run, on_progress=progress)
    refused = len({e.row for e in report.errors})
    error = ngettext("%(n)d row is refused; nothing was written.", "%(n)d rows are refused; nothing was written.",
                     refused) % {"n": refused} if refused else ""
    _finish(job, RunStatus.FAILED if refused else RunStatus.SUCCEEDED, error=error,
                     report=report.as_dict(), processed=len(table.rows), total=len(table.rows))


def _file_job_export(job: FileJob, progress: Progress) -> None:
    """Write the register the job's user may see to the job's file."""
    queryset = export_queryset(kind=job.subject, user=job.started_by)
    total = queryset.count()
    FileJob.objects.filter(pk=job.pk).update(total=total)
    rows = export_rows(kind=job.subject, queryset=queryset, on_progress=progress)
    table = itertools.chain([headers(job.subject)], rows)
    data = write_xlsx(table, sheet=SHEET) if job.file_format == FileFormat.XLSX else write_csv(table)
    name = f"{job.subject}-{timezone.localdate():%Y%m%d}.{job.file_format}"
    _finish(job, RunStatus.SUCCEEDED, data=data, file_name=name, total=total, processed=total,
                     report={"rows": total})


@transaction.atomic
def file_job_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the file jobs stuck past the time limit (running since, or pending since created); how many."""
    return _sweep(FileJob.objects.defer("data"), time_limit=settings.FILE_JOB_TIME_LIMIT, now=now)


def file_job_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of the jobs that ended FILE_JOB_RETENTION_DAYS ago or more, marking them expired (the
    rows stay); how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FILE_JOB_RETENTION_DAYS)
    return FileJob.objects.filter(finished__lte=cutoff, expired__isnull=True).update(data=None, expired=now)
