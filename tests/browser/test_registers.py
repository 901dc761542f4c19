"""The enterprise's own registers (我的登记) in a real browser, as their users use them: from the profile, an
enterprise user adds a standard (a refusal first, shown on its field), a patent, a virtual character with two
registrations, a financing round and a listing, changes the round, deletes the listing, starts a filing and finds it
prefilled from the registers, with the note's link back to them; the park's administrator opens the tenant's
registers from its profile and reads them, with nothing to change. Every page is checked with axe-core and shot at
1440 and 390 px (docs/registers-enterprise.md)."""

import re

from django.utils import timezone

from enterprises.models import DigitalHumanIp, FinancingRound, IntellectualProperty, Listing, Standard

from .conftest import assert_accessible, login, shots

YEAR = timezone.localdate().year - 1  # the year a new filing starts with
TODAY = timezone.localdate()


def save(page) -> str:
    """Submit the register's form and wait for the list it leads back to; the message shown."""
    page.click("#register-form button[type=submit]")
    page.wait_for_selector("#register-table")
    return page.inner_text(".messages")


def tab(page, slug: str) -> None:
    """Open a register's tab."""
    page.click(f'#register-tabs a[data-register="{slug}"]')
    page.wait_for_selector(f'#register-table[data-register="{slug}"]')


def add(page) -> None:
    """Open the current tab's form for a new record."""
    page.click("#register-add")
    page.wait_for_selector("#register-form")


