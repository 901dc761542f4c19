"""The tier self-assessment explained (docs/screens-assessment.md): each criterion's figure, threshold and margin
from the engine (at the threshold's edge too), the same in the API; the enterprise's page states the designations
apart from the assessment; 按规则试算 tries a draft's unsaved figures and writes nothing; another enterprise's filing
is 404."""

import datetime
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from enterprises.choices import FilingStatus, Tier
from enterprises.forms import AnnualFilingForm
from enterprises.models import AnnualFiling
from enterprises.selectors import reporting_year
from enterprises.tiers import assess, get_rule_set

from .conftest import enterprise_user_client
from .factories import AnnualFilingFactory, TierDesignationFactory, approved_filing
from .worlds import build_world

pytestmark = pytest.mark.django_db

# A filing that meets the 2026 专精特新 criteria with room to spare, but for what a case changes.
SPECIALISED_2026 = {
    "revenue": Decimal("6000"), "revenue_prev": Decimal("5000"), "revenue_prev2": Decimal("4000"),
    "main_revenue": Decimal("5500"), "rd_expense": Decimal("300"), "rd_expense_prev": Decimal("250"),
    "debt_ratio": Decimal("50"), "niche_months": 48, "staff": 100, "rd_staff": 30, "sme_sector": "software_it",
    "ip_class1": 2,
}


def criterion(*, tier=Tier.SPECIALISED, code: str, rule_set="2026", **changes):
    """One criterion's result on SPECIALISED_2026 with changes."""
    figures = {**SPECIALISED_2026, **changes}
    assessment = assess(figures=figures, held=(), year=2025, rule_set=get_rule_set(rule_set))
    return next(c for c in assessment.tier(tier).criteria if c.code == code)


# --- the margin, at the threshold's edge -----------------------------------------------------------------------------

def test_a_share_exactly_at_its_threshold_is_met_with_a_margin_of_zero():
    result = criterion(code="rd_share", rd_expense=Decimal("180"))  # 180 / 6000 = 3%
    assert result.passed and result.figure == Decimal("3.00")
    assert (result.limit, result.margin, result.upper) == (3, Decimal("0.00"), False)
    with translation.override("en"):
        assert str(result.margin_text) == "exactly at the threshold"
        assert str(result.margin_unit) == "percentage points"


def test_a_share_a_hair_below_shows_a_shortfall_never_zero_though_its_figure_rounds_to_the_threshold():
    result = criterion(code="rd_share", rd_expense=Decimal("179.99"))  # 2.99983%: shown 3.00%, not met
    assert not result.passed and result.figure == Decimal("3.00")
    assert result.margin == Decimal("-0.01")
    with translation.override("en"):
        assert str(result.margin_text) == "0.01 percentage points short"
    with translation.override("zh-hans"):
        assert str(result.margin_text) == "差 0.01个百分点"


def test_a_margin_rounds_half_up_from_the_unrounded_figure():
    above = criterion(code="rd_share", rd_expense=Decimal("180.30"))  # 3.005%: 0.005 above
    assert above.passed and above.figure == Decimal("3.01") and above.margin == Decimal("0.01")
    below = criterion(code="rd_share", rd_expense=Decimal("120.01"))  # 2.000166%: 0.999833 short
    assert not below.passed and below.margin == Decimal("-1.00")
    just = criterion(code="rd_share", rd_expense=Decimal("180.01"))  # 3.000166%: 0.000166 above
    assert just.passed and just.margin == Decimal("0.00")


@pytest.mark.parametrize(("debt", "passed", "margin", "text"), [
    (Decimal("80"), True, Decimal("0.00"), "exactly at the threshold"),
    (Decimal("80.01"), False, Decimal("-0.01"), "0.01 percentage points over the limit"),
    (Decimal("72.5"), True, Decimal("7.50"), "7.50 percentage points under the limit"),
])
def test_an_upper_limit_counts_the_other_way(debt, passed, margin, text):
    result = criterion(code="debt_ratio", debt_ratio=debt)
    assert (result.passed, result.margin, result.upper) == (passed, margin, True)
    with translation.override("en"):
        assert str(result.margin_text) == text


@pytest.mark.parametrize(("months", "passed", "margin"), [(35, False, -1), (36, True, 0), (40, True, 4)])
def test_whole_months_give_a_whole_margin(months, passed, margin):
    result = criterion(code="niche_months", niche_months=months)
    assert (result.passed, result.margin) == (passed, margin) and isinstance(result.margin, int)


