"""API tokens that never expired and survived sign-out.

Before the fix a token, once obtained, worked for ever, and neither the API nor the site's sign-out ended it.
Now a token older than API_TOKEN_TTL answers 401 with a message (a new one replaces it), `POST /api/v1/auth/logout/`
deletes it (204), and signing out of the site deletes the user's token too."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..factories import UserFactory, bureau_user

pytestmark = pytest.mark.django_db


def client_with(token: Token) -> APIClient:
    """An API client presenting the token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_older_than_its_lifetime_is_refused(settings):
    settings.API_TOKEN_TTL = datetime.timedelta(hours=8)
    token = Token.objects.create(user=bureau_user())
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - datetime.timedelta(hours=8, seconds=1))
    for path in (reverse("api:park-list"), reverse("api:district-list"), reverse("api:report-parks")):
        assert client_with(token).get(path).status_code == 401, path
    fresh = Token.objects.create(user=UserFactory())
    Token.objects.filter(pk=fresh.pk).update(created=timezone.now() - datetime.timedelta(hours=7, minutes=59))
    assert client_with(fresh).get(reverse("api:district-list")).status_code == 200


def test_the_expiry_message_is_clear_in_both_languages(settings):
    token = Token.objects.create(user=bureau_user())
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - settings.API_TOKEN_TTL
                                             - datetime.timedelta(seconds=1))
    english = client_with(token).get(reverse("api:park-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 401 and "expired" in str(english.data["detail"])


def test_a_fresh_token_works_and_a_new_one_replaces_an_expired_one(anon_client):
    user = UserFactory()
    first = anon_client.post(reverse("api:token"), {"username": user.username, "password": "pw"}, format="json")
    assert first.status_code == 200 and first.data["expires"]
    key = first.data["token"]
    assert client_with(Token.objects.get(key=key)).get(reverse("api:district-list")).status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(days=30))
    again = anon_client.post(reverse("api:token"), {"username": user.username, "password": "pw"}, format="json")
    assert again.status_code == 200 and again.data["token"] != key
    assert client_with(Token.objects.get(key=again.data["token"])).get(
        reverse("api:district-list")).status_code == 200


def test_api_logout_ends_the_token():
    token = Token.objects.create(user=UserFactory())
    client = client_with(token)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert not Token.objects.filter(user=token.user).exists()
    assert client.get(reverse("api:district-list")).status_code == 401


def test_signing_out_of_the_site_ends_the_token(client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    client.force_login(user)
    assert client.post(reverse("logout")).status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert client_with(token).get(reverse("api:district-list")).status_code == 401


def test_signing_out_of_the_admin_ends_the_token(client):
    user = bureau_user(is_staff=True)
    token = Token.objects.create(user=user)
    client.force_login(user)
    client.post(reverse("admin:logout"))
    assert not Token.objects.filter(user=user).exists()
    assert client_with(token).get(reverse("api:district-list")).status_code == 401
