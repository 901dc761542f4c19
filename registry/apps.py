"""App config for registry: labs, platforms, benchmark projects and the plan's targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The bureau's register beyond enterprises, and its view of the whole."""

    name = "registry"
    verbose_name = _("Registry")

    # The models whose writes move the data version on (config.data_version.versioned_tables): the registers,
    # the projects' partners, and the stored reports.
    versioned_models = ("registry.Lab", "registry.Platform", "registry.BenchmarkProject",
                        "registry.BenchmarkProject.partners", "registry.PlanTarget", "registry.TierSummary",
                        "registry.ReportRun", "registry.PlanTask", "registry.SupportPolicy",
                        "registry.SupportAward")

    def ready(self):
        """Register the registry's own plan-board indicators (registry.plan_indicators), the support awards' import
        (registry.fund_imports), and hand the enterprises app's indicators (enterprises.plan_indicators, which may
        not import the registry) and the parks app's (parks.plan_indicators) to the board's registry
        (registry.plan_board)."""
        from enterprises import plan_indicators as enterprise_indicators
        from parks import plan_indicators as park_indicators

        from . import fund_imports, plan_indicators  # noqa: F401
        from .plan_board import indicator

        fund_imports.register()
        enterprise_indicators.register(indicator)
        park_indicators.register(indicator)
