"""Shared fixtures: API clients authenticated by token in each role, and anonymous."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from .factories import EnterpriseMembershipFactory, ParkMembershipFactory, UserFactory, bureau_user


def token_client(user) -> APIClient:
    """An API client that authenticates as `user` with a real token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


def park_admin_client(park) -> APIClient:
    """Client of a new administrator of `park`."""
    return token_client(ParkMembershipFactory(park=park).user)


def enterprise_user_client(enterprise) -> APIClient:
    """Client of a new user of `enterprise`."""
    return token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttling counters and cached responses never leak from one test into the next."""
    cache.clear()


@pytest.fixture
def bureau_client(db):
    """Client of a bureau staff member (sees and may do everything)."""
    return token_client(bureau_user())


@pytest.fixture
def user_client(db):
    """Client of a signed-in account that holds no role."""
    return token_client(UserFactory())


@pytest.fixture
def anon_client():
    """Client with no credentials."""
    return APIClient()
