"""Celery tasks of the registry: thin wrappers over the services of report runs and file jobs.

The long tasks are acknowledged once they end (acks_late) and given back to the queue when their worker process
dies (reject_on_worker_lost), so a killed task is redelivered, not dropped: each runs its job only while the job's
row is pending, or running in a worker that stopped beating (registry.services._claim), never a job that ended.
"""

from celery import shared_task
from django.conf import settings

from .services import (
    FILE_JOB_TASK,
    RUN_TASK,
    file_job_execute,
    file_job_expire,
    file_job_sweep,
    report_run_execute,
    report_run_sweep,
    tier_summaries_nightly,
)

# The options of the long tasks: the task itself (bound) for its worker's node name; acknowledged late, given back when
# its worker process dies.
LONG_JOB = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


@shared_task(
    name=RUN_TASK, time_limit=settings.REPORT_RUN_TIME_LIMIT, soft_time_limit=settings.REPORT_RUN_TIME_LIMIT - 30,
    **LONG_JOB,
)
def run_report(self, run_id: int) -> int | None:
    """Run a report run (its row was written pending before this task was sent)."""
    run = report_run_execute(run_id=run_id, node=self.request.hostname or "")
    return run.rows if run else None


@shared_task(name="registry.sweep_jobs")
def sweep_jobs() -> int:
    """Fail the report runs and file jobs lost (their worker stopped, their message lost after one re-send) or
    stuck past their time limit; send lost messages again once; delete the files of the file jobs past their
    retention period (FILE_JOB_RETENTION_DAYS). How many jobs it changed."""
    return report_run_sweep() + file_job_sweep() + file_job_expire()


@shared_task(
    name=FILE_JOB_TASK, time_limit=settings.FILE_JOB_TIME_LIMIT, soft_time_limit=settings.FILE_JOB_TIME_LIMIT - 30,
    **LONG_JOB,
)
def run_file_job(self, job_id: int) -> str | None:
    """Run a file job, an import or an export (its row was written pending before this task was sent)."""
    job = file_job_execute(job_id=job_id, node=self.request.hostname or "")
    return job.status if job else None


@shared_task(name="registry.tier_summaries_nightly")
def nightly_tier_summaries() -> list[int]:
    """Start the tier summaries of the reporting year and the year before (celery beat, nightly)."""
    return [run.pk for run in tier_summaries_nightly()]
