"""The tier rule corrections (docs/domain-rules.md, "SME tiers"), each at its edge, in Python and in SQL.

Two brand questions (专精特新's 拥有自主品牌, 小巨人's 具有竞争优势的自主品牌); 小巨人's key link read from field A
only; 小巨人's class-I IP counted only when applied with economic benefit; niche time in months (2 and 3 years are
24 and 36 months); 信息传输业 among the size-class industries; 以下 at the SME limits read as the setting says.
"""

from decimal import Decimal as D

import pytest
from django.test import override_settings

from enterprises.choices import ProductField, SmeSector, Tier
from enterprises.models import AnnualFiling
from enterprises.tiers import RULE_SETS, assess

from ..factories import EnterpriseFactory
from ..test_tiers_2022 import BASE as BASE_2022

SPE, LG = Tier.SPECIALISED, Tier.LITTLE_GIANT
R2022, R2026 = RULE_SETS["2022"], RULE_SETS["2026"]
QUALITY_OFF = {"quality_award": False, "management_certification": False, "own_brand": False,
               "standard_drafting": False}
# Every tier of both rule sets met, with the new inputs answered.
BASE = {**BASE_2022, "niche_months": 120, "competitive_brand": True, "ip_class1_applied": 3}


def figures(**changes) -> dict:
    """BASE with some figures changed."""
    return {**BASE, **changes}


def criterion(rule_set, tier, code, figs):
    """One criterion's result."""
    (match,) = [c for c in rule_set.evaluate(figs)[tier].criteria if c.code == code]
    return match


def quality_points(figs) -> int:
    """专精特新's quality-management points (3 per item, at most 5)."""
    score = R2022.evaluate(figs)[SPE].score
    block = next(block for block in score.blocks if block.code == "refinement")
    return next(item for item in block.indicators if item.code == "quality").points


def test_base_meets_every_tier():
    for rule_set in RULE_SETS.values():
        assert all(result.met for result in rule_set.evaluate(BASE).values()), rule_set.code


# --- one brand field stood for two questions ---

def test_own_brand_is_the_quality_item_only():
    with_brand = figures(**{**QUALITY_OFF, "own_brand": True, "competitive_brand": False})
    assert quality_points(with_brand) == 3
    assert not criterion(R2022, LG, "competitive_brand", with_brand).passed


def test_competitive_brand_is_the_little_giant_criterion_only():
    competitive = figures(**{**QUALITY_OFF, "own_brand": False, "competitive_brand": True})
    assert quality_points(competitive) == 0
    assert criterion(R2022, LG, "competitive_brand", competitive).passed
    assert R2022.evaluate(competitive)[LG].met


# --- 位于产业链关键环节: field A only ---

@pytest.mark.parametrize(("field", "met"), [
    (ProductField.KEY_LINK, True), (ProductField.FOUNDATION, False), (ProductField.OTHER, False),
])
def test_key_link_is_met_by_field_a_only(field, met):
    figs = figures(product_field=field)
    assert criterion(R2022, LG, "chain", figs).passed is met
    assert R2022.evaluate(figs)[LG].met is met


# --- class-I IP applied with economic benefit ---

@pytest.mark.parametrize(("applied", "met"), [(0, False), (1, False), (2, True), (5, True)])
def test_little_giant_counts_class1_ip_applied_with_benefit(applied, met):
    figs = figures(ip_class1=5, ip_class1_applied=applied)
    (part,) = [p for p in criterion(R2022, LG, "new", figs).parts if p.code == "ip_class1_applied"]
    assert part.passed is met
    assert R2022.evaluate(figs)[LG].met is met


def test_class1_ip_without_benefit_is_not_counted_even_when_many():
    assert not R2022.evaluate(figures(ip_class1=50, ip_class1_self_developed=3, ip_class1_applied=0))[LG].met


# --- niche time in months ---

@pytest.mark.parametrize(("rule_set", "tier", "edge"), [(R2022, SPE, 24), (R2022, LG, 36), (R2026, SPE, 36)])
def test_niche_time_counts_months(rule_set, tier, edge):
    assert not criterion(rule_set, tier, "niche_months", figures(niche_months=edge - 1)).passed
    assert criterion(rule_set, tier, "niche_months", figures(niche_months=edge)).passed


def test_23_months_is_not_two_years_and_24_is():
    assert not R2022.evaluate(figures(niche_months=23))[SPE].met
    assert R2022.evaluate(figures(niche_months=24))[SPE].met


@pytest.mark.parametrize(("months", "points"), [
    (23, 0), (24, 1), (47, 1), (48, 2), (71, 2), (72, 3), (95, 3), (96, 4), (119, 4), (120, 5), (400, 5),
])
def test_niche_points_are_one_per_full_24_months(months, points):
    score = R2022.evaluate(figures(niche_months=months))[SPE].score
    block = next(block for block in score.blocks if block.code == "specialisation")
    assert next(item for item in block.indicators if item.code == "niche_months").points == points


