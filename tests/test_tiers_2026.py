"""The 2026 revision (docs/domain-rules.md 4.6) in Python: every threshold edge, the renamed base tier,
the development scores, and the rule set chosen for filing years from 2025."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from enterprises.choices import Tier
from enterprises.tiers import RULE_SETS, assess, rule_set_for

from .test_tiers_2022 import BASE, SPECIALISED_LOW, criterion, figures, tune_local_score

R2022, R2026 = RULE_SETS["2022"], RULE_SETS["2026"]
SPE, LG = Tier.SPECIALISED, Tier.LITTLE_GIANT
NO_IP = {"ip_class1_self_developed": 0, "ip_class1_high_value": 0}

CRITERION_EDGES = [
    (SPE, "niche_months", {"niche_months": 36}, {"niche_months": 35}),
    (SPE, "scale", {"revenue": D("1500")}, {"revenue": D("1499.99")}),
    (SPE, "scale", {"revenue": D("1499.99"), "equity_financing_2y": D("2000")},
     {"revenue": D("1499.99"), "equity_financing_2y": D("1999.99")}),
    (SPE, "main_share", {"main_revenue": D("6400")}, {"main_revenue": D("6399.99")}),
    (SPE, "debt_ratio", {"debt_ratio": D("80")}, {"debt_ratio": D("80.01")}),
    (SPE, "debt_ratio", {"debt_ratio": D("0")}, {"debt_ratio": None}),
    (SPE, "rd_expense", {"rd_expense": D("100")}, {"rd_expense": D("99.99")}),
    (SPE, "rd_share", {"rd_expense": D("240")}, {"rd_expense": D("239.99")}),
    (SPE, "rd_share_prev", {"rd_expense_prev": D("210")}, {"rd_expense_prev": D("209.99")}),
    (SPE, "rd_share_prev", {"rd_expense_prev": D("210")}, {"revenue_prev": D("0"), "rd_expense_prev": D("0")}),
    (SPE, "ip_class1", {**NO_IP, "ip_class1": 1}, {**NO_IP, "ip_class1": 0}),
    (LG, "revenue", {"revenue": D("5000")}, {"revenue": D("4999.99")}),
    (LG, "main_share", {"main_revenue": D("7200")}, {"main_revenue": D("7199.99")}),
    # Compound growth over two years ≥ 5%: revenue ≥ 1.1025 × revenue two years before.
    (LG, "revenue_growth_2y", {"revenue_prev2": D("10000"), "revenue": D("11025")},
     {"revenue_prev2": D("10000"), "revenue": D("11024.99")}),
    (LG, "revenue_growth_2y", {"revenue_prev2": D("0.01"), "revenue": D("0.02")},
     {"revenue_prev2": D("0"), "revenue": D("0.02")}),
    (LG, "revenue_growth_2y", {"revenue_prev2": D("6000")}, {"revenue_prev2": None}),
    (LG, "debt_ratio", {"debt_ratio": D("75")}, {"debt_ratio": D("75.01")}),
    (LG, "rd_total_2y", {"rd_expense": D("600"), "rd_expense_prev": D("600")},
     {"rd_expense": D("600"), "rd_expense_prev": D("599.99")}),
    (LG, "rd_total_2y", {"rd_expense": D("1200"), "rd_expense_prev": D("0")},
     {"rd_expense": D("1200"), "rd_expense_prev": None}),
    (LG, "rd_share", {"rd_expense": D("240")}, {"rd_expense": D("239.99")}),
    (LG, "rd_share_prev", {"rd_expense_prev": D("210")}, {"rd_expense_prev": D("209.99")}),
    (LG, "ip_class1", {**NO_IP, "ip_class1": 4}, {**NO_IP, "ip_class1": 3}),
    (LG, "market", {"market_share": D("10"), "market_rank": None}, {"market_share": D("9.99"), "market_rank": None}),
    (LG, "market", {"market_share": None, "market_rank": 3}, {"market_share": None, "market_rank": 4}),
    (LG, "market", {"market_share": D("9.99"), "market_rank": 1}, {"market_share": None, "market_rank": None}),
]


@pytest.mark.parametrize(("tier", "code", "on_edge", "below"), CRITERION_EDGES)
def test_criterion_edge(tier, code, on_edge, below):
    assert criterion(R2026, tier, code, figures(**on_edge)).passed
    assert not criterion(R2026, tier, code, figures(**below)).passed


# The 2022 专精特新 table with a low total: niche 3 years (1 point), no net profit (0 points).
LOW = {**SPECIALISED_LOW, "niche_months": 36, "net_profit": D("0")}


@pytest.mark.parametrize(("tier", "pass_mark", "low"), [(SPE, 50, LOW), (LG, 60, SPECIALISED_LOW)])
def test_development_score_pass_mark(tier, pass_mark, low):
    assert criterion(R2026, tier, "score", tune_local_score(R2026, tier, low, pass_mark)).passed
    assert not criterion(R2026, tier, "score", tune_local_score(R2026, tier, low, pass_mark - 1)).passed


def test_the_2026_tiers_have_no_direct_qualification():
    failing = tune_local_score(R2026, SPE, LOW, 49)
    direct = {"st_award_ranked": True, "maker_contest": True, "equity_financing_2y": D("6000")}
    for tier in (SPE, LG):
        result = R2026.evaluate({**failing, **direct})[tier]
        assert not result.met and result.direct == ()


def test_rd_floor_applies_to_the_last_year_and_shares_to_both():
    # [U] reading of "R&D ≥100 and ≥3% in each of two years": R&D ≥ 100 last year; ≥ 3% both years.
    figs = figures(revenue_prev=D("1000"), rd_expense_prev=D("30"))
    assert R2026.evaluate(figs)[SPE].met
    assert not R2026.evaluate({**figs, "rd_expense_prev": D("29.99")})[SPE].met


def test_specialised_2026_is_stricter_than_2022_on_niche_and_main_share():
    figs = figures(niche_months=24, main_revenue=D("6000"))
    assert R2022.evaluate(figs)[SPE].met
    assert [c.code for c in R2026.evaluate(figs)[SPE].criteria if not c.passed] == ["niche_months", "main_share"]


def test_base_tier_is_renamed_with_the_2022_criteria():
    assert R2026.rule(Tier.INNOVATIVE).criteria == R2022.rule(Tier.INNOVATIVE).criteria
    for figs in (BASE, figures(rd_expense=D("0"), ip_class1_high_value=0, ip_class1_self_developed=0)):
        assert R2026.evaluate(figs)[Tier.INNOVATIVE].met == R2022.evaluate(figs)[Tier.INNOVATIVE].met
    with translation.override("en"):
        result = assess(figures=BASE, held=[], year=2025, rule_set=rule_set_for(2025))
        assert result.rule_set == "2026"
        assert str(result.tiers[0].label) == "Technology and innovation SME (科技和创新型中小企业)"
        assert [str(gap) for gap in result.gaps] == [
            "Requires holding Technology and innovation SME (科技和创新型中小企业) first",
        ]


def test_little_giant_gaps_under_2026():
    figs = figures(revenue_prev2=D("7500"), ip_class1=3, ip_class1_self_developed=1, ip_class1_high_value=1)
    with translation.override("en"):
        result = assess(figures=figs, held=[Tier.SPECIALISED], year=2025, rule_set=R2026)
        assert result.next_tier == LG
        assert [str(gap) for gap in result.gaps] == [
            "Two-year compound revenue growth 3.28%, needs ≥ 5%", "Class-I IP items 3 items, needs ≥ 4 items",
        ]
