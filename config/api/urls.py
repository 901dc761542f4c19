"""The API's URL map: each app's routes under /api/v1/, an index, and the token endpoint."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

app_name = "api"
urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("", include("parks.api.urls")),
    path("", include("enterprises.api.urls")),
    path("", include("registry.api.urls")),
]
