"""The platform target is met only when its count comparison holds and every one of the five domains the plan
names has a platform in operation."""

import datetime

import pytest

from registry.choices import PlatformDomain, TargetMetric

from ..conftest import token_client
from ..factories import PlanTargetFactory, PlatformFactory, bureau_user


def platforms_row(client) -> dict:
    response = client.get("/api/v1/reports/plan-progress/", {"year": 2024, "as_of": "2024-12-31"})
    return next(row for row in response.json()["results"] if row["code"] == "platforms")


@pytest.mark.django_db
def test_a_count_met_with_a_domain_missing_is_not_met():
    PlanTargetFactory(code="platforms", metric=TargetMetric.PLATFORMS, goal=5)
    launched = datetime.date(2024, 3, 1)
    for domain in PlatformDomain.values[:4]:
        PlatformFactory(domain=domain, launched=launched)
    PlatformFactory(domain=PlatformDomain.CLOUD_RENDERING, launched=launched)
    PlatformFactory(domain=PlatformDomain.CLOUD_RENDERING, launched=launched)
    client = token_client(bureau_user())
    row = platforms_row(client)
    assert row["actual"] == "6.00" and row["missing"] == [str(PlatformDomain.DIGITAL_ASSET_CIRCULATION.label)]
    assert row["met"] is False  # six platforms, more than five, but no digital-asset circulation platform
    PlatformFactory(domain=PlatformDomain.DIGITAL_ASSET_CIRCULATION, launched=launched)
    row = platforms_row(client)
    assert row["missing"] == [] and row["met"] is True and row["actual"] == "7.00"


@pytest.mark.django_db
def test_every_domain_with_too_few_platforms_is_not_met():
    PlanTargetFactory(code="platforms", metric=TargetMetric.PLATFORMS, goal=6)
    for domain in PlatformDomain.values:
        PlatformFactory(domain=domain, launched=datetime.date(2024, 3, 1))
    row = platforms_row(token_client(bureau_user()))
    assert row["missing"] == [] and row["actual"] == "5.00" and row["met"] is False
