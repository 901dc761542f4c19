"""WSGI entry point (gunicorn config.wsgi).

Each worker process, as it loads this module and before it serves a request, runs what every app declares as its
`warm_up` (a dotted path on its AppConfig): work a process does once and keeps, such as compiling SQL, so that
the first request to need it does not wait for it (workers are replaced every GUNICORN_MAX_REQUESTS requests). A
warm-up uses no database connection."""

import os

from django.apps import apps
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
for app_config in apps.get_app_configs():
    if getattr(app_config, "warm_up", None):
        import_string(app_config.warm_up)()
