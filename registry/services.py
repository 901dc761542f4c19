"""Writes of the registry: report runs (Celery jobs computing snapshots) and file jobs (imports and exports run
by Celery), from their start to their end."""

import datetime
import itertools
import logging
import os
import socket
import tempfile
import threading
import time
import traceback

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from kombu.exceptions import OperationalError as BrokerError

from config.celery import SEND_OPTIONS, app, send_options, task_ids_in_broker, task_send
from config.db import tables_analyze
from config.history import Source, change_source
from config.tables import csv_stream
from config.tables import file_name as table_file_name
from config.years import FIRST_YEAR
from enterprises.imports import (
    SUBJECT_TITLES,
    export_queryset,
    export_rows,
    export_xlsx,
    headers,
    read_table,
    table_import,
)
from enterprises.selectors import reporting_year, tier_reference_date
from enterprises.tiers import get_rule_set, rule_set_for

from .bulk import copy_instances, store_file
from .choices import ACTIVE_RUN_STATUSES, FileFormat, FileJobKind, RunKind, RunStatus
from .models import FileJob, ReportRun, TierSummary
from .selectors import tier_summary_compute

logger = logging.getLogger(__name__)

RUN_TASK = "registry.run_report"
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
    """Refuse a year before FIRST_YEAR or after this one."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        message = _("The year must be between %(first)d and this year.") % {"first": FIRST_YEAR}
        raise ValidationError({"year": [message]})


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
    fields = {"kind": RunKind.TIER_SUMMARY, "year": year, "rule_set": rule_set, "started_by": user}
    run = _create_run(fields)
    if run is None:  # the year's active run: failed on the spot if its worker is lost, else a conflict
        active = ReportRun.objects.filter(kind=RunKind.TIER_SUMMARY, year=year, status__in=ACTIVE_RUN_STATUSES).first()
        if active is not None and not _fail_if_lost(active, task=RUN_TASK, time_limit=settings.REPORT_RUN_TIME_LIMIT):
            raise RunConflict(active)
        run = _create_run(fields)
        if run is None:
            raise RunConflict(ReportRun.objects.get(kind=RunKind.TIER_SUMMARY, year=year,
                                                    status__in=ACTIVE_RUN_STATUSES))
    _send_when_committed(run, RUN_TASK)
    return run


def _create_run(fields: dict) -> ReportRun | None:
    """Write a pending run; None when its year already has an active run."""
    try:
        with transaction.atomic():
            return ReportRun.objects.create(**fields)
    except IntegrityError:
        return None


# --- the life of a job (a report run or a file job): pending -> running -> succeeded / failed -----------------
def _send_when_committed(job, task: str) -> None:
    """Reach the broker now (down: the job is failed and BrokerUnavailable raised), and send the job's task once
    the job is committed."""
    try:  # at most three socket timeouts: a retry (at once) only if the first try failed within one
        with app.connection_for_write(transport_options=send_options()) as conn:
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
        result = task_send(task, args=[job.pk])
    except (BrokerError, OSError) as error:
        try:
            _broker_failed(job, error)
        except BrokerUnavailable:
            return
    type(job).objects.filter(pk=job.pk, task_id=job.task_id).update(task_id=result.id)  # sent first, or again
    job.task_id = result.id


def _finish(job, status: str, *, error: str = "", **fields) -> None:
    """Record a job's end and any of its fields with one save, in the caller's transaction if any (a failure is
    recorded after the work's own transaction rolled back, so it stays)."""
    job.status, job.finished, job.error = status, timezone.now(), error
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished", "error", *fields])


def _worker_name(node: str) -> str:
    """This process as a job records its worker: the Celery node name (the host's name outside Celery) and pid."""
    return f"{node or socket.gethostname()}:{os.getpid()}"


def _stale(heartbeat: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Whether a running job's last heartbeat is older than JOB_LOST_AFTER (its worker is lost)."""
    return heartbeat is None or heartbeat < now - datetime.timedelta(seconds=settings.JOB_LOST_AFTER)


def _claim(queryset, pk: int, *, node: str = ""):
    """Mark a pending job running in this worker and return it; None for a job already finished (failed by the
    sweep, then redelivered) or run by a live worker (a duplicate message), which is left as it is.

    A running job whose heartbeat stops (its message redelivered because its worker died) is taken over once it is
    stale, up to JOB_MAX_ATTEMPTS workers in all; past them it is failed, so a job that kills its worker ends.
    """
    seen = None
    while True:
        with transaction.atomic():
            job = queryset.select_for_update().filter(pk=pk, status__in=ACTIVE_RUN_STATUSES).first()
            if job is None:
                return None
            now = timezone.now()
            alive = job.status == RunStatus.RUNNING and job.worker and not _stale(job.heartbeat_at, now)
            if alive and seen is not None and job.heartbeat_at != seen:
                return None  # its worker still beats: this message is a duplicate
            if not alive:
                if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                    _finish(job, RunStatus.FAILED, error=_("The worker running this job stopped."))
                    return None
                job.status, job.started, job.heartbeat_at = RunStatus.RUNNING, now, now
                job.worker, job.attempts = _worker_name(node), job.attempts + 1
                job.save(update_fields=["status", "started", "heartbeat_at", "worker", "attempts"])
                return job
            seen = job.heartbeat_at
        time.sleep(settings.JOB_HEARTBEAT_INTERVAL)  # a redelivered message: wait for its worker's heartbeat


class Heartbeat:
    """A running job's heartbeat: a thread that writes its `heartbeat_at` every JOB_HEARTBEAT_INTERVAL seconds
    through a database connection of its own (the job's writes wait uncommitted in their transaction), from the
    claim to the end. When the worker dies, the beats stop and the job is known lost within JOB_LOST_AFTER."""

    def __init__(self, job):
        self.job = job
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job._meta.model_name}-{job.pk}",
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=settings.JOB_HEARTBEAT_INTERVAL + 5)

    def _beat(self) -> None:
        meta, quote = type(self.job)._meta, connection.ops.quote_name
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        heartbeat, status, worker = (quote(meta.get_field(name).column)
                                     for name in ("heartbeat_at", "status", "worker"))
        # Never waits on the job's row: locked by the job's own end (its commit is near), the beat is skipped.
        sql = (f"UPDATE {table} SET {heartbeat} = %s WHERE {pk} = (SELECT {pk} FROM {table} "  # noqa: S608
               f"WHERE {pk} = %s AND {status} = %s AND {worker} = %s FOR UPDATE SKIP LOCKED)")
        own = None
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_INTERVAL):
                try:
                    own = own or connections.create_connection(DEFAULT_DB_ALIAS)
                    with own.cursor() as cursor:
                        cursor.execute(sql, [timezone.now(), self.job.pk, RunStatus.RUNNING, self.job.worker])
                except DatabaseError:
                    logger.warning("Heartbeat of %s not written", self.job, exc_info=True)
                    own = own.close() if own is not None else None
        finally:
            if own is not None:
                own.close()


