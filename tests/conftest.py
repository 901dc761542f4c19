"""Shared fixtures: API clients authenticated by token in each role, and anonymous."""

import pytest
from django.core.cache import cache
from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config.data_version import all_tables, move_on_each_statement, sources, versioned_tables
from config.db import DEFAULT, REPLICA, replica_usable
from config.filters import forget_known_choices

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
    forget_known_choices()


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True, scope="session")
def _versioned_tables_read(request, django_db_setup, django_db_blocker):
    """The tables whose list counts may be cached are read once per process (config.data_version), and the replica's
    lag asked (config.db): here, so that no test's query count holds these queries. Not where no test uses the test
    database (none is set up then: tests with databases of their own, tests/faults)."""
    if not any(item.get_closest_marker("django_db") or {"db", *TRANSACTIONAL_FIXTURES} & set(item.fixturenames)
               for item in request.session.items):
        return
    with django_db_blocker.unblock():
        versioned_tables()
        all_tables()
        sources()
        replica_usable()


def is_transactional(node) -> bool:
    """Whether a test commits its data (a transactional test) rather than running in one transaction rolled back."""
    marker = node.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    return bool(kwargs.get("transaction") or kwargs.get("reset_sequences")
                or TRANSACTIONAL_FIXTURES & set(getattr(node, "fixturenames", ())))


def pytest_collection_modifyitems(items):
    """Reports read through the replica alias (config.db), a test mirror of the default database: transactional
    tests (their data committed, the live server's threads with connections of their own) get it as a connection
    of its own, added to the databases they may use."""
    if REPLICA not in connections:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        databases = kwargs.get("databases") or [DEFAULT]
        if not is_transactional(item) or (marker and marker.args) or databases == "__all__" or REPLICA in databases:
            continue
        kwargs.update(transaction=True, databases=[*databases, REPLICA])
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(autouse=True)
def _one_transaction(request):
    """A test in one transaction, rolled back, never commits. Its writes move the data version on at each statement
    instead (config.data_version), as committed writes would, so that the answers cached before them end; and the
    replica alias is the default connection itself, so that the reports see the test's uncommitted data, as
    Django's docs describe a test mirror."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker or "db" in request.fixturenames) or is_transactional(request.node):
        yield
        return
    request.getfixturevalue("db")  # the test's database set up first: it forbids the replica's own connection
    move_on_each_statement()
    lend = REPLICA in connections and (marker.kwargs.get("databases") if marker else None) != "__all__"
    replica = connections[REPLICA] if lend else None
    if lend:
        connections[REPLICA] = connections[DEFAULT]
    yield
    if lend:
        connections[REPLICA] = replica


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


from .mail import smtp_server  # noqa: E402,F401 (the real SMTP server fixture, for every test module)
