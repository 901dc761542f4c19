"""The park report's "not filed": enterprises registered with the park or renting in it at any time during the
filing year, without a filing of that year submitted to the bureau (submitted, returned or approved); a park
administrator sees only those seen whole (registered with their park), judged on the filings they may see."""

import datetime

import pytest
from django.utils import timezone

from enterprises.choices import FilingStatus

from ..conftest import token_client
from ..factories import AnnualFilingFactory, EnterpriseFactory, TenancyFactory, UnitFactory, bureau_user
from ..worlds import build_world

ON = datetime.date(2025, 3, 1)


def not_filed(client, park) -> tuple[int, set[str]]:
    """The park's filing year and the names listed as not filed."""
    response = client.get("/api/v1/reports/parks/", {"as_of": ON.isoformat()})
    assert response.status_code == 200, response.content[:300]
    row = next(row for row in response.json()["results"] if row["park_id"] == park.pk)
    listed = client.get(row["not_filed_url"])  # the park's list, behind its own paged endpoint
    assert listed.status_code == 200 and listed.json()["basis"]["year"] == row["not_filed_year"]
    names = [item["name"] for item in listed.json()["results"]]
    assert row["not_filed_count"] == listed.json()["count"] == len(names) == len(set(names))
    table = client.get("/api/v1/reports/parks/", {"as_of": ON.isoformat(), "format": "csv"})
    assert all(name in table.content.decode("utf-8-sig") for name in names)  # the download lists them too
    return row["not_filed_year"], set(names)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_not_filed_is_every_enterprise_of_the_park_during_the_year(role):
    world = build_world(parks=2, admins=(1, 0))
    park, elsewhere = world.parks
    client = token_client(bureau_user()) if role == "bureau" else token_client(world.admin(0))
    year, listed = not_filed(client, park)
    assert listed == set()

    def firm(name, registered, tenancy=None, filing=None):
        enterprise = EnterpriseFactory(name=name, park=registered, district=(registered or park).district)
        if tenancy:
            TenancyFactory(unit=UnitFactory(park=park), enterprise=enterprise, start=tenancy[0], end=tenancy[1])
        if filing:
            now = None if filing == FilingStatus.DRAFT else timezone.now()
            AnnualFilingFactory(enterprise=enterprise, year=year, status=filing, park=registered,
                                district=enterprise.district, submitted_at=now,
                                reviewed_at=now if filing != FilingStatus.SUBMITTED else None,
                                return_reason="数据有误" if filing == FilingStatus.RETURNED else "")
        return enterprise

    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    firm("registered, never a tenant", park)
    firm("registered, draft only", park, filing=FilingStatus.DRAFT)
    firm("registered, submitted", park, filing=FilingStatus.SUBMITTED)
    firm("registered, returned", park, filing=FilingStatus.RETURNED)
    firm("registered, approved", park, filing=FilingStatus.APPROVED)
    firm("registered, tenant on the date", park, tenancy=(first, None))
    firm("registered elsewhere, tenant during the year only", elsewhere,
         tenancy=(datetime.date(year, 3, 1), datetime.date(year, 9, 1)))
    firm("registered elsewhere, tenant on the date", elsewhere, tenancy=(datetime.date(year, 6, 1), None))
    firm("registered nowhere, tenant on the last day of the year", None, tenancy=(last, ON))
    firm("registered elsewhere, tenant after the year", elsewhere, tenancy=(datetime.date(year + 1, 1, 1), None))
    firm("registered elsewhere, tenancy ended as the year began", elsewhere,
         tenancy=(datetime.date(year - 1, 3, 1), first))
    firm("registered elsewhere, tenant during the year, approved", elsewhere,
         tenancy=(datetime.date(year, 3, 1), datetime.date(year, 9, 1)), filing=FilingStatus.APPROVED)
    firm("registered elsewhere, never a tenant", elsewhere)

    whole = {"registered, never a tenant", "registered, draft only", "registered, tenant on the date"}
    tenants = {"registered elsewhere, tenant during the year only", "registered elsewhere, tenant on the date",
               "registered nowhere, tenant on the last day of the year"}
    assert not_filed(client, park) == (year, whole | tenants if role == "bureau" else whole)
