"""Routes of the bureau's pages: the dashboard."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
