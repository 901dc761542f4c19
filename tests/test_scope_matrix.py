"""The permission matrix's tenancy and admin-form cases: what a tenancy grants, and what the admin's forms offer.

Written out by hand from the rule (access.scoping), never computed from it. P1's administrator (`pa`) faces four
enterprises registered with P2: a current tenant of P1, a future one, a former one, and one whose tenancy ended
today (the end is the first day no longer let: former); and one registered with P1 itself. A registered
enterprise is seen whole; a current or future tenant shows its public fields only (and its tenancies); a former
tenant shows its tenancies, nothing more. P2's administrator (`pa2`) and the tenant's own user see the tenant whole.

District staff: every enterprise here is in a district of its own (not its park's). The staff of P1's district see
P1's tenancies (by the park's district) and none of the enterprises, tenants or registered: the enterprise's own
district decides, and a tenancy grants district staff nothing; the staff of an enterprise's district see it whole
but not its tenancy in P1. Neither may add a user (403: district staff change nothing).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from parks.models import DistrictMembership

from .conftest import token_client
from .factories import (
    EnterpriseFactory,
    ParkFactory,
    ParkMembershipFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)
from .worlds import build_world

pytestmark = pytest.mark.django_db
PUBLIC_KEYS = {"id", "url", *Enterprise.public_fields}
FULL_KEYS = PUBLIC_KEYS | {"contact_name", "contact_phone", "contact_email", "created", "updated"}
KINDS = ("home", "current", "future", "former", "ended_today")

# What P1's administrator gets, per enterprise kind: the enterprise's detail ("full", "public" or 404), its
# history, assessment, designation, filing and user (membership) details, its tenancy in P1, and adding a user.
#                     detail     history assess desig filing member tenancy add_user
EXPECTED = {
    "home":        ("full",    200,    200,   200,  200,   200,   200,    201),
    "current":     ("public",  404,    404,   404,  404,   404,   200,    400),
    "future":      ("public",  404,    404,   404,  404,   404,   200,    400),
    "former":      (404,       404,    404,   404,  404,   404,   200,    400),
    "ended_today": (404,       404,    404,   404,  404,   404,   200,    400),
}


@pytest.fixture
def city():
    """P1 and P2, their administrators, and one enterprise of each kind with a designation, a filing and a user."""
    # KINDS[0] (home) is registered with P1, the other four with P2.
    world = build_world(admins=1, enterprises=(1, 4), users=1,
                        enterprise_kwargs=lambda p, n: {"contact_name": f"{KINDS[p + n]}-contact"})
    p1, p2 = world.parks
    today = timezone.localdate()
    spans = {
        "home": (today - datetime.timedelta(days=400), None),
        "current": (today - datetime.timedelta(days=30), today + datetime.timedelta(days=30)),
        "future": (today + datetime.timedelta(days=60), None),
        "former": (today - datetime.timedelta(days=400), today - datetime.timedelta(days=30)),
        "ended_today": (today - datetime.timedelta(days=400), today),
    }
    records = {}
    for kind, enterprise in zip(KINDS, [*world.enterprises[0], *world.enterprises[1]], strict=True):
        start, end = spans[kind]
        records[kind] = {
            "enterprise": enterprise,
            "tenancy": world.let(enterprise=enterprise, park=0, start=start, end=end),
            "designation": TierDesignationFactory(enterprise=enterprise),
            "filing": approved_filing(enterprise=enterprise, year=2024),
            "member": world.members_of(enterprise)[0],
        }
    return {"p1": p1, "p2": p2, "pa": world.admin(0), "pa2": world.admin(1), "records": records,
            # an account in P1's scope (a user of the registered enterprise), to be added as a user elsewhere
            "colleague": records["home"]["member"].user}


@pytest.mark.parametrize("kind", KINDS)
def test_what_a_tenancy_grants_to_the_parks_administrator(city, kind):
    expected = dict(zip(("detail", "history", "assessment", "designation", "filing", "member", "tenancy", "add"),
                        EXPECTED[kind], strict=True))
    client, record = token_client(city["pa"]), city["records"][kind]
    enterprise = record["enterprise"]
    detail = client.get(reverse("api:enterprise-detail", args=[enterprise.pk]))
    if expected["detail"] == 404:
        assert detail.status_code == 404
    else:
        assert detail.status_code == 200
        assert set(detail.json()) == (FULL_KEYS if expected["detail"] == "full" else PUBLIC_KEYS)
    page = client.get(reverse("api:enterprise-list"), {"page_size": 100}).json()
    listed = {row["id"]: row for row in page["results"]}
    if expected["detail"] == 404:
        assert enterprise.pk not in listed
    else:
        assert set(listed[enterprise.pk]) == set(detail.json())
    for name, key in (("enterprise-history", "history"), ("enterprise-assessment", "assessment")):
        assert client.get(reverse(f"api:{name}", args=[enterprise.pk])).status_code == expected[key], name
    for name, key in (("tierdesignation-detail", "designation"), ("annualfiling-detail", "filing"),
                      ("enterprisemembership-detail", "member"), ("tenancy-detail", "tenancy")):
        target = record[{"tierdesignation-detail": "designation", "annualfiling-detail": "filing",
                         "enterprisemembership-detail": "member", "tenancy-detail": "tenancy"}[name]]
        assert client.get(reverse(f"api:{name}", args=[target.pk])).status_code == expected[key], name
    added = client.post(reverse("api:enterprisemembership-list"),
                        {"user": city["colleague"].pk, "enterprise": enterprise.pk}, format="json")
    if kind == "home":  # already a user of it: the unique constraint answers
        added = client.post(reverse("api:enterprisemembership-list"), {
            "user": city["colleague"].pk, "enterprise": EnterpriseFactory(park=city["p1"]).pk}, format="json")
    assert added.status_code == expected["add"], added.content
    removed = client.delete(reverse("api:enterprisemembership-detail", args=[record["member"].pk]))
    assert removed.status_code == (204 if kind == "home" else 404)


@pytest.mark.parametrize("kind", KINDS)
def test_the_registering_park_and_the_enterprise_see_it_whole(city, kind):
    enterprise = city["records"][kind]["enterprise"]
    home = city["pa"] if kind == "home" else city["pa2"]
    for user in (home, city["records"][kind]["member"].user, bureau_user()):
        body = token_client(user).get(reverse("api:enterprise-detail", args=[enterprise.pk]))
        assert body.status_code == 200 and set(body.json()) == FULL_KEYS, user


def test_a_former_tenancy_here_and_a_current_one_elsewhere_grant_nothing_here(city):
    """The tenancy that is current must be in the park: one ended here and one running in P3 are not a tenant."""
    enterprise = city["records"]["former"]["enterprise"]
    TenancyFactory(unit=UnitFactory(park=ParkFactory()), enterprise=enterprise, start=datetime.date(2020, 1, 1))
    client = token_client(city["pa"])
    assert client.get(reverse("api:enterprise-detail", args=[enterprise.pk])).status_code == 404


def test_a_tenant_is_let_by_credit_code_and_an_unknown_code_is_refused(city):
    client, stranger = token_client(city["pa"]), EnterpriseFactory(park=city["p2"])
    unit = UnitFactory(park=city["p1"])
    body = {"unit": unit.pk, "start": "2030-01-01", "end": "2031-01-01"}
    assert client.post(reverse("api:tenancy-list"), {**body, "enterprise": stranger.pk},
                       format="json").status_code == 400
    unknown = client.post(reverse("api:tenancy-list"), {**body, "enterprise_credit_code": "91110000000000000X"},
                          format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == 400
    assert unknown.json() == {"enterprise_credit_code": ["No enterprise has this credit code."]}
    both = client.post(reverse("api:tenancy-list"), {**body, "enterprise": city["records"]["current"]["enterprise"].pk,
                                                     "enterprise_credit_code": stranger.credit_code}, format="json")
    assert both.status_code == 400 and "enterprise_credit_code" in both.json()
    neither = client.post(reverse("api:tenancy-list"), body, format="json")
    assert neither.status_code == 400 and "enterprise" in neither.json()
    let = client.post(reverse("api:tenancy-list"), {**body, "enterprise_credit_code": stranger.credit_code},
                      format="json")
    assert let.status_code == 201 and let.json()["enterprise"]["id"] == stranger.pk
    assert "enterprise_credit_code" not in let.json()
    # Now a future tenant: named by id from then on, and seen by its public face only.
    renewal = client.post(reverse("api:tenancy-list"), {"unit": unit.pk, "enterprise": stranger.pk,
                                                        "start": "2031-01-01"}, format="json")
    assert renewal.status_code == 201
    assert set(client.get(reverse("api:enterprise-detail", args=[stranger.pk])).json()) == PUBLIC_KEYS


# What district staff get, whatever the enterprise's kind: its detail ("full" or 404), history, assessment,
# designation, filing and user (membership) details, its tenancy in P1, and adding a user.
#                        detail   history assess desig filing member tenancy add_user
DISTRICT_EXPECTED = {
    "park_district":       (404,    404,    404,   404,  404,   404,   200,    403),
    "enterprise_district": ("full", 200,    200,   200,  200,   200,   404,    403),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("whose", DISTRICT_EXPECTED)
def test_what_a_tenancy_grants_to_district_staff(city, kind, whose):
    record = city["records"][kind]
    enterprise = record["enterprise"]
    assert enterprise.district_id != city["p1"].district_id
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=city["p1"].district if whose == "park_district"
                                      else enterprise.district)
    expected = dict(zip(("detail", "history", "assessment", "designation", "filing", "member", "tenancy", "add"),
                        DISTRICT_EXPECTED[whose], strict=True))
    client = token_client(staff)
    detail = client.get(reverse("api:enterprise-detail", args=[enterprise.pk]))
    listed = {row["id"] for row in client.get(reverse("api:enterprise-list"), {"page_size": 100}).json()["results"]}
    if expected["detail"] == 404:
        assert detail.status_code == 404 and enterprise.pk not in listed
    else:
        assert detail.status_code == 200 and set(detail.json()) == FULL_KEYS and enterprise.pk in listed
    for name, key in (("enterprise-history", "history"), ("enterprise-assessment", "assessment")):
        assert client.get(reverse(f"api:{name}", args=[enterprise.pk])).status_code == expected[key], name
    for name, key in (("tierdesignation-detail", "designation"), ("annualfiling-detail", "filing"),
                      ("enterprisemembership-detail", "member"), ("tenancy-detail", "tenancy")):
        assert client.get(reverse(f"api:{name}", args=[record[key].pk])).status_code == expected[key], name
    added = client.post(reverse("api:enterprisemembership-list"),
                        {"user": city["colleague"].pk, "enterprise": enterprise.pk}, format="json")
    assert added.status_code == expected["add"], added.content
    assert client.delete(reverse("api:enterprisemembership-detail", args=[record["member"].pk])).status_code == 403


# --- admin forms --------------------------------------------------------------------------------------------
def choices(page, field: str) -> set[int]:
    """The ids a form field of an admin page offers."""
    return {int(str(value)) for value, _label in page.context["adminform"].form.fields[field].choices if value}


@pytest.fixture
def admin_city(city, client):
    """P1's administrator signed in to the admin, with a co-administrator, a bureau account and a superuser."""
    city["pa"].is_staff = True
    city["pa"].save()
    city["co_admin"] = ParkMembershipFactory(park=city["p1"]).user
    city["bureau"], city["root"] = bureau_user(), UserFactory(is_superuser=True, is_staff=True)
    client.force_login(city["pa"])
    city["client"] = client
    return city


