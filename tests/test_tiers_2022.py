"""The 2022 tier rules (docs/domain-rules.md 4.1-4.5) in Python: every threshold and band edge, the direct
qualifications, the SME gate, the ladder (obtainable, next tier, gaps), the no-filing case, and the engine's registry.

Each edge case starts from BASE (which meets every tier of both rule sets) and changes a few figures: exactly on
the edge passes, 0.01 万元 / 0.01 % / one unit below fails.
"""

import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation

from enterprises.choices import ProductField, RdInstitution, SmeSector, Tier
from enterprises.tiers import RULE_SETS, assess, get_rule_set, rule_set_for

from .factories import approved_filing

BASE = {
    "revenue": D("8000"), "revenue_prev": D("7000"), "revenue_prev2": D("6000"), "digital_human_revenue": D("5000"),
    "main_revenue": D("7600"), "main_revenue_prev": D("6500"), "main_revenue_prev2": D("5500"),
    "rd_expense": D("800"), "rd_expense_prev": D("700"), "net_profit": D("900"),
    "equity_financing_2y": None, "equity_financing_3y": None,
    "staff": 200, "rd_staff": 60, "ip_class1": 5, "ip_class1_self_developed": 3, "ip_class1_high_value": 1,
    "ip_class1_applied": 3, "ip_class2": 3, "niche_months": 120,
    "debt_ratio": D("40"), "market_share": D("15"), "market_rank": 2,
    "sme_sector": SmeSector.SOFTWARE_IT, "strategic_emerging": True, "product_field": ProductField.KEY_LINK,
    "key_field_product": True, "rd_institution": RdInstitution.MUNICIPAL, "digitalisation_level": 3,
    "information_system": True, "quality_award": True, "management_certification": True,
    "product_certification": True, "own_brand": True, "competitive_brand": True, "standard_drafting": True,
    "st_award": False,
    "st_award_ranked": False, "honour": False, "maker_contest": False, "innovation_fast_track": False,
    "local_score": 10,
}
LADDER_TIERS = (Tier.INNOVATIVE, Tier.SPECIALISED, Tier.LITTLE_GIANT)
R2022 = RULE_SETS["2022"]


def figures(**changes) -> dict:
    """BASE with some figures changed."""
    return {**BASE, **changes}


def criterion(rule_set, tier, code, figs):
    """One criterion's result (a direct-qualification condition too)."""
    result = rule_set.evaluate(figs)[tier]
    matches = [c for c in result.criteria + result.direct if c.code == code]
    assert len(matches) == 1, f"{tier} has no single criterion {code}"
    return matches[0]


def indicator(rule_set, tier, path, figs) -> int:
    """Points of one score indicator, by "block.indicator"."""
    block_code, indicator_code = path.split(".")
    score = rule_set.evaluate(figs)[tier].score
    block = next(block for block in score.blocks if block.code == block_code)
    return next(item for item in block.indicators if item.code == indicator_code).points


def tune_local_score(rule_set, tier, figs, target) -> dict:
    """figs with local_score set so the tier's score total is exactly `target` (1-point steps)."""
    base_total = rule_set.evaluate({**figs, "local_score": 0})[tier].score.total
    needed = target - base_total
    assert 0 <= needed <= 15, f"cannot reach {target} from {base_total}"
    tuned = {**figs, "local_score": needed}
    assert rule_set.evaluate(tuned)[tier].score.total == target
    return tuned


def test_base_meets_every_tier_of_both_rule_sets():
    for rule_set in RULE_SETS.values():
        results = rule_set.evaluate(BASE)
        assert list(results) == list(LADDER_TIERS)
        assert all(result.met for result in results.values()), rule_set.code


