"""API error handler: Django validation errors become field-level 400s, protected deletes a 409."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


def as_drf_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """Turn a Django ValidationError into DRF's, keeping the fields (non-field errors under DRF's key)."""
    if hasattr(error, "error_dict"):
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationError -> 400 and ProtectedError -> 409, rolling back the request."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()  # the translated "not found", naming no model
    if isinstance(exc, ProtectedError):
        set_rollback()
        names = ", ".join(sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects}))
        return Response(
            {"detail": _("Cannot delete: other records depend on it (%(names)s).") % {"names": names}},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