def test_enterprise_user_keeps_the_registers_and_the_park_reads_them(page, world):
    ours = world.ours
    login(page, "enterprise_user", "/me/")
    page.wait_for_url(re.compile(rf".*/me/enterprises/{ours.pk}/$"))
    page.click("#registers-link a")
    page.wait_for_url(re.compile(rf".*/me/enterprises/{ours.pk}/registers/$"))
    assert page.locator("h1").inner_text() == "我的登记 · 标准"
    tabs = page.locator("#register-tabs a").all_inner_texts()
    assert tabs == ["标准", "知识产权", "虚拟形象", "融资", "上市（挂牌）", "合规备案", "产业活动"]
    assert "暂无记录" in page.inner_text("#register-table")
    assert_accessible(page)
    shots(page, "registers-01-empty")

    # A standard: published without its number is refused on the field, in Chinese; then drafted.
    add(page)
    page.fill("#id_title", "服务型数字人 通用技术要求")
    page.select_option("#id_level", "group")
    page.select_option("#id_role", "lead")
    page.select_option("#id_status", "published")
    page.fill("#id_published_on", f"{YEAR}-04-01")
    page.click("#register-form button[type=submit]")
    page.wait_for_selector(".field.has-error")
    assert page.locator(".field.has-error #id_number").count() == 1
    assert "已发布的标准须填写标准编号。" in page.inner_text(".field.has-error")
    assert not Standard.objects.exists()
    assert_accessible(page)
    shots(page, "registers-02-standard-refused")
    page.select_option("#id_status", "drafting")
    page.fill("#id_published_on", "")
    assert "已保存" in save(page)
    assert "服务型数字人 通用技术要求" in page.inner_text("#register-table")

    # A patent, class I, self-developed.
    tab(page, "ip")
    add(page)
    page.select_option("#id_type", "invention")
    page.fill("#id_number", "ZL202410000001")
    page.fill("#id_title", "一种数字人驱动方法")
    page.fill("#id_granted_on", f"{YEAR}-03-01")
    page.check("#id_self_developed")
    assert "已保存" in save(page)
    assert "一种数字人驱动方法" in page.inner_text("#register-table")
    assert IntellectualProperty.objects.get(enterprise=ours).ip_class == "1"

    # A virtual character with two registrations.
    tab(page, "characters")
    add(page)
    page.fill("#id_name", "小境")
    page.select_option("#id_dh_type", "service")
    page.fill("#id_launched_on", f"{YEAR}-05-01")
    page.select_option("#id_registrations-0-kind", "copyright")
    page.fill("#id_registrations-0-number", "国作登字-2025-F-1")
    page.fill("#id_registrations-0-registered_on", f"{YEAR}-05-10")
    page.select_option("#id_registrations-1-kind", "trademark")
    page.fill("#id_registrations-1-number", "第70000001号")
    page.fill("#id_registrations-1-registered_on", f"{YEAR}-06-10")
    assert_accessible(page)
    shots(page, "registers-03-character-form")
    assert "已保存" in save(page)
    row = page.inner_text("#register-table tbody")
    assert "小境" in row and "第70000001号" in row and "国作登字-2025-F-1" in row
    assert DigitalHumanIp.objects.get(enterprise=ours).registrations.count() == 2

    # A financing round and a listing.
    tab(page, "financing")
    add(page)
    page.fill("#id_closed_on", f"{YEAR}-06-01")
    page.fill("#id_amount", "800")
    page.fill("#id_round_name", "A轮")
    page.fill("#id_lead_investor", "北京某创投")
    page.select_option("#id_guided_fund", "high_tech")
    assert "已保存" in save(page)
    tab(page, "listings")
    add(page)
    page.select_option("#id_board", "neeq")
    page.fill("#id_stock_code", "870001")
    page.fill("#id_listed_on", f"{YEAR}-07-01")
    assert "已保存" in save(page)
    assert Listing.objects.filter(enterprise=ours).count() == 1

    # The round changed, the listing deleted.
    tab(page, "financing")
    page.click("#register-table tbody tr a.edit-link")
    page.wait_for_selector("#register-form")
    page.fill("#id_amount", "1000")
    assert "已保存" in save(page)
    assert "1000.00万元" in page.inner_text("#register-table")
    assert page.locator("#register-table thead th").all_inner_texts()[:3] == ["融资日期", "融资轮次", "金额（万元）"]
    assert FinancingRound.objects.get(enterprise=ours).amount == 1000
    assert_accessible(page)
    shots(page, "registers-04-financing")
    tab(page, "listings")
    page.click("#register-table tbody tr a.delete-link")
    page.wait_for_selector("#register-delete-form")
    assert_accessible(page)
    shots(page, "registers-05-delete-confirm")
    page.click("#register-delete-form button[type=submit]")
    page.wait_for_selector("#register-table")
    assert "已删除" in page.inner_text(".messages") and not Listing.objects.filter(enterprise=ours).exists()

    # A new filing, prefilled from the registers, its note leading back to them.
    page.goto(f"{page.live_url}/me/enterprises/{ours.pk}/filings/new/")
    page.fill("#id_year", str(YEAR))
    page.click("#filing-start button[type=submit]")
    page.wait_for_selector("#filing-form")
    assert page.input_value("#id_ip_class1") == "1" and page.input_value("#id_ip_class1_self_developed") == "1"
    assert page.input_value("#id_equity_financing_2y") == "1000.00"
    assert "根据知识产权登记预填" in page.inner_text("#filing-form")
    assert "部分数据根据企业登记信息预填" in page.inner_text("#register-prefill-note")
    assert_accessible(page)
    shots(page, "registers-06-filing-prefilled")
    page.click("#register-prefill-note a")
    page.wait_for_url(re.compile(rf".*/me/enterprises/{ours.pk}/registers/$"))

    # The park's administrator reads the tenant's registers from its profile, read-only.
    page.context.clear_cookies()
    login(page, "park_admin", f"/me/enterprises/{ours.pk}/")
    page.click("#registers-link a")
    page.wait_for_selector("#register-table")
    assert page.locator("h1").inner_text() == "企业登记信息 · 标准"
    assert "只读" in page.inner_text("#read-only-note")
    assert page.locator("#register-add, a.edit-link, a.delete-link").count() == 0
    tab(page, "characters")
    assert "第70000001号" in page.inner_text("#register-table")
    assert_accessible(page)
    shots(page, "registers-07-park-reads")
