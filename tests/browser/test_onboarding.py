"""Onboarding in a real browser, with a real SMTP server: bureau staff invite a park administrator from the admin's
user list, the mail arrives, its link opens the Chinese set-password page; the new administrator invites a user of
a tenant, who opens their link, sets a password, signs in and reaches their enterprise's page under /me/."""

import re

import pytest

from enterprises.models import EnterpriseMembership
from parks.models import ParkMembership
from tests.factories import EnterpriseFactory, ParkFactory, TenancyFactory, UnitFactory, bureau_user
from tests.mail import link_in

from .conftest import login, shot

PARK_ADMIN_PASSWORD = "Yuanqu-guanli-2025"
TENANT_PASSWORD = "Qiye-yonghu-2025"


@pytest.fixture
def onboarding(live_server, smtp_server, settings):
    """A park with a tenant registered with it, a bureau account, and mail links to the live server."""
    settings.SITE_URL = live_server.url
    park = ParkFactory(name="朝阳数字人基地")
    tenant = EnterpriseFactory(name="光境数字科技有限公司", short_name="光境数字", park=park, district=park.district)
    TenancyFactory(unit=UnitFactory(park=park), enterprise=tenant)
    elsewhere = EnterpriseFactory(name="运河智能有限公司", short_name="运河智能")
    bureau_user(username="bureau", is_staff=True)
    return park, tenant, elsewhere


def sign_out(page) -> None:
    """Sign out with the site header's button (from the admin too: the admin has its own header)."""
    if "/admin/" in page.url:
        page.goto(f"{page.live_url}/accounts/password_change/")
    page.click("header form[action$='/accounts/logout/'] button")
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url


def invite_from_the_user_list(page, username: str, email: str, **choose) -> None:
    """Open the admin's user list, follow its invite button, fill in the invitation and send it."""
    page.goto(f"{page.live_url}/admin/auth/user/")
    page.click("text=邀请用户")
    page.wait_for_url(re.compile(r".*/accounts/invite/$"))
    page.fill("#id_username", username)
    page.fill("#id_email", email)
    for field, value in choose.items():
        page.select_option(f"#id_{field}", value)
    page.click("#invite button[type=submit]")
    page.wait_for_load_state()


def set_password_from_mail(page, mail, password: str, name: str) -> None:
    """Open the mailed link and set a password on the Chinese page."""
    page.goto(link_in(mail, "/accounts/invitation/"))
    assert page.locator("h1").inner_text() == "设置密码"
    assert page.get_attribute("html", "lang") == "zh-hans"
    shot(page, name)
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("#set-password button[type=submit]")
    page.wait_for_load_state()


def test_bureau_invites_a_park_administrator_who_invites_a_tenants_user(page, onboarding, smtp_server):
    park, tenant, elsewhere = onboarding

    login(page, "bureau", "/admin/", password="pw")
    invite_from_the_user_list(page, "Zhou.Admin", "zhou@park.example", park=str(park.pk))
    shot(page, "onboarding-01-bureau-invited")
    assert "已邀请 Zhou.Admin" in page.inner_text(".messages")
    [first] = smtp_server.wait_for(1)
    assert first.rcpt_tos == ["zhou@park.example"] and "Zhou.Admin" in first.body
    sign_out(page)

    set_password_from_mail(page, first, PARK_ADMIN_PASSWORD, "onboarding-02-park-admin-sets-password")
    assert page.url.endswith("/admin/")  # signed in, in the admin
    admin = ParkMembership.objects.get(park=park).user
    assert admin.username == "Zhou.Admin" and admin.check_password(PARK_ADMIN_PASSWORD)
    sign_out(page)

    login(page, "zhou.admin", "/admin/", password=PARK_ADMIN_PASSWORD)  # any case
    page.goto(f"{page.live_url}/admin/auth/user/")
    assert "Zhou.Admin" in page.inner_text("#result_list") and "bureau" not in page.inner_text("#result_list")
    page.goto(f"{page.live_url}/accounts/invite/")
    options = page.locator("#id_enterprise option").all_inner_texts()
    assert tenant.name in options and elsewhere.name not in options and page.locator("#id_park").count() == 0
    invite_from_the_user_list(page, "wu.tenant", "wu@tenant.example", enterprise=str(tenant.pk))
    shot(page, "onboarding-03-park-admin-invited")
    assert "已邀请 wu.tenant" in page.inner_text(".messages")
    second = smtp_server.wait_for(2)[1]
    assert second.rcpt_tos == ["wu@tenant.example"]
    sign_out(page)

    set_password_from_mail(page, second, TENANT_PASSWORD, "onboarding-04-tenant-sets-password")
    assert f"/me/enterprises/{tenant.pk}/" in page.url and tenant.name in page.inner_text("main")
    sign_out(page)
    login(page, "WU.TENANT", "/me/", password=TENANT_PASSWORD)
    assert f"/me/enterprises/{tenant.pk}/" in page.url
    shot(page, "onboarding-05-tenant-at-me")
    assert EnterpriseMembership.objects.get(enterprise=tenant).user.username == "wu.tenant"

    again = page.request.get(link_in(second, "/accounts/invitation/"))  # the link works once (a 410 page)
    assert again.status == 410 and "此邀请链接无效" in again.text()