def _fail_if_running(job, error: BaseException, *, time_limit: int) -> None:
    """Record what stopped a running job: a message for its users (the time limit, the worker stopping, an
    unexpected error) and, for the administrators, the traceback."""
    if not type(job).objects.filter(pk=job.pk, status=RunStatus.RUNNING).exists():
        return
    if isinstance(error, SoftTimeLimitExceeded):
        message = _("Stopped at the time limit of %(limit)s s.") % {"limit": time_limit}
    elif isinstance(error, (SystemExit, KeyboardInterrupt)):
        message = _("The worker running this job stopped.")
    else:
        message = _("The job stopped on an unexpected error; the administrators have its details.")
    _finish(job, RunStatus.FAILED, error=message, error_detail=traceback.format_exc())
    logger.error("%s failed: %s", job, message, exc_info=error)


def _lost_reason(job, *, task: str, time_limit: int, now: datetime.datetime, queued=None) -> str | None:
    """Why an active job is lost, as its users are told: its worker's heartbeat stopped, or its message is in no
    queue (`queued`: the task ids the broker holds, read when not given); None while it runs or waits its turn.
    A running job recorded without a worker (by a release before heartbeats) is left to the time limit."""
    if job.status == RunStatus.RUNNING:
        if not job.worker or not _stale(job.heartbeat_at, now):
            return None
        if job.started and job.started < now - datetime.timedelta(seconds=time_limit):
            return _("Stopped at the time limit of %(limit)s s.") % {"limit": time_limit}
        return _("The worker running this job stopped.")
    if (job.resent or job.created) >= now - datetime.timedelta(seconds=settings.JOB_PENDING_LOST_AFTER):
        return None
    if queued is None:
        queued = task_ids_in_broker(queues=[app.amqp.router.route({}, task)["queue"].name])
    if queued is None or job.task_id in queued:
        return None  # not known, or waiting its turn
    return _("No worker took this job: its message was lost from the job queue.")


