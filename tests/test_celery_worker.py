"""A real Celery worker on Redis runs the health task and reaches the test database."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from config.celery import app
from config.tasks import health


@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_health_task():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = health.delay().get(timeout=20)
    assert result == {"status": "ok", "database": connection.settings_dict["NAME"]}
    assert app.conf.broker_url.startswith("redis://")
