"""Finding 2, the inviter holds the invitee's credential: the uid and token of a new account came back in the
invitation's API answer and nothing went to the invited address, so an inviter could create an account for a
tenant and act as it (submit its figures, then approve them as its park).

Now the answer carries the invitation's id, address, expiry and membership only; the link goes by mail to the
invited address alone, and only a hash of its token is stored."""

import json
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from ..conftest import park_admin_client
from ..factories import EnterpriseFactory, ParkFactory
from ..mail import link_in, links_in

pytestmark = pytest.mark.django_db

OLD_ACCEPT = "/api/v1/invitations/accept/"
CHOSEN = "Inviter-chose-this-2025"


def test_the_inviter_cannot_set_the_new_accounts_password_nor_act_as_it(anon_client, smtp_server):
    park = ParkFactory()
    tenant = EnterpriseFactory(park=park)
    inviter = park_admin_client(park)
    answer = inviter.post(reverse("api:invitation"), {"username": "tenant.user", "email": "user@tenant.example",
                                                      "enterprise": tenant.pk}, format="json")
    assert answer.status_code == 201, answer.data
    if answer.data.get("uid") and answer.data.get("token"):  # the attack: spend them
        anon_client.post(OLD_ACCEPT, {"uid": answer.data["uid"], "token": answer.data["token"],
                                      "password": CHOSEN}, format="json")
    obtained = anon_client.post(reverse("api:token"), {"username": "tenant.user", "password": CHOSEN}, format="json")
    assert obtained.status_code == 400  # no token to act as the tenant with
    assert not get_user_model().objects.get(username="tenant.user").has_usable_password()


def test_the_answer_holds_no_credential_and_the_link_goes_to_the_invited_address_only(smtp_server, settings):
    settings.SITE_URL = "https://registry.example"
    park = ParkFactory()
    tenant = EnterpriseFactory(park=park)
    inviter = park_admin_client(park)
    inviter.user.email = "inviter@park.example"
    inviter.user.save()
    answer = inviter.post(reverse("api:invitation"), {"username": "tenant.user", "email": "user@tenant.example",
                                                      "enterprise": tenant.pk}, format="json")
    assert answer.status_code == 201, answer.data
    assert set(answer.data) <= {"id", "username", "email", "expires", "membership", "account_created"}
    assert answer.data["email"] == "user@tenant.example" and answer.data["expires"]
    text = json.dumps(answer.data)
    assert "http" not in text and "/accounts/" not in text

    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["user@tenant.example"] and mail.message["To"] == "user@tenant.example"
    link = link_in(mail, "/accounts/invitation/")
    assert link.startswith("https://registry.example/accounts/invitation/")
    assert all(link not in json.dumps(answer.data) for link in links_in(mail))
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    assert len(token) >= 32 and token not in text
    # Only a hash of the token is stored: no column of any invitation holds it.
    invitation = apps.get_model("enterprises", "Invitation").objects.get(pk=answer.data["id"])
    assert token not in json.dumps(list(type(invitation).objects.values())[0], default=str)
    assert smtp_server.to("inviter@park.example") == []
