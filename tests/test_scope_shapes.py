"""The SQL `restrict()` builds keeps exactly the records of its condition, once each, for every scoped model, role
and action, before and after each kind of write that moves a record in or out of a scope (docs/speed-writes.md).

The general path is the condition itself, `scope_filter`, asked of the model's table on its own; `restrict` asks a
condition on the record's own columns directly, any other through a subquery, and the FULL_VIEW flag of PUBLIC of
the record alone (never an `IN` over every record seen, which PostgreSQL answered by reading the whole table).
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from access.scoping import ADD, CHANGE, DELETE, FULL_VIEW, PUBLIC, REVIEW, VIEW, RestrictedQuerySet, scope_filter
from enterprises.models import Enterprise, Tenancy
from parks.models import DistrictMembership

from .factories import (
    AnnualFilingFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkMembershipFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    bureau_user,
)
from .worlds import build_world

pytestmark = pytest.mark.django_db
ACTIONS = (VIEW, ADD, CHANGE, DELETE, REVIEW, PUBLIC)
SCOPED = [model for model in apps.get_models() if isinstance(model._default_manager.all(), RestrictedQuerySet)]


@pytest.fixture
def city():
    """Three parks in two districts; P1's tenants of every kind (current, future, open, former, ended today)
    registered elsewhere; filings, designations; and users of each role, one holding several."""
    world = build_world(parks=3, admins=1, enterprises=(2, 3, 2), users=1, districts=2)
    today = timezone.localdate()
    tenant_ends = (today + datetime.timedelta(days=30), None, today - datetime.timedelta(days=1), today)
    for enterprise, end in zip(world.enterprises[1] + world.enterprises[2][:1], tenant_ends, strict=True):
        world.let(enterprise=enterprise, park=0, start=today - datetime.timedelta(days=90), end=end)
    world.let(enterprise=world.enterprise(2, 1), park=0, start=today + datetime.timedelta(days=10))
    for registered in world.enterprises:
        for enterprise in registered:
            AnnualFilingFactory(enterprise=enterprise, year=2024)
            TierDesignationFactory(enterprise=enterprise)
    several = world.admin(1)
    ParkMembershipFactory(park=world.parks[2], user=several)
    EnterpriseMembershipFactory(enterprise=world.enterprise(0, 0), user=several)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=world.districts[0])
    users = {"p1 admin": world.admin(0), "several": several, "staff": staff, "bureau": bureau_user(),
             "member": world.members_of(world.enterprise(1, 0))[0].user, "nobody": UserFactory()}
    return world, users


def assert_same_as_condition(users):
    """For every scoped model, user and action: `restrict` gives the records of `scope_filter`, once each, and
    PUBLIC's FULL_VIEW says whether the record is among those of VIEW."""
    for model in SCOPED:
        every = set(model._base_manager.values_list("pk", flat=True))
        for name, user in users.items():
            def expected(action, model=model, user=user, every=every):
                condition = scope_filter(user=user, model=model, action=action)
                return every if condition is None else set(
                    model._base_manager.filter(condition).values_list("pk", flat=True))
            for action in ACTIONS:
                found = list(model.objects.restrict(user, action).values_list("pk", flat=True))
                assert len(found) == len(set(found)), (model.__name__, name, action, "duplicates")
                assert set(found) == expected(action), (model.__name__, name, action)
            flags = dict(model.objects.restrict(user, PUBLIC).values_list("pk", FULL_VIEW))
            full = expected(VIEW)
            assert flags == {pk: pk in full for pk in expected(PUBLIC)}, (model.__name__, name)
            assert all(flag is True or flag is False for flag in flags.values())


def test_restrict_keeps_the_records_of_its_condition(city):
    world, users = city
    assert_same_as_condition(users)
    assert len(SCOPED) > 15


def test_restrict_after_each_kind_of_write(city):
    world, users = city
    today = timezone.localdate()
    current = Tenancy.objects.filter(park=world.parks[0], end__gt=today).order_by("pk").first()
    current.end = today  # ORM save: the tenant becomes a former one
    current.save()
    assert_same_as_condition(users)
    Tenancy.objects.bulk_create([Tenancy(unit=UnitFactory(park=world.parks[0]), park=world.parks[0],
                                         enterprise=world.enterprise(2, 1), start=today)])  # bulk
    assert_same_as_condition(users)
    with connection.cursor() as cursor:  # raw SQL: an enterprise moves to P1, a tenancy reopens
        cursor.execute("UPDATE enterprises_enterprise SET park_id = %s WHERE id = %s",
                       [world.parks[0].pk, world.enterprise(1, 1).pk])
        cursor.execute("UPDATE enterprises_tenancy SET \"end\" = NULL WHERE id = %s", [current.pk])
    assert_same_as_condition(users)
    Tenancy.objects.filter(enterprise=world.enterprise(1, 2)).delete()  # delete
    EnterpriseFactory(park=world.parks[0])
    TenancyFactory(unit=UnitFactory(park=world.parks[1]), enterprise=world.enterprise(0, 1), start=today)
    assert_same_as_condition(users)


def test_full_view_asked_of_the_record_alone(city):
    """The park administrator's enterprises: the scope on the record's own park column, the flag of a tenant
    without an `IN` over the records seen in the select list."""
    world, users = city
    admin = users["p1 admin"]
    viewed = str(Enterprise.objects.restrict(admin, VIEW).query)
    assert "SELECT" not in viewed.split(" WHERE ", 1)[1]
    public = Enterprise.objects.restrict(admin, PUBLIC)
    select = str(public.query).split(" FROM ", 1)[0]
    assert " IN (SELECT" not in select and "CASE WHEN" in select
    tenant = world.enterprise(1, 0)
    assert public.filter(pk=tenant.pk).values_list(FULL_VIEW, flat=True).get() is False
    assert public.filter(pk=world.enterprise(0, 0).pk).values_list(FULL_VIEW, flat=True).get() is True
