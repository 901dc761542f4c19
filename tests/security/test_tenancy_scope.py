"""Scope widening through tenancies: a park administrator who lets a unit to an enterprise of another park (or
makes up a one-day tenancy in 2000 on a unit made for the purpose) must not see that enterprise's contacts,
designations, filings, figures, memberships or history, nor add or remove its users.

What a tenancy grants: a current or future tenant shows its public directory fields and its tenancies in the
park, nothing more; a former tenant shows only its past tenancies. An enterprise outside the scope is let a
unit by its exact credit code, never by its id."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseMembership, Tenancy

from ..conftest import token_client
from ..factories import (
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
)
from ..worlds import build_world

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = ("contact_name", "contact_phone", "contact_email", "created", "updated")


@pytest.fixture
def city():
    """P1 with its administrator and a unit made for the purpose; E2 registered with P2, with a contact, a
    designation with its certificate number, an approved filing and a user."""
    world = build_world(admins=(1, 0), enterprises=(0, 1), users=1, enterprise_kwargs={
        "contact_name": "王经理", "contact_phone": "13800000000", "contact_email": "wang@example.com"})
    (p1, p2), admin, e2 = world.parks, world.admin(0), world.enterprise(1)
    designation = TierDesignationFactory(enterprise=e2, certificate_number="BJ-2024-0001")
    filing = approved_filing(enterprise=e2, year=2024)
    (member,) = world.members_of(e2)
    return {"p1": p1, "p2": p2, "admin": admin, "client": token_client(admin), "unit": UnitFactory(park=p1),
            "e2": e2, "designation": designation, "filing": filing, "member": member}


def full_view_refused(client, city) -> None:
    """Nothing of E2 beyond its tenancies reaches P1's administrator."""
    e2 = city["e2"]
    for name in ("enterprise-history", "enterprise-assessment"):
        assert client.get(reverse(f"api:{name}", args=[e2.pk])).status_code == 404, name
    assert client.get(reverse("api:tierdesignation-detail", args=[city["designation"].pk])).status_code == 404
    assert client.get(reverse("api:annualfiling-detail", args=[city["filing"].pk])).status_code == 404
    assert client.get(reverse("api:enterprisemembership-detail", args=[city["member"].pk])).status_code == 404
    for name in ("tierdesignation-list", "annualfiling-list", "enterprisemembership-list"):
        listed = client.get(reverse(f"api:{name}"), {"enterprise": e2.pk}).json()
        assert listed.get("count", 0) == 0, (name, listed)
    body = client.get(reverse("api:report-tier-candidates"), {"year": 2024}).json()
    assert e2.credit_code not in str(body)


def membership_writes_refused(client, city) -> None:
    """P1's administrator may neither add a user to E2 nor remove one."""
    newcomer = UserFactory()
    response = client.post(reverse("api:enterprisemembership-list"),
                           {"user": newcomer.pk, "enterprise": city["e2"].pk}, format="json")
    assert response.status_code in (400, 403), response.content
    assert not EnterpriseMembership.objects.filter(user=newcomer).exists()
    response = client.delete(reverse("api:enterprisemembership-detail", args=[city["member"].pk]))
    assert response.status_code == 404
    assert EnterpriseMembership.objects.filter(pk=city["member"].pk).exists()


def test_a_tenancy_of_an_enterprise_named_by_id_outside_the_scope_is_refused(city):
    """The one-day tenancy in 2000 of the finding: E2's id does not exist for P1's administrator."""
    response = city["client"].post(reverse("api:tenancy-list"), {
        "unit": city["unit"].pk, "enterprise": city["e2"].pk, "start": "2000-01-01", "end": "2000-01-02",
    }, format="json")
    assert response.status_code == 400, response.content
    assert "enterprise" in response.json()
    assert not Tenancy.objects.filter(enterprise=city["e2"]).exists()