# --- criteria edges: (tier, criterion, on the edge, just below) ---
CRITERION_EDGES = [
    (Tier.INNOVATIVE, "equity_financing_3y", {"equity_financing_3y": D("500")}, {"equity_financing_3y": D("499.99")}),
    (Tier.INNOVATIVE, "rd_institution", {"rd_institution": RdInstitution.PROVINCIAL},
     {"rd_institution": RdInstitution.MUNICIPAL}),
    (Tier.INNOVATIVE, "rd_institution", {"rd_institution": RdInstitution.NATIONAL},
     {"rd_institution": RdInstitution.NONE}),
    (Tier.INNOVATIVE, "st_award", {"st_award": True}, {"st_award": False}),
    (Tier.INNOVATIVE, "honour", {"honour": True}, {"honour": False}),
    (Tier.SPECIALISED, "niche_months", {"niche_months": 24}, {"niche_months": 23}),
    (Tier.SPECIALISED, "rd_expense", {"rd_expense": D("100")}, {"rd_expense": D("99.99")}),
    (Tier.SPECIALISED, "rd_share", {"rd_expense": D("240")}, {"rd_expense": D("239.99")}),
    (Tier.SPECIALISED, "rd_share", {"revenue": D("0.01"), "rd_expense": D("0.01")},
     {"revenue": D("0"), "rd_expense": D("0")}),  # no revenue: no share
    (Tier.SPECIALISED, "rd_share", {"revenue": D("0.01"), "rd_expense": D("0.01")}, {"revenue": None}),
    (Tier.SPECIALISED, "scale", {"revenue": D("1000")}, {"revenue": D("999.99")}),
    (Tier.SPECIALISED, "scale", {"revenue": D("999.99"), "equity_financing_2y": D("2000")},
     {"revenue": D("999.99"), "equity_financing_2y": D("1999.99")}),
    (Tier.SPECIALISED, "st_award_ranked", {"st_award_ranked": True}, {"st_award_ranked": False}),
    (Tier.SPECIALISED, "rd_average_2y", {"rd_expense": D("1000"), "rd_expense_prev": D("1000")},
     {"rd_expense": D("1000"), "rd_expense_prev": D("999.99")}),
    (Tier.SPECIALISED, "equity_financing_2y", {"equity_financing_2y": D("6000")},
     {"equity_financing_2y": D("5999.99")}),
    (Tier.SPECIALISED, "maker_contest", {"maker_contest": True}, {"maker_contest": False}),
    (Tier.LITTLE_GIANT, "niche_months", {"niche_months": 36}, {"niche_months": 35}),
    (Tier.LITTLE_GIANT, "main_share", {"main_revenue": D("5600")}, {"main_revenue": D("5599.99")}),
    # Mean of the two annual growth rates: (10% + 0%) / 2 = 5%, and (7% + 3%) / 2 = 5%.
    (Tier.LITTLE_GIANT, "main_growth_2y",
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("10000"), "main_revenue": D("11000")},
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("10000"), "main_revenue": D("10999.99")}),
    (Tier.LITTLE_GIANT, "main_growth_2y",
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("10300"), "main_revenue": D("11021")},
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("10300"), "main_revenue": D("11020.99")}),
    (Tier.LITTLE_GIANT, "main_growth_2y", {"main_revenue_prev2": D("5500")}, {"main_revenue_prev2": D("0")}),
    (Tier.LITTLE_GIANT, "information_system", {"information_system": True}, {"information_system": False}),
    (Tier.LITTLE_GIANT, "certification", {"management_certification": False},
     {"management_certification": False, "product_certification": False}),
    (Tier.LITTLE_GIANT, "certification", {"product_certification": False},
     {"management_certification": False, "product_certification": False}),
    (Tier.LITTLE_GIANT, "debt_ratio", {"debt_ratio": D("70")}, {"debt_ratio": D("70.01")}),
    (Tier.LITTLE_GIANT, "market_share", {"market_share": D("10")}, {"market_share": D("9.99")}),
    (Tier.LITTLE_GIANT, "competitive_brand", {"competitive_brand": True, "own_brand": False},
     {"competitive_brand": False, "own_brand": True}),
    (Tier.LITTLE_GIANT, "chain", {"product_field": ProductField.KEY_LINK}, {"product_field": ProductField.FOUNDATION}),
    (Tier.LITTLE_GIANT, "key_field_product", {"key_field_product": True}, {"key_field_product": False}),
]
# 新: revenue bands (5000 and 10000 belong to the upper band), institution, IP, fast track.
BIG = {"revenue": D("10000"), "revenue_prev": D("10000"), "rd_expense": D("300"), "rd_expense_prev": D("300")}
MID = {"revenue": D("5000"), "revenue_prev": D("5000"), "rd_expense": D("300"), "rd_expense_prev": D("300")}
SMALL = {
    "revenue": D("4999.99"), "equity_financing_2y": D("8000"), "rd_expense": D("1500"), "rd_expense_prev": D("1500"),
    "staff": 200, "rd_staff": 100,
}
CRITERION_EDGES += [
    (Tier.LITTLE_GIANT, "new", BIG, {**BIG, "rd_expense": D("299.99")}),
    (Tier.LITTLE_GIANT, "new", BIG, {**BIG, "rd_expense_prev": D("299.99")}),
    (Tier.LITTLE_GIANT, "new", BIG, {**BIG, "revenue": D("9999.99")}),  # now the 6% band
    (Tier.LITTLE_GIANT, "new", MID, {**MID, "rd_expense": D("299.99")}),
    (Tier.LITTLE_GIANT, "new", MID, {**MID, "revenue_prev": D("5000.01")}),
    (Tier.LITTLE_GIANT, "new", MID, {**MID, "revenue": D("4999.99")}),  # now the small band
    (Tier.LITTLE_GIANT, "new", SMALL, {**SMALL, "equity_financing_2y": D("7999.99")}),
    (Tier.LITTLE_GIANT, "new", SMALL, {**SMALL, "rd_expense_prev": D("1499.99")}),
    (Tier.LITTLE_GIANT, "new", SMALL, {**SMALL, "rd_staff": 99}),
    (Tier.LITTLE_GIANT, "new", BIG, {**BIG, "rd_institution": RdInstitution.NONE}),
    (Tier.LITTLE_GIANT, "new", {**BIG, "rd_institution": RdInstitution.OTHER}, {**BIG, "ip_class1_applied": 1}),
    (Tier.LITTLE_GIANT, "new", {**BIG, "ip_class1_applied": 2}, {**BIG, "ip_class1_applied": 1}),
    # The fast track alone is enough.
    (Tier.LITTLE_GIANT, "new", {"ip_class1_applied": 0, "rd_institution": RdInstitution.NONE,
                                "innovation_fast_track": True},
     {"ip_class1_applied": 0, "rd_institution": RdInstitution.NONE}),
]


