"""One computation of a missing cached answer at a time (config.single_flight), on a real Redis: concurrent
callers of one key compute it once and the others read it; a failed computation hands the turn on; a lock
left by a killed request delays a caller by SINGLE_FLIGHT_WAIT at most; with Redis down every caller computes at
once; and concurrent requests of a report just ended by a write compute it once."""

import threading
import time
import uuid
from contextlib import ExitStack

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from config.settings import base
from config.single_flight import cached_or_computed

from .conftest import token_client
from .factories import bureau_user
from .test_reports import YEAR, report_world
from .threads import in_threads

CALLERS = 6


@pytest.fixture
def on_redis():
    """The production cache backend on the suite's Redis, its keys this test's own."""
    options = {**base.CACHES["default"]["OPTIONS"], "socket_connect_timeout": 5, "socket_timeout": 5}  # a busy machine
    with override_settings(CACHES={"default": {**base.CACHES["default"], "LOCATION": settings.REDIS_URL,
                                               "OPTIONS": options, "KEY_PREFIX": str(uuid.uuid4())}}):
        yield


class Computation:
    """A slow computation that caches its value under `key`, counting its calls; the first `failures` calls fail."""

    def __init__(self, key: str, *, seconds: float = 0.3, failures: int = 0):
        self.key, self.seconds, self.failures = key, seconds, failures
        self.calls, self.lock = 0, threading.Lock()

    def __call__(self):
        with self.lock:
            self.calls += 1
            call = self.calls
        time.sleep(self.seconds)
        if call <= self.failures:
            raise RuntimeError("the computation failed")
        value = f"value {call}"
        cache.set(self.key, value, 60)
        return value


def test_concurrent_callers_compute_once_and_read_the_answer(on_redis):
    key = f"test:{uuid.uuid4()}"
    computation = Computation(key)
    results = in_threads(lambda _: cached_or_computed(key, compute=computation), CALLERS)
    assert computation.calls == 1
    assert sorted(computed for _, computed in results) == [False] * (CALLERS - 1) + [True]
    assert {value for value, _ in results} == {"value 1"}
    assert cache.get(f"computing:{key}") is None  # the lock is released


def test_a_failed_computation_hands_the_turn_to_a_waiting_caller(on_redis):
    key = f"test:{uuid.uuid4()}"
    computation = Computation(key, failures=1)
    results = in_threads(lambda _: cached_or_computed(key, compute=computation), CALLERS)
    assert computation.calls == 2
    errors = [result for result in results if isinstance(result, Exception)]
    assert [str(error) for error in errors] == ["the computation failed"]
    assert {result[0] for result in results if not isinstance(result, Exception)} == {"value 2"}


@override_settings(SINGLE_FLIGHT_WAIT=0.3)
def test_a_lock_left_by_a_killed_request_delays_a_caller_by_the_wait_at_most(on_redis):
    key = f"test:{uuid.uuid4()}"
    cache.add(f"computing:{key}", 1, timeout=60)  # held by a request that will never release it
    computation = Computation(key, seconds=0)
    started = time.monotonic()
    assert cached_or_computed(key, compute=computation) == ("value 1", True)
    assert 0.3 <= time.monotonic() - started < 2
    assert cached_or_computed(key, compute=computation) == ("value 1", False)


def test_with_redis_down_every_caller_computes_at_once():
    down = {**base.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens on port 1
    with override_settings(CACHES={"default": down}):
        key = f"test:{uuid.uuid4()}"
        computation = Computation(key, seconds=0)
        started = time.monotonic()
        for _ in range(3):
            assert cached_or_computed(key, compute=computation)[1] is True
        assert computation.calls == 3
        assert time.monotonic() - started < 2  # one connection timeout at most, then Redis is left alone


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_of_a_report_ended_by_a_write_compute_it_once(on_redis):
    report_world(seed=3, enterprises=12)
    user = bureau_user()
    url, params = "/api/v1/reports/districts/", {"year": YEAR}

    header = token_client(user)._credentials

    def request():
        client = APIClient()
        client.credentials(**header)
        with ExitStack() as stack:  # the report reads on the replica, the rest on the primary
            captured = [stack.enter_context(CaptureQueriesContext(connections[alias])) for alias in connections]
            response = client.get(url, params)
        return response.status_code, response.content, sum(len(queries) for queries in captured)

    alone = request()  # computed: how many queries a computation takes
    with connection.cursor() as cursor:  # a write moves the data version on: the answer is missing again
        cursor.execute("UPDATE parks_district SET name = name")
    results = in_threads(lambda _: request(), 4)
    assert {status for status, _, _ in results} == {200}
    assert len({content for _, content, _ in results}) == 1
    computed = [n for _, _, n in results if n >= alone[2]]
    assert len(computed) == 1, [n for _, _, n in results]
