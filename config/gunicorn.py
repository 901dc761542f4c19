"""Gunicorn's settings, read from the environment: `gunicorn -c config/gunicorn.py` (docs/scaling.md)."""

import os


def _int(name: str, default: int) -> int:
    """An integer from the environment, or the default where it is unset or empty."""
    return int(os.environ.get(name) or default)


wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"
# Processes: the usual 2 x cores + 1 unless the host (or its platform, which sets WEB_CONCURRENCY) says otherwise.
workers = _int("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 1)
# A worker silent this long is killed and replaced; the slowest report answers well inside it.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Each worker is replaced after about this many requests (the jitter keeps them from restarting together), so
# a slow leak never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Off by default (the load balancer logs requests); GUNICORN_ACCESS_LOG=- writes them to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