def test_amounts_of_one_yi_or_more_are_shown_in_yi():
    result = criterion(tier=Tier.LITTLE_GIANT, code="revenue", revenue=Decimal("12000"))
    with translation.override("zh-hans"):
        assert str(result.figure_text) == "1.20亿元"
        assert str(result.margin_text) == "超出 7000.00万元"


def test_a_criterion_of_alternatives_or_a_flag_has_no_margin():
    assert criterion(code="scale").margin is None and criterion(code="scale").margin_text == ""
    chain = criterion(tier=Tier.LITTLE_GIANT, code="chain", rule_set="2022")
    assert chain.limit is None and chain.margin is None


def test_a_score_has_a_margin_of_points_only_where_the_pass_mark_alone_decides():
    score_2026 = criterion(code="score")
    assert score_2026.limit == 50 and score_2026.margin == score_2026.figure - 50
    assert criterion(tier=Tier.INNOVATIVE, code="score").limit is None  # block minimums and direct qualifications


def test_the_api_answers_the_margins():
    enterprise = build_world(parks=1, enterprises=1, users=1).enterprise()
    year = reporting_year()
    approved_filing(enterprise=enterprise, year=year, **{**SPECIALISED_2026, "rd_expense": Decimal("179.99")})
    client = enterprise_user_client(enterprise)
    answer = client.get(reverse("api:enterprise-assessment", args=[enterprise.pk]), {"year": year}).json()
    tier = next(t for t in answer["tiers"] if t["tier"] == Tier.SPECIALISED)
    rd_share = next(c for c in tier["criteria"] if c["code"] == "rd_share")
    assert (rd_share["figure"], rd_share["limit"], rd_share["margin"]) == ("3.00", 3, "-0.01")
    assert rd_share["passed"] is False
    assert rd_share["upper"] is False and rd_share["margin_unit"] and rd_share["margin_text"]


# --- the page: the assessment and the designations apart ---------------------------------------------------------

@pytest.fixture
def firm():
    """An enterprise of a park with one user; its approved filing of the reporting year fails the 2026 专精特新 R&D
    share (2.5%) and meets 科技和创新型中小企业 (by an honour); it holds a 专精特新 designation in force and no
    科技和创新型中小企业 one."""
    world = build_world(parks=2, enterprises=1, users=1)
    enterprise = world.enterprise()
    year = reporting_year()
    approved_filing(enterprise=enterprise, year=year, honour=True,  # 科技和创新型: met directly by the honour
                    **{**SPECIALISED_2026, "rd_expense": Decimal("150")})
    TierDesignationFactory(enterprise=enterprise, tier=Tier.SPECIALISED, year=year,
                           granted_on=datetime.date(year, 6, 1), batch=f"{year}年第一批")
    return world, enterprise


def page_of(client, url, **query) -> str:
    response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_states_each_failing_criterion_and_the_designation_apart(client, firm):
    world, enterprise = firm
    client.force_login(world.members_of(enterprise)[0].user)
    html = page_of(client, reverse("enterprise-profile", args=[enterprise.pk]))
    card = html[html.index('id="tier-specialised"'):html.index('id="tier-little_giant"')]
    assert 'data-disagreement="held_unmet"' in card
    assert 'data-criterion="rd_share" data-passed="false"' in card
    row = card[card.index('data-criterion="rd_share"'):]
    row = row[:row.index("</tr>")]
    assert "2.50%" in row and "≥ 3%" in row and "差 0.50个百分点" in row
    assert f"有效期至 {enterprise.designations.get().valid_until:%Y-%m-%d}" in card
    assert "认定由主管部门作出" in html  # the explanation of which is which


def test_the_page_says_when_the_figures_meet_a_tier_not_held(client, firm):
    world, enterprise = firm
    enterprise.designations.all().delete()  # no higher tier held either (that would count as holding it)
    client.force_login(world.members_of(enterprise)[0].user)
    html = page_of(client, reverse("enterprise-profile", args=[enterprise.pk]))
    card = html[html.index('id="tier-innovative"'):html.index('id="tier-specialised"')]
    assert 'data-disagreement="met_unheld"' in card and "但您尚未获得该梯度" in card


def test_a_higher_tier_held_counts_as_holding_the_lower_one(client, firm):
    world, enterprise = firm
    TierDesignationFactory(enterprise=enterprise, tier=Tier.LITTLE_GIANT, year=reporting_year(),
                           granted_on=datetime.date(reporting_year(), 7, 1))
    client.force_login(world.members_of(enterprise)[0].user)
    html = page_of(client, reverse("enterprise-profile", args=[enterprise.pk]))
    card = html[html.index('id="tier-innovative"'):html.index('id="tier-specialised"')]
    assert 'data-disagreement=""' in card and "更高梯度" in card and "但您尚未获得该梯度" not in card


