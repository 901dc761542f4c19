"""The 2022 score tables (工信部企业〔2022〕63号, docs/domain-rules.md 4.1 and 4.2): 创新型 and 专精特新.

Band edges: 以上/以下/不低于/不高于 include the boundary, and a shared edge (3-5% and ≥5%) goes to the higher
band (docs/domain-rules.md 4.4), so every band is "figure ≥ its lower edge" (or "≤ its upper edge" for the debt ratio,
where lower is better), tried from the best band down: the first that holds gives the points.
"""

from django.utils.translation import gettext_lazy as _

from ..choices import ProductField, RdInstitution
from .conditions import Bands, Flag, OneOf, any_of, bands, ge, le
from .expressions import Field, least, total
from .measures import ChoiceLabel, Growth, MeanGrowth, Ratio, growth_at_least, mean_growth_at_least, share_at_least
from .rules import ITEMS, MONTHS, PERCENT, WAN, Block, Indicator, ScoreTable


def share_bands(part: str, whole: str, steps) -> Bands:
    """Points by part / whole in percent: steps of (lower edge %, points), best first."""
    return Bands(tuple((share_at_least(Field(part), Field(whole), edge), points) for edge, points in steps))


def minimum_bands(name: str, steps) -> Bands:
    """Points by a figure: steps of (lower edge, points), best first."""
    return Bands(tuple((ge(Field(name), edge), points) for edge, points in steps))


def maximum_bands(name: str, steps) -> Bands:
    """Points by a figure where less is better: steps of (upper edge, points), best first."""
    return Bands(tuple((le(Field(name), edge), points) for edge, points in steps))


REVENUE, RD = Field("revenue"), Field("rd_expense")
MAIN, MAIN_PREV, MAIN_PREV2 = Field("main_revenue"), Field("main_revenue_prev"), Field("main_revenue_prev2")
IP_LABEL = _("IP related to the main product")
MAIN_SHARE_LABEL = _("main-business share of revenue")
DEBT_LABEL = _("debt-to-asset ratio")

# --- 创新型中小企业 (docs/domain-rules.md 4.1): ≥ 60 points with 创新能力 ≥ 20, 成长性 ≥ 15, 专业化 ≥ 15 ---

INNOVATIVE_SCORE = ScoreTable("innovative_2022", (
    Block("innovation", _("Innovation capacity (创新能力)"), (
        Indicator("ip", IP_LABEL, bands(
            (ge(Field("ip_class1_high_value"), 1), 20),
            (ge(Field("ip_class1_self_developed"), 1), 15),
            (ge(Field("ip_class1"), 1), 10),
            (ge(Field("ip_class2"), 1), 5),
        ), 20, Field("ip_class1"), ITEMS),
        Indicator("rd_share", _("R&D share of revenue"), share_bands(
            "rd_expense", "revenue", ((5, 20), (3, 15), (2, 10), (1, 5)),
        ), 20, Ratio(RD, REVENUE), PERCENT),
    ), minimum=20),
    Block("growth", _("Growth (成长性)"), (
        # Last year's main-business growth: main_revenue over main_revenue_prev; no points when the year before
        # had no main-business revenue (growth undefined).
        Indicator("main_growth", _("main-business revenue growth"), Bands(tuple(
            (growth_at_least(MAIN, MAIN_PREV, edge), points) for edge, points in ((15, 20), (10, 15), (5, 10), (0, 5))
        )), 20, Growth(MAIN, MAIN_PREV), PERCENT),
        Indicator("debt_ratio", DEBT_LABEL, maximum_bands("debt_ratio", ((55, 10), (75, 5))), 10,
                  Field("debt_ratio"), PERCENT),
    ), minimum=15),
    Block("specialisation", _("Specialisation (专业化)"), (
        Indicator("product_field", _("main product in the strategic emerging industries catalogue"), bands(
            (Flag("strategic_emerging"), 10), default=5,
        ), 10, Flag("strategic_emerging")),
        Indicator("main_share", MAIN_SHARE_LABEL, share_bands(
            "main_revenue", "revenue", ((70, 20), (60, 15), (55, 10), (50, 5)),
        ), 20, Ratio(MAIN, REVENUE), PERCENT),
    ), minimum=15),
), pass_mark=60)

# --- 专精特新中小企业 (docs/domain-rules.md 4.2): ≥ 60 points ---

