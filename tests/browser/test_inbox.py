"""The inbox walk of an enterprise user: the header's bell counting what the park's review sent them, the inbox
(another user's notification not in it), one marked read in place (htmx: the bell counts down without a reload),
all marked read, a notification's link followed, and the choice of the inbox only; then in English."""

import datetime

from django.utils import timezone
from django.utils.http import urlencode

from config.notifications.models import Notification, NotificationPreference
from config.notifications.services import notify
from enterprises.models import AnnualFiling
from enterprises.reminders import reminders_send
from enterprises.services import filing_approve, filing_return, filing_submit
from tests.factories import AnnualFilingFactory

from .conftest import assert_accessible, login, shots, switch_language


def reviewed(world, year: int, *, approve: bool) -> AnnualFiling:
    """A filing of the user's enterprise submitted by them and reviewed by the park's administrator."""
    filing = filing_submit(filing=AnnualFilingFactory(enterprise=world.ours, year=year), user=world.enterprise_user)
    if approve:
        return filing_approve(filing=filing, user=world.park_admin)
    return filing_return(filing=filing, user=world.park_admin, reason="研发人员数与社保记录不符")


def test_an_enterprise_user_reads_marks_and_sets_the_inbox(page, world):
    returned = reviewed(world, 2025, approve=False)
    reviewed(world, 2023, approve=True)
    notify(users=[world.park_admin], kind="filing", subject="别人的通知：园区管理员")  # not the user's

    # The bell on the dashboard counts the two unread.
    login(page, "enterprise_user", "/me/")
    assert page.locator("#bell-count").inner_text().split()[0] == "2"
    shots(page, "inbox-01-bell")
    assert_accessible(page)

    # The bell's dropdown loads the two when opened, each a link to its filing; closed again.
    page.click("#bell-menu summary")
    page.wait_for_selector("#bell-latest .bell-item a")
    assert page.locator("#bell-latest .bell-item").count() == 2
    assert page.locator("#bell-latest .bell-item a").first.get_attribute("href").startswith("/me/filings/")
    shots(page, "inbox-01b-bell-dropdown")
    assert_accessible(page)
    page.click("#bell-menu summary")

    # The inbox: the two, newest first, unread; the administrator's not there.
    page.click("#nav-bell")
    page.wait_for_load_state()
    assert page.url.endswith("/inbox/")
    items = page.locator("#notifications li.notification")
    assert items.count() == 2
    assert items.nth(0).locator("strong").inner_text().endswith("2023年度报表已审核通过")
    assert items.nth(1).locator("strong").inner_text().endswith("2025年度报表已退回")
    assert "研发人员数与社保记录不符" in items.nth(1).inner_text()
    assert "别人的通知" not in page.locator("main").inner_text()
    assert page.locator("#notifications li.unread").count() == 2
    shots(page, "inbox-02-list")
    assert_accessible(page)

    # Mark the first read in place: the row loses its mark, the bell counts down, no reload.
    first = items.nth(0)
    with page.expect_response(lambda r: "/read/" in r.url):
        first.locator("button.notification-read").click()
    page.wait_for_selector("#notifications li.notification:not(.unread)")
    assert page.locator("#bell-count").inner_text().split()[0] == "1"
    assert page.locator("#notifications li.unread").count() == 1
    shots(page, "inbox-03-one-read")
    assert_accessible(page)

    # Follow the returned filing's notification to the filing.
    page.locator(f'#notifications li[data-notification] a[href="/me/filings/{returned.pk}/"]').click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/me/filings/{returned.pk}/")
    page.go_back()
    page.wait_for_load_state()

    # Mark all read.
    page.click("#inbox-read-all")
    page.wait_for_load_state()
    assert page.locator("#bell-count").inner_text().split()[0] == "0"
    assert page.locator("#notifications li.unread").count() == 0
    assert "标为已读" in page.locator(".messages").inner_text()
    shots(page, "inbox-04-all-read")
    assert_accessible(page)

    # Settings: the inbox only.
    page.click("#inbox-preferences-link")
    page.wait_for_load_state()
    assert page.locator("input[name=delivery][value=email]").is_checked()
    shots(page, "inbox-05-settings")
    assert_accessible(page)
    page.check("input[name=delivery][value=inbox]")
    page.click("#preferences-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("input[name=delivery][value=inbox]").is_checked()
    assert NotificationPreference.objects.get(user=world.enterprise_user).email is False
    shots(page, "inbox-06-settings-saved")
    assert_accessible(page)

    # In English: the same notifications, in English.
    page.goto(f"{page.live_url}/inbox/")
    switch_language(page, "en")
    assert page.locator("#notifications li").nth(1).locator("strong").inner_text().endswith(
        "the filing for 2025 was returned")
    assert page.locator("#nav-bell").inner_text().split()[:2] == ["Inbox", "0"]
    shots(page, "inbox-07-english")
    assert_accessible(page)
    assert Notification.objects.filter(recipient=world.enterprise_user, read_at__isnull=True).count() == 0


def test_a_park_administrator_reads_a_reminder_and_opens_the_tenancy(page, world):
    tenancy = world.ours.tenancies.get()
    tenancy.end = timezone.localdate() + datetime.timedelta(days=10)
    tenancy.save()
    assert reminders_send()["tenancies_ending"] == 1

    login(page, "park_admin", "/inbox/")
    page.goto(f"{page.live_url}/inbox/")
    item = page.locator("#notifications li.notification").first
    assert "的租约将于" in item.inner_text() and world.ours.name in item.inner_text()
    assert page.locator("#bell-count").inner_text().split()[0] == "1"
    shots(page, "inbox-11-park-admin-reminder")
    assert_accessible(page)
    item.locator("strong a").click()
    page.wait_for_load_state()
    # The reminder leads to the park's lease board, searched for the unit, with the tenancy's contract scans linked.
    assert page.url.endswith(f"/board/?{urlencode({'park': tenancy.park_id, 'q': tenancy.unit.label})}")
    card = page.locator(f'li.unit-card[data-unit="{tenancy.unit.label}"]')
    assert card.count() == 1 and str(world.ours) in card.inner_text()
    assert card.locator("a.contract-link").get_attribute("href") == f"/me/evidence/tenancy/{tenancy.pk}/"
    shots(page, "inbox-12-park-admin-tenancy")