def test_a_tier_held_without_an_approved_filing_says_there_are_no_figures(client):
    world = build_world(parks=1, enterprises=1, users=1)
    enterprise = world.enterprise()
    TierDesignationFactory(enterprise=enterprise)  # 科技和创新型中小企业, in force on the reporting year's last day
    client.force_login(world.members_of(enterprise)[0].user)
    html = page_of(client, reverse("enterprise-profile", args=[enterprise.pk]))
    card = html[html.index('id="tier-innovative"'):html.index('id="tier-specialised"')]
    assert 'data-disagreement="held_unfiled"' in card and "自评无数据可读" in card and "无可读取的数据" in card


def test_another_parks_administrator_and_another_enterprises_user_get_404_for_the_page(client, firm):
    world, enterprise = firm
    client.force_login(world.admin(1))
    assert client.get(reverse("enterprise-profile", args=[enterprise.pk])).status_code == 404


# --- 按规则试算: the draft tried, nothing written ------------------------------------------------------------------

def form_data(filing: AnnualFiling, **changes) -> dict:
    """The filing form's fields as a browser posts them, with changes."""
    values = {**AnnualFilingForm(instance=filing).initial, **changes}
    data = {}
    for name in AnnualFilingForm.Meta.fields:
        value = values.get(name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


@pytest.fixture
def draft():
    """A draft filing of the reporting year of an enterprise with one user, and an enterprise user's client."""
    world = build_world(parks=2, enterprises=1, users=1)
    enterprise = world.enterprise(1)
    filing = AnnualFilingFactory(enterprise=enterprise, year=reporting_year(), **{**SPECIALISED_2026,
                                                                                   "rd_expense": Decimal("150")})
    return world, filing


def test_the_draft_is_tried_with_the_forms_values_and_nothing_is_written(client, draft):
    world, filing = draft
    client.force_login(world.members_of(filing.enterprise)[0].user)
    before = model_to_dict(AnnualFiling.objects.get(pk=filing.pk))
    history = filing.history.count()
    url = reverse("filing-preview", args=[filing.pk])

    saved = client.post(url, form_data(filing), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    changed = client.post(url, form_data(filing, rd_expense="240"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    for html in (saved, changed):
        assert 'data-state="assessed"' in html and "未保存" in html
    assert 'data-criterion="rd_share" data-passed="false"' in saved and "差 0.50个百分点" in saved
    assert 'data-criterion="rd_share" data-passed="true"' in changed and "超出 1.00个百分点" in changed

    assert model_to_dict(AnnualFiling.objects.get(pk=filing.pk)) == before
    assert filing.history.count() == history
    assert AnnualFiling.objects.count() == 1


def test_an_invalid_draft_shows_its_errors_by_field_and_writes_nothing(client, draft):
    world, filing = draft
    client.force_login(world.members_of(filing.enterprise)[0].user)
    before = model_to_dict(AnnualFiling.objects.get(pk=filing.pk))
    url = reverse("filing-preview", args=[filing.pk])
    for language, message in (("zh-hans", "请输入数字"), ("en", "Enter a number")):
        response = client.post(url, form_data(filing, debt_ratio="八十"), HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        assert response.status_code == 200 and 'data-state="invalid"' in html
        assert 'data-field="debt_ratio"' in html and message in html
    assert model_to_dict(AnnualFiling.objects.get(pk=filing.pk)) == before


def test_another_enterprises_filing_is_404_and_an_approved_filing_cannot_be_tried(client, draft):
    world, filing = draft
    other = AnnualFilingFactory(enterprise=build_world(parks=1, enterprises=1).enterprise())
    user = world.members_of(filing.enterprise)[0].user
    client.force_login(user)
    assert client.post(reverse("filing-preview", args=[other.pk]), form_data(other)).status_code == 404
    client.force_login(world.admin(0))  # the other park's administrator: the filing is outside their scope
    assert client.post(reverse("filing-preview", args=[filing.pk]), form_data(filing)).status_code == 404
    client.force_login(user)
    assert client.get(reverse("filing-preview", args=[filing.pk])).status_code == 405
    approved = approved_filing(enterprise=filing.enterprise, year=filing.year - 1)
    assert approved.status == FilingStatus.APPROVED
    assert client.post(reverse("filing-preview", args=[approved.pk]), form_data(approved)).status_code == 404
