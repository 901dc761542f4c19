"""Routes of the inbox pages (under /inbox/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.inbox_read, name="inbox-read"),
    path("read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("latest/", views.inbox_latest, name="inbox-latest"),
    path("preferences/", views.inbox_preferences, name="inbox-preferences"),
]
