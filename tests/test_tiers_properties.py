"""Properties of the tier rules: monotonicity (hypothesis), and SQL = Python.

Monotonicity: more R&D (revenue fixed), IP, niche months, yes-flags, or a lower debt ratio never lower any tier's
"met" nor any score. Equivalence: for several hundred filings (seeded random figures, mutations of BASE, and every
edge case of the 2022 and 2026 tests) stored in PostgreSQL, `met_expression` gives exactly what `evaluate` says,
for every tier of every rule set, also through a relation prefix from Enterprise.
"""

import random
from decimal import Decimal as D

import pytest
from django.db.models import FilteredRelation, Q
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.choices import LADDER, ProductField, RdInstitution, SmeSector
from enterprises.models import AnnualFiling, Enterprise
from enterprises.tiers import RULE_SETS
from enterprises.tiers.conditions import ALWAYS, AnyOf, Flag, Not, OneOf, all_of, any_of, eq, ge, gt, lt
from enterprises.tiers.expressions import Field, least, total
from enterprises.tiers.measures import share_at_least

from . import test_tiers_2022 as t2022
from . import test_tiers_2026 as t2026
from .factories import AnnualFilingFactory, EnterpriseFactory

CENT = D("0.01")
AMOUNTS = ["0", "99.99", "100", "500", "999.99", "1000", "1500", "2000", "4999.99", "5000", "6000", "8000", "9999.99",
           "10000", "12000", "39999.99", "40000"]
PERCENTS = [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50, 55, 60, 70, 80, 90, 100]
GROWTHS = [-10, 0, 4, 5, 6, 8, 10, 15, 20]
RATIOS = [None, "0", "40", "50", "50.01", "55", "55.01", "60", "60.01", "65", "70", "70.01", "75", "75.01", "80",
          "80.01", "100"]
EQUITY = [None, "0", "499.99", "500", "1999.99", "2000", "5999.99", "6000", "7999.99", "8000"]
FLAGS = ("strategic_emerging", "key_field_product", "information_system", "quality_award", "management_certification",
         "product_certification", "own_brand", "competitive_brand", "standard_drafting", "st_award", "st_award_ranked",
         "honour",
         "maker_contest", "innovation_fast_track")
IP_FIELDS = ("ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied", "ip_class2")
NOT_NULL = (*FLAGS, *IP_FIELDS, "niche_months", "sme_sector", "product_field", "rd_institution",
            "digitalisation_level", "local_score")


def _decimal(value) -> D | None:
    return None if value is None else D(value)


def jitter(rng, value: D) -> D:
    """The value, or a cent either side (never negative)."""
    return max(D(0), value + rng.choice([-CENT, D(0), D(0), CENT]))


def amount(rng) -> D | None:
    """An amount: often a threshold, sometimes anything, sometimes unknown."""
    roll = rng.random()
    if roll < 0.08:
        return None
    return jitter(rng, D(rng.choice(AMOUNTS)) if roll < 0.6 else D(rng.randint(0, 5_000_000)) / 100)


def part_of(rng, whole: D | None, *, cap=True) -> D | None:
    """A share of `whole` at a threshold percent (± a cent), within it when `cap`."""
    if whole is None or rng.random() < 0.1:
        return amount(rng) if not cap or whole is None else min(whole, amount(rng) or D(0))
    value = jitter(rng, (whole * rng.choice(PERCENTS) / 100).quantize(CENT))
    return min(value, whole) if cap else value


def year_before(rng, later: D | None) -> D | None:
    """The previous year's amount, at a threshold growth rate (± a cent)."""
    if later is None or rng.random() < 0.1:
        return amount(rng)
    return jitter(rng, (later * 100 / (100 + rng.choice(GROWTHS))).quantize(CENT))


