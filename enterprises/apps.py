"""App config for enterprises: enterprises, tenancies, and (later) filings and tiers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """The enterprises and where they sit."""

    name = "enterprises"
    verbose_name = _("Enterprises")

    # The models whose writes move the data version on (config.data_version.versioned_tables).
    versioned_models = ("enterprises.Enterprise", "enterprises.Tenancy", "enterprises.EnterpriseMembership",
                        "enterprises.AnnualFiling", "enterprises.TierDesignation", "enterprises.FilingSeason",
                        "enterprises.DeclarationRound", "enterprises.Declaration", "enterprises.DeclarationStep",
                        # the enterprise's own registers, which the plan board reads
                        "enterprises.Standard", "enterprises.IntellectualProperty", "enterprises.DigitalHumanIp",
                        "enterprises.DigitalHumanRegistration", "enterprises.FinancingRound", "enterprises.Listing",
                        "enterprises.ComplianceFiling",  # compliance filings, which the plan board reads
                        # talent, events and cooperation, which the plan board reads
                        "enterprises.IndustryActivity")

    # Run by each web worker as it starts (config/wsgi.py): the tier rules' SQL, compiled once per process.
    warm_up = "enterprises.selectors.met_sql_warm"

    def ready(self):
        """Register the enterprise role, the scope paths to enterprises and the unit check (enterprises/scopes.py);
        hold every username to the look-alike rule; end API tokens at sign-out; keep the database's credit-code setting
        in step after migrate."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate

        import config.auth  # noqa: F401 (connects the sign-out receiver that ends the user's API token)
        from config.usernames import username_scripts_validate

        from . import plan_indicators, scopes  # noqa: F401 (plan_indicators: the plan board's, config.plan_board)

        # After every migrate: the database's default dh.credit_code_check_org follows the setting, so clients other
        # than the application check credit codes as it does (enterprises/credit_code.py).
        post_migrate.connect(_credit_code_setting_sync, sender=self, dispatch_uid="credit_code_setting_sync")

        scopes.register()

        # Every form and full_clean() of an account (the admin's, createsuperuser's, the seeds') refuses a username
        # mixing look-alike alphabets; the field's validator list is built once, so the rule is added to it once.
        validators = get_user_model()._meta.get_field("username").validators
        if username_scripts_validate not in validators:
            validators.append(username_scripts_validate)


def _credit_code_setting_sync(sender, using="default", **kwargs):
    """post_migrate receiver: write CREDIT_CODE_CHECK_ORGANISATION_CODE to the migrated database."""
    from .credit_code import credit_code_setting_sync

    credit_code_setting_sync(using=using)
