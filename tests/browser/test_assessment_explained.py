"""The self-assessment explained, as the enterprise's user goes through it (docs/screens-assessment.md): their page
shows each failing criterion with its figure, threshold and shortfall, and the designation they hold stated apart;
on a draft filing they try their figures against the rules (按规则试算), change a figure, try again and see the
result change, while nothing is saved until they save. Screenshots at 1440 and 390 px at every step."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises.choices import FilingStatus, Tier
from enterprises.models import AnnualFiling, EnterpriseMembership
from enterprises.selectors import reporting_year
from tests.factories import AnnualFilingFactory, TierDesignationFactory, UserFactory, approved_filing
from tests.worlds import build_world

from .conftest import assert_accessible, login, shots

# The 2026 专精特新 criteria met but for the R&D share (2.50% of a 3% minimum) and the time in the niche (30 months
# of 36).
FIGURES = {
    "revenue": Decimal("6000"), "revenue_prev": Decimal("5000"), "revenue_prev2": Decimal("4000"),
    "main_revenue": Decimal("5500"), "rd_expense": Decimal("150"), "rd_expense_prev": Decimal("250"),
    "debt_ratio": Decimal("50"), "niche_months": 30, "staff": 100, "rd_staff": 30, "sme_sector": "software_it",
    "ip_class1": 2,
}
DRAFT_YEAR = timezone.localdate().year  # a draft of this year's figures, under the 2026 measures


@pytest.fixture
def firm(live_server):
    """An enterprise of a park with one user ("explained_user"), its approved filing of the reporting year, a
    专精特新 designation in force, and a draft filing of this year with the same figures."""
    world = build_world(parks=1, enterprises=1)
    enterprise = world.enterprise()
    year = reporting_year()
    approved_filing(enterprise=enterprise, year=year, **FIGURES)
    TierDesignationFactory(enterprise=enterprise, tier=Tier.SPECIALISED, year=year,
                           granted_on=datetime.date(year, 6, 1), batch=f"{year}年第一批")
    draft = AnnualFilingFactory(enterprise=enterprise, year=DRAFT_YEAR, **FIGURES)
    user = UserFactory(username="explained_user")
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    return enterprise, draft


def row(page, scope: str, code: str):
    """The row of a criterion in a tier's table under `scope`."""
    return page.locator(f'{scope} table.criteria[data-tier="specialised"] tr[data-criterion="{code}"]')


def fits(page, width: int = 390) -> None:
    """Nothing on the page is wider than a phone's screen (no sideways scrolling)."""
    page.set_viewport_size({"width": width, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_user_sees_why_and_tries_a_draft_without_saving_it(page, firm):
    enterprise, draft = firm
    login(page, "explained_user", f"/me/enterprises/{enterprise.pk}/")
    page.goto(f"{page.live_url}/me/enterprises/{enterprise.pk}/")

    # 1. The page: each failing criterion with its figure, threshold and shortfall; the designation apart.
    card = page.locator("#tier-specialised")
    assert card.get_attribute("data-disagreement") == "held_unmet"
    rd_share = row(page, "#tier-specialised", "rd_share")
    assert rd_share.get_attribute("data-passed") == "false"
    assert rd_share.locator(".figure").inner_text() == "2.50%"
    assert rd_share.locator(".threshold").inner_text() == "≥ 3%"
    assert rd_share.locator(".margin").inner_text() == "差 0.50个百分点"
    niche = row(page, "#tier-specialised", "niche_months")
    assert niche.get_attribute("data-passed") == "false"
    assert (niche.locator(".figure").inner_text(), niche.locator(".margin").inner_text()) == ("30个月", "差 6个月")
    failing = card.locator('tr.criterion:not(.part)[data-passed="false"]')
    codes = {failing.nth(i).get_attribute("data-criterion") for i in range(failing.count())}
    assert {"rd_share", "niche_months"} <= codes
    assert f"{len(codes)} 项未达到" in card.locator(".verdict").inner_text()
    assert "有效期至" in card.locator(".designation").inner_text()
    assert "自评不改变认定" in card.locator(".disagreement").inner_text()
    assert "认定由主管部门作出" in page.inner_text("#assessment-explain")
    shots(page, "assessment-explained-01-page")
    assert_accessible(page)
    fits(page)

    # 2. The draft filing, tried as it stands.
    page.goto(f"{page.live_url}/me/filings/{draft.pk}/")
    shots(page, "assessment-explained-02-draft")
    assert_accessible(page)
    page.click("#try-draft")
    page.wait_for_selector('#draft-result-body[data-state="assessed"]')
    assert row(page, "#draft-result", "rd_share").get_attribute("data-passed") == "false"
    assert "未保存" in page.inner_text("#draft-result")
    shots(page, "assessment-explained-03-draft-tried")
    assert_accessible(page)
    fits(page)

    # 3. A figure changed on the form, tried again: the result changes; nothing is written.
    page.fill("#id_rd_expense", "240")
    page.fill("#id_niche_months", "36")
    page.click("#try-draft")
    page.wait_for_selector('#draft-result table[data-tier="specialised"] tr[data-criterion="rd_share"]'
                           '[data-passed="true"]')
    rd_share = row(page, "#draft-result", "rd_share")
    assert (rd_share.locator(".figure").inner_text(), rd_share.locator(".margin").inner_text()) == (
        "4.00%", "超出 1.00个百分点")
    assert row(page, "#draft-result", "niche_months").get_attribute("data-passed") == "true"
    shots(page, "assessment-explained-04-draft-changed")
    assert_accessible(page)
    draft.refresh_from_db()
    assert (draft.rd_expense, draft.niche_months, draft.status) == (Decimal("150.00"), 30, FilingStatus.DRAFT)

    # 4. A value the form refuses: its error shown where the result was; still nothing written.
    page.fill("#id_debt_ratio", "150")
    page.click("#try-draft")
    page.wait_for_selector('#draft-result-body[data-state="invalid"]')
    assert page.locator('#draft-result li[data-field="debt_ratio"]').count() == 1
    shots(page, "assessment-explained-05-draft-refused")
    assert_accessible(page)
    draft.refresh_from_db()
    assert draft.debt_ratio == Decimal("50.00")

    # 5. Saved: only now is the draft changed.
    page.fill("#id_debt_ratio", "50")
    page.click("button[name=save]")
    page.wait_for_load_state()
    page.wait_for_selector("#filing-form")
    shots(page, "assessment-explained-06-draft-saved")
    draft.refresh_from_db()
    assert (draft.rd_expense, draft.niche_months) == (Decimal("240.00"), 36)
    assert AnnualFiling.objects.get(pk=draft.pk).status == FilingStatus.DRAFT
