"""API error handler: Django validation errors become field-level 400s, protected deletes a 409, an outage of the
database, broker or Redis a 503 with Retry-After (config.outages)."""

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

from config.outages import CODE, RETRY_AFTER, is_outage, outage_detail


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
    """DRF's handler, plus Django ValidationError -> 400, ProtectedError -> 409 and an outage -> 503, rolling back
    the request; every 503 says when to try again (Retry-After)."""
    if is_outage(exc):
        set_rollback()
        return Response({"detail": outage_detail(), "code": CODE}, status=status.HTTP_503_SERVICE_UNAVAILABLE,
                        headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"})
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
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        # A 503 of a view's own (the job queue down when a job starts) says what is out and when to try again.
        if isinstance(response.data, dict) and isinstance(exc, exceptions.APIException):
            codes = exc.get_codes()
            response.data.setdefault("code", codes if isinstance(codes, str) else CODE)
        response.headers.setdefault("Retry-After", str(RETRY_AFTER))
    return response
