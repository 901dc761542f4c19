"""The 2022 rules: 《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号), docs/domain-rules.md 4.1-4.5.

Thresholds include their boundary (以上/以下/不低于/不高于, 民法典 art. 1259) unless said otherwise; amounts are
in 万元 and percents 0-100, as on the filing. Each [U] / [S] choice is written next to its rule.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.amounts import money_display
from config.years import FIRST_YEAR

from ..choices import ProductField, RdInstitution, SmeSector, Tier
from .conditions import BySetting, Condition, Flag, OneOf, all_of, any_of, ge, le, lt
from .expressions import Field
from .measures import ChoiceLabel, MeanGrowth, Quotient, Ratio, mean_growth_at_least, share_at_least
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
    required_flag,
    score_criterion,
    share_minimum,
)
from .scores_2022 import INNOVATIVE_SCORE, SPECIALISED_SCORE

REVENUE, REVENUE_PREV = Field("revenue"), Field("revenue_prev")
RD, RD_PREV = Field("rd_expense"), Field("rd_expense_prev")
MAIN, MAIN_PREV, MAIN_PREV2 = Field("main_revenue"), Field("main_revenue_prev"), Field("main_revenue_prev2")
EQUITY_2Y = Field("equity_financing_2y")

# --- SME size gate, every tier ---
# 《中小企业划型标准规定》(工信部联企业〔2011〕300号): "从业人员X人以下或营业收入Y万元以下的为中小微型企业", per
# industry: 软件和信息技术服务业 300 / 10000, 信息传输业 2000 / 100000, 工业 1000 / 40000. 以下 includes the figure
# itself (民法典 art. 1259), so an enterprise is an SME when staff ≤ X OR revenue ≤ Y; the setting
# SME_LIMITS_INCLUDE_BOUNDARY=False reads the limits as the statistics bureau's size tables do (staff < X OR
# revenue < Y). Written positively, so that unknown figures never make an SME. docs/domain-rules.md 4.4 and 4.5.
SME_LIMITS = {
    SmeSector.SOFTWARE_IT: (300, Decimal(10000)),
    SmeSector.TRANSMISSION: (2000, Decimal(100000)),
    SmeSector.INDUSTRY: (1000, Decimal(40000)),
}
SME_BOUNDARY_SETTING = "SME_LIMITS_INCLUDE_BOUNDARY"


def sme_limits_include_boundary() -> bool:
    """Whether an enterprise exactly on an SME limit is an SME (the SME_LIMITS_INCLUDE_BOUNDARY setting)."""
    return bool(getattr(settings, SME_BOUNDARY_SETTING))


def _sme_within(compare) -> Condition:
    """The SME gate with `compare` (le or lt) against each sector's limits."""
    return any_of(*(
        all_of(OneOf("sme_sector", (sector,)), any_of(compare(Field("staff"), staff), compare(REVENUE, revenue)))
        for sector, (staff, revenue) in SME_LIMITS.items()
    ))


def _sme_threshold() -> str:
    """The SME gate as text, in the reading the setting chooses."""
    template = (
        _("staff ≤ {staff} or revenue ≤ {revenue} ({sector})") if sme_limits_include_boundary()
        else _("staff < {staff} or revenue < {revenue} ({sector})")
    )
    return str(_("; ")).join(  # revenue limits by the money rule (config.amounts): 1亿元, not 10000万元
        str(template).format(staff=staff, revenue=money_display(revenue, trim=True), sector=SmeSector(sector).label)
        for sector, (staff, revenue) in SME_LIMITS.items()
    )


SME = Criterion(
    "sme", _("SME size (staff and revenue)"),
    BySetting(SME_BOUNDARY_SETTING, _sme_within(le), _sme_within(lt)),
    lazy(_sme_threshold, str)(),
    Field("staff"), _("staff"),
)
RD_SHARE_LABEL = _("R&D share of revenue")

# --- 创新型中小企业 (docs/domain-rules.md 4.1) ---