# --- the SME limits: 信息传输业, and 以下 at the boundary ---

@pytest.mark.parametrize(("sector", "staff", "revenue"), [
    (SmeSector.SOFTWARE_IT, 300, D("10000")),
    (SmeSector.INDUSTRY, 1000, D("40000")),
    (SmeSector.TRANSMISSION, 2000, D("100000")),
])
def test_an_enterprise_exactly_on_both_limits_is_an_sme_when_the_boundary_is_included(sector, staff, revenue):
    on_limits = figures(sme_sector=sector, staff=staff, rd_staff=0, revenue=revenue)
    above_both = figures(sme_sector=sector, staff=staff + 1, rd_staff=0, revenue=revenue + D("0.01"))
    above_staff = figures(sme_sector=sector, staff=staff + 1, rd_staff=0, revenue=revenue)
    with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=True):
        assert criterion(R2022, Tier.INNOVATIVE, "sme", on_limits).passed
        assert criterion(R2022, Tier.INNOVATIVE, "sme", above_staff).passed
        assert not criterion(R2022, Tier.INNOVATIVE, "sme", above_both).passed
    with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=False):
        assert not criterion(R2022, Tier.INNOVATIVE, "sme", on_limits).passed
        assert criterion(R2022, Tier.INNOVATIVE, "sme", figures(sme_sector=sector, staff=staff - 1,
                                                                  rd_staff=0, revenue=revenue)).passed


def test_the_boundary_is_included_by_default():
    on_limits = figures(sme_sector=SmeSector.SOFTWARE_IT, staff=300, revenue=D("10000"))
    assert criterion(R2022, Tier.INNOVATIVE, "sme", on_limits).passed


def test_information_transmission_has_its_own_limits():
    # 2,000 staff and 100,000 万元: far above software's limits, within 信息传输业's.
    big = figures(sme_sector=SmeSector.TRANSMISSION, staff=1500, rd_staff=0, revenue=D("90000"))
    assert criterion(R2022, Tier.INNOVATIVE, "sme", big).passed
    assert not criterion(R2022, Tier.INNOVATIVE, "sme", {**big, "sme_sector": SmeSector.SOFTWARE_IT}).passed
    huge = {**big, "staff": 2001, "revenue": D("100000.01")}
    assert not criterion(R2022, Tier.INNOVATIVE, "sme", huge).passed


def test_the_assessment_states_the_boundary_reading():
    for included in (True, False):
        with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=included):
            answer = assess(figures=BASE, held=(), year=2024, rule_set=R2022).as_dict()
            assert answer["sme_limits_include_boundary"] is included
            sme = answer["tiers"][0]["criteria"][0]
            assert sme["code"] == "sme"
            assert ("≤" in sme["threshold"]) is included


# --- SQL says what Python says, for every correction and both boundary readings ---

