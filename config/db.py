"""Databases: each alias's settings, and where a report reads: one snapshot (a REPEATABLE READ, READ ONLY
transaction) on the read replica when one is configured, up and current, else on the primary (docs/scaling.md).
Who may read (accounts, roles, memberships, tokens, sessions) is always read on the primary."""

import contextvars
import dataclasses
import logging
import math
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction

from config.data_version import data_version, reading_version

DEFAULT, REPLICA = "default", "replica"
# PostgreSQL's JIT compiles the tier criteria (hundreds of CASE expressions) for seconds on every report query
# while the query itself runs in far less; an OLTP-shaped app gains nothing from it (bench/README.md).
SESSION_OPTIONS = "-c jit=off"
REPLICA_CONNECT_TIMEOUT = 2  # seconds (libpq's whole-second connect_timeout)
# A hung database host costs this many seconds and a 503 (config/outages.py), not a worker killed by gunicorn's
# timeout; a `?connect_timeout=` in the URL wins.
CONNECT_TIMEOUT = 5

# Read on the primary whatever a report reads: who may read (app labels, and models as app_label.model).
PRIMARY_APPS = frozenset({"auth", "authtoken", "sessions", "axes"})
PRIMARY_MODELS = frozenset({"parks.districtmembership", "parks.parkmembership", "enterprises.enterprisemembership"})

logger = logging.getLogger(__name__)
T = TypeVar("T")
_report_alias = contextvars.ContextVar("report_alias", default=None)


def database(config: dict, *, atomic_requests: bool) -> dict:
    """A DATABASES entry from a URL's settings: JIT off, a connect timeout, and each request in a transaction or not."""
    return {**config, "ATOMIC_REQUESTS": atomic_requests,
            "OPTIONS": {"connect_timeout": CONNECT_TIMEOUT, **config.get("OPTIONS", {}), "options": SESSION_OPTIONS}}


def replica(config: dict) -> dict:
    """The read replica's entry: the default's options, no request transaction (it is only read), and in tests a
    mirror of the default database (Django connects it to the test database instead of creating one). A replica that
    does not answer the connection within REPLICA_CONNECT_TIMEOUT seconds leaves the report to the primary."""
    entry = database(config, atomic_requests=False)
    entry["OPTIONS"]["connect_timeout"] = REPLICA_CONNECT_TIMEOUT
    return {**entry, "TEST": {"MIRROR": DEFAULT}}


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
def report_reads(*, using: str | None = None):
    """Inside, the reads of the report being computed go to `using` (default: the replica where one is configured);
    the tables of who may read stay on the primary."""
    token = _report_alias.set(using or (REPLICA if REPLICA in settings.DATABASES else DEFAULT))
    try:
        yield
    finally:
        _report_alias.reset(token)


def read_alias() -> str:
    """The alias reads go to now: the one a report being computed reads, else default."""
    return _report_alias.get() or DEFAULT


@dataclass
class ReplicaHealth:
    """What this process last found of the replica: when (monotonic seconds), whether reports may read it, its lag
    in seconds (None: not reached) and why not."""

    checked: float = -math.inf
    usable: bool = False
    lag: float | None = None
    reason: str = "not checked"


_health = ReplicaHealth()
_health_lock = threading.Lock()
# The replica's lag: none when it has replayed all the primary had written when asked (`%s`: the primary's WAL
# position then), else the age of the last transaction it replayed; a server not in recovery (a promoted replica, or
# the tests' mirror of default) lags nothing.
LAG_SQL = """SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn,
                    EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float"""


def replica_health() -> ReplicaHealth:
    """The replica's state as this process last checked it (a copy)."""
    with _health_lock:
        return dataclasses.replace(_health)


def _note_health(*, usable: bool, lag: float | None, reason: str) -> None:
    """Record the replica's state now; a change between usable and not is logged (once per change, not per read)."""
    with _health_lock:
        changed = usable != _health.usable
        _health.checked, _health.usable, _health.lag, _health.reason = time.monotonic(), usable, lag, reason
    if changed:
        (logger.info if usable else logger.warning)("Report reads %s the replica: %s",
                                                    "go to" if usable else "leave", reason)


def replica_lag() -> float | None:
    """The replica's replay lag in seconds, asked of it now (None when it cannot be reached: its connection closed)."""
    with connections[DEFAULT].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        written = cursor.fetchone()[0]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL, [written])
            in_recovery, caught_up, age = cursor.fetchone()
    except (OperationalError, InterfaceError):
        connections[REPLICA].close()
        return None
    if not in_recovery or caught_up:
        return 0.0
    return math.inf if age is None else max(age, 0.0)