def test_admin_membership_user_choices_are_the_users_in_scope(admin_city):
    page = admin_city["client"].get(reverse("admin:enterprises_enterprisemembership_add"))
    offered = choices(page, "user")
    records = admin_city["records"]
    assert offered == {admin_city["colleague"].pk}  # not the co-administrator: they could file what pa approves
    for kind in ("current", "future", "former"):
        assert records[kind]["member"].user.pk not in offered
    assert not offered & {admin_city["pa"].pk, admin_city["pa2"].pk, admin_city["bureau"].pk, admin_city["root"].pk}


def test_admin_membership_enterprise_choices_are_the_registered_enterprises(admin_city):
    page = admin_city["client"].get(reverse("admin:enterprises_enterprisemembership_add"))
    assert choices(page, "enterprise") == {admin_city["records"]["home"]["enterprise"].pk}


def test_admin_tenancy_form_offers_the_parks_units_and_registered_enterprises(admin_city):
    page = admin_city["client"].get(reverse("admin:enterprises_tenancy_add"))
    assert choices(page, "unit") == {r["tenancy"].unit_id for r in admin_city["records"].values()}
    assert choices(page, "enterprise") == {admin_city["records"]["home"]["enterprise"].pk}


def test_admin_unit_form_offers_the_administrators_park_only(admin_city):
    page = admin_city["client"].get(reverse("admin:parks_unit_add"))
    assert choices(page, "park") == {admin_city["p1"].pk}


def test_admin_tenant_pages_are_closed_to_the_letting_park(admin_city):
    client, records = admin_city["client"], admin_city["records"]
    home = records["home"]["enterprise"]
    assert client.get(reverse("admin:enterprises_enterprise_change", args=[home.pk])).status_code == 200
    for kind in ("current", "former"):
        enterprise = records[kind]["enterprise"]
        assert client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).status_code == 302
        history = client.get(reverse("admin:enterprises_enterprise_history", args=[enterprise.pk]))
        assert history.status_code == 404
        listing = client.get(reverse("admin:enterprises_tierdesignation_changelist")).content.decode()
        assert f"{kind}-contact" not in listing


def test_the_bureau_is_offered_every_account(admin_city, client):
    client.force_login(admin_city["root"])
    page = client.get(reverse("admin:enterprises_enterprisemembership_add"))
    offered = choices(page, "user")
    assert {admin_city["pa"].pk, admin_city["bureau"].pk, admin_city["pa2"].pk} <= offered
