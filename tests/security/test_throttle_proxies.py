"""Throttles bypassed with X-Forwarded-For: each request claiming another forwarded address was counted as a new
client (DRF keys an anonymous client on the whole header when it is told of no proxy), so the token endpoint and
the sign-in pages could be tried without end.

The client is now the socket's address (NUM_PROXIES = 0), or the NUM_PROXIES-th address from the right of
X-Forwarded-For behind that many proxies of our own, decided by config.throttling.client_ip for every DRF throttle
and for django-axes, which locks a username out of the sign-in pages from an address after AXES_FAILURE_LIMIT
failures (a Chinese page; the attempts listed to the bureau in the admin)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from config.throttling import ClientIpThrottle, client_ip

from ..conftest import park_admin_client
from ..factories import ParkFactory, ParkMembershipFactory, UserFactory, bureau_user

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ["admin:login", "login"]


def forwarded(n: int) -> dict:
    """Headers of a request claiming to be forwarded for a new address each time."""
    return {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n % 250}, 198.51.100.{n // 250}"}


def test_rotating_the_header_does_not_reset_the_token_throttle():
    client = APIClient()  # a username each time (the same one is locked out sooner: below)
    statuses = [client.post(reverse("api:token"), {"username": f"somebody{n}", "password": "wrong"},
                            **forwarded(n)).status_code for n in range(11)]
    assert statuses[:10] == [400] * 10 and statuses[10] == 429


@pytest.mark.parametrize("url_name", SIGN_IN_PAGES)
def test_rotating_the_header_does_not_reset_the_sign_in_throttle(client, url_name):
    url = reverse(url_name)
    statuses = [client.post(url, {"username": f"guess{n}", "password": "y"}, **forwarded(n)).status_code
                for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_rotating_the_header_does_not_reset_the_invitation_throttle():
    client = park_admin_client(ParkFactory())
    url = reverse("api:invitation")
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["invitations"].split("/")[0])
    statuses = [client.post(url, {}, format="json", **forwarded(n)).status_code for n in range(limit + 1)]
    assert 429 not in statuses[:limit] and statuses[limit] == 429


@pytest.mark.parametrize(("proxies", "header", "expected"), [
    (0, "203.0.113.7", "10.0.0.1"),  # no proxy trusted: the socket's address, whatever the header says
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # one proxy: the right-most, the one it appended
    (2, "198.51.100.1, 203.0.113.7, 192.0.2.9", "203.0.113.7"),
    (3, "203.0.113.7", "203.0.113.7"),  # fewer addresses than proxies: the left-most the proxies wrote
    (1, "", "10.0.0.1"),  # no header (a request past the proxy): the socket's address
    (1, "not-an-address", "10.0.0.1"),
    (1, "2001:db8::1", "2001:db8::1"),
])
def test_client_ip(proxies, header, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=header)
    with override_settings(NUM_PROXIES=proxies):
        assert client_ip(request) == expected


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_client_is_the_right_most_address():
    client, url = APIClient(), reverse("api:token")

    def body(n):
        return {"username": f"somebody{n}", "password": "wrong"}

    # One client behind the proxy, lying on the left of the header: still one client.
    lies = [client.post(url, body(n), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7").status_code
            for n in range(11)]
    assert lies[10] == 429
    # Eleven clients behind the proxy: each its own count.
    clients = [client.post(url, body(n), HTTP_X_FORWARDED_FOR=f"203.0.113.{100 + n}").status_code
               for n in range(11)]
    assert 429 not in clients


def views(patterns):
    """Every view class the URL map serves (viewsets and API views)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns)
        else:
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            if view is not None:
                yield view


def test_every_throttle_keys_on_the_client_ip():
    throttled = {view for view in views(get_resolver().url_patterns) if getattr(view, "throttle_classes", None)}
    assert len(throttled) > 20
    for view in throttled:
        for throttle in view.throttle_classes:
            assert issubclass(throttle, ClientIpThrottle), f"{view.__name__}: {throttle.__name__}"


def sign_in(client, url_name: str, username: str, password: str, n: int = 0):
    """POST a sign-in page with these credentials (claiming a forwarded address n)."""
    return client.post(reverse(url_name), {"username": username, "password": password}, **forwarded(n))


@pytest.mark.parametrize("url_name", SIGN_IN_PAGES)
def test_failures_lock_the_username_out_from_that_address(client, url_name):
    UserFactory(username="target", is_staff=True)
    statuses = [sign_in(client, url_name, "target", "wrong", n).status_code
                for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the last failure locks
    locked = sign_in(client, url_name, "target", "pw", 99)  # the right password, from a "new" address
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多" in page and "target" in page and "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="target")
    assert attempt.ip_address == "127.0.0.1"
    assert attempt.failures_since_start == settings.AXES_FAILURE_LIMIT + 1  # the refused attempt counts too
    # Another username from the same address still signs in.
    UserFactory(username="colleague", is_staff=True)
    assert sign_in(client, url_name, "colleague", "pw").status_code == 302


def test_the_token_endpoint_shares_the_lockout():
    UserFactory(username="target")
    client, url = APIClient(), reverse("api:token")
    statuses = [client.post(url, {"username": "target", "password": "wrong"}, **forwarded(n)).status_code
                for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post(url, {"username": "target", "password": "pw"}, HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429 and "token" not in locked.data and "failed sign-ins" in locked.data["detail"]
    # The sign-in pages too: one lockout per username and address.
    page = Client().post(reverse("login"), {"username": "target", "password": "pw"})
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()


@override_settings(NUM_PROXIES=1)
def test_behind_one_proxy_the_lockout_records_the_right_most_address(client):
    UserFactory(username="target")
    client.post(reverse("login"), {"username": "target", "password": "wrong"},
                HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7")
    assert AccessAttempt.objects.get(username="target").ip_address == "203.0.113.7"


def test_the_bureau_sees_the_lockouts_in_the_admin(client):
    UserFactory(username="target")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "target", "password": "wrong"})
    attempt = AccessAttempt.objects.get(username="target")
    changelist = reverse("admin:axes_accessattempt_changelist")

    staff = bureau_user(is_staff=True)
    client.force_login(staff)
    page = client.get(changelist)
    assert page.status_code == 200 and "target" in page.content.decode()
    assert client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 200
    # Unlocking is deleting the attempts.
    delete = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()

    park_admin = ParkMembershipFactory(user__is_staff=True).user
    client.force_login(park_admin)
    assert client.get(changelist).status_code == 403
