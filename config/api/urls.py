"""The API's URL map: every app's resources under /api/v1/ with a browsable index, and the token endpoint."""

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter

from config.throttling import ScopedThrottle
from enterprises.api import urls as enterprises_urls
from parks.api import urls as parks_urls
from parks.scoping import VIEW
from registry.api import urls as registry_urls

APPS = (parks_urls, enterprises_urls, registry_urls)


class ApiRootView(APIRootView):
    """The API's index: the address of every resource, for a signed-in user (it reads no record)."""

    scope_action = VIEW


router = DefaultRouter()
router.APIRootView = ApiRootView
for app in APPS:
    router.registry.extend(app.router.registry)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token (throttled; a username locked out of the sign-in pages
    from this address is locked out here too: 429).

    Refusals are answered, not raised, so that the request's transaction commits the failed attempt django-axes
    recorded (an exception would roll it back)."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if serializer.is_valid():
            token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
            return Response({"token": token.key})
        if getattr(request, "axes_locked_out", False):
            wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
            return Response({"detail": _("Too many failed sign-ins for this account from this address; try again "
                                         "later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(wait)})
        return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)


app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *(pattern for app in APPS for pattern in app.extra_urlpatterns),
    *router.urls,
]