INNOVATIVE_DIRECT = (
    required_flag("st_award", _("National or provincial S&T award in the last 3 years"), "st_award"),
    required_flag("honour", _("A valid honour such as 高新技术企业 or 知识产权示范/优势企业"), "honour"),
    Criterion(
        "rd_institution", _("Provincial-or-higher R&D institution"),
        OneOf("rd_institution", (RdInstitution.PROVINCIAL, RdInstitution.NATIONAL)), _("provincial or national"),
        ChoiceLabel("rd_institution", RdInstitution),
    ),
    minimum("equity_financing_3y", _("New equity financing in the last 3 years"), "equity_financing_3y", 500, WAN),
)
INNOVATIVE = TierRule(
    Tier.INNOVATIVE,
    (SME, score_criterion("score", _("Technology and innovation SME score"), INNOVATIVE_SCORE, INNOVATIVE_DIRECT)),
    INNOVATIVE_DIRECT, INNOVATIVE_SCORE,
)

# --- 专精特新中小企业 (docs/domain-rules.md 4.2) ---

SPECIALISED_DIRECT = (
    required_flag(
        "st_award_ranked", _("S&T award ranked top 3 (provincial) or top 5 (national) in the last 3 years"),
        "st_award_ranked",
    ),
    # Two-year average R&D ≥ 1000 is compared as the two-year total ≥ 2000 (no division).
    Criterion(
        "rd_average_2y", _("Two-year average R&D expense"), ge(RD + RD_PREV, 2000), format_lazy("≥ 1000{}", WAN),
        Quotient(RD + RD_PREV, 2), WAN, limit=1000,
    ),
    minimum("equity_financing_2y", _("New equity financing in the last 2 years"), "equity_financing_2y", 6000, WAN),
    required_flag("maker_contest", _("National top 500 of the 创客中国 contest in the last 3 years"), "maker_contest"),
)
SPECIALISED = TierRule(Tier.SPECIALISED, (
    SME,
    # 从事特定细分市场时间达到2年以上: 24 months or more (the filing holds months).
    niche_minimum(2),
    minimum("rd_expense", _("R&D expense"), "rd_expense", 100, WAN),
    share_minimum("rd_share", RD_SHARE_LABEL, "rd_expense", "revenue", 3),
    Criterion(
        "scale", _("Revenue (or new equity financing in the last 2 years)"),
        any_of(ge(REVENUE, 1000), ge(EQUITY_2Y, 2000)),
        format_lazy(_("≥ {revenue}万元, or equity financing ≥ {equity}万元"), revenue=1000, equity=2000),
        REVENUE, WAN,
    ),
    score_criterion("score", _("Specialised SME score"), SPECIALISED_SCORE, SPECIALISED_DIRECT),
), SPECIALISED_DIRECT, SPECIALISED_SCORE)

# --- 专精特新"小巨人" (docs/domain-rules.md 4.3) ---

