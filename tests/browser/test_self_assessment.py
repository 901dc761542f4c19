"""The enterprise's self-assessment is a report of a year: its page opens on the reporting year (the latest year whose
filing season has closed), states its basis (year, as-of date, rule set), and a year picked on the page shows that
year's assessment."""

import datetime
from decimal import Decimal

import pytest

from enterprises.models import EnterpriseMembership
from enterprises.selectors import reporting_year
from enterprises.tiers import rule_set_for
from tests.factories import EnterpriseFactory, UserFactory, approved_filing

from .conftest import login, shot


@pytest.fixture
def firm(live_server):
    """An enterprise with approved filings of the reporting year and of the year before (one figure apart), and
    its user."""
    firm = EnterpriseFactory()
    reporting = reporting_year()
    approved_filing(enterprise=firm, year=reporting, revenue=Decimal("12000.00"))
    approved_filing(enterprise=firm, year=reporting - 1, revenue=Decimal("9000.00"))
    user = UserFactory(username="assessing_user")
    EnterpriseMembership.objects.create(user=user, enterprise=firm)
    return firm


def basis_text(page) -> str:
    return page.locator("#assessment-basis").inner_text()


def test_the_self_assessment_opens_on_the_reporting_year_and_a_year_is_picked(page, firm):
    reporting = reporting_year()
    login(page, "assessing_user", f"/me/enterprises/{firm.pk}/")
    page.goto(f"{page.live_url}/me/enterprises/{firm.pk}/")
    picker = page.locator("#assessment-year")
    assert picker.input_value() == str(reporting)
    options = picker.locator("option").all_inner_texts()
    assert [text.split()[0] for text in options] == [str(reporting), str(reporting - 1)]
    text = basis_text(page)
    assert str(reporting) in text and str(rule_set_for(reporting).name) in text
    assert datetime.date(reporting, 12, 31).isoformat() in text
    shot(page, "self-assessment-default-year")

    picker.select_option(str(reporting - 1))
    page.click("#assessment-year-form button[type=submit]")
    page.wait_for_load_state()
    assert f"year={reporting - 1}" in page.url
    assert page.locator("#assessment-year").input_value() == str(reporting - 1)
    assert page.locator("#assessment-basis").get_attribute("data-year") == str(reporting - 1)
    text = basis_text(page)
    assert datetime.date(reporting - 1, 12, 31).isoformat() in text and str(reporting) not in text.split("·")[0]
    shot(page, "self-assessment-year-picked")
