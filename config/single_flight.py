"""One computation of a cached answer at a time: when an answer is missing from the cache (every write moves the data
version on, so after each write every report answer and list count is missing), the first request to ask for it
computes it while the others asking for the same key wait for it to appear, instead of each computing it too.

Eight readers of a report just ended by a write used to compute it eight times on the same cores, each taking
eight times as long; now one computes and seven read its answer. An answer is still never older than the data
version its reader read (the key holds the version). When the computing request ends without caching the answer
(it failed, or its snapshot read a newer version and cached it under that), the next waiting request takes its
turn. The cache stays an optimisation: when Redis fails, or the answer has not appeared within
`SINGLE_FLIGHT_WAIT` seconds, the request computes the answer itself, as it did before.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

LOCK_SECONDS = 120  # the longest a computing request holds its key's lock (a request killed mid-way releases none)
POLL_SECONDS = 0.01  # how often a waiting request looks for the answer


def cached_or_computed(key: str, *, compute: Callable[[], object]) -> tuple[object, bool]:
    """The value cached under `key`, else computed by the caller holding the key's lock (`compute()` caches it
    itself) while the others wait up to `SINGLE_FLIGHT_WAIT` seconds for it to appear, taking the lock in turn when it
    is released without the value (the computation failed, or cached under another key): (value, whether this call
    computed it)."""
    value = cache.get(key)
    if value is not None:
        return value, False
    lock = f"computing:{key}"
    deadline, gone = time.monotonic() + settings.SINGLE_FLIGHT_WAIT, 0
    while True:
        if cache.add(lock, 1, timeout=LOCK_SECONDS):
            try:
                return compute(), True
            finally:
                cache.delete(lock)
        if cache.has_key(lock):  # another request computes it: wait for it, up to the deadline
            if time.monotonic() >= deadline:
                return compute(), True
            time.sleep(POLL_SECONDS)
        elif (gone := gone + 1) > 1:  # twice neither taken nor held: Redis fails, nothing can be held
            return compute(), True
        value = cache.get(key)
        if value is not None:
            return value, False
