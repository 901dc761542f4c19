"""The park administrator's review walk: the 待审核 queue, a filing beside last year's with the rule set's ratios,
its approval through the confirmation dialog, another filing returned with a reason, and the enterprise user reading
that reason on their filing page."""

import datetime
from decimal import Decimal

from django.utils import timezone, translation

from config.amounts import money_display
from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling, EnterpriseMembership
from enterprises.services import filing_submit
from tests.factories import AnnualFilingFactory, UserFactory, approved_filing

from .conftest import assert_accessible, login, shots

YEAR = 2025  # the year filed here; the world approved 2024 for its enterprises (SUMMARY_YEAR)


def submit(enterprise, user, *, days_ago: int, **figures) -> AnnualFiling:
    """A filing of YEAR submitted by the user through the service, as if `days_ago` days ago."""
    filing = filing_submit(filing=AnnualFilingFactory(enterprise=enterprise, year=YEAR, **figures), user=user)
    AnnualFiling.objects.filter(pk=filing.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=days_ago))
    return filing


def test_a_park_administrator_reviews_the_queue_and_the_enterprise_reads_the_return_reason(page, world):
    newcomer_user = UserFactory(username="newcomer_user")
    EnterpriseMembership.objects.create(user=newcomer_user, enterprise=world.newcomer)
    approved_filing(enterprise=world.newcomer, year=YEAR - 1, revenue=Decimal("8000"), main_revenue=Decimal("7500"),
                    rd_expense=Decimal("320"))
    first = submit(world.newcomer, newcomer_user, days_ago=5, revenue=Decimal("12500"), rd_expense=Decimal("750"))
    second = submit(world.ours, world.enterprise_user, days_ago=2)
    elsewhere = submit(world.theirs, UserFactory(), days_ago=9)

    # The queue: the park's two filings, oldest first, the other park's not there; the count in the navigation.
    login(page, "park_admin", "/review/")
    page.goto(f"{page.live_url}/review/")
    assert page.locator("#nav-review-count").inner_text() == "2"
    rows = page.locator("#review-queue tbody tr")
    assert [rows.nth(i).get_attribute("data-filing") for i in range(rows.count())] == [str(first.pk), str(second.pk)]
    assert elsewhere.park == world.other_park and world.theirs.name not in page.locator("#review-queue").inner_text()
    shots(page, "review-01-queue")
    assert_accessible(page)

    # The first filing: figures beside last year's, the ratios the rules read, the assessment.
    page.click(f'#review-queue tr[data-filing="{first.pk}"] a')
    page.wait_for_load_state()
    assert page.url.endswith(f"/review/filings/{first.pk}/")
    revenue = page.locator('#review-figures tr[data-figure="revenue"] td')
    # Amounts by the one money rule in Chinese (Django's zh_Hans groups digits by four: 8000.00万元)
    with translation.override("zh-hans"):
        shown = [money_display(12500), money_display(8000), f"+{money_display(4500)}"]
    assert revenue.all_inner_texts()[:4] == [*shown, "+56.25%"]
    assert shown[0] == "1.25亿元"
    rd_share = page.locator("#review-ratios tbody tr").filter(has_text="研发费用占营业收入比重").first
    assert rd_share.locator("td").all_inner_texts() == ["6.00%", "4.00%", "+2.00"]
    assert page.locator(".review-tier").count() >= 2
    shots(page, "review-02-filing")
    assert_accessible(page)

    # Approve: the dialog states the freeze; cancelling it changes nothing, confirming approves.
    page.click("#approve-button")
    dialog = page.locator("#approve-dialog")
    assert dialog.is_visible() and "冻结" in dialog.inner_text()
    shots(page, "review-03-approve-dialog")
    assert_accessible(page)
    dialog.locator("[data-close-dialog]").click()
    assert not dialog.is_visible()
    first.refresh_from_db()
    assert first.status == FilingStatus.SUBMITTED
    page.click("#approve-button")
    with page.expect_navigation():
        page.click("#approve-confirm")
    assert page.url.endswith("/review/")
    assert "已审核通过并冻结" in page.locator(".messages").inner_text()
    first.refresh_from_db()
    assert first.status == FilingStatus.APPROVED
    assert page.locator("#nav-review-count").inner_text() == "1"
    shots(page, "review-04-approved")
    assert_accessible(page)

    # Return the other with a reason (without one the page answers 400 with the field's message: tests/test_review.py;
    # the browser walk fails on any 4xx, so it is not walked here), then back to the queue.
    page.click(f'#review-queue tr[data-filing="{second.pk}"] a')
    page.wait_for_load_state()
    assert page.locator("#previous-filing").inner_text().startswith("对比2024年度")
    shots(page, "review-05-second-filing")
    assert_accessible(page)
    # Without JavaScript the approve link is the confirmation page: shown, then left by Cancel, nothing approved.
    page.goto(f"{page.live_url}/review/filings/{second.pk}/approve/")
    assert "冻结" in page.locator("main").inner_text() and page.locator("#approve-form input[type=checkbox]").count()
    shots(page, "review-05b-confirmation-page")
    assert_accessible(page)
    page.click("#approve-form a")
    page.wait_for_load_state()
    second.refresh_from_db()
    assert second.status == FilingStatus.SUBMITTED and page.url.endswith(f"/review/filings/{second.pk}/")
    page.fill("#id_reason", "研发人员数与上年相比变化较大，请核对后重新提交。")
    with page.expect_navigation():
        page.click("#return-button")
    assert page.url.endswith("/review/") and "已退回" in page.locator(".messages").inner_text()
    assert "没有待您审核的年报" in page.locator("#review-queue").inner_text()
    shots(page, "review-06-returned")
    assert_accessible(page)
    second.refresh_from_db()
    assert second.status == FilingStatus.RETURNED

    # The enterprise user reads the reason on their filing page.
    page.click('header form[action$="/logout/"] button')
    page.wait_for_load_state()
    login(page, "enterprise_user", f"/me/filings/{second.pk}/")
    page.goto(f"{page.live_url}/me/filings/{second.pk}/")
    assert "研发人员数与上年相比变化较大" in page.locator("#return-reason").inner_text()
    shots(page, "review-07-enterprise-reads-reason")
    assert_accessible(page)
