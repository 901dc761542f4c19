"""A park administrator and an enterprise user at work in the browser: a tenancy added in the admin shows on the
dashboard's occupancy; a filing started, filled in and submitted on the self-service pages."""

import datetime
from decimal import Decimal

from django.utils import timezone

from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling, Tenancy
from enterprises.selectors import enterprise_assessment
from registry.models import TierSummary
from tests.factories import AnnualFilingFactory

from .conftest import PLAN_YEAR, assert_drawn, login, number, open_dashboard, series, shot, switch_language


def occupancy_shown(page, park_name: str) -> Decimal:
    """The park's occupancy (%) in the table under the occupancy chart, once the chart is drawn."""
    assert_drawn(page, "parks")
    row = page.locator('[data-table="parks"] tbody tr', has_text=park_name)
    return number(row.locator("td").nth(4).inner_text())


def choose(page, field: str, search: str, option: str) -> None:
    """Pick a record in an admin autocomplete (select2) field: type a search, click the option shown."""
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", search)
    page.click(f'.select2-results__option:has-text("{option}")')


def test_park_administrator_adds_a_tenancy_and_sees_occupancy_change(page, world):
    login(page, "park_admin")
    open_dashboard(page)
    shot(page, "03-park-admin-dashboard")
    assert page.locator('[data-chart="plan"]').count() == 0  # the plan is the bureau's
    assert_drawn(page, "tiers")
    park_rows = TierSummary.objects.filter(level="park", park=world.park, year=PLAN_YEAR).exclude(tier="all")
    drawn = series(page, "tiers")
    assert sum(sum(s["data"]) for s in drawn[0::2]) == sum(row.designated for row in park_rows) == 1
    assert world.other_park.name not in page.inner_text('[data-table="tiers"]')  # another park's rows
    assert occupancy_shown(page, world.park.name) == Decimal("50.0")  # 500 of 1,000 m² let
    assert series(page, "parks")[0]["data"] == [50]
    assert world.other_park.name not in page.inner_text('[data-table="parks"]')  # another park's

    page.goto(f"{page.live_url}/admin/enterprises/tenancy/add/")
    choose(page, "enterprise", "新来", world.newcomer.short_name)
    choose(page, "unit", "102", "A-1-102")
    page.fill("#id_start", (timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    shot(page, "04-park-admin-adds-tenancy")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    tenancy = Tenancy.objects.get(enterprise=world.newcomer)
    assert (tenancy.unit, tenancy.park) == (world.units[2], world.park)

    open_dashboard(page)
    shot(page, "05-park-admin-dashboard-after-tenancy")
    assert occupancy_shown(page, world.park.name) == Decimal("100.0")  # the 500 m² unit let too
    assert series(page, "parks")[0]["data"] == [100]


def test_enterprise_user_fills_in_and_submits_a_filing(page, world):
    now = timezone.now()
    AnnualFilingFactory(
        enterprise=world.ours, year=2023, status=FilingStatus.RETURNED, submitted_at=now, reviewed_at=now,
        park=world.park, district=world.park.district, return_reason="研发费用与审计报告不一致，请核对。",
    )
    login(page, "enterprise_user")
    open_dashboard(page)
    shot(page, "06-enterprise-dashboard")
    assert page.locator('[data-chart="tiers"]').count() == 0 and page.locator('[data-chart="parks"]').count() == 0
    assert_drawn(page, "assessment", enterprise=world.ours.pk)
    assessment = enterprise_assessment(enterprise=world.ours, user=world.enterprise_user)[0].as_dict()
    drawn = series(page, "assessment", enterprise=world.ours.pk)
    assert drawn[0]["data"] == [sum(c["passed"] for c in tier["criteria"]) for tier in assessment["tiers"]]
    assert drawn[1]["data"] == [sum(not c["passed"] for c in tier["criteria"]) for tier in assessment["tiers"]]
    assert "研发费用与审计报告不一致" in page.inner_text(".filings")

    page.click(f'a[href="/me/enterprises/{world.ours.pk}/filings/new/"]')
    page.fill("#id_year", "2025")
    page.click("#filing-start button[type=submit]")
    page.wait_for_selector("#filing-form")
    filing = AnnualFiling.objects.get(enterprise=world.ours, year=2025)
    assert page.get_attribute("#filing-status", "data-status") == "draft"
    assert "(万元)" in page.inner_text('label[for="id_revenue"]')
    figures = {"revenue": "12000", "digital_human_revenue": "7000", "main_revenue": "11000", "rd_expense": "900",
               "net_profit": "-150.5", "staff": "80", "rd_staff": "30",
               # The 小巨人 inputs: class-I IP applied with economic benefit, time in the niche in months.
               "ip_class1": "6", "ip_class1_applied": "3", "niche_months": "23"}
    for name, value in figures.items():
        page.fill(f"#id_{name}", value)
    page.check("#id_own_brand")
    page.check("#id_competitive_brand")
    page.click("button[name=submit]")  # the debt ratio still empty: saved, not submitted
    page.wait_for_selector(".field.has-error #id_debt_ratio")
    shot(page, "07-filing-refused-missing-figure")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT and filing.revenue == Decimal("12000") and filing.own_brand
    assert (filing.competitive_brand, filing.ip_class1_applied, filing.niche_months) == (True, 3, 23)

    page.fill("#id_debt_ratio", "42.5")
    page.click("button[name=submit]")
    page.wait_for_selector('#filing-status[data-status="submitted"]')
    shot(page, "08-filing-submitted")
    filing.refresh_from_db()
    assert (filing.status, filing.submitted_by, filing.park) == (FilingStatus.SUBMITTED, world.enterprise_user,
                                                                 world.park)
    assert filing.net_profit == Decimal("-150.50") and filing.debt_ratio == Decimal("42.50")
    assert page.locator("#filing-form button").count() == 0  # read-only once submitted

    switch_language(page, "en")
    assert "Annual filing 2025" in page.inner_text("h1")
    open_dashboard(page)
    shot(page, "09-enterprise-dashboard-en")
    row = page.locator(f'.filings tr[data-filing="{filing.pk}"]')
    assert "2025" in row.inner_text()
