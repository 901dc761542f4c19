"""The plan targets' status rule (registry.targets.target_met), the one rule the plan-progress report, its export
and the dashboard read: the platforms target is not met while one of the plan's five domains has no platform,
however many platforms there are, and the report names the missing domains."""

import datetime
from decimal import Decimal

import pytest

from registry.choices import Comparison, PlatformDomain, TargetMetric
from registry.selectors.plan_progress import plan_progress
from registry.targets import target_met

from .conftest import token_client
from .factories import PlanTargetFactory, PlatformFactory, bureau_user

ON = datetime.date(2025, 12, 31)


def test_target_met_needs_the_goal_and_no_missing_category():
    goal = {"goal": Decimal(5), "comparison": Comparison.AT_LEAST}
    assert target_met(actual=Decimal(6), **goal) is True
    assert target_met(actual=Decimal(6), missing=["数据开放"], **goal) is False
    assert target_met(actual=Decimal(4), **goal) is False
    assert target_met(actual=None, **goal) is None
    assert target_met(actual=Decimal(5), goal=Decimal(5), comparison=Comparison.GREATER) is False


@pytest.mark.django_db
def test_platforms_target_is_unmet_while_a_domain_has_none_in_the_report_and_its_api():
    PlanTargetFactory(code="platforms", metric=TargetMetric.PLATFORMS, goal=Decimal(5), title="共性技术平台5个以上")
    domains = PlatformDomain.values
    for domain in domains[:-1] * 2:  # 8 platforms, goal 5, but the last domain has none
        PlatformFactory(domain=domain)
    user = bureau_user()
    (row,) = plan_progress(user=user, year=2025, on=ON)
    assert row.actual == 8 and row.met is False
    assert row.required_missing == [str(PlatformDomain(domains[-1]).label)]
    body = token_client(user).get("/api/v1/reports/plan-progress/", {"year": 2025, "as_of": ON.isoformat()}).json()
    (api_row,) = body["results"]
    assert api_row["met"] is False and api_row["missing_required"] == row.required_missing
    PlatformFactory(domain=domains[-1])
    (row,) = plan_progress(user=user, year=2025, on=ON)
    assert row.met is True and row.required_missing == []
