"""Accounts: the invitation page and its links, password reset and change by mail (a real SMTP server), the mail
settings, and user management in the admin (bureau staff: every account; park administrators: their own)."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from enterprises.models import EnterpriseMembership, Invitation
from parks.models import ParkMembership

from .conftest import token_client
from .factories import EnterpriseFactory, ParkFactory, TenancyFactory, UserFactory, bureau_user, home_tenancy
from .mail import free_port, link_in
from .settings_probe import settings_of
from .worlds import build_world

pytestmark = pytest.mark.django_db
GOOD = "Ein-gutes-Passwort-2025"


def path_of(link: str) -> str:
    """The path of an absolute link (the test client serves every host)."""
    return urlsplit(link).path


@pytest.fixture
def site(settings):
    """Links in mails start with the test server's address."""
    settings.SITE_URL = "http://testserver"


# --- the invitation pages --------------------------------------------------------------------------------------
def test_bureau_invites_a_park_administrator_on_the_invite_page(client, smtp_server, site):
    park = ParkFactory()
    client.force_login(bureau_user(is_staff=True))
    page = client.get(reverse("invite"))
    assert page.status_code == 200 and 'name="park"' in page.content.decode() and "邀请用户" in page.content.decode()
    response = client.post(reverse("invite"), {"username": "Li.Admin", "email": "li@park.example", "park": park.pk})
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    user = get_user_model().objects.get(username="Li.Admin")
    assert user.is_staff and not user.has_usable_password() and user.park_memberships.get().park == park
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["li@park.example"] and "Li.Admin" in mail.body and "北京" in mail.subject
    accept = path_of(link_in(mail, "/accounts/invitation/"))
    client.logout()
    response = client.post(accept, {"new_password1": GOOD, "new_password2": GOOD})
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200  # signed in, in the admin


def test_park_administrator_invites_a_tenants_user_on_the_page_and_not_beyond(client, smtp_server, site):
    # The park's own tenant (registered with it) is offered; a tenant registered elsewhere and a stranger are not.
    tenancy, elsewhere, stranger = home_tenancy(), TenancyFactory(), EnterpriseFactory()
    elsewhere.unit.park = tenancy.park
    elsewhere.unit.save()
    admin = UserFactory(is_staff=True)
    ParkMembership.objects.create(user=admin, park=tenancy.park)
    client.force_login(admin)
    page = client.get(reverse("invite")).content.decode()
    assert 'name="park"' not in page and tenancy.enterprise.name in page and stranger.name not in page
    assert elsewhere.enterprise.name not in page
    refused = client.post(reverse("invite"), {"username": "x.y", "email": "x@example.com", "enterprise": stranger.pk})
    assert refused.status_code == 200 and refused.context["form"].errors.get("enterprise")
    response = client.post(reverse("invite"), {"username": "wang", "email": "wang@tenant.example",
                                               "enterprise": tenancy.enterprise_id})
    assert response.status_code == 302
    assert EnterpriseMembership.objects.filter(user__username="wang", enterprise=tenancy.enterprise).exists()
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["wang@tenant.example"]


def test_enterprise_users_and_anonymous_visitors_may_not_invite(client):
    member = UserFactory()
    EnterpriseMembership.objects.create(user=member, enterprise=EnterpriseFactory())
    assert client.get(reverse("invite")).status_code == 302  # to sign in
    client.force_login(member)
    assert client.get(reverse("invite")).status_code == 403


def test_inviting_an_existing_account_tells_its_own_address_and_sends_no_link(smtp_server, site):
    existing = UserFactory(username="zhao", email="zhao@own.example")
    stored = existing.password
    enterprise = EnterpriseFactory()
    answer = token_client(bureau_user()).post(reverse("api:invitation"), {
        "username": "ZHAO", "email": "other@elsewhere.example", "enterprise": enterprise.pk}, format="json")
    assert answer.status_code == 201 and answer.data["account_created"] is False and answer.data["expires"] is None
    [notice] = smtp_server.wait_for(1)
    assert notice.rcpt_tos == ["zhao@own.example"] and "/accounts/invitation/" not in notice.body
    existing.refresh_from_db()
    assert existing.password == stored and existing.email == "zhao@own.example"
    assert Invitation.objects.get(pk=answer.data["id"]).token_hash is None


def test_expired_used_and_unknown_links_answer_a_chinese_page(client, smtp_server, site, settings):
    park = ParkFactory()
    answer = token_client(bureau_user()).post(reverse("api:invitation"), {
        "username": "late", "email": "late@example.com", "park": park.pk}, format="json")
    accept = path_of(link_in(smtp_server.wait_for(1)[0], "/accounts/invitation/"))
    Invitation.objects.filter(pk=answer.data["id"]).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    for method in (client.get, client.post):
        gone = method(accept)
        assert gone.status_code == 410 and "此邀请链接无效" in gone.content.decode()
    unknown = client.get(reverse("invitation-accept", args=["x" * 43]))
    assert unknown.status_code == 404 and "没有与此链接对应的邀请" in unknown.content.decode()
    assert client.get(reverse("invitation-accept", args=["x" * 500])).status_code == 404
    assert not get_user_model().objects.get(username="late").has_usable_password()


def test_the_link_expires_after_invitation_ttl(smtp_server, site, settings):
    settings.INVITATION_TTL = datetime.timedelta(days=2)
    before = timezone.now()
    answer = token_client(bureau_user()).post(reverse("api:invitation"), {
        "username": "soon", "email": "soon@example.com", "park": ParkFactory().pk}, format="json")
    expires = Invitation.objects.get(pk=answer.data["id"]).expires
    assert before + datetime.timedelta(days=2) <= expires <= timezone.now() + datetime.timedelta(days=2)


