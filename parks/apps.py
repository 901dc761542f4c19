"""App config for parks: districts, parks and their leasable units."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    """The places: districts, parks, units."""

    name = "parks"
    verbose_name = _("Parks")

    # The models whose writes move the data version on (config.data_version.versioned_tables).
    versioned_models = ("parks.District", "parks.Park", "parks.Unit", "parks.ParkMembership",
                       "parks.DistrictMembership",
                       "parks.ParkService")  # the park services: the plan board reads them

    def ready(self):
        """Register the district-staff and park-administrator memberships as roles (parks/scopes.py); register the
        park services' plan-board indicators (parks/plan_indicators.py, into config.plan_board)."""
        from . import plan_indicators, scopes  # noqa: F401 (plan_indicators: the plan board's, config.plan_board)

        scopes.register()
