"""Throttling of the sign-in form (the API's token and invitation endpoints use DRF's scoped throttles)."""

from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle


class LoginThrottle(SimpleRateThrottle):
    """Sign-in attempts per client address, at the `login` rate of REST_FRAMEWORK's DEFAULT_THROTTLE_RATES."""

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
