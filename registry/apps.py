"""App config for registry: labs, platforms, benchmark projects and the plan's targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the district overview's kept figures are kept from (migration registry 0023, docs/aggregates.md).
PLACE_SOURCES = ("enterprises.Enterprise", "enterprises.TierDesignation", "enterprises.Tenancy", "parks.Unit",
                 "parks.Park", "registry.Lab", "registry.Platform", "registry.BenchmarkProject")


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
    # The tables PostgreSQL keeps from versioned ones in the writing transaction (config.data_version.sources): an
    # answer read from one is cached under the version of the tables whose triggers write it (docs/aggregates.md).
    kept_models = {"registry.FilingTotal": ("enterprises.AnnualFiling",),
                   "registry.NotFiledYears": ("enterprises.Enterprise", "enterprises.Tenancy",
                                              "enterprises.AnnualFiling"),
                   "registry.InOperationChange": ("registry.Lab", "registry.Platform", "registry.BenchmarkProject"),
                   **dict.fromkeys(("registry.PlaceDay", "registry.PlaceDelta", "registry.ParkDay",
                                    "registry.ParkDelta"), PLACE_SOURCES)}

    def ready(self):
        """Register the registry's own plan-board indicators (registry.plan_indicators, into config.plan_board) and
        the support awards' and the park services' kinds of import (registry.fund_imports and
        registry.park_service_imports, into enterprises.imports)."""
        from . import fund_imports, park_service_imports, plan_indicators  # noqa: F401

        fund_imports.register()
        park_service_imports.register()
