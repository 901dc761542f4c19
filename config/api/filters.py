"""Filter backend that answers 400 for a query parameter no filter, pagination or ordering knows."""

from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.settings import api_settings

# Query parameters every list takes besides its filters.
COMMON_PARAMETERS = frozenset({"page", "page_size", api_settings.ORDERING_PARAM, "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing unknown parameters instead of ignoring them."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = COMMON_PARAMETERS | set(filterset_class.base_filters if filterset_class else ())
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        return super().filter_queryset(request, queryset, view)

