"""App config for enterprises: enterprises, tenancies, and (later) filings and tiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """The enterprises and where they sit."""

    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        """Register the enterprise membership as a role."""
        from parks.scoping import ENTERPRISE_ROLE, register_membership

        from .models import EnterpriseMembership

        register_membership(ENTERPRISE_ROLE, lambda user: frozenset(
            EnterpriseMembership.objects.filter(user=user).values_list("enterprise_id", flat=True)
        ), model=EnterpriseMembership)
