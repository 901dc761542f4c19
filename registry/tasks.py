"""Celery tasks of the registry: thin wrappers over the services of report runs and file jobs."""

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


@shared_task(
    name=RUN_TASK, time_limit=settings.REPORT_RUN_TIME_LIMIT, soft_time_limit=settings.REPORT_RUN_TIME_LIMIT - 30,
)
def run_report(run_id: int) -> int | None:
    """Run a report run (its row was written pending before this task was sent)."""
    run = report_run_execute(run_id=run_id)
    return run.rows if run else None


@shared_task(name="registry.sweep_report_runs")
def sweep_report_runs() -> int:
    """Fail the report runs and file jobs stuck past their time limit; delete the files of the file jobs past their
    retention period (FILE_JOB_RETENTION_DAYS). How many jobs it changed."""
    return report_run_sweep() + file_job_sweep() + file_job_expire()


@shared_task(
    name=FILE_JOB_TASK, time_limit=settings.FILE_JOB_TIME_LIMIT, soft_time_limit=settings.FILE_JOB_TIME_LIMIT - 30,
)
def run_file_job(job_id: int) -> str | None:
    """Run a file job, an import or an export (its row was written pending before this task was sent)."""
    job = file_job_execute(job_id=job_id)
    return job.status if job else None


@shared_task(name="registry.tier_summaries_nightly")
def nightly_tier_summaries() -> list[int]:
    """Start the tier summaries of the reporting year and the year before (celery beat, nightly)."""
    return [run.pk for run in tier_summaries_nightly()]
