"""The one home of fake records' rules (enterprises/fakes.py): its figures are plausible whatever the traits, it
names what is not, and the three makers that use it (the demo seeds, the city generator, the test factories) make
only plausible filings, tenancies and unit labels."""

import datetime
import itertools
import json
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from enterprises.fakes import (
    FIGURE_FIELDS,
    IP_FIELDS,
    add_months,
    cents,
    figures_faults,
    filing_figures,
    filing_review,
    ip_figures,
    money,
    revenue_years,
    tenancy_period,
    unit_labels,
)
from registry.generator import enterprises as city

from .factories import FILING_FIGURES, AnnualFilingFactory, UnitFactory, approved_filing

DEMO = json.loads((Path(__file__).resolve().parents[1] / "seeds" / "demo.json").read_text(encoding="utf-8"))


def test_figures_are_plausible_whatever_the_traits():
    rng = random.Random(11)
    for _ in range(2000):
        revenue = money(rng.choice([0, 1, rng.uniform(0, 1e6)]))
        exact = filing_figures(
            revenue=revenue_years(revenue, Decimal(str(rng.uniform(0.5, 2)))),
            main_share=tuple(Decimal(str(rng.uniform(0, 1.2))) for _ in range(3)), dh_share=Decimal(str(rng.random())),
            rd_share=Decimal(str(rng.uniform(0, 0.3))), margin=Decimal(str(rng.uniform(-0.5, 0.4))),
            staff=rng.randint(0, 500), rd_staff_share=rng.uniform(0, 1.5))
        assert figures_faults(exact) == [], exact
        floats = filing_figures(revenue=(1234.5, 1000.0, 0.0), main_share=rng.uniform(0, 1.2), dh_share=1.1,
                                rd_share=(0.05, 0.1), margin=-0.2, staff=rng.randint(1, 9), rd_staff_share=2.0,
                                rounding=cents)
        assert figures_faults(floats) == [] and set(floats) == set(FIGURE_FIELDS)
        assert floats["digital_human_revenue"] == 1234.5 and floats["main_revenue_prev2"] == 0.0
        ip = ip_figures(ip_class1=rng.randint(0, 5), self_developed=rng.randint(0, 9), high_value=rng.randint(0, 9),
                        applied=rng.randint(0, 9), ip_class2=1)
        assert figures_faults(ip) == [] and set(ip) == set(IP_FIELDS)


@pytest.mark.parametrize(("change", "fault"), [
    ({"main_revenue": Decimal("10000.01")}, "main_revenue exceeds revenue"),
    ({"digital_human_revenue": Decimal("10001")}, "digital_human_revenue exceeds revenue"),
    ({"main_revenue_prev2": Decimal("8000.01")}, "main_revenue_prev2 exceeds revenue_prev2"),
    ({"rd_staff": 121}, "rd_staff exceeds staff"),
    ({"ip_class1_applied": 3}, "ip_class1_applied exceeds ip_class1"),
    ({"rd_expense": Decimal("-1")}, "rd_expense is negative"),
    ({"revenue_prev": Decimal("9000.001")}, "revenue_prev is not to the cent"),
])
def test_faults_are_named(change, fault):
    assert figures_faults(FILING_FIGURES) == []
    assert fault in figures_faults({**FILING_FIGURES, **change})
    assert figures_faults({**FILING_FIGURES, "net_profit": Decimal("-50")}) == []  # a loss is plausible


def test_the_review_stamp_follows_the_status():
    stamp = {"park": "P", "district": "D", "submitted_at": 1}
    assert filing_review(status="draft", park="P", district="D", submitted_at=1, reviewed_at=2) == {}
    assert filing_review(status="submitted", park="P", district="D", submitted_at=1, reviewed_at=2) == stamp
    assert filing_review(status="approved", park="P", district="D", submitted_at=1, reviewed_at=2) == {
        **stamp, "reviewed_at": 2}


def test_tenancy_periods_are_half_open_and_end_after_they_start():
    start = datetime.date(2024, 1, 31)
    assert tenancy_period(start) == (start, None)
    assert tenancy_period(datetime.date(2024, 1, 1), months=14) == (datetime.date(2024, 1, 1),
                                                                     datetime.date(2025, 3, 1))
    assert tenancy_period(start, days=1) == (start, datetime.date(2024, 2, 1))
    assert add_months(datetime.date(2023, 11, 1), 3) == datetime.date(2024, 2, 1)
    for bad in ({"days": 0}, {"months": -1}, {"end": start}):
        with pytest.raises(ValueError, match="must end after it starts"):
            tenancy_period(start, **bad)


def test_unit_labels():
    assert unit_labels("A座", 3, 5) == ("A座", "3", "305")
    assert unit_labels("1号楼", 12, 20) == ("1号楼", "12", "1220")


def test_the_demo_seeds_are_plausible():
    """seeds/demo.json (seeds/build_demo.py): filings, tenancies and unit labels by the shared rules."""
    for filing in DEMO["filings"]:
        figures = {name: Decimal(value) if isinstance(value, str) else value for name, value in filing.items()
                   if name in FIGURE_FIELDS + IP_FIELDS}
        assert set(figures) == set(FIGURE_FIELDS + IP_FIELDS) and figures_faults(figures) == [], filing
    for unit in DEMO["units"]:
        floor = int(unit["floor"])
        assert unit_labels(unit["building"], floor, int(unit["room"][len(unit["floor"]):])) == (
            unit["building"], unit["floor"], unit["room"])
    lets = defaultdict(list)
    for tenancy in DEMO["tenancies"]:
        start, end = (tenancy[key] and datetime.date.fromisoformat(tenancy[key]) for key in ("start", "end"))
        assert tenancy_period(start, end=end) == (start, end)
        lets[tuple(tenancy["unit"].values())].append((start, end))
    for periods in lets.values():
        periods.sort()
        assert all(earlier[1] is not None and earlier[1] <= later[0] for earlier, later in itertools.pairwise(periods))


def test_the_city_generators_filings_are_plausible():
    """registry/generator/enterprises.py: every filing row's figures by the shared rules (no database needed)."""
    rng = random.Random(3)
    profiles = [(pk, rng.betavariate(2, 3), 2010, 1, None, "active") for pk in range(1, 301)]
    columns = city.FILING_COLUMNS
    rows = list(city.filing_rows(profiles, [2022, 2023, 2024], random.Random(5)))
    assert len(rows) == 900
    for row in rows:
        figures = dict(zip(columns, row, strict=True))
        assert figures_faults({name: figures[name] for name in FIGURE_FIELDS + IP_FIELDS}) == [], figures
        assert all(figures[name] == round(figures[name], 2) for name in FIGURE_FIELDS[:10])


@pytest.mark.django_db
def test_the_factories_records_are_plausible():
    filing = approved_filing(enterprise=None)
    assert figures_faults({name: getattr(filing, name) for name in FIGURE_FIELDS + IP_FIELDS}) == []
    assert filing.park_id == filing.enterprise.park_id and filing.reviewed_at
    assert AnnualFilingFactory(revenue=Decimal("20000")).revenue == Decimal("20000")  # a given figure wins
    rooms = [UnitFactory().room for _ in range(3)]
    assert len(set(rooms)) == 3 and all(room.startswith("1") for room in rooms)
