"""Self-grant through the admin: the membership add page refused nothing the API refuses, and offered every
account in the city (bureau staff and superusers included) as the user to add.

The attacks, as a park administrator signed in to the admin: add themselves to an enterprise registered with
their park (the API refuses it); add a bureau account or another park's administrator; read the user choice."""

import pytest
from django.urls import reverse

from enterprises.models import EnterpriseMembership
from parks.models import ParkMembership

from ..factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    UserFactory,
    bureau_user,
)

pytestmark = pytest.mark.django_db
ADD = reverse("admin:enterprises_enterprisemembership_add")


@pytest.fixture
def park(client):
    """P1's administrator signed in to the admin, an enterprise of P1 with a user, and accounts elsewhere."""
    p1, p2 = ParkFactory(), ParkFactory()
    admin = ParkMembershipFactory(park=p1).user
    admin.is_staff = True
    admin.save()
    enterprise = EnterpriseFactory(park=p1)
    colleague = EnterpriseMembershipFactory(enterprise=enterprise).user
    client.force_login(admin)
    return {
        "client": client, "admin": admin, "p1": p1, "enterprise": enterprise, "colleague": colleague,
        "bureau": bureau_user(username="bureau-chief"), "root": UserFactory(username="root-account",
                                                                            is_superuser=True, is_staff=True),
        "other_admin": ParkMembershipFactory(park=p2, user=UserFactory(username="p2-admin")).user,
        "stranger": EnterpriseMembershipFactory(enterprise=EnterpriseFactory(park=p2),
                                                user=UserFactory(username="p2-user")).user,
    }


def test_a_park_administrator_cannot_add_themselves_to_an_enterprise(park):
    response = park["client"].post(ADD, {"user": park["admin"].pk, "enterprise": park["enterprise"].pk})
    assert response.status_code in (200, 403), response.status_code  # the form again with its error, or refused
    assert not EnterpriseMembership.objects.filter(user=park["admin"]).exists()


@pytest.mark.parametrize("who", ["bureau", "root", "other_admin", "stranger"])
def test_a_park_administrator_cannot_add_an_account_outside_their_scope(park, who):
    response = park["client"].post(ADD, {"user": park[who].pk, "enterprise": park["enterprise"].pk})
    assert response.status_code in (200, 403)
    assert not EnterpriseMembership.objects.filter(user=park[who], enterprise=park["enterprise"]).exists()


def test_the_user_choice_lists_only_accounts_in_scope(park):
    page = park["client"].get(ADD)
    assert page.status_code == 200
    choices = {str(pk) for pk, _label in page.context["adminform"].form.fields["user"].choices if pk}
    assert str(park["colleague"].pk) in choices
    for who in ("admin", "bureau", "root", "other_admin", "stranger"):
        assert str(park[who].pk) not in choices, who
    html = page.content.decode()
    for name in ("bureau-chief", "root-account", "p2-admin", "p2-user"):
        assert name not in html, name


def test_a_park_administrator_cannot_add_a_park_administrator(park):
    response = park["client"].post(reverse("admin:parks_parkmembership_add"),
                                   {"user": park["admin"].pk, "park": ParkFactory().pk})
    assert response.status_code == 403
    assert ParkMembership.objects.filter(user=park["admin"]).count() == 1


def test_a_colleague_in_scope_can_be_added(park):
    """The legitimate use: an account of an enterprise of P1 added as a user of another enterprise of P1."""
    second = EnterpriseFactory(park=park["p1"])
    response = park["client"].post(ADD, {"user": park["colleague"].pk, "enterprise": second.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert EnterpriseMembership.objects.filter(user=park["colleague"], enterprise=second).exists()
