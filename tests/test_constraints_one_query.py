"""A model's plain check constraints are validated in one query (config.constraints, docs/speed-writes.md), with
the meaning of Django's own validation, one savepoint and query per constraint, which is the reference here
(`Model.validate_constraints`): the same errors, codes and messages, on the same fields, in the same order, a
NULL condition passing, excluded fields respected, and a query the database refuses answered constraint by
constraint as Django does."""

import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling

from .factories import AnnualFilingFactory, approved_filing

pytestmark = pytest.mark.django_db
FIGURES = ("revenue", "main_revenue", "digital_human_revenue", "revenue_prev", "rd_expense", "staff", "rd_staff",
           "ip_class1", "ip_class1_applied", "debt_ratio", "market_share", "local_score", "digitalisation_level")


def refusals(validate, exclude=None):
    """The errors a validation raises: per field, its (message, code) in order (empty when it passes)."""
    try:
        validate(exclude=exclude)
    except ValidationError as error:
        return [(name, [(message.message % (message.params or {}), message.code) for message in messages])
                for name, messages in error.error_dict.items()]
    return []


def by_django(filing):
    """Django's own per-constraint validation of the filing (the general path)."""
    return lambda exclude=None: models.Model.validate_constraints(filing, exclude=exclude)


def varied(seed: int, base: AnnualFiling) -> AnnualFiling:
    """A copy of a saved filing with figures drawn at random: within and out of their bounds, or unknown."""
    draw = random.Random(seed)
    filing = AnnualFiling.objects.get(pk=base.pk)
    for name in FIGURES:
        value = draw.choice([None, -5, 0, 3, 50, 101, 20_000])
        if name in ("local_score", "digitalisation_level", "staff", "rd_staff", "ip_class1",
                    "ip_class1_applied") and value is not None:
            value = abs(value)
        setattr(filing, name, None if value is None else (Decimal(value) if name not in (
            "staff", "rd_staff", "ip_class1", "ip_class1_applied", "local_score", "digitalisation_level") else value))
    filing.status = draw.choice(list(FilingStatus.values))
    filing.return_reason = draw.choice(["", "missing figures"])
    filing.year = draw.choice([filing.year, 1990, 2099])
    return filing


def test_same_refusals_as_django_on_varied_filings():
    base = AnnualFilingFactory()
    approved_filing(enterprise=base.enterprise, year=2023)
    refused = 0
    for seed in range(80):
        filing = varied(seed, base)
        for exclude in (None, {"revenue"}, {"status", "year"}, {"staff", "debt_ratio", "local_score"}):
            with transaction.atomic():
                expected = refusals(by_django(filing), exclude)
                assert refusals(filing.validate_constraints, exclude) == expected, (seed, exclude)
            refused += bool(expected)
    assert refused > 100  # the draws break constraints often, and not always


def test_a_null_condition_passes_and_excluded_fields_are_not_asked():
    filing = AnnualFilingFactory()
    filing.revenue = None  # main revenue <= NULL, digital-human revenue <= NULL: unknown, so they pass
    filing.validate_constraints()
    filing.revenue = Decimal(-1)
    refused = refusals(filing.validate_constraints)
    assert refused == refusals(by_django(filing)) and len(refused[0][1]) == 3
    assert refusals(filing.validate_constraints, exclude={"revenue"}) == []


def test_the_checks_take_one_query():
    filing = AnnualFilingFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as asked:
        filing.validate_constraints()
    checks = [q["sql"] for q in asked.captured_queries if '"c0"' in q["sql"]]
    assert len(checks) == 1 and checks[0].count("COALESCE(") == 21
    # the three unique constraints as Django asks them: one plain, two with a condition (each in a savepoint)
    assert len(asked.captured_queries) == 3 + 1 + 2 * 3


def test_a_query_the_database_refuses_falls_back_to_django(caplog):
    """A text PostgreSQL refuses (a NUL byte) makes the one query fail: each constraint is then asked on its own,
    as Django does (the one over that text passes, with Django's warning), and the transaction goes on."""
    filing = AnnualFilingFactory()
    filing.revenue, filing.debt_ratio, filing.status, filing.return_reason = (
        Decimal(-1), Decimal(-3), FilingStatus.RETURNED, "bad\x00reason")
    with transaction.atomic():
        expected = refusals(by_django(filing))
        assert refusals(filing.validate_constraints) == expected
        assert [name for name, _ in expected] == ["__all__"] and len(expected[0][1]) == 5
        assert AnnualFiling.objects.filter(pk=filing.pk).exists()  # the transaction is still usable
    assert "in one query failed" in caplog.text
