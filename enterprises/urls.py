"""Routes of the enterprise self-service pages."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.my_enterprises, name="my-enterprises"),
    path("enterprises/<int:pk>/", views.enterprise_profile, name="enterprise-profile"),
]
