"""The read replica is optional at every moment, against a real streaming standby: the suite starts a PostgreSQL
primary of its own (migrated) and a standby of it (`pg_basebackup -R`), points the default and replica aliases at
them, then pauses the standby's replay and stops and starts it around real requests."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import override_settings

from access.scoping import user_scope
from config.db import (
    DEFAULT,
    REPLICA,
    forget_replica_health,
    replica_health,
    replica_usable,
    report_reads,
    restore_replica_health,
)
from parks.models import ParkMembership
from registry.models import ReportRun
from registry.services import report_run_execute

from ..conftest import park_admin_client, token_client
from ..factories import bureau_user
from ..test_reports import ON, YEAR, report_world

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "dh_replica_faults"
OWNER = "postgres"  # initdb refuses root: the clusters run as this account when the suite runs as root
SUMMARY = "/api/v1/reports/tier-summary/"
REPORTS = [  # every report, with a query each
    ("/api/v1/reports/plan-progress/", {"year": YEAR, "as_of": ON.isoformat()}),
    ("/api/v1/reports/plan-progress/key/records/", {"year": YEAR, "as_of": ON.isoformat()}),
    ("/api/v1/reports/districts/", {"year": YEAR, "on": ON.isoformat()}),
    ("/api/v1/reports/parks/", {"on": ON.isoformat()}),
    (SUMMARY, {"year": YEAR, "level": "city"}),
    ("/api/v1/reports/tier-candidates/", {"year": YEAR}),
    ("/api/v1/reports/declarations/", {"year": YEAR}),
]
# Leave the replica past 1 s of lag, asked again on every report (the process's own state, no restart).
BOUNDS = {"REPLICA_MAX_LAG": 1.0, "REPLICA_CHECK_INTERVAL": 0.0}


def server_tools() -> Path | None:
    """The directory of PostgreSQL's server tools (Debian's /usr/lib/postgresql/<version>/bin, else the PATH)."""
    for directory in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all((Path(directory) / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
            return Path(directory)
    found = shutil.which("pg_basebackup")
    return Path(found).parent if found and shutil.which("initdb") and shutil.which("pg_ctl") else None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of the suite's own: a data directory and a port on 127.0.0.1."""

    def __init__(self, *, tools: Path, home: Path, name: str):
        self.tools, self.home, self.data, self.port = tools, home, home / name, free_port()
        self.log = home / f"{name}.log"

    def command(self, tool: str, *args: str) -> None:
        """Run a server tool as the clusters' owner (the suite's own account unless it is root)."""
        command = [str(self.tools / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", OWNER, "--", *command]
        done = subprocess.run(command, cwd="/", capture_output=True, text=True, timeout=60)
        log = self.log.read_text() if self.log.exists() else ""
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}{log[-2000:]}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c full_page_writes=off -c max_wal_senders=4 -c hot_standby=on")
        self.command("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", options, "start")

    def stop(self) -> None:
        """Stop the server now (fast shutdown: sessions are ended)."""
        self.command("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def connect(self, database: str = DATABASE) -> psycopg.Connection:
        """A connection of the test's own (autocommit)."""
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True)

    def value(self, sql: str, params=()):
        """The first column of the first row of a query."""
        with self.connect() as connection:
            return connection.execute(sql, params).fetchone()[0]


def caught_up(primary: Cluster, standby: Cluster, timeout: float = 20.0) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    target = primary.value("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not standby.value("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def clusters(django_db_blocker):
    """A migrated primary and a streaming standby of it, the default alias on the first and the replica alias on
    the second for the module's tests; both removed afterwards."""
    tools = server_tools()
    if tools is None:
        pytest.skip("PostgreSQL's server tools (initdb, pg_ctl, pg_basebackup) are not installed")
    home = Path(tempfile.mkdtemp(prefix="dh-replica-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(OWNER)
        os.chown(home, owner.pw_uid, owner.pw_gid)
    primary, standby = Cluster(tools=tools, home=home, name="primary"), Cluster(tools=tools, home=home, name="standby")
    saved, health = {alias: dict(connections.settings[alias]) for alias in (DEFAULT, REPLICA)}, replica_health()
    try:
        primary.command("initdb", "-D", str(primary.data), "-U", "postgres", "-A", "trust", "--no-sync",
                        "-E", "UTF8", "--locale=C.UTF-8")
        primary.start()
        with primary.connect("postgres") as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        url = f"postgres://postgres@127.0.0.1:{primary.port}/{DATABASE}"
        migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, capture_output=True,
                                  text=True, timeout=120, env={**os.environ, "DATABASE_URL": url})
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        primary.command("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                        "-D", str(standby.data), "-R", "-X", "stream", "-c", "fast")
        standby.start()
        for alias, cluster in ((DEFAULT, primary), (REPLICA, standby)):
            connections[alias].close()
            connections.settings[alias].update(NAME=DATABASE, HOST="127.0.0.1", PORT=str(cluster.port),
                                               USER="postgres", PASSWORD="")
        forget_replica_health()
        with django_db_blocker.unblock():
            yield primary, standby
    finally:
        for alias, settings_dict in saved.items():
            connections[alias].close()
            connections.settings[alias].clear()
            connections.settings[alias].update(settings_dict)
        restore_replica_health(health=health)  # as the suite's other tests found it
        for cluster in (standby, primary):
            if (cluster.data / "postmaster.pid").exists():
                cluster.command("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def world(clusters):
    """The reports' world on the primary, a tier-summary run of it, the bureau's client and a park administrator's
    client, all replayed by the standby."""
    primary, standby = clusters
    parks = report_world(enterprises=12)
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    bureau, admin = token_client(bureau_user()), park_admin_client(parks[0])
    caught_up(primary, standby)
    return {"parks": parks, "bureau": bureau, "admin": admin}


def read(client, url: str, params: dict, *, on_replica: list | None = None):
    """A report's answer (its status, JSON body and seconds), noting the SQL it ran on the replica alias."""
    noted = [] if on_replica is None else on_replica

    def note(execute, sql, params, many, context):
        """Note a statement sent on the replica alias (without connecting it, as a query capture would)."""
        noted.append(sql)
        return execute(sql, params, many, context)

    started = time.monotonic()
    with connections[REPLICA].execute_wrapper(note):
        response = client.get(url, params)
    body = response.json() if response["Content-Type"].startswith("application/json") else None
    return response.status_code, body, time.monotonic() - started


def versions(primary: Cluster, standby: Cluster) -> tuple[int, int]:
    """The data version on the primary and on the standby."""
    sql = "SELECT version FROM registry_data_version"
    return primary.value(sql), standby.value(sql)


@override_settings(**BOUNDS)
def test_replay_paused_who_may_read_and_a_fresh_run_come_from_the_primary(clusters, world):
    primary, standby = clusters
    park = world["parks"][0]
    admin, bureau = world["admin"], world["bureau"]
    replica_sql: list[str] = []
    status, body, _seconds = read(admin, SUMMARY, {"year": YEAR, "level": "park"}, on_replica=replica_sql)
    assert status == 200 and {row["park"] for row in body["results"]} == {park.pk}
    assert any("registry_tiersummary" in sql for sql in replica_sql)  # the standby answered
    assert body["basis"]["data_version"] == versions(primary, standby)[0]

    standby.value("SELECT pg_wal_replay_pause()")
    ParkMembership.objects.filter(user=admin.user).delete()  # the bureau removes the membership, on the primary
    run = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=run.pk)
    on_primary, on_standby = versions(primary, standby)
    assert on_primary > on_standby
    assert standby.value("SELECT count(*) FROM parks_parkmembership WHERE user_id = %s", [admin.user.pk]) == 1

    # Who may read comes from the primary at once: the park's rows are gone although the standby still holds them,
    # even where a report's reads go to the standby.
    status, body, _seconds = read(admin, SUMMARY, {"year": YEAR, "level": "park"})
    assert status == 200 and body["results"] == [], body
    with report_reads(using=REPLICA):
        assert user_scope(get_user_model().objects.get(pk=admin.user.pk)).parks == frozenset()
    # The run the standby has not replayed is read on the primary, and the answer says at which version.
    replica_sql.clear()
    status, body, _seconds = read(bureau, SUMMARY, {"year": YEAR, "level": "city"}, on_replica=replica_sql)
    assert (status, body["run"]["id"], body["basis"]["data_version"]) == (200, run.pk, on_primary)
    assert not any("registry_tiersummary" in sql for sql in replica_sql)

    time.sleep(BOUNDS["REPLICA_MAX_LAG"] + 0.2)
    assert not replica_usable() and replica_health().lag > BOUNDS["REPLICA_MAX_LAG"]  # lags past the bound

    standby.value("SELECT pg_wal_replay_resume()")
    caught_up(primary, standby)
    assert replica_usable()
    status, body, _seconds = read(bureau, SUMMARY, {"year": YEAR, "level": "district"}, on_replica=replica_sql)
    assert (status, body["run"]["id"], body["basis"]["data_version"]) == (200, run.pk, on_primary)
    assert any("registry_tiersummary" in sql for sql in replica_sql)  # back on the standby


@override_settings(**BOUNDS)
def test_standby_stopped_every_report_answers_and_started_again_reports_go_back(clusters, world):
    primary, standby = clusters
    bureau = world["bureau"]
    caught_up(primary, standby)
    for url, params in REPORTS:  # cached, from the standby
        status, _body, _seconds = read(bureau, url, params)
        assert status == 200, (url, _body)

    standby.stop()
    slowest = 0.0
    for url, params in REPORTS:
        for query in (params, {**params, "page_size": 7}):  # cached, then not
            replica_sql: list[str] = []
            status, body, seconds = read(bureau, url, query, on_replica=replica_sql)
            assert status == 200, (url, query, body)
            assert body["basis"]["data_version"] == primary.value("SELECT version FROM registry_data_version")
            assert not any(table in sql for sql in replica_sql for table in ("registry_", "enterprises_"))
            slowest = max(slowest, seconds)
    assert slowest < 1.0, slowest
    assert not replica_health().usable

    standby.start()
    caught_up(primary, standby)
    replica_sql = []
    status, body, _seconds = read(bureau, SUMMARY, {"year": YEAR, "level": "park"}, on_replica=replica_sql)
    assert status == 200 and any("registry_tiersummary" in sql for sql in replica_sql), (replica_sql, replica_health())
    assert replica_health().usable
