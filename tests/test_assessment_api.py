"""The tier self-assessment over the API: the enterprise's own, and the records in scope of the others."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from enterprises.api.serializers import AssessmentSerializer
from enterprises.choices import Tier
from enterprises.selectors import reporting_year
from enterprises.tiers import rule_set_for

from .conftest import enterprise_user_client, park_admin_client
from .factories import EnterpriseFactory, TierDesignationFactory, approved_filing


def url(enterprise):
    return reverse("api:enterprise-assessment", args=[enterprise.pk])


@pytest.mark.django_db
def test_enterprise_user_sees_their_assessment_with_the_gap_to_the_next_tier():
    year = reporting_year()  # the default year, as every report's
    filing = approved_filing(year=year, revenue=Decimal("10000"), rd_expense=Decimal("240"))  # R&D share 2.40%
    approved_filing(enterprise=filing.enterprise, year=year - 1, rd_expense=Decimal("1"))  # not the year assessed
    TierDesignationFactory(enterprise=filing.enterprise, tier=Tier.INNOVATIVE, granted_on=datetime.date(year, 3, 1),
                           year=year)
    response = enterprise_user_client(filing.enterprise).get(url(filing.enterprise), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.data
    data = response.data
    assert data["filing"] == filing.pk and data["year"] == year and data["rule_set"] == rule_set_for(year).code
    assert data["basis"] == {"year": year, "year_chosen": "default", "as_of": f"{year}-12-31",
                             "rule_set": rule_set_for(year).code, "rule_set_name": str(rule_set_for(year).name),
                             "money_unit": "万元"}
    assert data["held"] == ["innovative"] and data["next_tier"] == "specialised"
    specialised = next(t for t in data["tiers"] if t["tier"] == "specialised")
    assert specialised["met"] is False
    failing = [c for c in specialised["criteria"] if not c["passed"]]
    assert failing and all(c["gap"] for c in failing)
    assert any("2.40" in gap and "3" in gap for gap in data["gaps"]), data["gaps"]
    assert {t["tier"] for t in data["tiers"]} == {"innovative", "specialised", "little_giant"}


@pytest.mark.django_db
def test_rule_set_and_year_can_be_chosen_and_bad_ones_are_refused(bureau_client):
    filing = approved_filing(year=2024)
    approved_filing(enterprise=filing.enterprise, year=2023, revenue=Decimal("500"), main_revenue=Decimal("400"),
                    digital_human_revenue=Decimal("100"))
    assert bureau_client.get(url(filing.enterprise), {"rule_set": "2026"}).data["rule_set"] == "2026"
    assert bureau_client.get(url(filing.enterprise), {"year": 2023}).data["filing"] != filing.pk
    bad = bureau_client.get(url(filing.enterprise), {"rule_set": "1999"})
    assert bad.status_code == 400 and "rule_set" in bad.data


@pytest.mark.django_db
def test_without_an_approved_filing_no_tier_is_met(bureau_client):
    enterprise = EnterpriseFactory()
    data = bureau_client.get(url(enterprise)).data
    assert data["filing"] is None and data["highest_met"] is None and data["next_tier"] == "innovative"
    assert all(not tier["met"] for tier in data["tiers"])


@pytest.mark.django_db
def test_assessment_follows_scope():
    filing = approved_filing()
    other = EnterpriseFactory()
    assert park_admin_client(filing.enterprise.park).get(url(filing.enterprise)).status_code == 200
    assert park_admin_client(other.park).get(url(filing.enterprise)).status_code == 404
    assert enterprise_user_client(other).get(url(filing.enterprise)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("rule_set", ["2022", "2026"])
def test_the_answer_is_what_its_documented_serializer_gives(bureau_client, rule_set):
    """The view answers the assessment's own JSON-ready dict; AssessmentSerializer (the schema) gives the same, key
    for key and value for value, so the documentation cannot drift from the answer."""
    filing = approved_filing(year=2024)
    TierDesignationFactory(enterprise=filing.enterprise, tier=Tier.INNOVATIVE)
    for language in ("zh-hans", "en"):
        answer = bureau_client.get(url(filing.enterprise), {"rule_set": rule_set},
                                   HTTP_ACCEPT_LANGUAGE=language).json()
        assert json.loads(json.dumps(AssessmentSerializer(answer).data)) == answer