def _fail_if_lost(job, *, task: str, time_limit: int) -> bool:
    """Fail an active job on the spot if it is lost (unless it moved on meanwhile); whether it is no longer
    active. Its message is in the site's language, as the worker and the sweep write theirs, not the asker's."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _lost_reason(job, task=task, time_limit=time_limit, now=timezone.now())
    if reason is None:
        return False
    unchanged = Q(heartbeat_at=job.heartbeat_at) if job.heartbeat_at else Q(heartbeat_at__isnull=True)
    type(job).objects.filter(unchanged, pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=RunStatus.FAILED, finished=timezone.now(), error=reason)
    return not type(job).objects.filter(pk=job.pk, status__in=ACTIVE_RUN_STATUSES).exists()


@translation.override(settings.LANGUAGE_CODE)  # its messages in the site's language, whatever ran before it
def _sweep(queryset, *, task: str, time_limit: int, now: datetime.datetime | None) -> int:
    """Fail the jobs stuck past the time limit and its grace (running since, or pending since created) and the
    lost ones (their worker's heartbeat stopped; their message in no queue, after it was sent again once), and
    send the lost messages again once; how many jobs it changed."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=time_limit + settings.REPORT_RUN_SWEEP_GRACE)
    stuck = queryset.filter(status=RunStatus.RUNNING, started__lt=now - limit) | queryset.filter(
        status=RunStatus.PENDING, created__lt=now - limit)
    changed = 0
    for job in stuck.select_for_update(skip_locked=True):
        _finish(job, RunStatus.FAILED, error=_("Stopped: still %(status)s after the time limit of %(limit)s s.") % {
            "status": job.status, "limit": time_limit})
        changed += 1
    beat = now - datetime.timedelta(seconds=settings.JOB_LOST_AFTER)
    sent = now - datetime.timedelta(seconds=settings.JOB_PENDING_LOST_AFTER)
    lost = queryset.filter(Q(heartbeat_at__lt=beat) | Q(heartbeat_at__isnull=True), status=RunStatus.RUNNING).exclude(
        worker="") | queryset.filter(Q(resent__isnull=True, created__lt=sent) | Q(resent__lt=sent),
                                     status=RunStatus.PENDING)
    jobs = list(lost.select_for_update(skip_locked=True))
    queued = task_ids_in_broker(queues=[app.amqp.router.route({}, task)["queue"].name]) if any(
        job.status == RunStatus.PENDING for job in jobs) else set()
    for job in jobs:
        if job.status == RunStatus.PENDING and queued is None:
            continue  # the broker cannot say: left to the time limit
        reason = _lost_reason(job, task=task, time_limit=time_limit, now=now, queued=queued)
        if reason is None:
            continue
        if job.status == RunStatus.PENDING and job.resent is None:
            job.resent = now
            job.save(update_fields=["resent"])
            transaction.on_commit(lambda job=job: _send(job, task))
        else:
            _finish(job, RunStatus.FAILED, error=reason)
        changed += 1
    return changed


def report_run_execute(*, run_id: int, node: str = "") -> ReportRun | None:
    """Run a pending run in this worker (`node`, its Celery node name): mark it running, compute and replace the
    year's snapshot atomically with a heartbeat, mark the end.

    A run already finished (say, failed as lost, then redelivered) or run by a live worker is left as it is.
    Changes are attributed in the history to the Celery job and to the user who started the run.
    """
    run = _claim(ReportRun.objects.all(), run_id, node=node)
    if run is None:
        return None
    try:
        with Heartbeat(run), change_source(Source.CELERY, f"{RUN_TASK} run {run.pk}", user_id=run.started_by_id):
            rows = tier_summary_replace(run=run)
    except BaseException as error:
        _fail_if_running(run, error, time_limit=settings.REPORT_RUN_TIME_LIMIT)
        raise
    return run if rows is not None else None


@transaction.atomic
def tier_summary_replace(*, run: ReportRun) -> int | None:
    """Compute the run's year and replace that year's snapshot with it, in one transaction, the table analysed in it.

    Runs of one year queue on an advisory lock, so they never interleave; a run failed meanwhile (as lost, or by
    the sweep) or taken over by another worker writes nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, run.year])
    if not ReportRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, worker=run.worker).exists():
        return None
    rule_set = get_rule_set(run.rule_set) if run.rule_set else rule_set_for(run.year)
    as_of = tier_reference_date(run.year)
    rows = tier_summary_compute(year=run.year, rule_set=rule_set, on=as_of)
    for row in rows:
        row.run = run
    TierSummary.objects.filter(year=run.year).delete()
    copy_instances(TierSummary, rows)
    tables_analyze([TierSummary])  # the planner knows the new run (docs/speed-computed-reports.md, tier summary)
    _finish(run, RunStatus.SUCCEEDED, rows=len(rows), applied_rule_set=rule_set.code, as_of=as_of)
    return len(rows)


@transaction.atomic
def report_run_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the runs stuck past the time limit (running since, or pending since created); how many it failed."""
    return _sweep(ReportRun.objects.all(), task=RUN_TASK, time_limit=settings.REPORT_RUN_TIME_LIMIT, now=now)


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
    that concurrent requests cannot both pass; their jobs whose worker was lost are failed first and not counted.
    """
    with transaction.atomic(savepoint=False):  # a request's transaction, else one of its own
        if user is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [FILE_JOB_LOCK_CLASS, user.pk])
            jobs = FileJob.objects.defer("data").filter(started_by=user, status__in=ACTIVE_RUN_STATUSES)
            active = jobs.count()
            if active >= settings.FILE_JOB_MAX_ACTIVE:  # at the limit: the lost ones are failed and not counted
                active = sum(not _fail_if_lost(job, task=FILE_JOB_TASK, time_limit=settings.FILE_JOB_TIME_LIMIT)
                             for job in jobs)
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
        meta, quote = FileJob._meta, self.connection.ops.quote_name
        table, pk, column = quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field("processed").column)
        with self.connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [processed, self.job.pk])  # noqa: S608

    def close(self) -> None:
        """Close the progress connection."""
        if self.connection is not None:
            self.connection.close()


def file_job_execute(*, job_id: int, node: str = "") -> FileJob | None:
    """Run a pending file job in this worker (`node`, its Celery node name): mark it running, import or export
    with progress and a heartbeat, record the end.

    A job already finished (failed as lost or by the sweep, then redelivered) or run by a live worker is left as it
    is. The changes an import makes are attributed in the history to the Celery job and to the user who started it.
    """
    job = _claim(FileJob.objects.all(), job_id, node=node)
    if job is None:
        return None
    progress = Progress(job)
    try:
        with Heartbeat(job), change_source(Source.CELERY, f"{FILE_JOB_TASK} job {job.pk}",
                                           user_id=job.started_by_id):
            if job.kind == FileJobKind.IMPORT:
                _file_job_import(job, progress)
            else:
                _file_job_export(job, progress)
    except BaseException as error:
        _fail_if_running(job, error, time_limit=settings.FILE_JOB_TIME_LIMIT)
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
    """Write the register the job's user may see to the job's file: streamed into a temporary file, then stored
    in the job's row a chunk at a time (`store_file`), so memory stays bounded whatever the register's size."""
    queryset = export_queryset(kind=job.subject, user=job.started_by)
    total = queryset.count()
    FileJob.objects.filter(pk=job.pk).update(total=total)
    rows = export_rows(kind=job.subject, queryset=queryset, on_progress=progress)
    when = timezone.localtime().replace(tzinfo=None, microsecond=0)
    name = table_file_name(SUBJECT_TITLES[job.subject], job.file_format, day=when.date())
    with tempfile.TemporaryFile() as file:
        if job.file_format == FileFormat.XLSX:
            export_xlsx(kind=job.subject, rows=rows, user=job.started_by, when=when, file=file)
        else:
            for chunk in csv_stream(itertools.chain([headers(job.subject)], rows)):
                file.write(chunk.encode("utf-8"))
        file.seek(0)
        with transaction.atomic():
            _finish(job, RunStatus.SUCCEEDED, data=b"", file_name=name, total=total, processed=total,
                    report={"rows": total})
            store_file(FileJob.objects.filter(pk=job.pk), file)


@transaction.atomic
def file_job_sweep(*, now: datetime.datetime | None = None) -> int:
    """Fail the file jobs stuck past the time limit (running since, or pending since created); how many."""
    return _sweep(FileJob.objects.defer("data"), task=FILE_JOB_TASK, time_limit=settings.FILE_JOB_TIME_LIMIT,
                  now=now)


def file_job_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of the jobs that ended FILE_JOB_RETENTION_DAYS ago or more, marking them expired (the
    rows stay); how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.FILE_JOB_RETENTION_DAYS)
    return FileJob.objects.filter(finished__lte=cutoff, expired__isnull=True).update(data=None, expired=now)