def test_a_mail_server_that_is_down_answers_503_and_keeps_nothing(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # nobody there
    users = get_user_model().objects.count()
    answer = token_client(bureau_user()).post(reverse("api:invitation"), {
        "username": "nomail", "email": "nomail@example.com", "park": ParkFactory().pk}, format="json")
    assert answer.status_code == 503 and answer.data["detail"]
    assert get_user_model().objects.count() == users + 1  # the bureau user only
    assert not Invitation.objects.exists() and not ParkMembership.objects.filter(user__username="nomail").exists()


# --- password reset and change --------------------------------------------------------------------------------
def test_password_reset_by_mail(client, smtp_server, site):
    user = UserFactory(username="qian", email="qian@example.com")
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "忘记密码" in login_page
    assert "重置密码" in client.get(reverse("password_reset")).content.decode()
    response = client.post(reverse("password_reset"), {"email": "QIAN@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["qian@example.com"] and "qian" in mail.body
    link = link_in(mail, "/accounts/reset/")
    assert link.startswith("http://testserver/accounts/reset/")
    form = client.get(path_of(link), follow=True)
    assert form.status_code == 200 and "设置新密码" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(GOOD)
    assert client.get(path_of(link), follow=True).context["validlink"] is False  # once only


def test_password_reset_links_ignore_the_host_header(client, smtp_server, settings):
    settings.SITE_URL = "https://registry.example"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    UserFactory(username="sun", email="sun@example.com")
    client.post(reverse("password_reset"), {"email": "sun@example.com"}, HTTP_HOST="evil.example")
    link = link_in(smtp_server.wait_for(1)[0], "/accounts/reset/")
    assert link.startswith("https://registry.example/accounts/reset/")


def test_no_mail_for_an_unknown_address_and_the_same_answer(client, smtp_server):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert smtp_server.messages == []


def test_password_change_for_a_signed_in_user(client):
    user = UserFactory()
    client.force_login(user)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()
    response = client.post(reverse("password_change"), {"old_password": "pw", "new_password1": GOOD,
                                                        "new_password2": GOOD})
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(GOOD)


# --- the mail settings ----------------------------------------------------------------------------------------
def test_mail_settings_follow_the_environment():
    names = ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL",
             "SITE_URL")
    found = settings_of("production", *names, EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
                        DEFAULT_FROM_EMAIL="registry@example.com", SITE_URL="https://registry.example/")
    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "mailer", "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "registry@example.com", "SITE_URL": "https://registry.example",
    }
    one_by_one = settings_of("production", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", EMAIL_HOST="mail.internal",
                             EMAIL_PORT="2525", EMAIL_USE_TLS="true")
    assert one_by_one == {"EMAIL_HOST": "mail.internal", "EMAIL_PORT": 2525, "EMAIL_USE_TLS": True}
    local = settings_of("local", "EMAIL_BACKEND")
    assert local["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


# --- user management in the admin -----------------------------------------------------------------------------
@pytest.fixture
def people():
    """A park with its administrator, a co-administrator and a tenant's user; another park's administrator and
    tenant's user; a bureau account; an account with no role."""
    world = build_world(admins=(2, 1), enterprises=1, users=1, staff=True)
    (tenant_user,), (foreign_user,) = (world.members_of(world.enterprise(p)) for p in (0, 1))
    accounts = {"admin": world.admins[0][0], "co_admin": world.admins[0][1], "other_admin": world.admin(1),
                "tenant_user": tenant_user.user, "foreign_user": foreign_user.user}
    for key, account in accounts.items():
        account.username = key
        account.save(update_fields=["username"])
    accounts["bureau"] = bureau_user(username="bureau", is_staff=True)
    accounts["nobody"] = UserFactory(username="nobody")
    return accounts


def test_park_administrators_see_only_their_parks_and_tenants_users(client, people):
    client.force_login(people["admin"])
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert listing.status_code == 200
    shown = {user.username for user in listing.context["cl"].result_list}
    assert shown == {"admin", "co_admin", "tenant_user"}
    assert reverse("invite") in listing.content.decode()  # the invite button
    assert client.get(reverse("admin:auth_user_change", args=[people["tenant_user"].pk])).status_code == 200
    for hidden in ("bureau", "other_admin", "foreign_user", "nobody"):
        response = client.get(reverse("admin:auth_user_change", args=[people[hidden].pk]))
        assert response.status_code == 302 and response.url == reverse("admin:index"), hidden  # "does not exist"


def test_park_administrators_change_no_account(client, people):
    client.force_login(people["admin"])
    target = people["tenant_user"]
    url = reverse("admin:auth_user_change", args=[target.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page and "md5$" not in page  # read-only, no password summary
    response = client.post(url, {"username": target.username, "email": "admin@mine.example", "is_staff": "on",
                                 "is_superuser": "on", "is_active": "on"})
    assert response.status_code == 403
    assert client.get(reverse("admin:auth_user_add")).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
    target.refresh_from_db()
    assert (target.email, target.is_staff, target.is_superuser) == ("", False, False)


def test_bureau_staff_manage_every_account_but_only_superusers_make_superusers(client, people):
    client.force_login(people["bureau"])
    listing = client.get(reverse("admin:auth_user_changelist"))
    assert {user.username for user in listing.context["cl"].result_list} >= set(people)
    target = people["nobody"]
    url = reverse("admin:auth_user_change", args=[target.pk])
    response = client.post(url, {
        "username": target.username, "email": "nobody@example.com", "is_active": "on", "is_staff": "on",
        "is_superuser": "on", "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    target.refresh_from_db()
    assert (target.email, target.is_staff, target.is_superuser) == ("nobody@example.com", True, False)


def test_enterprise_users_have_no_user_management(client, people):
    client.force_login(people["tenant_user"])
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302  # not staff: to sign in
