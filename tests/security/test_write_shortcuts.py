"""The write path's shortcuts attacked through the API: a step's scope check that reuses the record the view read
(`access.scoping.view_implies`), references and unique values left unasked where the row read vouches for them
(`config.constraints.known_references`, `unchanged_since_read`). A park administrator or enterprise user acting
outside their scope is refused (404 or 403) and nothing is written; a reference to no record, or a duplicate
value, is a 400 naming its field, never a 500 or a silent write."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Standard, Tenancy

from ..conftest import token_client
from ..factories import (
    AnnualFilingFactory,
    EnterpriseMembershipFactory,
    TenancyFactory,
    UnitFactory,
    register_records,
)
from ..worlds import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """P1 with its administrator; E1 registered with P1, E2 with P2 and renting a unit of P1 (its public face seen
    by P1's administrator); each with a user; E2 with a submitted filing; a unit of each park."""
    world = build_world(admins=(1, 0), enterprises=(1, 1), users=1)
    (p1, p2), admin = world.parks, world.admin(0)
    e1, e2 = world.enterprise(0), world.enterprise(1)
    TenancyFactory(unit=UnitFactory(park=p1), enterprise=e2, start=datetime.date(2024, 1, 1), end=None)
    filing = AnnualFilingFactory(enterprise=e2, status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    return {"p1": p1, "p2": p2, "admin": admin, "e1": e1, "e2": e2, "filing": filing,
            "m1": world.members_of(e1)[0].user, "m2": world.members_of(e2)[0].user,
            "u1": UnitFactory(park=p1), "u2": UnitFactory(park=p2)}


def test_a_park_administrator_may_not_review_or_change_a_tenant_registered_elsewhere(city):
    client = token_client(city["admin"])
    e2, filing = city["e2"], city["filing"]
    assert client.post(reverse("api:annualfiling-approve", args=[filing.pk]), {}, format="json").status_code == 404
    # no role of theirs changes an enterprise: refused before the record is looked up
    assert client.patch(reverse("api:enterprise-detail", args=[e2.pk]), {"name": "改名"},
                        format="json").status_code == 403
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert Enterprise.objects.get(pk=e2.pk).name == e2.name


def test_an_administrator_who_is_also_the_tenants_user_may_not_review_its_filing(city):
    EnterpriseMembershipFactory(user=city["admin"], enterprise=city["e2"])  # sees E2 whole, through E2
    client = token_client(city["admin"])
    filing = city["filing"]
    response = client.post(reverse("api:annualfiling-approve", args=[filing.pk]), {}, format="json")
    assert response.status_code == 403
    assert AnnualFiling.objects.get(pk=filing.pk).status == FilingStatus.SUBMITTED


def test_an_enterprise_user_may_not_change_another_enterprise(city):
    client = token_client(city["m1"])
    e2 = city["e2"]
    assert client.patch(reverse("api:enterprise-detail", args=[e2.pk]), {"name": "改名"},
                        format="json").status_code == 404
    assert Enterprise.objects.get(pk=e2.pk).name == e2.name


def test_a_tenancy_moved_to_another_parks_unit_is_refused(city):
    tenancy = TenancyFactory(unit=city["u1"], enterprise=city["e1"], start=datetime.date(2024, 1, 1), end=None)
    client = token_client(city["admin"])
    response = client.patch(reverse("api:tenancy-detail", args=[tenancy.pk]), {"unit": city["u2"].pk},
                            format="json")
    assert response.status_code in (400, 403), response.content
    assert Tenancy.objects.get(pk=tenancy.pk).unit_id == city["u1"].pk


def test_a_reference_to_no_record_is_a_400_on_its_field(city):
    tenancy = TenancyFactory(unit=city["u1"], enterprise=city["e1"], start=datetime.date(2024, 1, 1), end=None)
    client = token_client(city["admin"])
    response = client.patch(reverse("api:tenancy-detail", args=[tenancy.pk]), {"unit": 987_654_321},
                            format="json")
    assert response.status_code == 400 and "unit" in response.json(), response.content
    standard = register_records(city["e1"])["standard"]
    member = token_client(city["m1"])
    response = member.patch(reverse("api:standard-detail", args=[standard.pk]), {"enterprise": 987_654_321},
                            format="json")
    assert response.status_code == 400 and "enterprise" in response.json(), response.content
    # an enterprise that exists but is not the user's: no such choice for them
    response = member.patch(reverse("api:standard-detail", args=[standard.pk]), {"enterprise": city["e2"].pk},
                            format="json")
    assert response.status_code == 400 and "enterprise" in response.json(), response.content
    assert Standard.objects.get(pk=standard.pk).enterprise_id == city["e1"].pk


def test_a_duplicate_value_is_a_400_and_an_unchanged_one_passes(city):
    standard = register_records(city["e1"])["standard"]
    other = Standard.objects.create(enterprise=city["e1"], title="另一标准", number="T/OTHER 1", level="group",
                                    role="lead", status="published", published_on=datetime.date(2024, 3, 1))
    client = token_client(city["m1"])
    url = reverse("api:standard-detail", args=[other.pk])
    response = client.patch(url, {"number": standard.number}, format="json")
    assert response.status_code == 400, response.content  # the constraint over two fields names neither
    assert "该企业已登记此标准。" in str(response.json())
    assert Standard.objects.get(pk=other.pk).number == "T/OTHER 1"
    response = client.patch(url, {"title": "改名的标准"}, format="json")  # the number unchanged: left to its index
    assert response.status_code == 200, response.content
    # moved to another enterprise of the user's holding the same number: asked again, refused
    EnterpriseMembershipFactory(user=city["m1"], enterprise=city["e2"])
    Standard.objects.create(enterprise=city["e2"], title="同号标准", number="T/OTHER 1", level="group",
                            role="lead", status="published", published_on=datetime.date(2024, 3, 1))
    response = client.patch(url, {"enterprise": city["e2"].pk}, format="json")
    assert response.status_code == 400, response.content
    assert Standard.objects.get(pk=other.pk).enterprise_id == city["e1"].pk


def test_a_park_administrator_never_reads_the_bureaus_compiled_list_of_tenants_not_filed(city):
    """The bureau's list (compiled once per process and year) read first; the administrator's, of the same park and
    year, is still theirs: a tenant registered with another park is not their business. Another park's is a 404."""
    from ..factories import EnterpriseFactory, bureau_user

    renter = EnterpriseFactory(park=city["p2"])  # owes 2024's filing, renting in P1
    TenancyFactory(unit=city["u1"], enterprise=renter, start=datetime.date(2024, 1, 1), end=None)
    url = reverse("api:report-park-tenants-not-filed", args=[city["p1"].pk])
    bureau = {row["enterprise"] for row in token_client(bureau_user()).get(url, {"year": 2024}).json()["results"]}
    assert {city["e1"].pk, renter.pk} <= bureau
    admin = token_client(city["admin"])
    own = {row["enterprise"] for row in admin.get(url, {"year": 2024}).json()["results"]}
    assert own == {city["e1"].pk}
    other = reverse("api:report-park-tenants-not-filed", args=[city["p2"].pk])
    assert admin.get(other, {"year": 2024}).status_code == 404
