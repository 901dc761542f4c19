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


class ParkServiceKind(models.TextChoices):
    """What a park offers its tenants and applicants (园区服务与政策): its services and its own policies."""

    INCUBATION = "incubation", _("Incubation")
    TRAINING = "training", _("Talent training")
    FINANCING = "financing", _("Investment and financing matching")
    SCENE_MATCHING = "scene_matching", _("Scene matching")
    POLICY = "policy", _("Park policy")
    OTHER = "other", _("Other service")