@pytest.mark.parametrize(("tier", "code", "on_edge", "below"), CRITERION_EDGES)
def test_criterion_edge(tier, code, on_edge, below):
    assert criterion(R2022, tier, code, figures(**on_edge)).passed
    assert not criterion(R2022, tier, code, figures(**below)).passed


@pytest.mark.parametrize(("sector", "staff", "revenue"), [
    (SmeSector.SOFTWARE_IT, 300, D("10000")), (SmeSector.TRANSMISSION, 2000, D("100000")),
    (SmeSector.INDUSTRY, 1000, D("40000")),
])
@pytest.mark.parametrize("rule_set", RULE_SETS.values(), ids=RULE_SETS.keys())
def test_sme_gate_at_the_limits(rule_set, sector, staff, revenue):
    def sme(**changes):
        """The SME criterion of every tier, with the sector and changes."""
        return {tier: criterion(rule_set, tier, "sme", figures(sme_sector=sector, rd_staff=0, **changes)).passed
                for tier in LADDER_TIERS}

    # "X人以下或营业收入Y万元以下": 以下 includes the limit (the default), so only figures past both limits are not
    # an SME; read as the statistics tables do (SME_LIMITS_INCLUDE_BOUNDARY=False), reaching both limits is enough.
    with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=True):
        assert all(sme(staff=staff, revenue=revenue).values())
        assert not any(sme(staff=staff + 1, revenue=revenue + D("0.01")).values())
        assert all(sme(staff=staff, revenue=revenue + D("0.01")).values())
        assert all(sme(staff=staff + 1, revenue=revenue).values())
        assert not any(sme(staff=staff + 1, revenue=None).values())  # unknown revenue never proves an SME
        assert all(sme(staff=None, revenue=revenue).values())
    with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=False):
        assert not any(sme(staff=staff, revenue=revenue).values())
        assert all(sme(staff=staff - 1, revenue=revenue).values())
        assert all(sme(staff=staff, revenue=revenue - D("0.01")).values())
        assert not any(sme(staff=staff, revenue=None).values())
        assert all(sme(staff=None, revenue=revenue - D("0.01")).values())


