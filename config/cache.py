"""The cache is an optimisation, never a dependency: Django's Redis cache backend whose every Redis error is a miss.

Every user of the cache (report answers, list counts, the API's and the sign-in pages' throttles) goes through
`caches["default"]`, so this backend is the one place an outage of the cache's Redis is handled: a read answers a
miss (the caller computes, a throttle allows), a write, delete or increment is skipped, and the request goes on.
Its sockets time out quickly (CACHE_CONNECT_TIMEOUT, CACHE_SOCKET_TIMEOUT: 0.25 s), so a hung Redis (one that
accepts and never answers) costs one timeout, not seconds; after an error the backend leaves Redis alone for
CACHE_RETRY_SECONDS (5) before trying it again, so the requests during an outage pay nothing and Redis is used
again as soon as it answers a try, with no restart. The outage is logged at most once a minute per process.
"""

import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

LOG_INTERVAL = 60.0  # seconds between two log lines about one cache's outage, per process
ERRORS = (RedisError, OSError)  # unreachable, refused, timed out, hung, loading, read-only, out of memory


class _Health:
    """What this process knows of one cache location: until when to leave it alone, when its outage was logged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down_until = 0.0
        self.logged_at: float | None = None  # when an outage was last logged
        self.failures = 0  # errors since the outage was last logged
        self.down = False  # an outage was logged and Redis has not answered since


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str) -> _Health:
    with _health_lock:
        return _health.setdefault(location, _Health())


class ClientPerPool(RedisCacheClient):
    """Django's Redis cache client, one redis-py client kept per connection pool: Django builds a client on every
    call (a fifth of a millisecond of a list page's cached count). A redis-py client holds its pool only and takes a
    connection from it for each command, so threads share it as they share the pool."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache where any Redis error is a miss (reads) or a no-op (writes), logged once a minute;
    OPTIONS takes redis-py's pool options (socket_connect_timeout, socket_timeout) and `retry_after`, the seconds
    Redis is left alone after an error."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop("retry_after", 5.0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ClientPerPool
        self._health = _health_of(server if isinstance(server, str) else ",".join(server))

    def _guarded(self, fallback, call):
        """`call()`, or `fallback` when Redis failed just now or fails now (recorded and logged)."""
        health = self._health
        if time.monotonic() < health.down_until:
            return fallback
        try:
            result = call()
        except ERRORS as error:
            self._failed(error)
            return fallback
        if health.down:
            self._recovered()
        return result

    def _failed(self, error: Exception) -> None:
        """Leave Redis alone for `retry_after` seconds; log the outage if it was not logged in the last minute."""
        health = self._health
        now = time.monotonic()
        with health.lock:
            health.down_until = now + self.retry_after
            health.failures += 1
            if health.logged_at is not None and now - health.logged_at < LOG_INTERVAL:
                return
            failures, health.failures, health.logged_at, health.down = health.failures, 0, now, True
        logger.warning("Cache unavailable, answering without it (tried again every %.0f s; failed calls since the "
                       "last line: %d): %s: %s", self.retry_after, failures, type(error).__name__, error)

    def _recovered(self) -> None:
        """Log that Redis answers again (once after each logged outage)."""
        health = self._health
        with health.lock:
            if not health.down:
                return
            health.down = False
        logger.warning("Cache available again.")

    def add(self, key, *args, **kwargs):
        """RedisCache.add; False (not added) when Redis fails."""
        return self._guarded(False, lambda: super(ResilientRedisCache, self).add(key, *args, **kwargs))

    def get(self, key, default=None, version=None):
        """RedisCache.get; `default` (a miss) when Redis fails."""
        return self._guarded(default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def set(self, key, *args, **kwargs):
        """RedisCache.set; nothing when Redis fails."""
        return self._guarded(None, lambda: super(ResilientRedisCache, self).set(key, *args, **kwargs))

    def touch(self, key, *args, **kwargs):
        """RedisCache.touch; False when Redis fails."""
        return self._guarded(False, lambda: super(ResilientRedisCache, self).touch(key, *args, **kwargs))

    def delete(self, key, version=None):
        """RedisCache.delete; False when Redis fails."""
        return self._guarded(False, lambda: super(ResilientRedisCache, self).delete(key, version))

    def get_many(self, keys, version=None):
        """RedisCache.get_many; nothing found when Redis fails."""
        return self._guarded({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        """RedisCache.has_key; False when Redis fails."""
        return self._guarded(False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def incr(self, key, delta=1, version=None):
        """RedisCache.incr; `delta` (a count starting now) when Redis fails."""
        return self._guarded(delta, lambda: super(ResilientRedisCache, self).incr(key, delta, version))

    def set_many(self, data, *args, **kwargs):
        """RedisCache.set_many; every key not stored when Redis fails."""
        return self._guarded(list(data), lambda: super(ResilientRedisCache, self).set_many(data, *args, **kwargs))

    def delete_many(self, keys, version=None):
        """RedisCache.delete_many; nothing when Redis fails."""
        return self._guarded(None, lambda: super(ResilientRedisCache, self).delete_many(keys, version))

    def clear(self):
        """RedisCache.clear; False when Redis fails."""
        return self._guarded(False, super().clear)
