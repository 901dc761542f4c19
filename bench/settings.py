"""Settings of the benchmark server: production (DEBUG off, every secret from the environment) over plain HTTP on
127.0.0.1, with the baseline endpoint added to the routes (bench/urls.py)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
