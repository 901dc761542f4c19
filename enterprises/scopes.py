"""What the enterprises app registers with the access layer and the parks app when it loads: the enterprise
membership role, the scope paths its relations add to parks and units (the enterprises registered with a park, the
tenants of a park or unit), and its tenancies' rules on a unit."""

from access.scoping import ENTERPRISE_ROLE, register_membership, register_paths
from parks.models import Park, ParkService, Unit, register_unit_check

from .models import EnterpriseMembership
from .models.enterprise import unit_tenancies_check


def register() -> None:
    """Register the enterprise role, the paths from parks and units to their enterprises, and the unit check
    (EnterprisesConfig.ready)."""
    register_membership(ENTERPRISE_ROLE, model=EnterpriseMembership, field="enterprise")
    register_paths(Park, enterprise=("enterprises", "tenancies__enterprise"))
    register_paths(Unit, enterprise=("tenancies__enterprise",))
    register_unit_check(unit_tenancies_check)
    # A park's services are read by the enterprises registered with it and by its tenants (ParkService's rule).
    register_paths(ParkService, enterprise=("park__enterprises", "park__tenancies__enterprise"))