# 新, general conditions: the R&D requirement depends on last year's revenue band. A revenue of exactly 5000 or
# 10000 belongs to the upper band [U] (docs/domain-rules.md 4.4).
# Below 5000 the R&D staff share is of all staff.
LITTLE_GIANT_RD_UPPER_EDGE, LITTLE_GIANT_RD_LOWER_EDGE = 10000, 5000
LITTLE_GIANT_RD_BANDS = any_of(
    all_of(
        ge(REVENUE, LITTLE_GIANT_RD_UPPER_EDGE),
        share_at_least(RD, REVENUE, 3), share_at_least(RD_PREV, REVENUE_PREV, 3),
    ),
    all_of(
        ge(REVENUE, LITTLE_GIANT_RD_LOWER_EDGE), lt(REVENUE, LITTLE_GIANT_RD_UPPER_EDGE),
        share_at_least(RD, REVENUE, 6), share_at_least(RD_PREV, REVENUE_PREV, 6),
    ),
    all_of(
        lt(REVENUE, LITTLE_GIANT_RD_LOWER_EDGE),
        ge(EQUITY_2Y, 8000), ge(RD + RD_PREV, 3000), share_at_least(Field("rd_staff"), Field("staff"), 50),
    ),
)
LITTLE_GIANT_NEW_PARTS = (
    Criterion(
        "rd_by_revenue", _("R&D by last year's revenue band"), LITTLE_GIANT_RD_BANDS,
        _("R&D share ≥ 3% in each of the two years (revenue ≥ 1亿元), ≥ 6% (5000万元 to 1亿元); below 5000万元: "
          "equity financing in 2 years ≥ 8000万元, R&D in 2 years ≥ 3000万元 and R&D staff ≥ 50%"),
        Ratio(RD, REVENUE), PERCENT,
    ),
    Criterion(
        "rd_institution", _("R&D institution (own or joint)"),
        OneOf("rd_institution", tuple(level for level in RdInstitution if level != RdInstitution.NONE)),
        _("any level"), ChoiceLabel("rd_institution", RdInstitution),
    ),
    # 拥有2项以上与主导产品相关的Ⅰ类知识产权，且实际应用并已产生经济效益: only the items applied with economic
    # benefit count (the filing's ip_class1_applied, part of ip_class1).
    minimum("ip_class1_applied", _("Class-I IP items applied with economic benefit"), "ip_class1_applied", 2, ITEMS),
    # The innovation fast track's contents are not in our sources [U]: the filing's innovation_fast_track input.
    required_flag("innovation_fast_track", _("Innovation fast track"), "innovation_fast_track"),
)
LITTLE_GIANT_NEW = Criterion(
    "new", _("Innovation (新)"),
    any_of(Flag("innovation_fast_track"), all_of(*(part.condition for part in LITTLE_GIANT_NEW_PARTS[:3]))),
    _("the R&D, R&D institution and class-I IP conditions, or the innovation fast track"),
    parts=LITTLE_GIANT_NEW_PARTS,
)
LITTLE_GIANT = TierRule(Tier.LITTLE_GIANT, (
    SME,
    # 专
    # 从事特定细分市场时间达到3年以上: 36 months or more.
    niche_minimum(3),
    share_minimum("main_share", _("Main-business share of revenue"), "main_revenue", "revenue", 70),
    # Two-year average growth: the arithmetic mean of the two annual growth rates (scores_2022). The waiver of
    # this condition at re-review [S] is not applied: the assessment does not know whether it is a re-review.
    Criterion(
        "main_growth_2y", _("Two-year average main-business growth"),
        mean_growth_at_least(MAIN, MAIN_PREV, MAIN_PREV2, 5), format_lazy("≥ 5{}", PERCENT),
        MeanGrowth(MAIN, MAIN_PREV, MAIN_PREV2), PERCENT,
    ),
    # 精
    required_flag("information_system", _("A core business runs on an information system"), "information_system"),
    Criterion(
        "certification", _("Management-system or developed-market product certification"),
        any_of(Flag("management_certification"), Flag("product_certification")), _("either one"),
    ),
    maximum("debt_ratio", _("Debt-to-asset ratio"), "debt_ratio", 70, PERCENT),
    # 特
    minimum("market_share", _("National niche-market share"), "market_share", 10, PERCENT),
    # 拥有自主品牌 with a competitive advantage (具有竞争优势的自主品牌): its own input, competitive_brand; the
    # 专精特新 quality item 拥有自主品牌 (own_brand) asks less and does not meet it.
    required_flag("competitive_brand", _("Own brand with a competitive advantage"), "competitive_brand"),
    # 新
    LITTLE_GIANT_NEW,
    # 链 [S]: 位于产业链关键环节 — the main product's field A of the 专精特新 score table (a breakthrough at a key
    # link of an industry chain). Field B (工业"六基", 中华老字号, key-chain supplier) scores 3 points there and
    # does not meet this criterion.
    Criterion(
        "chain", _("Key link of an industry chain (链)"),
        OneOf("product_field", (ProductField.KEY_LINK,)),
        _("a breakthrough at a key link of an industry chain"), ChoiceLabel("product_field", ProductField),
    ),
    # 品 [U]: the key fields are not listed in our sources; the filing's key_field_product input.
    required_flag("key_field_product", _("Main product in a key field (品)"), "key_field_product"),
))

RULES_2022 = RuleSet(
    "2022", _("2022 interim measures (工信部企业〔2022〕63号)"), FIRST_YEAR, (INNOVATIVE, SPECIALISED, LITTLE_GIANT),
)
