"""The test world builder (tests/worlds.py): it makes the parks, administrators, registered enterprises and users
it is asked for, and nothing else, and the scope rules see them as a park's own."""

import datetime

import pytest

from access.scoping import full_view
from enterprises.models import Enterprise, EnterpriseMembership, Tenancy
from parks.models import District, Park, ParkMembership

from .factories import DistrictFactory
from .worlds import build_world

pytestmark = pytest.mark.django_db


def test_it_makes_what_it_is_asked_for_and_nothing_else():
    world = build_world(parks=3, admins=(2, 0, 1), enterprises=(1, 3, 0), users=2, staff=True)
    assert Park.objects.count() == 3 and [len(a) for a in world.admins] == [2, 0, 1]
    for park, admins in zip(world.parks, world.admins, strict=True):
        assert set(ParkMembership.objects.filter(park=park).values_list("user", flat=True)) == {a.pk for a in admins}
        assert all(a.is_staff for a in admins)
    assert Enterprise.objects.count() == 4
    for park, registered in zip(world.parks, world.enterprises, strict=True):
        assert {e.park_id for e in registered} <= {park.pk}
        assert set(Enterprise.objects.filter(park=park)) == set(registered)
    assert EnterpriseMembership.objects.count() == 8 == len(world.members)
    assert [len(world.members_of(e)) for e in world.enterprises[1]] == [2, 2, 2]
    assert not Tenancy.objects.exists()


def test_counts_per_park_must_match_the_parks():
    with pytest.raises(ValueError):
        build_world(parks=2, admins=(1, 1, 1))


def test_district_and_enterprise_arguments_reach_the_records():
    district = DistrictFactory()
    world = build_world(parks=2, enterprises=2, district=district, park_kwargs=lambda p: {"name": f"园区{p}"},
                        enterprise_kwargs=lambda p, n: {"short_name": f"园{p}企{n}"})
    assert {p.district_id for p in world.parks} == {district.pk}
    assert [p.name for p in Park.objects.order_by("pk")] == ["园区0", "园区1"]
    assert [[e.short_name for e in r] for r in world.enterprises] == [["园0企0", "园0企1"], ["园1企0", "园1企1"]]


def test_a_let_enterprise_of_another_park_stays_registered_there():
    world = build_world(admins=(1, 0), enterprises=(0, 1))
    tenant = world.enterprise(1)
    tenancy = world.let(enterprise=tenant, park=0, start=datetime.date(2024, 1, 1))
    assert tenancy.unit.park == world.parks[0] and tenancy.enterprise.park == world.parks[1]
    assert Enterprise.objects.get(pk=tenant.pk).park_id == world.parks[1].pk
    assert not full_view(user=world.admin(0), record=tenant)  # a tenant shows P1's administrator its public face


def test_an_administrator_sees_the_parks_registered_enterprises_whole():
    world = build_world(admins=1, enterprises=1)
    assert full_view(user=world.admin(0), record=world.enterprise(0))
    assert not full_view(user=world.admin(0), record=world.enterprise(1))


def test_parks_spread_over_new_districts_in_turn():
    world = build_world(parks=3, admins=0, districts=2)
    assert len(world.districts) == 2 and District.objects.count() == 2
    assert [p.district for p in world.parks] == [world.districts[0], world.districts[1], world.districts[0]]
    assert build_world(parks=1, admins=0).districts == []
    with pytest.raises(ValueError, match="district or districts"):
        build_world(parks=1, district=world.districts[0], districts=1)


def test_local_enterprises_are_registered_in_their_parks_district():
    world = build_world(parks=2, admins=0, districts=2, enterprises=(2, 1), local=True,
                        enterprise_kwargs=lambda p, n: {"short_name": f"园{p}企{n}"})
    for park, registered in zip(world.parks, world.enterprises, strict=True):
        assert {(e.park_id, e.district_id) for e in registered} == {(park.pk, park.district_id)}
    assert world.enterprise(0, 1).short_name == "园0企1"
    elsewhere = build_world(parks=1, admins=0, enterprises=1).enterprise(0)
    assert elsewhere.district_id != elsewhere.park.district_id  # not local: a district of its own


def test_admin_arguments_and_users_per_park():
    world = build_world(parks=2, admins=(2, 1), enterprises=2, users=(1, 0),
                        admin_kwargs=lambda p, n: {"username": f"admin-{p}-{n}"})
    assert [[a.username for a in admins] for admins in world.admins] == [["admin-0-0", "admin-0-1"], ["admin-1-0"]]
    assert [len(world.members_of(e)) for registered in world.enterprises for e in registered] == [1, 1, 0, 0]
    assert EnterpriseMembership.objects.count() == 2
    with pytest.raises(ValueError, match="users"):
        build_world(parks=2, users=(1, 1, 1))
