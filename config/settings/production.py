"""Production settings: every secret from the environment, HTTPS only, DEBUG off."""

from config.db import reuse_connections

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
DEMO_ACCOUNTS = False  # never from the setting here; only `manage.py seed --demo-accounts` asks for them
# Connections live a minute by default here (one per request elsewhere), on every alias.
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=60)
reuse_connections(DATABASES, max_age=CONN_MAX_AGE, health_checks=CONN_HEALTH_CHECKS)  # noqa: F405
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
