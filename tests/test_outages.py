"""Outages answer like an API: with PostgreSQL out of reach (a real refused connection, a real terminated backend
whose server refuses to reconnect) an API path answers JSON 503 with Retry-After and the code
`service_unavailable`, a web path the Chinese-first 503 page (no inline script or style); a job queue that is down
answers 503 with Retry-After; service comes back without a restart once the database does."""

import contextlib
import re
import socket
import time

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from config.celery import app
from config.outages import RETRY_AFTER

from .conftest import token_client
from .factories import ParkFactory, bureau_user

PARKS = "/api/v1/parks/"
INLINE = re.compile(r"<style|\sstyle\s*=|<script|\son[a-z]+\s*=", re.I)


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def conninfo() -> str:
    """The test database, for a connection of the test's own outside Django."""
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                                          port=settings["PORT"] or 5432, password=settings["PASSWORD"] or None)


@contextlib.contextmanager
def database_refused():
    """Every alias of this thread pointed at a port nothing listens on, as when PostgreSQL is down."""
    saved = {alias: connections[alias].settings_dict["PORT"] for alias in connections}
    port = closed_port()
    for alias in connections:
        connections[alias].close()
        connections[alias].settings_dict["PORT"] = port
    try:
        yield
    finally:
        for alias, value in saved.items():
            connections[alias].close()
            connections[alias].settings_dict["PORT"] = value


@contextlib.contextmanager
def database_hung(*, connect_timeout: int):
    """Every alias of this thread pointed at a server that accepts the connection and never answers (a hung
    PostgreSQL host), with `connect_timeout` in the connection's options as DATABASE_URL's ?connect_timeout= sets."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # the kernel completes the handshakes; nothing ever reads or writes
        saved = {alias: (connections[alias].settings_dict["PORT"], connections[alias].settings_dict["OPTIONS"])
                 for alias in connections}
        for alias in connections:
            connections[alias].close()
            connections[alias].settings_dict["PORT"] = silent.getsockname()[1]
            connections[alias].settings_dict["OPTIONS"] = {**saved[alias][1], "connect_timeout": connect_timeout}
        try:
            yield
        finally:
            for alias, (port, options) in saved.items():
                connections[alias].close()
                connections[alias].settings_dict.update(PORT=port, OPTIONS=options)


@contextlib.contextmanager
def backend_terminated():
    """The server ends this thread's open connection (pg_terminate_backend) and refuses new ones to the test
    database (ALLOW_CONNECTIONS false), as a PostgreSQL shutting down does; the connection is kept across requests
    without a health check, so that the next request uses the dead one."""
    aliases = list(connections)
    saved = {alias: (connections[alias].settings_dict["CONN_MAX_AGE"],
                     connections[alias].settings_dict["CONN_HEALTH_CHECKS"]) for alias in aliases}
    for alias in aliases:
        connections[alias].settings_dict.update(CONN_MAX_AGE=None, CONN_HEALTH_CHECKS=False)
        connections[alias].close()
        connections[alias].ensure_connection()
    pids = [connections[alias].connection.info.backend_pid for alias in aliases]
    name = connection.settings_dict["NAME"]
    with psycopg.connect(conninfo(), dbname="postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            terminated = admin.execute("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                                       "pg_stat_activity WHERE pid = ANY(%s)", [pids]).fetchone()[0]
            assert terminated == len(set(pids))
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
            for alias, (max_age, health_checks) in saved.items():
                connections[alias].close()
                connections[alias].settings_dict.update(CONN_MAX_AGE=max_age, CONN_HEALTH_CHECKS=health_checks)


def client_as_deployed(user=None):
    """A client that gets the answer a deployed server gives to a request failing with an error (the test client
    raises it by default): token-authenticated as `user`, or anonymous."""
    client = token_client(user) if user is not None else Client()
    client.raise_request_exception = False
    return client


def assert_api_503(response, *, language: str) -> None:
    """A JSON 503 naming the outage in the language asked for, with Retry-After."""
    assert response.status_code == 503, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(RETRY_AFTER)
    body = response.json()
    assert body["code"] == "service_unavailable"
    assert ("数据库" in body["detail"]) == (language == "zh-hans") and str(RETRY_AFTER) in body["detail"]


def assert_page_503(response) -> None:
    """The Chinese-first 503 page, with Retry-After, under the site's Content-Security-Policy, nothing inline."""
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html") and response["Retry-After"] == str(RETRY_AFTER)
    page = response.content.decode()
    assert page.index("服务暂时不可用") < page.index("Service temporarily unavailable")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"] and not INLINE.search(page)
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.django_db(transaction=True)
def test_a_refused_database_connection_answers_503_json_on_the_api_and_a_page_on_the_web():
    ParkFactory()
    client = client_as_deployed(bureau_user())
    assert client.get(PARKS).status_code == 200
    with database_refused():
        assert_api_503(client.get(PARKS, HTTP_ACCEPT_LANGUAGE="en"), language="en")
        assert_api_503(client.get(PARKS, HTTP_ACCEPT_LANGUAGE="zh-hans"), language="zh-hans")
        assert_api_503(client.post(PARKS, {"name": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"), language="en")
        assert_api_503(client_as_deployed().get(reverse("api:park-list"), HTTP_ACCEPT_LANGUAGE="en"), language="en")
        assert_page_503(client_as_deployed().get(reverse("login")))
        assert_page_503(client_as_deployed().get(reverse("dashboard")))
    assert client.get(PARKS).status_code == 200  # back without a restart


@pytest.mark.django_db(transaction=True)
def test_a_hung_database_answers_503_within_the_connect_timeout():
    client = client_as_deployed(bureau_user())
    with database_hung(connect_timeout=2):
        started = time.perf_counter()
        response = client.get(PARKS, HTTP_ACCEPT_LANGUAGE="en")
        seconds = time.perf_counter() - started
    assert_api_503(response, language="en")
    assert 1.5 < seconds < 5, seconds  # the timeout, not the TCP stack's minutes nor gunicorn's kill
    assert client.get(PARKS).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_backend_the_server_terminated_answers_503_until_it_takes_connections_again():
    ParkFactory()
    client = client_as_deployed(bureau_user())
    with backend_terminated():
        assert_api_503(client.get(PARKS, HTTP_ACCEPT_LANGUAGE="en"), language="en")  # the dead connection
        assert_api_503(client.get(PARKS, HTTP_ACCEPT_LANGUAGE="en"), language="en")  # a new one, refused
        assert_page_503(client_as_deployed().get(reverse("login")))
    response = client.get(PARKS)
    assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_job_queue_that_is_down_answers_503_with_retry_after():
    client = client_as_deployed(bureau_user())
    app.conf.broker_write_url = f"redis://127.0.0.1:{closed_port()}/0"  # nothing listens there
    try:
        response = client.post(reverse("api:reportrun-list"), {"year": 2024}, format="json",
                               HTTP_ACCEPT_LANGUAGE="en")
    finally:
        app.conf.broker_write_url = None
    assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER)
    assert response.json()["code"] == "broker_unavailable"
