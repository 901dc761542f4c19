"""App config for enterprises: enterprises, tenancies, and (later) filings and tiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """The enterprises and where they sit."""

    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        """Register the enterprise membership as a role; hold every username to the look-alike rule; end API
        tokens at sign-out."""
        from django.contrib.auth import get_user_model

        import config.auth  # noqa: F401 (connects the sign-out receiver that ends the user's API token)
        from config.usernames import username_scripts_validate
        from parks.scoping import ENTERPRISE_ROLE, register_membership

        from .models import EnterpriseMembership

        register_membership(ENTERPRISE_ROLE, lambda user: frozenset(
            EnterpriseMembership.objects.filter(user=user).values_list("enterprise_id", flat=True)
        ), model=EnterpriseMembership)

        # Every form and full_clean() of an account (the admin's, createsuperuser's, the seeds') refuses a username
        # mixing look-alike alphabets; the field's validator list is built once, so the rule is added to it once.
        validators = get_user_model()._meta.get_field("username").validators
        if username_scripts_validate not in validators:
            validators.append(username_scripts_validate)
