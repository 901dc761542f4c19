"""Figures read around the scope: the assessment, the tier candidates and the park report must read filings
through the same scope as the filings themselves.

The attack: an enterprise now registered with P1 whose 2024 filing was submitted (and approved) while it was
registered with P2. P1's administrator gets 404 for that filing, yet the assessment showed its figures and the
tier-candidate report its revenue and R&D expense; and the park report told which tenants registered elsewhere
had filed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ..conftest import token_client
from ..factories import approved_filing, bureau_user
from ..worlds import build_world

pytestmark = pytest.mark.django_db
REVENUE, RD = Decimal("12345.67"), Decimal("765.43")


@pytest.fixture
def moved():
    """An enterprise registered with P1 whose approved 2024 filing was submitted in P2, and P1's administrator."""
    world = build_world(admins=(1, 0), enterprises=(0, 1))
    enterprise = world.enterprise(1)
    filing = approved_filing(enterprise=enterprise, year=2024, revenue=REVENUE, rd_expense=RD)
    enterprise.park = world.parks[0]
    enterprise.save()
    return {"enterprise": enterprise, "filing": filing, "client": token_client(world.admin(0))}


def test_the_filing_itself_is_out_of_scope(moved):
    """The premise: P1's administrator sees the enterprise but not the filing submitted in P2."""
    client = moved["client"]
    assert client.get(reverse("api:enterprise-detail", args=[moved["enterprise"].pk])).status_code == 200
    assert client.get(reverse("api:annualfiling-detail", args=[moved["filing"].pk])).status_code == 404


def test_the_assessment_does_not_read_a_filing_out_of_scope(moved):
    body = moved["client"].get(reverse("api:enterprise-assessment", args=[moved["enterprise"].pk]))
    assert body.status_code == 200
    data = body.json()
    assert data["filing"] is None, data["filing"]
    assert "12345.67" not in body.content.decode() and "765.43" not in body.content.decode()
    assert data["highest_met"] is None


def test_the_tier_candidates_do_not_read_a_filing_out_of_scope(moved):
    url = reverse("api:report-tier-candidates")
    everyone = token_client(bureau_user()).get(url, {"year": 2024, "page_size": 1000}).json()["results"]
    assert moved["enterprise"].pk in [row["id"] for row in everyone], "the bureau sees the candidate"
    answer = moved["client"].get(url, {"year": 2024, "page_size": 1000})
    assert answer.status_code == 200
    assert moved["enterprise"].credit_code not in answer.content.decode()
    assert "12345.67" not in answer.content.decode()
    table = moved["client"].get(url, {"year": 2024, "format": "csv"}).content.decode("utf-8-sig")
    assert "12345.67" not in table and moved["enterprise"].credit_code not in table


def test_the_park_report_does_not_tell_which_outside_tenants_filed():
    """Two tenants of P1 registered with P2, one of which filed there: P1's report names neither as not filed."""
    world = build_world(admins=(1, 0), enterprises=(0, 2))
    p1 = world.parks[0]
    today = timezone.localdate()
    filer, idler = world.enterprises[1]
    approved_filing(enterprise=filer, year=today.year - 1)
    for tenant in (filer, idler):
        world.let(enterprise=tenant, park=0, start=today - datetime.timedelta(days=30))
    client = token_client(world.admin(0))
    rows = client.get(reverse("api:report-parks"), {"as_of": today.isoformat()}).json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    row = next(row for row in rows if row["park_id"] == p1.pk)
    assert row["tenants"] == 2
    listed = client.get(row["not_filed_url"]).json()
    assert listed["results"] == [] and listed["count"] == row["not_filed_count"] == 0, listed["results"]
