"""Settings of the benchmark server: production (DEBUG off, every secret from the environment) over plain HTTP on
127.0.0.1, with the baseline endpoint added to the routes (bench/urls.py).

BENCH_PG_SETTINGS ("name=value name=value", e.g. "work_mem=16MB max_parallel_workers_per_gather=0") adds PostgreSQL
session settings to the server's connections (bench.run --pg-setting): a setting tried on the benchmark's sessions
only, never on the machine's server (docs/scaling.md)."""

import os

from config.db import session_setting
from config.settings.production import *  # noqa: F403
from config.settings.production import DATABASES

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

for _setting in os.environ.get("BENCH_PG_SETTINGS", "").split():
    _name, _value = _setting.split("=", 1)
    session_setting(DATABASES, _name, _value)
