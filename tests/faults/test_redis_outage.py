"""Redis outages around real requests: a redis-server of the test's own holds the cache, the broker and the task
results (one Redis for all, the default layout); the test stops it, restarts it, pauses it (SIGSTOP: it accepts,
never answers) and resumes it, and every read (reports, a list with a cached count, the public directory, the token
endpoint, the sign-in pages and a page of a session signed in there) answers as with Redis up, within a second,
while starting a run answers 503 within a second; when Redis is back the cache and the broker are used again without
restarting anything."""

import logging
import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from config.celery import app
from config.settings import base
from registry.models import ReportRun
from registry.services import report_run_execute
from tests.conftest import token_client
from tests.factories import bureau_user
from tests.test_reports import YEAR, report_world

from .redis_server import RedisServer

pytestmark = pytest.mark.faults

SLOW = 1.0  # seconds: no request may take longer while Redis is down or hung
CACHE_DB, BROKER_DB = 0, 1



@pytest.fixture
def on_redis(redis_server):
    """The cache (production's CACHES entry, its address aside), the broker and the result backend on the test's
    Redis (Celery keeps its result backend once made: a new one is made, and the old one put back after)."""
    cache = {**base.CACHES["default"], "LOCATION": redis_server.url(CACHE_DB)}
    results = app.backend
    with override_settings(CACHES={"default": cache}):
        app.conf.broker_write_url = app.conf.result_backend = redis_server.url(BROKER_DB)
        app._backend = app._get_backend()
        try:
            yield redis_server
        finally:
            app.conf.broker_write_url, app.conf.result_backend = None, settings.CELERY_RESULT_BACKEND
            app._backend = results


def timed(call) -> tuple[int, float]:
    """A request's status and how long it took, in seconds."""
    started = time.monotonic()
    response = call()
    return response.status_code, time.monotonic() - started


class Registry:
    """The requests of the suite: reads that must never depend on Redis, and starting a run, which must."""

    def __init__(self, user):
        self.user = user
        self.bureau = token_client(user)
        self.anon = APIClient()
        for client in (self.bureau, self.anon):
            client.raise_request_exception = False  # a server error is a 500 answer, as a client sees it

    def web(self) -> Client:
        """A browser without a session."""
        return Client(raise_request_exception=False)

    def signed_in(self) -> Client:
        """A browser signed in at the sign-in page (its session kept where the settings keep sessions)."""
        browser = self.web()
        assert browser.post("/accounts/login/", {"username": self.user.username, "password": "pw"}).status_code == 302
        return browser

    def reads(self) -> dict[str, tuple[int, float]]:
        """Each read's status and seconds."""
        credentials = {"username": self.user.username, "password": "pw"}
        return {name: timed(call) for name, call in {
            "tier-summary report": lambda: self.bureau.get("/api/v1/reports/tier-summary/", {"year": YEAR}),
            "district report": lambda: self.bureau.get("/api/v1/reports/districts/", {"year": YEAR}),
            "enterprise list": lambda: self.bureau.get("/api/v1/enterprises/"),
            "directory": lambda: self.anon.get("/api/v1/directory/enterprises/"),
            "token": lambda: self.anon.post("/api/v1/auth/token/", credentials),
            "sign-in page": lambda: self.web().get("/accounts/login/"),
            "sign-in": lambda: self.web().post("/accounts/login/", credentials),
            "signed-in page": lambda: self.signed_in().get(reverse("dashboard")),
            "admin sign-in page": lambda: self.web().get("/admin/login/"),
        }.items()}

    def start_run(self, year: int) -> tuple[int, float]:
        """Start a tier-summary run of `year`: its status and seconds."""
        return timed(lambda: self.bureau.post(reverse("api:reportrun-list"), {"year": year}, format="json"))


EXPECTED = {"sign-in": 302}  # signed in, sent on; every other read 200


def assert_reads_answer(registry: Registry, phase: str, *, quick: bool = True) -> None:
    """Every read answers as with Redis up (twice: the first and a repeated request), each within SLOW seconds if
    `quick` (not the process's very first requests, which load what the process keeps)."""
    for _ in range(2):
        answers = registry.reads()
        wrong = {name: status for name, (status, _) in answers.items() if status != EXPECTED.get(name, 200)}
        slow = {name: round(seconds, 3) for name, (_, seconds) in answers.items() if seconds > SLOW}
        assert not wrong, f"{phase}: {wrong}"
        assert not (quick and slow), f"{phase}: {slow}"


def cached_kinds(server: RedisServer) -> set[str]:
    """Which kinds of entries the cache's Redis holds: report answers, list counts, throttle histories."""
    keys = [key.decode() for key in server.client(CACHE_DB).keys("*")]
    return {kind for kind in ("report:", "count:", "throttle_") if any(kind in key for key in keys)}


def wait_for_cache(registry: Registry, server: RedisServer, phase: str) -> float:
    """Read until the cache's Redis fills again (the backend tries it again CACHE_RETRY_SECONDS after its last
    error); the seconds it took."""
    server.client(CACHE_DB).flushdb()
    started = time.monotonic()
    while cached_kinds(server) != {"report:", "count:", "throttle_"}:
        assert time.monotonic() - started < settings.CACHES["default"]["OPTIONS"]["retry_after"] + 3, phase
        assert_reads_answer(registry, phase)
        time.sleep(0.2)
    return time.monotonic() - started


def assert_run_refused_quickly(registry: Registry, year: int, phase: str) -> None:
    """Starting a run answers 503 within a second and leaves no run behind."""
    status, seconds = registry.start_run(year)
    assert (status, seconds < SLOW) == (503, True), f"{phase}: {status} in {seconds:.3f} s"
    assert not ReportRun.objects.filter(year=year).exists()


def assert_run_started(registry: Registry, server: RedisServer, year: int) -> None:
    """Starting a run answers 202 and its task is on the broker's long queue."""
    queue = server.client(BROKER_DB)
    waiting = queue.llen(settings.CELERY_LONG_QUEUE)
    status, _ = registry.start_run(year)
    assert status == 202
    assert queue.llen(settings.CELERY_LONG_QUEUE) == waiting + 1
    assert ReportRun.objects.get(year=year).task_id  # the task sent (its id kept on the run)


@pytest.mark.django_db(transaction=True)  # starting a run sends its task once the run is committed
def test_reads_answer_through_a_redis_stopped_hung_and_back(on_redis, caplog):
    server = on_redis
    report_world(seed=3, enterprises=12)
    report_run_execute(run_id=ReportRun.objects.create(year=YEAR).pk)
    registry = Registry(bureau_user())
    caplog.set_level(logging.WARNING, logger="config.cache")

    assert_reads_answer(registry, "up", quick=False)
    assert cached_kinds(server) == {"report:", "count:", "throttle_"}  # the cache is in use, on this Redis

    server.stop()
    assert_reads_answer(registry, "stopped")
    assert_run_refused_quickly(registry, YEAR - 1, "stopped")

    server.start()  # empty, as a Redis keeping nothing on disk comes back
    wait_for_cache(registry, server, "restarted")
    assert_run_started(registry, server, YEAR - 1)

    server.pause()
    assert_reads_answer(registry, "paused")
    assert_run_refused_quickly(registry, YEAR - 2, "paused")

    server.resume()
    wait_for_cache(registry, server, "resumed")
    assert_run_started(registry, server, YEAR - 2)

    # Dozens of failed cache calls in two outages within a minute: one log line about them.
    outages = [record for record in caplog.records if record.getMessage().startswith("Cache unavailable")]
    assert len(outages) == 1, [record.getMessage() for record in outages]
