"""API tests of annual filings and tier designations: the generic class, then the review workflow."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from enterprises.choices import DesignationStatus, FilingStatus, Tier
from enterprises.models import AnnualFiling, TierDesignation

from .api_base import APIResourceTests
from .conftest import enterprise_user_client, park_admin_client, token_client
from .factories import (
    AnnualFilingFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkMembershipFactory,
    TierDesignationFactory,
    approved_filing,
)

FIGURES = {
    "revenue": "12000.00", "digital_human_revenue": "3000.00", "main_revenue": "11000.00", "rd_expense": "600.00",
    "net_profit": "900.00", "staff": 150, "rd_staff": 45, "debt_ratio": "40.00",
}


class TestAnnualFilingAPI(APIResourceTests):
    basename = "annualfiling"
    factory = AnnualFilingFactory
    ordering = "enterprise__name"

    def create_payload(self):
        return {"enterprise": EnterpriseFactory().pk, "year": 2023, **FIGURES, "niche_months": 60}

    def update_payload(self, obj):
        return {"revenue": "20000.00", "ip_class1": 3, "own_brand": True}

    def invalid_payload(self):
        return {"enterprise": EnterpriseFactory().pk, "year": 2023, **FIGURES, "rd_staff": 151}, "rd_staff"

    def filter_cases(self):
        a, b = AnnualFilingFactory(year=2022), approved_filing(year=2021)
        return [
            ({"year": 2022}, [a], [b]), ({"status": "approved"}, [b], [a]), ({"enterprise": a.enterprise_id}, [a], [b]),
            ({"park": b.park_id}, [b], [a]), ({"district": b.district_id}, [b], [a]),
        ]


class TestTierDesignationAPI(APIResourceTests):
    basename = "tierdesignation"
    factory = TierDesignationFactory
    ordering = "enterprise__name"

    def create_payload(self):
        return {"enterprise": EnterpriseFactory().pk, "tier": "specialised", "year": 2025, "batch": "2025年第三批",
                "certificate_number": "ZJTX-2025-0301", "granted_on": "2025-09-30"}

    def update_payload(self, obj):
        return {"revoked_on": "2026-01-05", "revoke_reason": "虚报材料"}

    def invalid_payload(self):
        return {"enterprise": EnterpriseFactory().pk, "tier": "innovative", "year": 2025, "granted_on": "2025-05-01",
                "valid_until": "2025-04-01"}, "valid_until"

    def filter_cases(self):
        a = TierDesignationFactory(tier=Tier.LITTLE_GIANT, year=2021, granted_on=datetime.date(2021, 7, 1))
        b = TierDesignationFactory()
        return [
            ({"tier": "little_giant"}, [a], [b]), ({"year": 2024}, [b], [a]), ({"status": "expired"}, [a], [b]),
            ({"enterprise": b.enterprise_id}, [b], [a]), ({"park": a.enterprise.park_id}, [a], [b]),
        ]


def url(name, filing=None):
    return reverse(f"api:annualfiling-{name}", args=[filing.pk] if filing else [])


# --- the workflow ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_enterprise_drafts_submits_park_approves_and_it_freezes():
    enterprise = EnterpriseFactory()
    member, admin = enterprise_user_client(enterprise), park_admin_client(enterprise.park)
    draft = member.post(url("list"), {"enterprise": enterprise.pk, "year": 2024, "revenue": "100.00"}, format="json")
    assert draft.status_code == 201, draft.data
    filing = AnnualFiling.objects.get(pk=draft.data["id"])
    assert draft.data["status"] == "draft" and draft.data["park"] is None
    assert admin.get(url("detail", filing)).status_code == 404  # a draft is the enterprise's own

    incomplete = member.post(url("submit", filing))
    assert incomplete.status_code == 400 and "rd_staff" in incomplete.data and "revenue" not in incomplete.data
    assert member.patch(url("detail", filing), FIGURES, format="json").status_code == 200
    submitted = member.post(url("submit", filing))
    assert submitted.status_code == 200, submitted.data
    assert submitted.data["status"] == "submitted" and submitted.data["park"]["id"] == enterprise.park_id
    assert submitted.data["submitted_by"]["username"] == member.user.username

    assert member.patch(url("detail", filing), {"revenue": "1.00"}, format="json").status_code == 400
    assert member.post(url("approve", filing)).status_code == 403  # nobody approves their own filing
    approved = admin.post(url("approve", filing))
    assert approved.status_code == 200 and approved.data["status"] == "approved"
    assert approved.data["reviewed_by"]["username"] == admin.user.username

    frozen = member.patch(url("detail", filing), {"revenue": "1.00"}, format="json")
    assert frozen.status_code == 400 and "status" in frozen.data
    assert member.delete(url("detail", filing)).status_code == 400
    filing.refresh_from_db()
    assert filing.revenue == Decimal("12000.00") and filing.status == FilingStatus.APPROVED


@pytest.mark.django_db
def test_return_needs_a_reason_and_resubmission_goes_back_to_review():
    filing = AnnualFilingFactory()
    member, admin = enterprise_user_client(filing.enterprise), park_admin_client(filing.enterprise.park)
    member.post(url("submit", filing))
    no_reason = admin.post(url("return", filing), {"reason": "  "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.data
    returned = admin.post(url("return", filing), {"reason": "研发人员数与社保记录不符"}, format="json")
    assert returned.status_code == 200 and returned.data["status"] == "returned"
    assert returned.data["return_reason"] == "研发人员数与社保记录不符"
    assert member.patch(url("detail", filing), {"rd_staff": 30}, format="json").status_code == 200
    again = member.post(url("submit", filing))
    assert again.data["status"] == "submitted" and again.data["return_reason"] == ""
    assert admin.post(url("approve", filing)).data["status"] == "approved"
    records = member.get(url("history", filing)).data
    assert any(c["field"] == "status" and c["new"] == "returned" for r in records for c in r["changes"])


@pytest.mark.django_db
def test_correction_is_a_new_revision_reviewed_again_and_supersedes_on_approval():
    first = approved_filing(year=2023)
    member, admin = enterprise_user_client(first.enterprise), park_admin_client(first.enterprise.park)
    again = member.post(url("list"), {"enterprise": first.enterprise_id, "year": 2023, **FIGURES}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and f"filing {first.pk}" in str(again.data["year"]), again.data
    revised = member.post(url("revise", first))
    assert revised.status_code == 201 and revised.data["revision"] == 2 and revised.data["status"] == "draft"
    assert Decimal(revised.data["revenue"]) == first.revenue
    second = AnnualFiling.objects.get(pk=revised.data["id"])
    assert member.post(url("revise", first)).status_code == 400  # one open revision at a time
    member.patch(url("detail", second), {"revenue": "15000.00"}, format="json")
    member.post(url("submit", second))
    assert AnnualFiling.objects.current().get(enterprise=first.enterprise, year=2023).pk == first.pk
    assert admin.post(url("approve", second)).status_code == 200
    first.refresh_from_db()
    assert first.status == FilingStatus.SUPERSEDED
    assert AnnualFiling.objects.current().get(enterprise=first.enterprise, year=2023).revenue == Decimal("15000.00")


@pytest.mark.django_db
def test_filing_figures_are_validated_with_field_messages(bureau_client):
    enterprise = EnterpriseFactory()
    cases = {
        "revenue": "-1.00", "debt_ratio": "100.01", "market_share": "-0.01", "staff": -3, "year": 2999,
        "main_revenue": "13000.00", "ip_class1_high_value": 1,
    }
    for field, value in cases.items():
        body = {"enterprise": enterprise.pk, "year": 2024, **FIGURES, field: value}
        response = bureau_client.post(url("list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, field
        assert field in response.data, (field, response.data)
    chinese = bureau_client.post(url("list"), {"enterprise": enterprise.pk, "year": 2024, **FIGURES, "rd_staff": 151},
                                 format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "研发" in str(chinese.data["rd_staff"])
    assert not AnnualFiling.objects.exists()


@pytest.mark.django_db
def test_scope_of_filings():
    filing = AnnualFilingFactory()
    other = EnterpriseFactory()
    member = enterprise_user_client(filing.enterprise)
    foreign = member.post(url("list"), {"enterprise": other.pk, "year": 2024, **FIGURES}, format="json")
    assert foreign.status_code == 400 and "enterprise" in foreign.data  # another enterprise does not exist for them
    member.post(url("submit", filing))
    outsider = park_admin_client(other.park)
    assert outsider.get(url("detail", filing)).status_code == 404
    assert outsider.post(url("approve", filing)).status_code == 404
    assert park_admin_client(filing.enterprise.park).post(url("revise", filing)).status_code == 403


@pytest.mark.django_db
def test_a_user_of_the_enterprise_who_runs_its_park_cannot_review_it():
    filing = AnnualFilingFactory()
    both = ParkMembershipFactory(park=filing.enterprise.park).user
    EnterpriseMembershipFactory(user=both, enterprise=filing.enterprise)
    client = token_client(both)
    assert client.post(url("submit", filing)).status_code == 200
    assert client.post(url("approve", filing)).status_code == 403
    assert AnnualFiling.objects.get(pk=filing.pk).status == FilingStatus.SUBMITTED


@pytest.mark.django_db
def test_enterprise_without_a_park_is_reviewed_by_the_bureau(bureau_client):
    filing = AnnualFilingFactory(enterprise=EnterpriseFactory(park=None))
    enterprise_user_client(filing.enterprise).post(url("submit", filing))
    assert bureau_client.post(url("approve", filing)).data["status"] == "approved"


@pytest.mark.django_db
def test_database_refuses_to_change_an_approved_filing():
    filing = approved_filing()
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        AnnualFiling.objects.filter(pk=filing.pk).update(revenue=Decimal("1"))
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        AnnualFiling.objects.filter(pk=filing.pk).update(status=FilingStatus.DRAFT)
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM enterprises_annualfiling WHERE id = %s", [filing.pk])
    AnnualFiling.objects.filter(pk=filing.pk).update(status=FilingStatus.SUPERSEDED)  # the one allowed change


@pytest.mark.django_db
def test_database_keeps_one_open_and_one_approved_filing_per_year():
    filing = approved_filing(year=2022)
    AnnualFilingFactory(enterprise=filing.enterprise, year=2022, revision=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualFilingFactory(enterprise=filing.enterprise, year=2022, revision=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        approved_filing(enterprise=filing.enterprise, year=2022, revision=4)


# --- designations -----------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("on, status", [
    # expires 2027-03-01: due six months before, from 2026-09-01 (not 08-29: tests/numbers/test_as_of.py)
    ("2024-03-01", DesignationStatus.VALID), ("2026-08-31", DesignationStatus.VALID),
    ("2026-09-01", DesignationStatus.DUE), ("2027-02-28", DesignationStatus.DUE),
    ("2027-03-01", DesignationStatus.EXPIRED),
])
def test_designation_status_follows_from_the_dates(on, status):
    designation = TierDesignationFactory()  # granted 2024-03-01, valid until 2027-02-28
    assert designation.valid_until == datetime.date(2027, 2, 28)
    day = datetime.date.fromisoformat(on)
    assert designation.status_on(day) == status
    assert TierDesignation.objects.with_status(day).get(pk=designation.pk).status == status


@pytest.mark.django_db
def test_revoked_designation_is_revoked_from_that_day():
    designation = TierDesignationFactory(revoked_on=datetime.date(2025, 1, 10), revoke_reason="撤销")
    assert designation.status_on(datetime.date(2025, 1, 9)) == DesignationStatus.VALID
    assert designation.status_on(datetime.date(2025, 1, 10)) == DesignationStatus.REVOKED
    assert TierDesignation.objects.held_on(datetime.date(2025, 1, 10)).count() == 0


@pytest.mark.django_db
def test_only_the_bureau_records_designations():
    enterprise = EnterpriseFactory()
    body = {"enterprise": enterprise.pk, "tier": "little_giant", "year": 2025, "granted_on": "2025-07-01"}
    for client in (park_admin_client(enterprise.park), enterprise_user_client(enterprise)):
        assert client.post(reverse("api:tierdesignation-list"), body, format="json").status_code == 403
    assert not TierDesignation.objects.exists()
