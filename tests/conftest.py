"""Shared fixtures: API clients authenticated by token as staff, as a plain user, and anonymous."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .factories import UserFactory


def token_client(user) -> APIClient:
    """An API client that authenticates as `user` with a real token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def staff_client(db):
    """Client of a staff account (may write until roles land)."""
    return token_client(UserFactory(is_staff=True))


@pytest.fixture
def user_client(db):
    """Client of an authenticated account without staff rights (reads only)."""
    return token_client(UserFactory())


@pytest.fixture
def anon_client():
    """Client with no credentials."""
    return APIClient()
