"""What the parks app registers with the access layer when it loads: the park-administrator membership role."""

from access.scoping import PARK_ROLE, register_membership

from .models import ParkMembership


def parks_of(user) -> frozenset[int]:
    """The ids of the parks a user administers."""
    return frozenset(ParkMembership.objects.filter(user=user).values_list("park_id", flat=True))


def register() -> None:
    """Register the park-administrator role (ParksConfig.ready)."""
    register_membership(PARK_ROLE, parks_of, model=ParkMembership)