def replica_usable() -> bool:
    """Whether reports may read the replica: configured, reachable and lagging at most REPLICA_MAX_LAG seconds;
    asked of the replica at most every REPLICA_CHECK_INTERVAL seconds per process (the last answer meanwhile)."""
    if REPLICA not in settings.DATABASES:
        return False
    with _health_lock:
        if time.monotonic() - _health.checked < settings.REPLICA_CHECK_INTERVAL:
            return _health.usable
        _health.checked = time.monotonic()  # other threads keep the last answer while this one asks
    lag = replica_lag()
    if lag is None:
        _note_health(usable=False, lag=None, reason="unreachable")
    elif lag > settings.REPLICA_MAX_LAG:
        _note_health(usable=False, lag=lag, reason=f"{lag:.1f} s behind (bound {settings.REPLICA_MAX_LAG} s)")
    else:
        _note_health(usable=True, lag=lag, reason=f"{lag:.1f} s behind")
    return replica_health().usable


def replica_failed(*, error: BaseException) -> None:
    """A report's read on the replica failed (connection lost or refused): its connection is closed and reports
    read the primary until the next check."""
    connections[REPLICA].close()
    _note_health(usable=False, lag=None, reason=f"{type(error).__name__}: {error}".strip())


def forget_replica_health() -> None:
    """Forget what was found of the replica, so the next report asks it again (tests)."""
    with _health_lock:
        _health.checked = -math.inf


def restore_replica_health(*, health: ReplicaHealth) -> None:
    """Take back a state of the replica `replica_health()` gave (tests)."""
    with _health_lock:
        _health.checked, _health.usable, _health.lag, _health.reason = (
            health.checked, health.usable, health.lag, health.reason)


@contextmanager
def snapshot(*, using: str):
    """One REPEATABLE READ, READ ONLY transaction on `using`: every read inside sees the same committed state. Inside
    a transaction already open (a test's, rolled back), that one is used."""
    connection = connections[using]
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def _reading(*, using: str, request):
    """Inside a snapshot on `using` with reports reading there: gives the data version that snapshot holds."""
    with snapshot(using=using), report_reads(using=using):
        version = data_version(using=using, request=request, fresh=True)
        with reading_version(version=version):
            yield version


def report_snapshot_read(*, compute: Callable[[], T], request) -> tuple[T, int, str]:
    """`compute()` (a report) in one snapshot, the data version it read at and the alias it read on: the replica when
    it is usable and has replayed every write the primary held when the request began (so it never answers older
    than the primary's runs and records), else the primary; a replica failing meanwhile leaves the read to the
    primary."""
    primary = data_version(request=request)
    if replica_usable():
        try:
            with _reading(using=REPLICA, request=request) as version:
                if version >= primary:
                    return compute(), version, REPLICA
        except (OperationalError, InterfaceError) as error:
            replica_failed(error=error)
    with _reading(using=DEFAULT, request=request) as version:
        return compute(), version, DEFAULT


def tables_analyze(models, *, vacuum: bool = False, statistics: bool = True, using: str = DEFAULT) -> None:
    """After a bulk write, refresh the planner's statistics of the models' tables (a plan made on the old ones may
    guess a table empty or tiny); with `vacuum`, outside a transaction, also their visibility maps (an index-only
    scan reads the table for every page a VACUUM has not marked all-visible), without the statistics again where
    `statistics` is false (they were just taken)."""
    command = ("VACUUM (ANALYZE)" if statistics else "VACUUM") if vacuum else "ANALYZE"
    with connections[using].cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connections[using].ops.quote_name(model._meta.db_table)}")


def primary_only(*, model) -> bool:
    """Whether the model's records decide who may read (accounts, roles, memberships, tokens, sessions, lockouts):
    read on the primary always, so a role or membership removed there takes effect at once."""
    return model._meta.app_label in PRIMARY_APPS or model._meta.label_lower in PRIMARY_MODELS


class ReportReplicaRouter:
    """Reads made while a report is computed go to the alias it reads (the replica, or the primary when the replica
    is down or behind); who may read, every write and every other read go to default."""

    def db_for_read(self, model, **hints):
        """The report's alias inside `report_reads()`, except for who may read; else default."""
        return DEFAULT if primary_only(model=model) else read_alias()

    def db_for_write(self, model, **hints):
        """Always default: the replica is read only."""
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        """Records of either alias relate: both hold the same data."""
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        """Migrations run on default only (the replica follows by replication)."""
        return False if db == REPLICA else None
