"""Base viewset of every registry resource: one place where scoping, filtering and ordering meet."""

from rest_framework import viewsets


class RegistryViewSet(viewsets.ModelViewSet):
    """CRUD over a model; subclasses name the queryset (with its joins), serializer, filterset and ordering.

    Every resource's viewset derives from this one, so that scoping by role (to come) applies in one place.
    """
