"""URL map: the admin, the REST API under /api/v1/, the OpenAPI schema and its interactive docs, the dashboard,
the self-service pages, the filing review screen, the lease board, the park services page, the declaration pages
(with the public publicity list) and the account pages (sign-in, invitations, password reset and change)."""

from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import LoginView, LogoutView
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext
from django.views.defaults import page_not_found
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from config.outages import server_error
from config.throttling import throttled_login
from enterprises.account_views import invitation_accept_page, invite
from enterprises.declaration_review_views import publicity_page


class SitePasswordResetView(auth_views.PasswordResetView):
    """Password reset by e-mail: the link starts with SITE_URL, never with the request's Host header."""

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says (the admin's, the API docs'): the site's icon."""
    return redirect(static("favicon.svg"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("admin/login/", throttled_login(admin.site.login), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start script is served by its own view (?script), so that its page needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    # Redoc injects its styles at run time, starts its search worker from a blob and shows its maker's logo from
    # their site: its page alone allows them.
    path("api/redoc/", csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"],
                                   "img-src": ["https://cdn.redoc.ly"]})(
        SpectacularRedocView.as_view(url_name="schema")), name="redoc"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", throttled_login(LoginView.as_view()), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/invite/", invite, name="invite"),
    path("accounts/invitation/<str:token>/", invitation_accept_page, name="invitation-accept"),
    path("accounts/password_reset/", throttled_login(SitePasswordResetView.as_view()), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", throttled_login(auth_views.PasswordResetConfirmView.as_view()),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(
        template_name="registration/password_change.html"), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="registration/password_change_complete.html"), name="password_change_done"),
    path("me/", include("enterprises.urls")),
    path("review/", include("enterprises.review_urls")),
    path("board/", include("enterprises.board_urls")),
    path("declarations/", include("enterprises.declaration_urls")),
    path("publicity/", publicity_page, name="publicity"),
    path("inbox/", include("config.notifications.urls")),  # branch notify: the inbox and its settings
    path("park-services/", include("parks.urls")),  # branch parksvc: the park services page
    path("", include("registry.urls")),
    path("", RedirectView.as_view(pattern_name="dashboard"), name="home"),
]


def not_found(request, exception):
    """404 for a URL nothing serves: the API's JSON error under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": gettext("Not found.")}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
handler500 = server_error  # an outage of the database, broker or Redis: 503 with Retry-After (config.outages)
