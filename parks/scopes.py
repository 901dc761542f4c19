"""What the parks app registers with the access layer when it loads: the district-staff and park-administrator
membership roles."""

from access.scoping import DISTRICT_ROLE, PARK_ROLE, register_membership

from .models import DistrictMembership, ParkMembership


def parks_of(user) -> frozenset[int]:
    """The ids of the parks a user administers."""
    return frozenset(ParkMembership.objects.filter(user=user).values_list("park_id", flat=True))


def districts_of(user) -> frozenset[int]:
    """The ids of the districts a user works for."""
    return frozenset(DistrictMembership.objects.filter(user=user).values_list("district_id", flat=True))


def register() -> None:
    """Register the district-staff and park-administrator roles (ParksConfig.ready)."""
    register_membership(DISTRICT_ROLE, districts_of, model=DistrictMembership)
    register_membership(PARK_ROLE, parks_of, model=ParkMembership)
