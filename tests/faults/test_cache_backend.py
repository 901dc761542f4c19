"""The cache backend (config.cache.ResilientRedisCache) against a real redis-server of the test's own: with Redis
stopped, hung or refusing writes, every call answers its miss or no-op instead of raising, a hung Redis costs one
socket timeout and then nothing until the backend tries it again, and the data comes back with Redis."""

import time

import pytest

from config.cache import ResilientRedisCache
from config.settings import base

from .redis_server import RedisServer

pytestmark = pytest.mark.faults

TIMEOUT = base.CACHES["default"]["OPTIONS"]["socket_timeout"]



def backend(server: RedisServer, retry_after: float) -> ResilientRedisCache:
    """A backend with production's options on the test's Redis, trying it again `retry_after` s after an error."""
    options = {**base.CACHES["default"]["OPTIONS"], "retry_after": retry_after}
    return ResilientRedisCache(server.url(0), {"OPTIONS": options})


def seconds(call) -> float:
    """How long `call()` took."""
    started = time.monotonic()
    call()
    return time.monotonic() - started


def test_every_call_answers_its_miss_or_no_op_with_redis_stopped(redis_server):
    cache = backend(redis_server, retry_after=0)  # every call goes to Redis (none skipped): each one's own fallback
    cache.set("kept", 1)
    redis_server.stop()
    assert cache.get("kept") is None and cache.get("kept", "default") == "default"
    assert cache.get_or_set("computed", lambda: 42) == 42
    assert cache.add("new", 1) is False
    assert cache.set("kept", 2) is None
    assert cache.touch("kept") is False and cache.has_key("kept") is False and cache.delete("kept") is False
    assert cache.get_many(["kept", "new"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # Django's answer: the keys not stored
    assert cache.delete_many(["a", "b"]) is None
    assert cache.incr("counter", 3) == 3
    assert cache.clear() is False
    redis_server.start()
    assert cache.get_or_set("computed", lambda: 42) == 42 and cache.get("computed") == 42  # used again at once


def test_a_hung_redis_costs_one_socket_timeout_then_nothing_until_tried_again(redis_server):
    retry_after = 1.0
    cache = backend(redis_server, retry_after=retry_after)
    cache.set("kept", "before")
    redis_server.pause()
    first = seconds(lambda: cache.get("kept"))
    assert TIMEOUT * 0.8 <= first < TIMEOUT * 3  # one socket timeout (connect and read), not Redis's patience
    assert seconds(lambda: [cache.get("kept") for _ in range(200)]) < 0.05  # left alone meanwhile
    time.sleep(retry_after)
    assert TIMEOUT * 0.8 <= seconds(lambda: cache.set("kept", "during")) < TIMEOUT * 3  # tried again: still hung
    redis_server.resume()
    time.sleep(retry_after)
    assert cache.get("kept") == "before"  # used again, its data intact; the write during the outage was skipped


def test_a_redis_refusing_writes_is_skipped_not_raised(redis_server):
    cache = backend(redis_server, retry_after=0)
    cache.set("kept", "x" * 10)
    admin = redis_server.client()
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", 1)  # every write now answers OOM
    assert cache.set("big", "y" * 100_000) is None
    assert cache.add("other", 1) is False
    assert cache.get("big") is None and cache.get("kept") == "x" * 10  # reads still served
    admin.config_set("maxmemory", 0)
    cache.set("big", "y")
    assert cache.get("big") == "y"
