"""The 2026 revision: 《优质中小企业梯度培育管理办法》(工信部企业〔2026〕2号 as reported), in force 2026-04-01.

Thresholds as docs/domain-rules.md 4.6 gives them [S]. It applies from filing year 2025, whose figures
are assessed in 2026 (engine.rule_set_for; overridable by the TIER_RULE_SET_FIRST_YEARS setting).
"""

from dataclasses import replace

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import Tier
from .conditions import any_of, ge, le
from .expressions import Field
from .measures import CompoundGrowth, compound_growth_at_least
from .rules import (
    ITEMS,
    PERCENT,
    WAN,
    Criterion,
    RuleSet,
    TierRule,
    maximum,
    minimum,
    niche_minimum,
    score_criterion,
    share_minimum,
)
from .rules_2022 import INNOVATIVE, RD_SHARE_LABEL, SME
from .scores_2022 import SPECIALISED_SCORE

REVENUE, REVENUE_PREV2 = Field("revenue"), Field("revenue_prev2")
RD, RD_PREV = Field("rd_expense"), Field("rd_expense_prev")

# --- 科技和创新型中小企业: the base tier is renamed (the name every screen uses, Tier.INNOVATIVE's label); its new
# criteria are not in our sources [U], so the 2022 rules apply unchanged. ---
BASE = INNOVATIVE

# The development scores: the revision's score tables are not in our sources [U]; the 2022 专精特新 table is
# used, with the revision's pass marks (专精特新 50, 小巨人 60).
SPECIALISED_SCORE_2026 = replace(SPECIALISED_SCORE, code="specialised_2026", pass_mark=50)
LITTLE_GIANT_SCORE_2026 = replace(SPECIALISED_SCORE, code="little_giant_2026", pass_mark=60)

# "R&D ≥100 and ≥3% in each of two years" [U]: read as last year's R&D ≥ 100 and the R&D share ≥ 3% in each of
# the two years. Set to True to require R&D ≥ 100 in the previous year as well.
SPECIALISED_RD_FLOOR_BOTH_YEARS = False


def rd_share_each_year(percent) -> tuple[Criterion, Criterion]:
    """The R&D share of revenue is at least `percent` last year and the year before."""
    return (
        share_minimum("rd_share", RD_SHARE_LABEL, "rd_expense", "revenue", percent),
        share_minimum("rd_share_prev", _("R&D share of revenue, previous year"), "rd_expense_prev", "revenue_prev",
                      percent),
    )


SPECIALISED = TierRule(Tier.SPECIALISED, (
    SME,
    # Niche market ≥ 3 years: 36 months or more (the filing holds months).
    niche_minimum(3),
    Criterion(
        "scale", _("Revenue (or new equity financing in the last 2 years)"),
        any_of(ge(REVENUE, 1500), ge(Field("equity_financing_2y"), 2000)),
        format_lazy(_("≥ {revenue}万元, or equity financing ≥ {equity}万元"), revenue=1500, equity=2000),
        REVENUE, WAN,
    ),
    share_minimum("main_share", _("Main-business share of revenue"), "main_revenue", "revenue", 80),
    maximum("debt_ratio", _("Debt-to-asset ratio"), "debt_ratio", 80, PERCENT),
    minimum("rd_expense", _("R&D expense"), "rd_expense", 100, WAN),
    *((minimum("rd_expense_prev", _("R&D expense, previous year"), "rd_expense_prev", 100, WAN),)
      if SPECIALISED_RD_FLOOR_BOTH_YEARS else ()),
    *rd_share_each_year(3),
    minimum("ip_class1", _("Class-I IP items"), "ip_class1", 1, ITEMS),
    score_criterion("score", _("Development score"), SPECIALISED_SCORE_2026),
), score=SPECIALISED_SCORE_2026)

# Two-year compound revenue growth ≥ 5%: revenue ≥ 1.05² × revenue_prev2 = 1.1025 × revenue_prev2, revenue_prev2 > 0.
LITTLE_GIANT = TierRule(Tier.LITTLE_GIANT, (
    SME,
    minimum("revenue", _("Revenue"), "revenue", 5000, WAN),
    share_minimum("main_share", _("Main-business share of revenue"), "main_revenue", "revenue", 90),
    Criterion(
        "revenue_growth_2y", _("Two-year compound revenue growth"),
        compound_growth_at_least(REVENUE, REVENUE_PREV2, 5, years=2), format_lazy("≥ 5{}", PERCENT),
        CompoundGrowth(REVENUE, REVENUE_PREV2, 2), PERCENT, limit=5,
    ),
    maximum("debt_ratio", _("Debt-to-asset ratio"), "debt_ratio", 75, PERCENT),
    Criterion(
        "rd_total_2y", _("R&D expense over the last 2 years"), ge(RD + RD_PREV, 1200), format_lazy("≥ 1200{}", WAN),
        RD + RD_PREV, WAN, limit=1200,
    ),
    *rd_share_each_year(3),
    minimum("ip_class1", _("Class-I IP items"), "ip_class1", 4, ITEMS),
    Criterion(
        "market", _("National niche-market share (or rank)"),
        any_of(ge(Field("market_share"), 10), le(Field("market_rank"), 3)),
        _("≥ 10%, or among the top three"), Field("market_share"), PERCENT,
    ),
    score_criterion("score", _("Development score"), LITTLE_GIANT_SCORE_2026),
), score=LITTLE_GIANT_SCORE_2026)

RULES_2026 = RuleSet(
    "2026", _("2026 measures (工信部企业〔2026〕2号)"), 2025, (BASE, SPECIALISED, LITTLE_GIANT),
)
