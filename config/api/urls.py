"""The API's URL map: every app's resources under /api/v1/ with a browsable index, and the token endpoints."""

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import APIView

from access.scoping import VIEW
from config.api.schema import POST_ERRORS
from config.auth import token_expires, token_issue, token_revoke
from config.notifications import api as notifications_urls
from config.throttling import ScopedThrottle
from enterprises.api import urls as enterprises_urls
from parks.api import urls as parks_urls
from registry.api import urls as registry_urls

APPS = (parks_urls, enterprises_urls, registry_urls, notifications_urls)


class ApiRootView(APIRootView):
    """The API's index: the address of every resource, for a signed-in user (it reads no record)."""

    scope_action = VIEW


router = DefaultRouter()
router.APIRootView = ApiRootView
for app in APPS:
    router.registry.extend(app.router.registry)

class TokenAnswerSerializer(serializers.Serializer):
    """An API token and when it stops working (API_TOKEN_TTL after it was issued)."""

    token = serializers.CharField()
    expires = serializers.DateTimeField()

class TokenView(ObtainAuthToken):
    """Exchange a username (any case) and password for the API token, valid until `expires`
    (throttled; a username locked out of the sign-in pages
    from this address is locked out here too: 429).

    Refusals are answered, not raised, so that the request's transaction commits the failed attempt django-axes
    recorded (an exception would roll it back)."""

    error_responses = POST_ERRORS

    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth"

    @extend_schema(request=AuthTokenSerializer, responses=TokenAnswerSerializer)
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if serializer.is_valid():
            token = token_issue(user=serializer.validated_data["user"])
            return Response(TokenAnswerSerializer({"token": token.key, "expires": token_expires(token)}).data)
        if getattr(request, "axes_locked_out", False):
            wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
            return Response({"detail": _("Too many failed sign-ins for this account from this address; try again "
                                         "later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS,
                            headers={"Retry-After": str(wait)})
        return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)


class LogoutView(APIView):
    """End your API token at once (sign-out for scripts); obtain a new one at auth/token/."""

    error_responses = POST_ERRORS

    permission_classes = [IsAuthenticated]
    throttle_classes = []

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    *(pattern for app in APPS for pattern in app.extra_urlpatterns),
    *router.urls,
]
