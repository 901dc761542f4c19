"""App config for registry: labs, platforms, benchmark projects and the plan's targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The bureau's register beyond enterprises, and its view of the whole."""

    name = "registry"
    verbose_name = _("Registry")
