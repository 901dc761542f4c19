"""Databases: each alias's settings, and the router that sends the reads of a report being computed to the read
replica (docs/scaling.md). Without a `replica` alias the router changes nothing."""

import contextvars
from contextlib import contextmanager

from django.conf import settings

DEFAULT, REPLICA = "default", "replica"
# PostgreSQL's JIT compiles the tier criteria (hundreds of CASE expressions) for seconds on every report query
# while the query itself runs in far less; an OLTP-shaped app gains nothing from it (bench/README.md).
SESSION_OPTIONS = "-c jit=off"

_computing_report = contextvars.ContextVar("computing_report", default=False)


def database(config: dict, *, atomic_requests: bool) -> dict:
    """A DATABASES entry from a URL's settings: JIT off, and each request in a transaction or not."""
    return {**config, "ATOMIC_REQUESTS": atomic_requests,
            "OPTIONS": {**config.get("OPTIONS", {}), "options": SESSION_OPTIONS}}


def replica(config: dict) -> dict:
    """The read replica's entry: the default's options, no request transaction (it is only read), and in tests a
    mirror of the default database (Django connects it to the test database instead of creating one)."""
    return {**database(config, atomic_requests=False), "TEST": {"MIRROR": DEFAULT}}


def session_setting(databases: dict, name: str, value: str) -> None:
    """Send `name = value` as a session setting on every alias's connections (libpq options, no extra query)."""
    for config in databases.values():
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c {name}={value}".strip()


def reuse_connections(databases: dict, *, max_age: int, health_checks: bool) -> None:
    """Keep every alias's connections open up to `max_age` seconds, checked before reuse where `health_checks`."""
    for config in databases.values():
        config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"] = max_age, health_checks


@contextmanager
def report_reads():
    """Inside, reads go to the replica where one is configured: a report (read only) is being computed."""
    token = _computing_report.set(True)
    try:
        yield
    finally:
        _computing_report.reset(token)


def read_alias() -> str:
    """The alias reads go to now: the replica while a report is computed and one is configured, else default."""
    return REPLICA if _computing_report.get() and REPLICA in settings.DATABASES else DEFAULT


class ReportReplicaRouter:
    """Reads made while a report is computed go to the replica; every write and every other read to default."""

    def db_for_read(self, model, **hints):
        """The replica inside `report_reads()` (when configured), else default."""
        return read_alias()

    def db_for_write(self, model, **hints):
        """Always default: the replica is read only."""
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        """Records of either alias relate: both hold the same data."""
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Migrations run on default only (the replica follows by replication)."""
        return False if db == REPLICA else None