CASES = [
    figures(), figures(niche_months=23), figures(niche_months=24), figures(niche_months=35), figures(niche_months=36),
    figures(own_brand=True, competitive_brand=False), figures(own_brand=False, competitive_brand=True),
    figures(product_field=ProductField.FOUNDATION), figures(ip_class1_applied=1), figures(ip_class1_applied=2),
    *(figures(sme_sector=sector, staff=staff + d, rd_staff=0, revenue=revenue + d)
      for sector, staff, revenue in ((SmeSector.SOFTWARE_IT, 300, D("10000")), (SmeSector.INDUSTRY, 1000, D("40000")),
                                     (SmeSector.TRANSMISSION, 2000, D("100000")))
      for d in (-1, 0, 1)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("included", [True, False])
def test_sql_agrees_with_python_on_the_corrections(included):
    enterprise = EnterpriseFactory()
    AnnualFiling.objects.bulk_create([
        AnnualFiling(enterprise=enterprise, year=2000 + index, **figs) for index, figs in enumerate(CASES)
    ])
    with override_settings(SME_LIMITS_INCLUDE_BOUNDARY=included):
        annotations = {f"met_{code}_{tier}": rule_set.met_expression(tier)
                       for code, rule_set in RULE_SETS.items() for tier in (Tier.INNOVATIVE, SPE, LG)}
        seen = set()
        for filing in AnnualFiling.objects.filter(enterprise=enterprise).annotate(**annotations):
            expected = {f"met_{code}_{tier}": result.met for code, rule_set in RULE_SETS.items()
                        for tier, result in rule_set.evaluate(filing.figures()).items()}
            actual = {name: getattr(filing, name) for name in annotations}
            assert actual == expected, filing.figures()
            seen.update(actual.items())
    assert {(name, value) for name in annotations for value in (True, False)} <= seen


# --- the filing's form, API and import carry the new inputs ---

NEW_INPUTS = ("niche_months", "ip_class1_applied", "own_brand", "competitive_brand", "sme_sector")


def test_the_filing_form_asks_every_new_input_and_offers_information_transmission():
    from enterprises.forms import AnnualFilingForm

    form = AnnualFilingForm()
    assert set(NEW_INPUTS) <= set(form.fields)
    assert "niche_years" not in form.fields
    assert SmeSector.TRANSMISSION in dict(form.fields["sme_sector"].choices)


@pytest.mark.django_db
def test_the_api_stores_the_new_inputs_and_refuses_applied_ip_above_class1(enterprise_client_and_filing):
    client, filing = enterprise_client_and_filing
    from django.urls import reverse

    url = reverse("api:annualfiling-detail", args=[filing.pk])
    answer = client.patch(url, {"niche_months": 23, "ip_class1": 3, "ip_class1_applied": 2, "competitive_brand": True,
                                "own_brand": False, "sme_sector": "transmission"}, format="json")
    assert answer.status_code == 200, answer.data
    filing.refresh_from_db()
    assert (filing.niche_months, filing.ip_class1_applied, filing.competitive_brand, filing.own_brand,
            filing.sme_sector) == (23, 2, True, False, SmeSector.TRANSMISSION)
    answer = client.patch(url, {"ip_class1_applied": 4}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "ip_class1_applied" in answer.data, answer.data


@pytest.fixture
def enterprise_client_and_filing(db):
    """An enterprise user's API client and a draft filing of its enterprise."""
    from ..conftest import enterprise_user_client
    from ..factories import AnnualFilingFactory

    filing = AnnualFilingFactory(year=2024)
    return enterprise_user_client(filing.enterprise), filing


@pytest.mark.django_db
def test_the_import_reads_months_brands_applied_ip_and_the_new_sector(bureau_client):
    from ..test_imports import FILING_HEADER, filing_row, post_import

    enterprise = EnterpriseFactory()
    header = [*FILING_HEADER, "从事细分市场时间（月）", "Ⅰ类知识产权（项）",
              "Ⅰ类知识产权中实际应用并已产生经济效益（项）", "拥有自主品牌", "拥有具有竞争优势的自主品牌",
              "中小企业划型所属行业"]
    row = [*filing_row(enterprise.credit_code, 2024), 23, 3, 2, "否", "是",
           "信息传输业（电信、互联网和广播电视传输服务）"]
    answer = post_import(bureau_client, "filings", [header, row])
    assert answer.status_code == 200, answer.data
    filing = AnnualFiling.objects.get(enterprise=enterprise, year=2024)
    assert (filing.niche_months, filing.ip_class1, filing.ip_class1_applied, filing.own_brand,
            filing.competitive_brand, filing.sme_sector) == (23, 3, 2, False, True, SmeSector.TRANSMISSION)
    # A file still in years is refused as a whole, never read as months.
    old = post_import(bureau_client, "filings", [[*FILING_HEADER, "从事细分市场年限（年）"],
                                                 [*filing_row(enterprise.credit_code, 2023), 2]])
    assert old.status_code == 400 and "从事细分市场年限（年）" in str(old.data), old.data
    assert not AnnualFiling.objects.filter(enterprise=enterprise, year=2023).exists()


def _str_of_every_text(value):
    """A result as JSON-ready values with every lazy text made plain by str(), as as_dict made them before its
    translations were kept per language."""
    from dataclasses import fields, is_dataclass

    from django.utils.functional import Promise

    if is_dataclass(value):
        return {field.name: _str_of_every_text(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, tuple | list):
        return [_str_of_every_text(item) for item in value]
    if isinstance(value, D | Promise):
        return str(value)
    return value.value if isinstance(value, Tier) else value


def test_as_dict_gives_the_texts_str_gives():
    """as_dict's texts (kept per language and message, the rule sets' own per language) are str() of each text, in
    either language, whatever the figures and the boundary reading."""
    from django.utils import translation

    weak = {**BASE, "revenue": D("10"), "rd_share": D("0.5"), "staff": 5000}
    for language in ("zh-hans", "en", "zh-hans"):
        for included in (True, False):
            with translation.override(language), override_settings(SME_LIMITS_INCLUDE_BOUNDARY=included):
                for rule_set in (R2022, R2026):
                    for figures, held in ((BASE, ()), (weak, ("innovative",)), (None, ())):
                        result = assess(figures=figures, held=held, year=2024, rule_set=rule_set)
                        assert result.as_dict() == _str_of_every_text(result)
