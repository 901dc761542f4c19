"""District staff: a district membership scopes a user to the district's parks, units, tenancies, enterprises and
their filings, designations, memberships, labs, platforms and projects — to see, never to change — through the
access layer like every role; nothing of another district exists for them (404), and only the bureau gives the
membership."""

import pytest
from django.urls import reverse

from access.scoping import ADD, CHANGE, DELETE, VIEW, grants, user_scope
from enterprises.models import AnnualFiling, Enterprise, EnterpriseMembership, Tenancy, TierDesignation
from parks.models import District, DistrictMembership, Park, ParkMembership, Unit
from registry.models import BenchmarkProject, Lab, Platform

from .conftest import token_client
from .factories import (
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    LabFactory,
    ParkFactory,
    ParkMembershipFactory,
    PlatformFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
)

pytestmark = pytest.mark.django_db
MODELS = (Park, Unit, ParkMembership, Enterprise, Tenancy, EnterpriseMembership, AnnualFiling, TierDesignation,
          Lab, Platform, BenchmarkProject)


def district_records() -> dict:
    """One of each scoped record in a new district: a park, a unit let to an enterprise of the district, its
    filing, designation, member, lab, platform and project, and the park's administrator."""
    district = DistrictFactory()
    park = ParkFactory(district=district)
    enterprise = EnterpriseFactory(district=district, park=park)
    unit = UnitFactory(park=park)
    return {
        "district": district, "park": park, "enterprise": enterprise, "unit": unit,
        "tenancy": TenancyFactory(unit=unit, enterprise=enterprise),
        "filing": approved_filing(enterprise=enterprise, year=2024),
        "designation": TierDesignationFactory(enterprise=enterprise),
        "member": EnterpriseMembershipFactory(enterprise=enterprise),
        "admin": ParkMembershipFactory(park=park),
        "lab": LabFactory(host=enterprise, park=park),
        "platform": PlatformFactory(operator=enterprise, park=park),
        "project": BenchmarkProjectFactory(lead=enterprise, park=park),
    }


@pytest.fixture
def two_districts():
    """Two districts with their records, and a staff member of the first."""
    ours, theirs = district_records(), district_records()
    staff = UserFactory(username="district_staff")
    DistrictMembership.objects.create(user=staff, district=ours["district"])
    return ours, theirs, staff


def test_district_staff_see_their_district_whole_and_nothing_of_another(two_districts):
    ours, theirs, staff = two_districts
    assert user_scope(staff).districts == {ours["district"].pk}
    for model in MODELS:
        seen = set(model.objects.restrict(staff, VIEW).values_list("pk", flat=True))
        mine = set(model.objects.filter(pk__in=[r.pk for r in ours.values() if isinstance(r, model)])
                   .values_list("pk", flat=True))
        assert mine and seen == mine, model.__name__


@pytest.mark.parametrize("action", [ADD, CHANGE, DELETE])
def test_district_staff_change_nothing(two_districts, action):
    _, _, staff = two_districts
    for model in MODELS:
        assert not model.objects.restrict(staff, action).exists(), (model.__name__, action)
        assert not grants(user=staff, model=model, action=action), (model.__name__, action)


def test_district_staff_in_the_api(two_districts):
    ours, theirs, staff = two_districts
    client = token_client(staff)
    listed = client.get(reverse("api:enterprise-list")).json()
    assert [row["id"] for row in listed["results"]] == [ours["enterprise"].pk]
    assert client.get(reverse("api:enterprise-detail", args=[theirs["enterprise"].pk])).status_code == 404
    assert client.get(reverse("api:annualfiling-detail", args=[theirs["filing"].pk])).status_code == 404
    assert client.get(reverse("api:annualfiling-detail", args=[ours["filing"].pk])).status_code == 200
    answer = client.patch(reverse("api:enterprise-detail", args=[ours["enterprise"].pk]), {"short_name": "x"},
                          format="json")
    assert answer.status_code == 403
    assert Enterprise.objects.get(pk=ours["enterprise"].pk).short_name != "x"


def test_only_the_bureau_gives_a_district_membership(two_districts):
    ours, _, staff = two_districts
    admin = ours["admin"].user
    for user in (staff, admin, ours["member"].user):
        assert not DistrictMembership.objects.restrict(user, ADD).exists()
        assert not grants(user=user, model=DistrictMembership, action=ADD)
    # Staff see their district's memberships (their colleagues), nobody else's.
    assert list(DistrictMembership.objects.restrict(staff, VIEW)) == list(
        DistrictMembership.objects.filter(district=ours["district"]))
    assert not DistrictMembership.objects.restrict(admin, VIEW).exists()


def test_district_is_reference_data_for_staff(two_districts):
    _, theirs, staff = two_districts
    assert District.objects.restrict(staff, VIEW).filter(pk=theirs["district"].pk).exists()
    assert not District.objects.restrict(staff, CHANGE).exists()


def test_the_bureau_gives_the_membership_in_the_admin_and_a_park_administrator_cannot(client, two_districts):
    from .factories import bureau_user

    ours, _, _ = two_districts
    newcomer = UserFactory(username="newcomer")
    add = reverse("admin:parks_districtmembership_add")
    admin = ours["admin"].user
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert client.post(add, {"user": newcomer.pk, "district": ours["district"].pk}).status_code == 403
    client.force_login(bureau_user(is_staff=True))
    assert client.post(add, {"user": newcomer.pk, "district": ours["district"].pk}).status_code == 302
    assert user_scope(type(newcomer).objects.get(pk=newcomer.pk)).districts == {ours["district"].pk}


def test_district_staff_reports_count_only_their_district(two_districts):
    ours, theirs, staff = two_districts
    client = token_client(staff)
    answer = client.get(reverse("api:report-districts"), {"year": 2024, "as_of": "2024-12-31"})
    assert answer.status_code == 200, answer.content
    rows = {row["district_code"]: row for row in answer.json()["results"]}
    assert rows[ours["district"].code]["enterprises"] == 1
    assert theirs["district"].code not in rows or rows[theirs["district"].code]["enterprises"] == 0
    parks = client.get(reverse("api:report-parks"), {"year": 2024, "as_of": "2024-12-31"}).json()["results"]
    assert [row["park_id"] for row in parks] == [ours["park"].pk]
