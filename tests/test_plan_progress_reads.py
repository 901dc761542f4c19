"""Plan progress reads a metric once for all its targets: targets over different revenue thresholds share one count
and one read of the first records, and each still counts exactly the approved filings of the year above its own
threshold and lists exactly its own first records (the drill-down's first rows, largest revenue first)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from access.scoping import user_scope
from enterprises.choices import FilingStatus
from registry.choices import TargetMetric
from registry.selectors.plan_progress import plan_progress, target_records

from .factories import AnnualFilingFactory, PlanTargetFactory, approved_filing, bureau_user

ON = datetime.date(2025, 12, 31)
PROGRESS = importlib.import_module("registry.selectors.plan_progress")  # the module (the package names its function)
SHOWN = 3  # records listed inline in this test, so that a target has more records than it lists


@pytest.mark.django_db
def test_targets_over_revenue_thresholds_share_their_reads_and_keep_their_own_records(monkeypatch):
    monkeypatch.setattr(PROGRESS, "INLINE_RECORDS", SHOWN)
    over = TargetMetric.ENTERPRISES_OVER_REVENUE
    targets = [PlanTargetFactory(code="low", metric=over, threshold=Decimal(20000), goal=2),
               PlanTargetFactory(code="high", metric=over, threshold=Decimal(40000), goal=1),
               PlanTargetFactory(code="low-again", metric=over, threshold=Decimal("20000.00"), goal=5)]
    revenues = [10000, 20000, 25000, 25000, 30000, 40000, 40000, 50000]  # ties, and figures equal to a threshold
    filings = [approved_filing(year=2025, revenue=Decimal(revenue)) for revenue in revenues]
    approved_filing(year=2024, revenue=Decimal(90000))  # another year
    AnnualFilingFactory(year=2025, revenue=Decimal(90000), status=FilingStatus.DRAFT)  # not approved
    user = bureau_user()
    user_scope(user)  # the user's roles, read before the count
    with CaptureQueriesContext(connection) as queries:
        rows = {row.target.code: row for row in plan_progress(user=user, year=2025, on=ON)}
    assert len(queries) == 2  # the targets; one statement: one count of every threshold, one read of the first records
    for target in targets:
        above = sorted((f for f in filings if f.revenue > target.threshold), key=lambda f: (-f.revenue, f.pk))
        row = rows[target.code]
        assert row.counted == len(above) and row.actual == len(above), target.code
        assert [(r["id"], r["value"]) for r in row.records] == [(f.pk, f.revenue) for f in above[:SHOWN]]
        drill = list(target_records(target=target, year=2025, on=ON, user=user))
        assert [record[0] for record in drill] == [f.pk for f in above], target.code
    assert rows["low"].counted == 6 and len(rows["low"].records) == SHOWN and len(rows["high"].records) == 1
