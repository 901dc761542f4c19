"""Writes of the enterprises app."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .models import Tenancy, overlap_message

OVERLAP_CONSTRAINT = "tenancy_unit_no_overlap"


def tenancy_save(*, tenancy: Tenancy) -> Tenancy:
    """Validate and save a tenancy; a unit already let over its dates is a field error naming that tenancy.

    The model check catches the ordinary case; the exclusion constraint catches the race in which two
    requests pass the check at once (the second waits for the first to commit, then fails here).
    """
    tenancy.full_clean()
    try:
        with transaction.atomic():
            tenancy.save()
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) != OVERLAP_CONSTRAINT:
            raise
        clash = tenancy.overlapping().first()
        raise ValidationError({"start": [overlap_message(clash)]}, code="tenancy_overlap") from error
    return tenancy
