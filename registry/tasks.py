"""Celery tasks of the registry: thin wrappers over the report-run services."""

from celery import shared_task
from django.conf import settings

from .services import RUN_TASK, report_run_execute, report_run_sweep, tier_summaries_nightly


@shared_task(
    name=RUN_TASK, time_limit=settings.REPORT_RUN_TIME_LIMIT, soft_time_limit=settings.REPORT_RUN_TIME_LIMIT - 30,
)
def run_report(run_id: int) -> int | None:
    """Run a report run (its row was written pending before this task was sent)."""
    run = report_run_execute(run_id=run_id)
    return run.rows if run else None


@shared_task(name="registry.sweep_report_runs")
def sweep_report_runs() -> int:
    """Fail the report runs stuck past their time limit."""
    return report_run_sweep()


@shared_task(name="registry.tier_summaries_nightly")
def nightly_tier_summaries() -> list[int]:
    """Start this year's and last year's tier summaries (celery beat, nightly)."""
    return [run.pk for run in tier_summaries_nightly()]
