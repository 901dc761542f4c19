"""Celery's queues: the long jobs on a queue of their own, so that hosts of their own can take them
(docs/scaling.md); every other task (health, sweeps, the nightly start) on the default queue."""

from kombu import Exchange, Queue

# Report runs (tier summaries) and file jobs (imports and exports): minutes each, not seconds.
LONG_TASKS = ("registry.run_report", "registry.run_file_job")


def task_queues(*, default: str, long: str) -> list[Queue]:
    """The queues a worker consumes unless told otherwise (`-Q`): both, each on an exchange and routing key of its
    own (a bare Queue(name) would share the default's routing key and receive its messages too)."""
    return [Queue(name, Exchange(name), routing_key=name) for name in (default, long)]


def task_routes(*, long: str) -> dict[str, dict]:
    """The long jobs to the long queue; tasks not named here go to the default queue."""
    return {task: {"queue": long} for task in LONG_TASKS}
