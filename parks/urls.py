"""Routes of the park services page, under /park-services/: the list, adding, editing and ending a service."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.service_list, name="park-services"),
    path("parks/<int:park_pk>/add/", views.service_add, name="park-service-add"),
    path("<int:pk>/edit/", views.service_edit, name="park-service-edit"),
    path("<int:pk>/end/", views.service_end, name="park-service-end"),
]
