"""Routes of the enterprise self-service pages."""

from django.urls import path

from . import evidence_views, views

urlpatterns = [
    path("", views.my_enterprises, name="my-enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise-profile"),
    path("enterprises/<int:pk>/filings/new/", views.filing_start, name="filing-create"),
    path("filings/<int:pk>/", views.filing_edit, name="filing-edit"),
    path("filings/<int:pk>/preview/", views.filing_preview, name="filing-preview"),
    # Evidence files of a declaration, filing or tenancy (docs/evidence.md)
    path("evidence/<str:owner_name>/<int:pk>/", evidence_views.evidence_list, name="evidence-list"),
    path("evidence/<int:pk>/delete/", evidence_views.evidence_delete, name="evidence-delete"),
    path("evidence/<int:pk>/download/", evidence_views.evidence_download, name="evidence-download"),
]
