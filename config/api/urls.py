"""The API's URL map: every app's resources under /api/v1/ with a browsable index, and the token endpoint."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
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
    """Exchange a username and password for the API token (throttled)."""

    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth"


app_name = "api"
urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    *(pattern for app in APPS for pattern in app.extra_urlpatterns),
    *router.urls,
]
