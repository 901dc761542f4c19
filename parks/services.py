"""Writes of the parks app: the park services (docs/park-services.md).

The API's serializer, the park administrators' services page and the admin call these, so a service is validated,
kept within the writer's parks and ended in one way whichever path writes it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import ADD, CHANGE, in_scope
from config.rules import OUTSIDE_SCOPE

from .models import ParkService

NOT_YOURS = _("No park you keep has this id.")


@transaction.atomic
def park_service_save(*, service: ParkService, user) -> ParkService:
    """Validate and save a park service for a user: refused on `park` when the park is not one whose services the
    user keeps (its administrators, the bureau), and on its fields as the model says; all or nothing."""
    action = ADD if service.pk is None else CHANGE
    if action == CHANGE and not in_scope(user=user, record=service, action=CHANGE):  # the stored record's park
        raise ValidationError({"park": [NOT_YOURS]})
    service.full_clean()
    service.save()
    if not in_scope(user=user, record=service, action=action):  # the park it now names
        raise ValidationError({"park": [OUTSIDE_SCOPE]})
    return service


@transaction.atomic
def park_service_end(*, service: ParkService, user, on: datetime.date | None = None) -> ParkService | None:
    """End a park service from a day (default today: the first day no longer offered). One not offered before that
    day is removed instead (it was never offered); one already ended by then is left as it is. Returns the service,
    or None when removed."""
    on = on or timezone.localdate()
    if not in_scope(user=user, record=service, action=CHANGE):
        raise ValidationError({"park": [NOT_YOURS]})
    if service.offered_from >= on:
        service.delete()
        return None
    if service.offered_until is not None and service.offered_until <= on:
        return service
    service.offered_until = on
    return park_service_save(service=service, user=user)
