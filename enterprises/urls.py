"""Routes of the enterprise self-service pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_enterprises, name="my-enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise-profile"),
    path("enterprises/<int:pk>/filings/new/", views.filing_start, name="filing-create"),
    path("filings/<int:pk>/", views.filing_edit, name="filing-edit"),
    path("filings/<int:pk>/preview/", views.filing_preview, name="filing-preview"),
]
