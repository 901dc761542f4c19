"""Finding 1, account takeover through invitations: a park administrator invites the username of another park's
pending administrator (an account created by an invitation whose link has not been used yet).

Before the fix, the inviter got a fresh password-set token for that account in the API's answer and so chose
its password; the invitee's own link died. Now inviting an existing account only adds the membership the
inviter may give: no credential changes, nothing usable comes back, the invitee's own link still works."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseMembership, Invitation
from parks.models import ParkMembership

from ..conftest import park_admin_client, token_client
from ..factories import EnterpriseFactory, ParkFactory, UserFactory, bureau_user
from ..mail import link_in

pytestmark = pytest.mark.django_db

OLD_ACCEPT = "/api/v1/invitations/accept/"  # the endpoint the old answer's uid and token were for
CHOSEN = "Attacker-chose-this-2025"


def pending_admin(park):
    """Another park's administrator who has not yet set a password (their invitation's link unused)."""
    user = UserFactory(username="b.admin", email="b.admin@park-b.example", is_staff=True)
    user.set_unusable_password()
    user.save()
    ParkMembership.objects.create(user=user, park=park)
    return user


def use_whatever_came_back(client, answer: dict) -> None:
    """The attack's second step: any uid and token in the answer, spent on setting the password."""
    if answer.get("uid") and answer.get("token"):
        client.post(OLD_ACCEPT, {"uid": answer["uid"], "token": answer["token"], "password": CHOSEN}, format="json")


def test_inviting_another_parks_pending_administrator_changes_no_credential(anon_client, smtp_server):
    park_a, park_b = ParkFactory(), ParkFactory()
    tenant = EnterpriseFactory(park=park_a)
    victim = pending_admin(park_b)
    stored = victim.password
    attacker = park_admin_client(park_a)

    answer = attacker.post(reverse("api:invitation"), {"username": "b.admin", "email": "evil@park-a.example",
                                                       "enterprise": tenant.pk}, format="json")
    assert answer.status_code == 201, answer.data
    use_whatever_came_back(anon_client, answer.data)

    victim.refresh_from_db()
    assert victim.password == stored and not victim.has_usable_password()
    assert not victim.check_password(CHOSEN)
    assert anon_client.post(reverse("api:token"), {"username": "b.admin", "password": CHOSEN},
                            format="json").status_code == 400
    text = answer.content.decode()
    assert "uid" not in answer.data and "token" not in answer.data and "/accounts/" not in text
    assert smtp_server.to("evil@park-a.example") == []  # the address the attacker gave gets nothing
    # What the attacker could give: the membership of its own tenant, and nothing of park B.
    assert EnterpriseMembership.objects.filter(user=victim, enterprise=tenant).exists()
    assert list(victim.park_memberships.values_list("park", flat=True)) == [park_b.pk]
    assert get_user_model().objects.filter(username__iexact="b.admin").count() == 1


def test_the_invitees_own_link_still_works_after_another_park_invites_them(client, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    park_a, park_b = ParkFactory(), ParkFactory()
    tenant = EnterpriseFactory(park=park_a)
    bureau = token_client(bureau_user())
    invited = bureau.post(reverse("api:invitation"), {"username": "b.admin", "email": "b.admin@park-b.example",
                                                      "park": park_b.pk}, format="json")
    assert invited.status_code == 201, invited.data
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["b.admin@park-b.example"]

    attacker = park_admin_client(park_a)
    answer = attacker.post(reverse("api:invitation"), {"username": "B.Admin", "email": "evil@park-a.example",
                                                       "enterprise": tenant.pk}, format="json")
    assert answer.status_code == 201, answer.data
    assert len(smtp_server.messages) <= 2 and smtp_server.to("evil@park-a.example") == []

    path = urlsplit(link_in(mail, "/accounts/invitation/")).path
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": "B-own-password-2025", "new_password2": "B-own-password-2025"})
    assert response.status_code == 302, response.content.decode()[:2000]
    victim = get_user_model().objects.get(username="b.admin")
    assert victim.check_password("B-own-password-2025")


def test_a_waiting_account_invited_again_gets_a_fresh_link_at_its_own_address_only(client, smtp_server, settings):
    """An invitee whose link expired is invited again: the new link goes to the account's own address (never to
    the address the inviter typed), and works; the inviter's answer holds nothing that sets a password."""
    settings.SITE_URL = "http://testserver"
    park_a, park_b = ParkFactory(), ParkFactory()
    bureau = token_client(bureau_user())
    first = bureau.post(reverse("api:invitation"), {"username": "late.admin", "email": "late@park-b.example",
                                                    "park": park_b.pk}, format="json")
    smtp_server.wait_for(1)
    Invitation.objects.filter(pk=first.data["id"]).update(expires=timezone.now() - datetime.timedelta(seconds=1))

    again = park_admin_client(park_a).post(reverse("api:invitation"), {
        "username": "LATE.admin", "email": "evil@park-a.example", "enterprise": EnterpriseFactory(park=park_a).pk},
        format="json")
    assert again.status_code == 201 and again.data["account_created"] is False, again.data
    assert "token" not in again.data and "/accounts/" not in again.content.decode()
    fresh = smtp_server.wait_for(2)[1]
    assert fresh.rcpt_tos == ["late@park-b.example"] and smtp_server.to("evil@park-a.example") == []
    path = urlsplit(link_in(fresh, "/accounts/invitation/")).path
    response = client.post(path, {"new_password1": "Late-but-mine-2025", "new_password2": "Late-but-mine-2025"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="late.admin").check_password("Late-but-mine-2025")
