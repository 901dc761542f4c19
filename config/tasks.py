"""Tasks of the project itself (no domain rules): a health check that proves a worker reaches the database."""

from celery import shared_task
from django.db import connection


@shared_task(name="config.health")
def health() -> dict:
    """Report that a worker runs and can query PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (database,) = cursor.fetchone()
    return {"status": "ok", "database": database}
