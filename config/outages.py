"""Outages answer like an API: when PostgreSQL, the job queue (broker) or Redis cannot be reached, a request answers
503 with Retry-After, never a 500: JSON `{"detail", "code": "service_unavailable"}` under /api/, a Chinese-first
page (config/templates/503.html) elsewhere.

Two places see such an error. A REST view's is handed to the API's exception handler (config.api.exceptions),
which answers with `outage_response`. Any other, and an API request's that fails before its view runs (with
ATOMIC_REQUESTS the database is reached as the view's transaction opens, and a middleware may reach it too), ends
at Django's 500 handler, `server_error` here (config.urls' handler500), which answers 503 for an outage and
Django's 500 page otherwise. Django still logs each as a server error, with its traceback, for the operators.

Outage errors are a database connection that fails or is lost (Django's OperationalError and InterfaceError:
refused, closed by the server, too many connections, the server shutting down; also a deadlock or a statement
cancelled, which a retry may pass as well) and a broker or Redis that cannot be reached (kombu's
OperationalError, redis-py's ConnectionError and TimeoutError).
"""

import sys

from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error as django_server_error
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE_ERRORS = (DatabaseOperationalError, DatabaseInterfaceError, BrokerOperationalError, RedisConnectionError,
                 RedisTimeoutError)
RETRY_AFTER = 30  # seconds a client is told to wait: PostgreSQL restarts in well under that
CODE = "service_unavailable"
TEMPLATE = "503.html"


def is_outage(error: BaseException | None) -> bool:
    """Whether an error (or the error it was raised from) is a database, broker or Redis outage."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__
    return False


def is_api(request) -> bool:
    """Whether a request is the REST API's (answered in JSON)."""
    return request.path.startswith("/api/")


def outage_detail() -> str:
    """The message of a 503 for an outage, in the request's language."""
    return _("The service is temporarily unavailable: its database or job queue cannot be reached. Try again in "
             "%(seconds)d seconds.") % {"seconds": RETRY_AFTER}


def outage_response(request) -> HttpResponse:
    """503 with Retry-After: JSON under /api/, the Chinese-first page elsewhere (rendered without the database)."""
    if is_api(request):
        response = JsonResponse({"detail": outage_detail(), "code": CODE}, status=503)
    else:
        response = HttpResponse(loader.render_to_string(TEMPLATE, {"retry_after": RETRY_AFTER}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request):
    """Django's 500 handler: a 503 when the error being handled is an outage, Django's 500 page otherwise."""
    if is_outage(sys.exc_info()[1]):
        return outage_response(request)
    return django_server_error(request)