# "Two-year average main-business growth" (formula [U], docs/domain-rules.md 4.4): the arithmetic mean of the two annual
# growth rates main_revenue_prev2 -> main_revenue_prev -> main_revenue, i.e.
# ((main_revenue / main_revenue_prev - 1) + (main_revenue_prev / main_revenue_prev2 - 1)) / 2; no points unless
# both earlier years had main-business revenue.
TWO_YEAR_GROWTH_FORMULA = "arithmetic mean of the two annual growth rates"
# 质量管理: provincial quality award, management-system certification, 拥有自主品牌 (own_brand: any own brand; the
# 小巨人 criterion 具有竞争优势的自主品牌 is the filing's separate competitive_brand), took part in a standard.
QUALITY_ITEMS = ("quality_award", "management_certification", "own_brand", "standard_drafting")
QUALITY_POINTS_EACH, QUALITY_CAP = 3, 5
RD_INSTITUTION_POINTS = (
    (RdInstitution.NATIONAL, 10), (RdInstitution.PROVINCIAL, 8), (RdInstitution.MUNICIPAL, 4), (RdInstitution.OTHER, 2),
)
# 特色化: Beijing's own indicators were not found [U]; the filing's local_score (0-15) is taken as the points.
LOCAL_SCORE_CAP = 15

SPECIALISED_SCORE = ScoreTable("specialised_2022", (
    Block("specialisation", _("Specialisation (专业化)"), (
        Indicator("main_share", MAIN_SHARE_LABEL, share_bands(
            "main_revenue", "revenue", ((80, 5), (70, 3), (60, 1)),
        ), 5, Ratio(MAIN, REVENUE), PERCENT),
        Indicator("main_growth_2y", _("two-year average main-business growth"), Bands(tuple(
            (mean_growth_at_least(MAIN, MAIN_PREV, MAIN_PREV2, edge), points)
            for edge, points in ((10, 10), (8, 8), (6, 6), (4, 4), (0, 2))
        )), 10, MeanGrowth(MAIN, MAIN_PREV, MAIN_PREV2), PERCENT),
        # 1 point per full 2 years (24 months) in the niche market, at most 5: 23 months is no point.
        Indicator("niche_months", _("time in the niche market"), minimum_bands(
            "niche_months", tuple((years * 12, points) for years, points in ((10, 5), (8, 4), (6, 3), (4, 2), (2, 1))),
        ), 5, Field("niche_months"), MONTHS),
        Indicator("product_field", _("main product's field"), bands(
            (OneOf("product_field", (ProductField.KEY_LINK,)), 5),
            (OneOf("product_field", (ProductField.FOUNDATION,)), 3),
        ), 5, ChoiceLabel("product_field", ProductField)),
    )),
    Block("refinement", _("Refinement (精细化)"), (
        # Level 0 means "not assessed": no points, as level 1.
        Indicator("digitalisation", _("digitalisation level"), minimum_bands(
            "digitalisation_level", ((3, 5), (2, 3)),
        ), 5, Field("digitalisation_level")),
        Indicator("quality", _("quality management"), least(
            total(*(bands((Flag(name), QUALITY_POINTS_EACH)) for name in QUALITY_ITEMS)), QUALITY_CAP,
        ), QUALITY_CAP, None),
        Indicator("net_margin", _("net profit margin"), share_bands(
            "net_profit", "revenue", ((10, 10), (8, 8), (6, 6), (4, 4), (2, 2)),
        ), 10, Ratio(Field("net_profit"), REVENUE), PERCENT),
        Indicator("debt_ratio", DEBT_LABEL, maximum_bands("debt_ratio", ((50, 5), (60, 3), (70, 1))), 5,
                  Field("debt_ratio"), PERCENT),
    )),
    Block("distinctiveness", _("Distinctiveness (特色化)"), (
        Indicator("local", _("local indicators"), least(Field("local_score", default=0), LOCAL_SCORE_CAP),
                  LOCAL_SCORE_CAP, Field("local_score")),
    )),
    Block("innovation", _("Innovation capacity (创新能力)"), (
        Indicator("ip", IP_LABEL, bands(
            (ge(Field("ip_class1_high_value"), 1), 10),
            (ge(Field("ip_class1_self_developed"), 1), 8),
            (ge(Field("ip_class1"), 1), 6),
            (ge(Field("ip_class2"), 1), 2),
        ), 10, Field("ip_class1"), ITEMS),
        # "≥500 or ≥10%": either the amount or the share of revenue reaches the band.
        Indicator("rd", _("R&D expense"), Bands(tuple(
            (any_of(ge(RD, amount), share_at_least(RD, REVENUE, share)), points)
            for amount, share, points in ((500, 10, 10), (400, 8, 8), (300, 6, 6), (200, 4, 4), (100, 3, 2))
        )), 10, RD, WAN),
        Indicator("rd_staff", _("R&D staff share"), share_bands("rd_staff", "staff", ((20, 5), (10, 3), (5, 1))), 5,
                  Ratio(Field("rd_staff"), Field("staff")), PERCENT),
        Indicator("rd_institution", _("R&D institution level"), Bands(tuple(
            (OneOf("rd_institution", (level,)), points) for level, points in RD_INSTITUTION_POINTS
        )), 10, ChoiceLabel("rd_institution", RdInstitution)),
    )),
), pass_mark=60)