def test_a_made_up_former_tenancy_by_credit_code_grants_nothing(city):
    """Letting by the exact credit code is allowed; a tenancy ended in 2000 then shows only itself."""
    client = city["client"]
    response = client.post(reverse("api:tenancy-list"), {
        "unit": city["unit"].pk, "enterprise_credit_code": city["e2"].credit_code, "start": "2000-01-01",
        "end": "2000-01-02",
    }, format="json")
    assert response.status_code == 201, response.content
    assert client.get(reverse("api:tenancy-detail", args=[response.json()["id"]])).status_code == 200
    assert client.get(reverse("api:enterprise-detail", args=[city["e2"].pk])).status_code == 404
    full_view_refused(client, city)
    membership_writes_refused(client, city)


def test_a_former_tenant_is_out_of_scope(city):
    """A tenant whose tenancy has ended does not stay in scope for ever."""
    TenancyFactory(unit=city["unit"], enterprise=city["e2"], start=datetime.date(2020, 1, 1),
                   end=datetime.date(2021, 1, 1))
    client = city["client"]
    assert client.get(reverse("api:enterprise-detail", args=[city["e2"].pk])).status_code == 404
    listed = client.get(reverse("api:enterprise-list")).json()
    assert city["e2"].pk not in [row["id"] for row in listed["results"]]
    full_view_refused(client, city)
    membership_writes_refused(client, city)


def test_a_current_tenant_shows_its_public_fields_only(city):
    """A tenant registered elsewhere: its directory fields, no contacts, figures, designations or users."""
    TenancyFactory(unit=city["unit"], enterprise=city["e2"], start=datetime.date(2024, 1, 1), end=None)
    client = city["client"]
    body = client.get(reverse("api:enterprise-detail", args=[city["e2"].pk])).json()
    assert body["credit_code"] == city["e2"].credit_code
    assert set(PRIVATE_FIELDS).isdisjoint(body), body
    assert "王经理" not in str(body) and "13800000000" not in str(body)
    listed = client.get(reverse("api:enterprise-list")).json()["results"]
    row = next(row for row in listed if row["id"] == city["e2"].pk)
    assert set(PRIVATE_FIELDS).isdisjoint(row), row
    assert client.patch(reverse("api:enterprise-detail", args=[city["e2"].pk]),
                        {"profile": "x"}, format="json").status_code in (403, 404)
    full_view_refused(client, city)
    membership_writes_refused(client, city)


def test_the_tenancy_import_grants_nothing(city):
    """The same attack through the tenancy import: the enterprise by its credit code, one day in 2000."""
    client, e2, unit = city["client"], city["e2"], city["unit"]
    csv = ("统一社会信用代码,园区,楼栋,楼层,房间号,起租日期,退租日期\n"
           f"{e2.credit_code},{city['p1'].name},{unit.building},{unit.floor},{unit.room},2000-01-01,2000-01-02\n")
    response = client.post(reverse("api:import-list"), {
        "kind": "tenancies", "file": SimpleUploadedFile("tenancies.csv", csv.encode())}, format="multipart")
    assert response.status_code == 200, response.content
    assert Tenancy.objects.filter(enterprise=e2, unit=unit).exists()
    assert client.get(reverse("api:enterprise-detail", args=[e2.pk])).status_code == 404
    full_view_refused(client, city)
    membership_writes_refused(client, city)


def test_the_enterprise_import_does_not_reach_a_tenant(city):
    """A tenant registered elsewhere cannot be updated through the enterprise import either."""
    TenancyFactory(unit=city["unit"], enterprise=city["e2"], start=datetime.date(2024, 1, 1), end=None)
    csv = f"统一社会信用代码,企业名称,联系人\n{city['e2'].credit_code},{city['e2'].name},攻击者\n"
    response = city["client"].post(reverse("api:import-list"), {
        "kind": "enterprises", "file": SimpleUploadedFile("enterprises.csv", csv.encode())}, format="multipart")
    assert response.status_code == 400
    assert Enterprise.objects.get(pk=city["e2"].pk).contact_name == "王经理"