def random_figures(rng: random.Random) -> dict:
    """Figures a filing may hold (the model's constraints respected), clustered around the thresholds."""
    revenue = amount(rng)
    revenue_prev = year_before(rng, revenue)
    revenue_prev2 = year_before(rng, revenue_prev)
    if revenue is not None and rng.random() < 0.3:  # near two-year compound growth of 5%
        revenue_prev2 = jitter(rng, (revenue / D("1.1025")).quantize(CENT))
    main_revenue = part_of(rng, revenue)
    main_revenue_prev = year_before(rng, main_revenue)
    staff = rng.choice([None, 0, 1, 10, 200, 299, 300, 301, 999, 1000, 1001, 5000])
    rd_staff = None
    if staff is not None:
        rd_staff = min(staff, max(0, staff * rng.choice(PERCENTS) // 100 + rng.choice([-1, 0, 1])))
    margin = rng.choice([-5, 0, 2, 4, 6, 8, 10, 12])
    ip_class1 = rng.randint(0, 6)
    figures = {
        "revenue": revenue, "revenue_prev": revenue_prev, "revenue_prev2": revenue_prev2,
        "digital_human_revenue": part_of(rng, revenue), "main_revenue": main_revenue,
        "main_revenue_prev": main_revenue_prev, "main_revenue_prev2": year_before(rng, main_revenue_prev),
        "rd_expense": part_of(rng, revenue, cap=False) if rng.random() < 0.7 else amount(rng),
        "rd_expense_prev": part_of(rng, revenue_prev, cap=False),
        "net_profit": None if revenue is None else (revenue * margin / 100).quantize(CENT),
        "equity_financing_2y": _decimal(rng.choice(EQUITY)), "equity_financing_3y": _decimal(rng.choice(EQUITY)),
        "staff": staff, "rd_staff": rd_staff, "ip_class1": ip_class1,
        "ip_class1_self_developed": rng.randint(0, ip_class1), "ip_class1_high_value": rng.randint(0, ip_class1),
        "ip_class1_applied": rng.randint(0, ip_class1),
        "ip_class2": rng.randint(0, 3),
        "niche_months": rng.choice([0, 11, 12, 23, 24, 35, 36, 47, 48, 95, 96, 119, 120, 150]),
        "debt_ratio": _decimal(rng.choice(RATIOS)),
        "market_share": _decimal(rng.choice([None, "0", "9.99", "10", "35"])),
        "market_rank": rng.choice([None, 1, 3, 4, 10]), "sme_sector": rng.choice(SmeSector.values),
        "product_field": rng.choice(ProductField.values), "rd_institution": rng.choice(RdInstitution.values),
        "digitalisation_level": rng.randint(0, 4), "local_score": rng.randint(0, 15),
    }
    figures.update({name: rng.random() < 0.6 for name in FLAGS})
    return figures


def mutated_base(rng: random.Random) -> dict:
    """BASE (every tier met) with one to three figures taken from random figures."""
    other = random_figures(rng)
    names = rng.sample(sorted(other), rng.randint(1, 3))
    return storable({name: other[name] for name in names})


def storable(changes: dict) -> dict:
    """BASE with `changes`, made to fit the filing's constraints, keeping the changed figures where possible."""
    figs = {**t2022.BASE, **changes}
    for name in NOT_NULL:
        if figs.get(name) is None:
            figs.pop(name, None)
    revenue = figs["revenue"]
    for name in ("main_revenue", "digital_human_revenue"):
        if revenue is not None and figs[name] is not None and figs[name] > revenue:
            if "revenue" in changes or name == "digital_human_revenue":
                figs[name] = revenue
            else:
                revenue = figs["revenue"] = figs[name]
    if figs["staff"] is not None and figs["rd_staff"] is not None:
        figs["rd_staff"] = min(figs["rd_staff"], figs["staff"])
    for name in ("ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied"):
        figs[name] = min(figs.get(name, 0), figs.get("ip_class1", 0))
    return figs


def edge_figures() -> list[dict]:
    """Every edge case of the 2022 and 2026 tests, on the edge and just below."""
    changes = [row[2] for row in t2022.CRITERION_EDGES + t2026.CRITERION_EDGES]
    changes += [row[3] for row in t2022.CRITERION_EDGES + t2026.CRITERION_EDGES]
    changes += [row[2] for row in t2022.BAND_EDGES] + [row[4] for row in t2022.BAND_EDGES]
    return [storable(change) for change in changes]


def met_annotations(prefix: str = "") -> dict:
    """`met_expression` of every ladder tier of every rule set, by annotation name."""
    return {
        f"met_{code}_{str(tier)}": rule_set.met_expression(tier, prefix=prefix)
        for code, rule_set in RULE_SETS.items() for tier in LADDER
    }


def python_met(figs) -> dict:
    """What `evaluate` says, by the same names."""
    return {
        f"met_{code}_{str(tier)}": result.met
        for code, rule_set in RULE_SETS.items() for tier, result in rule_set.evaluate(figs).items()
    }


@pytest.mark.django_db
def test_sql_met_expression_equals_python_evaluation():
    rng = random.Random(20260401)
    rows = edge_figures() + [mutated_base(rng) for _ in range(120)] + [random_figures(rng) for _ in range(120)]
    enterprises = EnterpriseFactory.create_batch(len(rows) // 100 + 1)
    AnnualFiling.objects.bulk_create([
        AnnualFiling(enterprise=enterprises[index // 100], year=2000 + index % 100, **figs)
        for index, figs in enumerate(rows)
    ])
    names = list(met_annotations())
    outcomes = {name: set() for name in names}
    mismatches = []
    filings = AnnualFiling.objects.filter(enterprise__in=enterprises).annotate(**met_annotations())
    for filing in filings:
        expected = python_met(filing.figures())
        actual = {name: getattr(filing, name) for name in names}
        if actual != expected:
            mismatches.append((filing.figures(), expected, actual))
        for name in names:
            outcomes[name].add(actual[name])
    assert len(filings) == len(rows) > 500
    assert not mismatches, mismatches[:3]
    assert all(seen == {True, False} for seen in outcomes.values()), outcomes
    # The same expression filters.
    met = AnnualFiling.objects.filter(enterprise__in=enterprises, pk__gt=0)
    met = met.filter(RULE_SETS["2022"].met_expression("specialised"))
    assert met.count() == sum(1 for filing in filings if filing.met_2022_specialised)


@pytest.mark.django_db
def test_sql_met_expression_through_a_relation_prefix():
    rng = random.Random(2024)
    rows = [t2022.BASE] + [mutated_base(rng) for _ in range(14)]
    filed = [AnnualFilingFactory(year=2024, **figs).enterprise for figs in rows]
    other_year = AnnualFilingFactory(year=2023, **t2022.BASE).enterprise
    without = EnterpriseFactory()
    enterprises = (
        Enterprise.objects.filter(pk__in=[e.pk for e in [*filed, other_year, without]])
        .annotate(f=FilteredRelation("filings", condition=Q(filings__year=2024)))
        .annotate(**met_annotations(prefix="f__"))
    )
    by_pk = {enterprise.pk: enterprise for enterprise in enterprises}
    assert len(by_pk) == len(rows) + 2
    names = list(met_annotations())
    for enterprise in filed:
        filing = enterprise.filings.get()
        assert {name: getattr(by_pk[enterprise.pk], name) for name in names} == python_met(filing.figures())
    assert by_pk[filed[0].pk].met_2022_little_giant and by_pk[filed[0].pk].met_2026_little_giant
    for enterprise in (other_year, without):  # no filing for 2024: nothing is met
        assert not any(getattr(by_pk[enterprise.pk], name) for name in names)


# Nodes of the algebra, the rules' and others (NOT, ==, <, >, LEAST with NULL, defaults, empty AND / OR).
MARKET, RANK, DEBT = Field("market_share"), Field("market_rank"), Field("debt_ratio")
CONDITIONS = {
    "not_unknown": Not(ge(MARKET, 10)),
    "not_not": Not(Not(Flag("own_brand"))),
    "eq": eq(RANK, 3), "lt": lt(RANK, 4), "gt": gt(DEBT, D("50.01")),
    "not_in": Not(OneOf("rd_institution", (RdInstitution.NONE,))),
    "capped": ge(least(total(MARKET, DEBT), 60), 60),
    "least_null": eq(least(MARKET, 5), 5),
    "sum_null": ge(total(MARKET, RANK), 0),
    "default": eq(Field("market_rank", default=0) + Field("market_share", default=0), 0),
    "always": ALWAYS, "never": AnyOf(()),
    "mixed": any_of(all_of(Not(Flag("honour")), share_at_least(Field("rd_staff"), Field("staff"), D("33.33"))),
                    Not(ge(Field("revenue") * Field("revenue_prev"), D("1E7")))),
}


@pytest.mark.django_db
def test_sql_nodes_equal_python():
    rng = random.Random(7)
    enterprise = EnterpriseFactory()
    rows = [random_figures(rng) for _ in range(60)]
    AnnualFiling.objects.bulk_create([
        AnnualFiling(enterprise=enterprise, year=2000 + index, **figs) for index, figs in enumerate(rows)
    ])
    annotations = {name: condition.compile() for name, condition in CONDITIONS.items()}
    seen = {name: set() for name in CONDITIONS}
    for filing in AnnualFiling.objects.filter(enterprise=enterprise).annotate(**annotations):
        figs = filing.figures()
        for name, condition in CONDITIONS.items():
            assert getattr(filing, name) is condition.evaluate(figs), (name, figs)
            seen[name].add(getattr(filing, name))
    assert seen["always"] == {True} and seen["never"] == {False}
    assert all(len(outcomes) == 2 for name, outcomes in seen.items() if name not in ("always", "never")), seen


# --- monotonicity ---

FIGURES = st.builds(random_figures, st.randoms(use_true_random=False))
INCREMENT = st.decimals(min_value=CENT, max_value=D("5000"), places=2)


def snapshot(figs) -> dict:
    """Per rule set and tier: met, score total and block points."""
    view = {}
    for code, rule_set in RULE_SETS.items():
        for tier, result in rule_set.evaluate(figs).items():
            blocks = tuple(block.points for block in result.score.blocks) if result.score else ()
            view[code, tier] = (result.met, result.score.total if result.score else 0, blocks)
    return view


def assert_not_lower(before: dict, after: dict):
    """Nothing met before is unmet after; no score or block has fewer points."""
    for key, (met, points, blocks) in before.items():
        met_after, points_after, blocks_after = after[key]
        assert met_after or not met, key
        assert points_after >= points, key
        assert all(a >= b for a, b in zip(blocks_after, blocks, strict=True)), key


def raised(value, increment):
    """A figure raised by `increment` (an unknown figure becomes known)."""
    return increment if value is None else value + increment


PROPERTY = settings(max_examples=120, deadline=None)


@PROPERTY
@given(figs=FIGURES, increment=INCREMENT, name=st.sampled_from(["rd_expense", "rd_expense_prev"]))
def test_more_rd_never_lowers(figs, increment, name):
    assert_not_lower(snapshot(figs), snapshot({**figs, name: raised(figs[name], increment)}))


@PROPERTY
@given(figs=FIGURES, increments=st.lists(st.integers(0, 5), min_size=5, max_size=5), months=st.integers(0, 120))
def test_more_ip_and_niche_months_never_lower(figs, increments, months):
    more = {name: figs[name] + step for name, step in zip(IP_FIELDS, increments, strict=True)}
    assert_not_lower(snapshot(figs), snapshot({**figs, **more, "niche_months": figs["niche_months"] + months}))


@PROPERTY
@given(figs=FIGURES, flags=st.sets(st.sampled_from(FLAGS), min_size=1))
def test_more_flags_never_lower(figs, flags):
    assert_not_lower(snapshot(figs), snapshot({**figs, **dict.fromkeys(flags, True)}))


@PROPERTY
@given(figs=FIGURES, decrement=st.decimals(min_value=CENT, max_value=D("100"), places=2))
def test_lower_debt_ratio_never_lowers(figs, decrement):
    debt = figs["debt_ratio"]
    lower = max(D(0), (D(100) if debt is None else debt) - decrement)
    assert_not_lower(snapshot(figs), snapshot({**figs, "debt_ratio": lower}))


@PROPERTY
@given(figs=FIGURES, increment=INCREMENT, levels=st.integers(0, 4))
def test_more_financing_market_share_and_institution_never_lower(figs, increment, levels):
    order = list(RdInstitution.values)  # none, other, municipal, provincial, national
    better = order[min(len(order) - 1, order.index(figs["rd_institution"]) + levels)]
    more = {
        "equity_financing_2y": raised(figs["equity_financing_2y"], increment),
        "equity_financing_3y": raised(figs["equity_financing_3y"], increment),
        "market_share": min(D(100), raised(figs["market_share"], increment)),
        "rd_institution": better, "local_score": min(15, figs["local_score"] + levels),
        "digitalisation_level": min(4, figs["digitalisation_level"] + levels),
    }
    assert_not_lower(snapshot(figs), snapshot({**figs, **more}))
