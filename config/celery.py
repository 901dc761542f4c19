"""The Celery app: configured from Django settings (CELERY_*), tasks found in each app's tasks module; how a task is
sent (`send_options`, `task_send`: one way for every sender); what waits in the broker's queues."""

import itertools
import json
import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

logger = logging.getLogger(__name__)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Sending a task: one quick retry, so a broker that is down answers in well under a second.
SEND_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def send_options() -> dict:
    """The broker connection's options for checking it and sending a task: SEND_OPTIONS, and sockets that time out
    after BROKER_CHECK_TIMEOUT seconds, so a broker that is down or hung (accepts, never answers) costs that."""
    timeout = settings.BROKER_CHECK_TIMEOUT
    return {**SEND_OPTIONS, "socket_connect_timeout": timeout, "socket_timeout": timeout}


def task_send(name: str, *, args: list):
    """Send a task by name on a connection of `send_options()`, without Celery's own retries: a broker that is down
    or hung raises (kombu's OperationalError or an OSError) within the sockets' timeouts; the task's AsyncResult."""
    with app.connection_for_write(transport_options=send_options()) as conn:
        return app.send_task(name, args=args, connection=conn, retry=False)


@task_prerun.connect
def _attribute_changes_to_task(task=None, **kwargs):
    """Changes a task makes are recorded in the history as made by that Celery job."""
    from config.history import Source, set_change_source

    set_change_source(Source.CELERY, task.name if task else "")


@task_postrun.connect
def _end_attribution(**kwargs):
    from config.history import Source, set_change_source

    set_change_source(Source.OTHER)


def task_ids_in_broker(*, queues: list[str]) -> set[str] | None:
    """The ids of the tasks whose messages wait in these queues or were delivered to a worker and not yet
    acknowledged (Redis broker); None when that cannot be told (another transport, or the broker unreachable)."""
    timeout = settings.BROKER_CHECK_TIMEOUT  # as the broker check before sending: a request is never held up
    try:
        with app.connection_for_read(transport_options={"socket_connect_timeout": timeout,
                                                        "socket_timeout": timeout}) as conn:
            conn.ensure_connection(max_retries=0)
            channel = conn.default_channel
            if not hasattr(channel, "_q_for_pri"):  # not kombu's Redis transport
                return None
            keys = sorted({channel._q_for_pri(queue, step) for queue in queues for step in channel.priority_steps})
            with channel.conn_or_acquire() as client, client.pipeline() as pipe:
                for key in keys:
                    pipe.lrange(key, 0, -1)
                pipe.hvals(channel.unacked_key)
                *waiting, unacked = pipe.execute()
    except Exception as error:  # noqa: BLE001 (any failure of the broker only means "not known")
        logger.warning("The broker's queues could not be read: %s", error)
        return None
    messages = [json.loads(raw) for raw in itertools.chain.from_iterable(waiting)]
    messages += [json.loads(raw)[0] for raw in unacked]  # [message, exchange, routing key]
    return {message.get("headers", {}).get("id") or message.get("properties", {}).get("correlation_id")
            for message in messages}
