"""Enumerations of the parks app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictKind(models.TextChoices):
    """Whether a division is an administrative district or a development zone run like one."""

    DISTRICT = "district", _("District")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")


class ParkKind(models.TextChoices):
    """What kind of place a park is."""

    PARK = "park", _("Industrial park")
    BASE = "base", _("Industry base")
    INCUBATOR = "incubator", _("Incubator")