def test_sme_gate_applies_the_enterprise_sector():
    large_software = figures(sme_sector=SmeSector.SOFTWARE_IT, staff=500, revenue=D("20000"))
    assert not criterion(R2022, Tier.INNOVATIVE, "sme", large_software).passed
    assert criterion(R2022, Tier.INNOVATIVE, "sme", {**large_software, "sme_sector": SmeSector.INDUSTRY}).passed
    assert not criterion(R2022, Tier.INNOVATIVE, "sme", {**large_software, "sme_sector": None}).passed


# --- score band edges: (tier, block.indicator, on the edge, points, just below, points) ---
REV = {"revenue": D("10000")}
GROWTH = {"main_revenue_prev": D("10000")}
MEAN = {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("10000")}
NO_IP = {"ip_class1": 0, "ip_class1_self_developed": 0, "ip_class1_high_value": 0, "ip_class2": 0}
QUALITY_OFF = {"quality_award": False, "management_certification": False, "own_brand": False,
               "standard_drafting": False}
INN, SPE = Tier.INNOVATIVE, Tier.SPECIALISED
BAND_EDGES = [
    (INN, "innovation.ip", {"ip_class1_high_value": 1}, 20, {"ip_class1_high_value": 0}, 15),
    (INN, "innovation.ip", {**NO_IP, "ip_class1": 1, "ip_class1_self_developed": 1}, 15, {**NO_IP, "ip_class1": 1}, 10),
    (INN, "innovation.ip", {**NO_IP, "ip_class1": 1}, 10, {**NO_IP, "ip_class2": 1}, 5),
    (INN, "innovation.ip", {**NO_IP, "ip_class2": 1}, 5, NO_IP, 0),
    *[(INN, "innovation.rd_share", {**REV, "rd_expense": D(edge)}, points,
       {**REV, "rd_expense": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("500", 20, 15), ("300", 15, 10), ("200", 10, 5), ("100", 5, 0))],
    *[(INN, "growth.main_growth", {**GROWTH, "main_revenue": D(edge)}, points,
       {**GROWTH, "main_revenue": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("11500", 20, 15), ("11000", 15, 10), ("10500", 10, 5), ("10000", 5, 0))],
    (INN, "growth.main_growth", {"main_revenue_prev": D("0.01")}, 20, {"main_revenue_prev": D("0")}, 0),
    (INN, "growth.debt_ratio", {"debt_ratio": D("55")}, 10, {"debt_ratio": D("55.01")}, 5),
    (INN, "growth.debt_ratio", {"debt_ratio": D("75")}, 5, {"debt_ratio": D("75.01")}, 0),
    (INN, "growth.debt_ratio", {"debt_ratio": D("75")}, 5, {"debt_ratio": None}, 0),
    (INN, "specialisation.product_field", {"strategic_emerging": True}, 10, {"strategic_emerging": False}, 5),
    *[(INN, "specialisation.main_share", {**REV, "main_revenue": D(edge)}, points,
       {**REV, "main_revenue": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("7000", 20, 15), ("6000", 15, 10), ("5500", 10, 5), ("5000", 5, 0))],
    *[(SPE, "specialisation.main_share", {**REV, "main_revenue": D(edge)}, points,
       {**REV, "main_revenue": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("8000", 5, 3), ("7000", 3, 1), ("6000", 1, 0))],
    # Mean of two annual rates m2 -> m1 -> m0: with m1 = m2, m0 = m1 * (1 + 2t).
    *[(SPE, "specialisation.main_growth_2y", {**MEAN, "main_revenue": D(edge)}, points,
       {**MEAN, "main_revenue": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("12000", 10, 8), ("11600", 8, 6), ("11200", 6, 4), ("10800", 4, 2),
                                  ("10000", 2, 0))],
    # 10% and 10%: m2 10000 -> m1 11000 -> m0 12100.
    (SPE, "specialisation.main_growth_2y",
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("11000"), "main_revenue": D("12100")}, 10,
     {"main_revenue_prev2": D("10000"), "main_revenue_prev": D("11000"), "main_revenue": D("12099.99")}, 8),
    *[(SPE, "specialisation.niche_months", {"niche_months": years * 12}, points, {"niche_months": years * 12 - 1},
       points - 1) for years, points in ((10, 5), (8, 4), (6, 3), (4, 2), (2, 1))],
    (SPE, "specialisation.niche_months", {"niche_months": 360}, 5, {"niche_months": 0}, 0),
    (SPE, "specialisation.product_field", {"product_field": ProductField.KEY_LINK}, 5,
     {"product_field": ProductField.FOUNDATION}, 3),
    (SPE, "specialisation.product_field", {"product_field": ProductField.FOUNDATION}, 3,
     {"product_field": ProductField.OTHER}, 0),
    (SPE, "refinement.digitalisation", {"digitalisation_level": 3}, 5, {"digitalisation_level": 2}, 3),
    (SPE, "refinement.digitalisation", {"digitalisation_level": 2}, 3, {"digitalisation_level": 1}, 0),
    (SPE, "refinement.digitalisation", {"digitalisation_level": 4}, 5, {"digitalisation_level": 0}, 0),
    (SPE, "refinement.quality", {**QUALITY_OFF, "own_brand": True, "quality_award": True}, 5,
     {**QUALITY_OFF, "standard_drafting": True}, 3),
    (SPE, "refinement.quality", {**QUALITY_OFF, "management_certification": True}, 3, QUALITY_OFF, 0),
    *[(SPE, "refinement.net_margin", {**REV, "net_profit": D(edge)}, points,
       {**REV, "net_profit": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("1000", 10, 8), ("800", 8, 6), ("600", 6, 4), ("400", 4, 2), ("200", 2, 0))],
    (SPE, "refinement.net_margin", {**REV, "net_profit": D("200")}, 2, {**REV, "net_profit": D("-500")}, 0),
    *[(SPE, "refinement.debt_ratio", {"debt_ratio": D(edge)}, points, {"debt_ratio": D(edge) + D("0.01")}, lower)
      for edge, points, lower in (("50", 5, 3), ("60", 3, 1), ("70", 1, 0))],
    (SPE, "distinctiveness.local", {"local_score": 15}, 15, {"local_score": 14}, 14),
    (SPE, "distinctiveness.local", {"local_score": 1}, 1, {"local_score": None}, 0),
    (SPE, "innovation.ip", {"ip_class1_high_value": 1}, 10, {"ip_class1_high_value": 0}, 8),
    (SPE, "innovation.ip", {**NO_IP, "ip_class1": 1, "ip_class1_self_developed": 1}, 8, {**NO_IP, "ip_class1": 1}, 6),
    (SPE, "innovation.ip", {**NO_IP, "ip_class1": 1}, 6, {**NO_IP, "ip_class2": 1}, 2),
    (SPE, "innovation.ip", {**NO_IP, "ip_class2": 1}, 2, NO_IP, 0),
    # R&D by amount (revenue large enough that the share stays low) ...
    *[(SPE, "innovation.rd", {"revenue": D("100000"), "rd_expense": D(edge)}, points,
       {"revenue": D("100000"), "rd_expense": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("500", 10, 8), ("400", 8, 6), ("300", 6, 4), ("200", 4, 2), ("100", 2, 0))],
    # ... and by share of revenue (amount below 100).
    *[(SPE, "innovation.rd", {"revenue": D("900"), "rd_expense": D(edge)}, points,
       {"revenue": D("900"), "rd_expense": D(edge) - D("0.01")}, lower)
      for edge, points, lower in (("90", 10, 8), ("72", 8, 6), ("54", 6, 4), ("36", 4, 2), ("27", 2, 0))],
    *[(SPE, "innovation.rd_staff", {"staff": 1000, "rd_staff": staff}, points,
       {"staff": 1000, "rd_staff": staff - 1}, lower)
      for staff, points, lower in ((200, 5, 3), (100, 3, 1), (50, 1, 0))],
    (SPE, "innovation.rd_staff", {"staff": 1, "rd_staff": 1}, 5, {"staff": 0, "rd_staff": 0}, 0),
    (SPE, "innovation.rd_institution", {"rd_institution": RdInstitution.NATIONAL}, 10,
     {"rd_institution": RdInstitution.PROVINCIAL}, 8),
    (SPE, "innovation.rd_institution", {"rd_institution": RdInstitution.MUNICIPAL}, 4,
     {"rd_institution": RdInstitution.OTHER}, 2),
    (SPE, "innovation.rd_institution", {"rd_institution": RdInstitution.OTHER}, 2,
     {"rd_institution": RdInstitution.NONE}, 0),
]


@pytest.mark.parametrize(("tier", "path", "on_edge", "points", "below", "lower"), BAND_EDGES)
def test_score_band_edge(tier, path, on_edge, points, below, lower):
    assert indicator(R2022, tier, path, figures(**on_edge)) == points
    assert indicator(R2022, tier, path, figures(**below)) == lower


# --- scores and direct qualifications ---
# 创新型 at exactly 60 with every block at its minimum or above: 创新能力 20 (IP 20, R&D < 1%), 成长性 20
# (growth 15.56% 20, debt > 75% 0), 专业化 20 (not in the catalogue 5, main share 65% 15).
INNOVATIVE_60 = figures(
    rd_expense=D("79.99"), main_revenue_prev=D("4500"), main_revenue=D("5200"), revenue=D("8000"),
    debt_ratio=D("80"), strategic_emerging=False,
)
INNOVATIVE_55 = {**INNOVATIVE_60, "revenue": D("8666.67")}  # main share 59.99...%: 专业化 15


def test_innovative_score_pass_mark_and_block_minimums():
    def score(**changes):
        """The score criterion of 创新型 on INNOVATIVE_60 with changes."""
        return criterion(R2022, INN, "score", {**INNOVATIVE_60, **changes})

    assert score().figure == 60 and score().passed
    assert score(revenue=D("8666.67")).figure == 55 and not score(revenue=D("8666.67")).passed
    # Totals above 60 that miss one block minimum.
    assert not score(ip_class1_high_value=0, strategic_emerging=True, debt_ratio=D("0")).passed  # 创新能力 15
    assert score(strategic_emerging=True, debt_ratio=D("0")).passed
    growth_10 = {"main_revenue_prev": D("4900"), "rd_expense": D("400"), "strategic_emerging": True}
    assert score(**growth_10).figure == 75 and not score(**growth_10).passed  # 成长性 10 + 0
    spec_10 = {"main_revenue": D("4200"), "main_revenue_prev": D("3600"), "debt_ratio": D("50"), "rd_expense": D("400")}
    assert score(**spec_10).figure == 80 and not score(**spec_10).passed  # 专业化 5 + 5


@pytest.mark.parametrize("code,changes", [
    ("st_award", {"st_award": True}), ("honour", {"honour": True}),
    ("rd_institution", {"rd_institution": RdInstitution.PROVINCIAL}),
    ("rd_institution", {"rd_institution": RdInstitution.NATIONAL}),
    ("equity_financing_3y", {"equity_financing_3y": D("500")}),
])
def test_innovative_direct_qualification_alone(code, changes):
    failing = INNOVATIVE_55
    assert not R2022.evaluate(failing)[INN].met
    result = R2022.evaluate({**failing, **changes})[INN]
    assert result.met and result.score.total == 55
    assert [c.code for c in result.direct if c.passed] == [code]


SPECIALISED_LOW = figures(
    rd_institution=RdInstitution.NONE, digitalisation_level=0, product_field=ProductField.OTHER, debt_ratio=D("65"),
    **QUALITY_OFF,
)


def test_specialised_score_pass_mark():
    assert criterion(R2022, SPE, "score", tune_local_score(R2022, SPE, SPECIALISED_LOW, 60)).passed
    assert not criterion(R2022, SPE, "score", tune_local_score(R2022, SPE, SPECIALISED_LOW, 59)).passed


@pytest.mark.parametrize("code,changes", [
    ("st_award_ranked", {"st_award_ranked": True}), ("maker_contest", {"maker_contest": True}),
    ("rd_average_2y", {"rd_expense": D("1200"), "rd_expense_prev": D("800")}),
    ("equity_financing_2y", {"equity_financing_2y": D("6000")}),
])
def test_specialised_direct_qualification_alone(code, changes):
    failing = tune_local_score(R2022, SPE, SPECIALISED_LOW, 59)
    assert not R2022.evaluate(failing)[SPE].met
    result = R2022.evaluate({**failing, **changes})[SPE]
    assert result.met and result.score.total < 60
    assert [c.code for c in result.direct if c.passed] == [code]


def test_direct_qualification_does_not_replace_the_other_criteria():
    failing = {**tune_local_score(R2022, SPE, SPECIALISED_LOW, 59), "maker_contest": True, "niche_months": 12}
    assert not R2022.evaluate(failing)[SPE].met


# --- ladder, next tier, gaps ---


def ladder(figs, held, rule_set=R2022):
    """The assessment's (highest met, highest obtainable, next tier, gaps as English text)."""
    with translation.override("en"):
        result = assess(figures=figs, held=held, year=2024, rule_set=rule_set)
        return result.highest_met, result.highest_obtainable, result.next_tier, [str(gap) for gap in result.gaps]


@pytest.mark.parametrize(("held", "obtainable", "next_tier", "gaps"), [
    ([], Tier.INNOVATIVE, Tier.SPECIALISED,
     ["Requires holding Technology and innovation SME (科技和创新型中小企业) first"]),
    ([Tier.INNOVATIVE], Tier.SPECIALISED, Tier.LITTLE_GIANT,
     ["Requires holding Specialised and sophisticated SME (专精特新中小企业) first"]),
    ([Tier.SPECIALISED], Tier.LITTLE_GIANT, None, []),  # a higher tier held counts as the lower one
    ([Tier.LITTLE_GIANT, Tier.SINGLE_CHAMPION], Tier.LITTLE_GIANT, None, []),
    ([Tier.SINGLE_CHAMPION], Tier.INNOVATIVE, Tier.SPECIALISED,
     ["Requires holding Technology and innovation SME (科技和创新型中小企业) first"]),
])
def test_ladder_when_every_tier_is_met(held, obtainable, next_tier, gaps):
    assert ladder(BASE, held) == (Tier.LITTLE_GIANT, obtainable, next_tier, gaps)


def test_next_tier_gaps_name_figure_and_threshold():
    figs = figures(rd_expense=D("192"), niche_months=23)  # 2.40% of 8000
    assert ladder(figs, [Tier.INNOVATIVE]) == (Tier.INNOVATIVE, Tier.INNOVATIVE, Tier.SPECIALISED, [
        "Time in the niche market 23 months, needs ≥ 24 months (2 years)", "R&D share of revenue 2.40%, needs ≥ 3%",
    ])


def test_next_tier_is_above_the_highest_held_even_if_lower_tiers_fail():
    figs = figures(competitive_brand=False, rd_expense=D("10"), ip_class1_high_value=0, ip_class1_self_developed=0)
    highest_met, obtainable, next_tier, gaps = ladder(figs, [Tier.SPECIALISED])
    assert (highest_met, obtainable, next_tier) == (None, None, Tier.LITTLE_GIANT)
    assert "Own brand with a competitive advantage no, needs yes" in gaps
    assert any(gap.startswith("Innovation (新): needs ") and "R&D by last year's revenue band 0.13%" in gap
               for gap in gaps)


def test_no_approved_filing():
    result = assess(figures=None, held=[Tier.INNOVATIVE], year=2024, rule_set=R2022)
    assert not any(tier.met or tier.obtainable for tier in result.tiers)
    assert (result.highest_met, result.highest_obtainable, result.next_tier) == (None, None, Tier.SPECIALISED)
    with translation.override("en"):
        assert [str(gap) for gap in result.gaps] == ["No approved filing for 2024"]
        assert str(assess(figures=None, held=[], year=None, rule_set=R2022).gaps[0]) == "No approved filing"


def test_assessment_as_dict_is_json_ready():
    result = assess(figures=figures(rd_expense=D("100")), held=["innovative"], year=2024, rule_set=R2022)
    data = json.loads(json.dumps(result.as_dict()))
    assert data["rule_set"] == "2022" and data["held"] == ["innovative"] and data["next_tier"] == "specialised"
    specialised = data["tiers"][1]
    assert specialised["tier"] == "specialised" and specialised["met"] is False
    rd_share = next(c for c in specialised["criteria"] if c["code"] == "rd_share")
    assert rd_share["figure"] == "1.25" and rd_share["passed"] is False and rd_share["unit"] == "%"
    assert specialised["score"]["blocks"][0]["indicators"][0]["code"] == "main_share"


def test_unknown_held_tier_is_refused():
    with pytest.raises(ValueError, match="Unknown tier"):
        assess(figures=BASE, held=["gold"], year=2024, rule_set=R2022)


@pytest.mark.django_db
def test_assess_an_approved_filing():
    filing = approved_filing(local_score=15)
    result = assess(figures=filing.figures(), held=[], year=filing.year, rule_set=rule_set_for(filing.year))
    assert result.rule_set == "2022"
    assert result.highest_obtainable == Tier.INNOVATIVE and result.next_tier == Tier.SPECIALISED


# --- the registry of rule sets ---


def test_rule_set_for_a_year(settings):
    assert rule_set_for(2024).code == "2022" and rule_set_for(1999).code == "2022"
    assert rule_set_for(2025).code == "2026" and rule_set_for(2030).code == "2026"
    settings.TIER_RULE_SET_FIRST_YEARS = {"2022": 2000, "2026": 2026}
    assert rule_set_for(2025).code == "2022" and rule_set_for(2026).code == "2026"
    settings.TIER_RULE_SET_FIRST_YEARS = {"2030": 2030}
    with pytest.raises(ImproperlyConfigured, match="2030"):
        rule_set_for(2025)


def test_get_rule_set():
    assert get_rule_set("2022") is R2022 and get_rule_set("2026").first_filing_year == 2025
    with pytest.raises(ValueError, match="Unknown tier rule set '2019'; the known rule sets are 2022, 2026"):
        get_rule_set("2019")
    with pytest.raises(ValueError, match="single_champion"):
        R2022.met_expression(Tier.SINGLE_CHAMPION)
