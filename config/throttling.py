"""Who the client is, and the throttles keyed on it: the API's (DRF) and the sign-in pages'.

`client_ip` is the one place that reads a client's address: django-axes (AXES_CLIENT_IP_CALLABLE) and every
throttle class below key on it, and every throttle of the API is one of these classes."""

import ipaddress
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle


def _address(text: str) -> str | None:
    """The address in `text` in its normal form, or None if it is none."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address: the socket's (REMOTE_ADDR) when NUM_PROXIES is 0; behind NUM_PROXIES proxies of our
    own, the NUM_PROXIES-th address from the right of X-Forwarded-For (the one our outermost proxy appended), or
    the left-most when the header holds fewer. A header that is missing or not an address: the socket's."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return _address(forwarded[-min(proxies, len(forwarded))]) or remote


class ClientIpThrottle(SimpleRateThrottle):
    """Base of every throttle: anonymous clients keyed on `client_ip`, rates read from the settings when used
    (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES)."""

    def get_ident(self, request):
        return client_ip(request)

    @property
    def THROTTLE_RATES(self):  # noqa: N802 - DRF's attribute name
        """The rates as the settings hold them now."""
        return api_settings.DEFAULT_THROTTLE_RATES


class ScopedThrottle(ClientIpThrottle, ScopedRateThrottle):
    """The view's `throttle_scope` rate, per signed-in user, else per client address (DRF's ScopedRateThrottle)."""


class AnonThrottle(ClientIpThrottle, AnonRateThrottle):
    """The `anon` rate for anonymous clients, per client address (the public directory)."""


class FileJobThrottle(ClientIpThrottle):
    """The `file_jobs` rate per user, counted on the requests that import or export a file: the view's
    `file_job_methods` (POST by default: starting a job or an import; listing and polling are free)."""

    scope = "file_jobs"

    def allow_request(self, request, view):
        if request.method not in getattr(view, "file_job_methods", ("POST",)):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginThrottle(ClientIpThrottle):
    """Sign-in attempts per client address, at the `login` rate."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttled_login(view):
    """Wrap a sign-in view: too many POSTs from one address answer 429 with Retry-After."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            throttle = LoginThrottle()
            if not throttle.allow_request(request, None):
                response = HttpResponse(_("Too many sign-in attempts; try again later."), status=429)
                response["Retry-After"] = str(int(throttle.wait() or 60))
                return response
        return view(request, *args, **kwargs)

    return wrapper


def lockout_response(request, original_response=None, credentials=None):
    """The page of a sign-in refused by the lockout (django-axes' AXES_LOCKOUT_CALLABLE): 429, with the username,
    the failures allowed and the minutes to wait, and Retry-After."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    response = render(request, "registration/locked_out.html", {
        "username": username, "failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": max(1, seconds // 60),
    }, status=429)
    response["Retry-After"] = str(seconds)
    return response
