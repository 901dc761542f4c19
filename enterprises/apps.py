"""App config for enterprises: enterprises, tenancies, and (later) filings and tiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """The enterprises and where they sit."""

    name = "enterprises"
    verbose_name = _("Enterprises")
