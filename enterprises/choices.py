"""Enumerations of the enterprises app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainPosition(models.TextChoices):
    """Position on the digital-human industry chain."""

    FOUNDATION = "foundation", _("Foundation layer (tools and hardware)")
    PLATFORM = "platform", _("Platform layer (platforms and AI driving)")
    APPLICATION = "application", _("Application layer")


class Segment(models.TextChoices):
    """Business segments of a digital-human enterprise (an enterprise may have several)."""

    MODELLING = "modelling", _("Modelling")
    RENDERING = "rendering", _("Rendering")
    MOTION_CAPTURE = "motion_capture", _("Motion capture")
    VOICE_DIALOGUE = "voice_dialogue", _("Voice and dialogue")
    AI_DRIVING = "ai_driving", _("AI driving")
    CONTENT_OPERATION = "content_operation", _("Content operation")
    HARDWARE = "hardware", _("Display and sensing hardware")
    IP_OPERATION = "ip_operation", _("Virtual IP operation")


class EnterpriseStatus(models.TextChoices):
    """Whether an enterprise is still in business and in the registry's scope."""

    ACTIVE = "active", _("Active")
    MOVED_OUT = "moved_out", _("Moved out of Beijing")
    DEREGISTERED = "deregistered", _("Deregistered")
