"""The one world builder of the tests: parks, their administrators, enterprises registered with them and their
users, made from the factories (tests/factories.py) in one call.

`build_world(parks=2, admins=(1, 0), enterprises=(0, 1), users=1)` makes two parks, an administrator of the first,
an enterprise registered with the second and a user of it. A count given as an int holds for every park; a
sequence gives one count per park. `districts=3` spreads the parks over three new districts in turn (the fourth park
joins the first's); `local=True` registers each enterprise in its park's district (else in a district of its own).
A module adds what is particular to its cases (tenancies, filings, designations) on top, with `World.let` for a
tenancy of a new unit.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from enterprises.models import Enterprise, EnterpriseMembership, Tenancy
from parks.models import District, Park, ParkMembership

from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
)


@dataclass
class World:
    """What build_world made: the parks in order, per park its administrators and registered enterprises, and the
    enterprise users (memberships) in the order made."""

    parks: list[Park]
    districts: list[District] = field(default_factory=list)  # the districts made for the parks (`districts=`)
    park_memberships: list[list[ParkMembership]] = field(default_factory=list)  # per park: its administrators'
    enterprises: list[list[Enterprise]] = field(default_factory=list)  # per park: enterprises registered with it
    members: list[EnterpriseMembership] = field(default_factory=list)

    @property
    def admins(self) -> list[list]:
        """Per park: its administrators (users)."""
        return [[m.user for m in memberships] for memberships in self.park_memberships]

    def admin(self, park: int = 0):
        """The first administrator of the park at index `park`."""
        return self.admins[park][0]

    def enterprise(self, park: int = 0, index: int = 0) -> Enterprise:
        """The `index`-th enterprise registered with the park at index `park`."""
        return self.enterprises[park][index]

    def members_of(self, enterprise: Enterprise) -> list[EnterpriseMembership]:
        """The memberships build_world made for one enterprise."""
        return [m for m in self.members if m.enterprise_id == enterprise.pk]

    def let(self, *, enterprise: Enterprise, park: int = 0, start: datetime.date, end: datetime.date | None = None,
            **kwargs) -> Tenancy:
        """Let a new unit of the park at index `park` to an enterprise (of any park) from `start` to `end`."""
        return TenancyFactory(unit=UnitFactory(park=self.parks[park]), enterprise=enterprise, start=start, end=end,
                              **kwargs)


def per_park(count: int | Sequence[int], parks: int, name: str) -> list[int]:
    """A count for every park: an int repeated, or a sequence of one count per park."""
    if isinstance(count, int):
        return [count] * parks
    if len(count) != parks:
        raise ValueError(f"{name}: {len(count)} counts for {parks} parks")
    return list(count)


def build_world(
    *, parks: int = 2, admins: int | Sequence[int] = 1, enterprises: int | Sequence[int] = 0,
    users: int | Sequence[int] = 0,
    staff: bool = False, district: District | None = None, districts: int = 0, local: bool = False,
    park_kwargs: Callable[[int], dict] | None = None,
    enterprise_kwargs: dict | Callable[[int, int], dict] | None = None,
    admin_kwargs: Callable[[int, int], dict] | None = None,
) -> World:
    """Make `parks` parks (in `district` if given, or spread over `districts` new districts in turn),
    `admins` administrators and `enterprises` registered enterprises per park (in their park's district when
    `local`), and `users` users of every enterprise (or per park: of every enterprise of that park);
    administrators are staff when `staff`.

    `park_kwargs(index)` returns a park's factory arguments; `enterprise_kwargs` are every enterprise's, or a
    function of (park index, index in the park) returning them; `admin_kwargs(park index, index)` an
    administrator's user arguments.
    """
    if district and districts:
        raise ValueError("give district or districts, not both")
    made = World(parks=[], districts=[DistrictFactory() for _ in range(districts)])

    def park_extra(p: int) -> dict:
        place = {"district": district} if district else {"district": made.districts[p % districts]} if districts else {}
        return {**place, **(park_kwargs(p) if park_kwargs else {})}

    def enterprise_extra(park: Park, p: int, n: int) -> dict:
        given = enterprise_kwargs(p, n) if callable(enterprise_kwargs) else enterprise_kwargs or {}
        return {**({"district": park.district} if local else {}), **given}

    made.parks = [ParkFactory(**park_extra(p)) for p in range(parks)]
    for p, (park, count) in enumerate(zip(made.parks, per_park(admins, parks, "admins"), strict=True)):
        made.park_memberships.append([
            ParkMembershipFactory(park=park, user=UserFactory(**{"is_staff": staff,
                                                                **(admin_kwargs(p, n) if admin_kwargs else {})}))
            for n in range(count)])
    for p, (park, count) in enumerate(zip(made.parks, per_park(enterprises, parks, "enterprises"), strict=True)):
        made.enterprises.append([EnterpriseFactory(park=park, **enterprise_extra(park, p, n)) for n in range(count)])
    for registered, count in zip(made.enterprises, per_park(users, parks, "users"), strict=True):
        for enterprise in registered:
            made.members.extend(EnterpriseMembershipFactory(enterprise=enterprise) for _ in range(count))
    return made
