"""What the parks app registers with the access layer when it loads: the district-staff and park-administrator
membership roles."""

from access.scoping import DISTRICT_ROLE, PARK_ROLE, register_membership

from .models import DistrictMembership, ParkMembership


def register() -> None:
    """Register the district-staff and park-administrator roles (ParksConfig.ready)."""
    register_membership(DISTRICT_ROLE, model=DistrictMembership, field="district")
    register_membership(PARK_ROLE, model=ParkMembership, field="park")
