"""Fixtures of the fault suite: a redis-server of a test's own."""

import pytest

from .redis_server import RedisServer


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, stopped (and resumed first, if paused) at the end."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()
