"""Routes of the enterprise self-service pages."""

from django.urls import path

from . import evidence_views, register_views, views

urlpatterns = [
    path("", views.my_enterprises, name="my-enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise-profile"),
    path("enterprises/<int:pk>/filings/new/", views.filing_start, name="filing-create"),
    # The enterprise's own registers, one tab each (docs/registers-enterprise.md)
    path("enterprises/<int:pk>/registers/", register_views.register_list, name="registers"),
    path("enterprises/<int:pk>/registers/<slug:slug>/", register_views.register_list, name="register-list"),
    path("enterprises/<int:pk>/registers/<slug:slug>/new/", register_views.register_edit, name="register-add"),
    path("enterprises/<int:pk>/registers/<slug:slug>/<int:record_pk>/", register_views.register_edit,
         name="register-edit"),
    path("enterprises/<int:pk>/registers/<slug:slug>/<int:record_pk>/delete/", register_views.register_delete,
         name="register-delete"),
    path("filings/<int:pk>/", views.filing_edit, name="filing-edit"),
    path("filings/<int:pk>/preview/", views.filing_preview, name="filing-preview"),
    # Evidence files of a declaration, filing or tenancy (docs/evidence.md)
    path("evidence/<str:owner_name>/<int:pk>/", evidence_views.evidence_list, name="evidence-list"),
    path("evidence/<int:pk>/delete/", evidence_views.evidence_delete, name="evidence-delete"),
    path("evidence/<int:pk>/download/", evidence_views.evidence_download, name="evidence-download"),
]
