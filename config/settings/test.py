"""Settings for the test suite: the local PostgreSQL and Redis, with a Redis database and queue of its own."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from config.db import replica  # noqa: E402
from config.queues import task_queues, task_routes  # noqa: E402

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Queues of this process's own (default and long), so that a worker started by `make run` never takes a test's task.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TEST_QUEUE", default=f"test-{os.getpid()}")
CELERY_LONG_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-long"
CELERY_TASK_QUEUES = task_queues(default=CELERY_TASK_DEFAULT_QUEUE, long=CELERY_LONG_QUEUE)
CELERY_TASK_ROUTES = task_routes(long=CELERY_LONG_QUEUE)
# The read replica is a second connection to the test database (a test mirror), so that the suite reads every
# report through the router as production does with DATABASE_REPLICA_URL (tests/conftest.py, tests/test_replica.py).
DATABASES["replica"] = replica(DATABASES["default"])  # noqa: F405
# A mirror never lags: asked once per process (tests/conftest.py), so that no test's query count holds the question.
REPLICA_CHECK_INTERVAL = 24 * 3600.0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files from the apps without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
