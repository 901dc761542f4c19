"""App config for parks: districts, parks and their leasable units."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    """The places: districts, parks, units."""

    name = "parks"
    verbose_name = _("Parks")

    # The models whose writes move the data version on (config.data_version.versioned_tables).
    versioned_models = ("parks.District", "parks.Park", "parks.Unit", "parks.ParkMembership",
                       "parks.DistrictMembership")

    def ready(self):
        """Register the district-staff and park-administrator memberships as roles (parks/scopes.py)."""
        from . import scopes

        scopes.register()
