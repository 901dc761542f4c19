"""`manage.py generate_city --replace` keeps the demo accounts working: after it replaces the demo registry, the demo
bureau, park and enterprise users sign in with their passwords and see the generated city's data (the park
administrator a park of their old park's district, the enterprise user an active enterprise of theirs)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from enterprises.choices import EnterpriseStatus
from enterprises.models import AnnualFiling, Enterprise, EnterpriseMembership
from parks.models import DistrictMembership, Park, ParkMembership
from registry.seeding import DEMO_ACCOUNTS

from .conftest import token_client

pytestmark = pytest.mark.django_db(transaction=True)  # seed and generate_city commit, as the commands do

N, YEARS = 300, 3
PASSWORDS = {username: password for username, password, *_rest in DEMO_ACCOUNTS}


def signed_in(username: str) -> Client:
    """A browser client signed in as a demo account with its public password."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 302 and response.url == reverse("dashboard"), username
    return client


def test_generate_city_replace_keeps_the_demo_accounts_working():
    call_command("seed", demo_accounts=True, stdout=StringIO())
    users = {user.username: user for user in get_user_model().objects.filter(username__in=PASSWORDS)}
    park_before = ParkMembership.objects.get(user=users["park_admin"]).park
    firm_before = EnterpriseMembership.objects.get(user=users["enterprise_user"]).enterprise
    district_before = DistrictMembership.objects.get(user=users["district_staff"]).district
    demo_names = (park_before.name, firm_before.name)

    call_command("generate_city", enterprises=N, years=YEARS, seed=11, replace=True, stdout=StringIO())

    assert Enterprise.objects.count() == N and not Park.objects.filter(name=demo_names[0]).exists()
    assert not Enterprise.objects.filter(name=demo_names[1]).exists()  # the demo registry is gone
    park = ParkMembership.objects.get(user=users["park_admin"]).park
    firm = EnterpriseMembership.objects.get(user=users["enterprise_user"]).enterprise
    if Park.objects.filter(district__code=park_before.district.code).exists():
        assert park.district.code == park_before.district.code
    if Enterprise.objects.filter(district__code=firm_before.district.code, status=EnterpriseStatus.ACTIVE).exists():
        assert firm.district.code == firm_before.district.code
    assert firm.status == EnterpriseStatus.ACTIVE

    bureau = token_client(users["bureau"])
    assert bureau.get("/api/v1/enterprises/").json()["count"] == N
    park_admin = token_client(users["park_admin"])
    answer = park_admin.get("/api/v1/enterprises/").json()
    assert answer["count"] >= Enterprise.objects.filter(park=park).count() > 0
    assert park_admin.get(f"/api/v1/parks/{park.pk}/").status_code == 200
    member = token_client(users["enterprise_user"])
    assert [e["credit_code"] for e in member.get("/api/v1/enterprises/").json()["results"]] == [firm.credit_code]
    assert member.get("/api/v1/filings/").json()["count"] == AnnualFiling.objects.filter(enterprise=firm).count()
    assert AnnualFiling.objects.filter(enterprise=firm).count() == YEARS

    # District staff keep their district (reference data, never replaced) and see the generated city's part of it.
    assert DistrictMembership.objects.get(user=users["district_staff"]).district == district_before
    staff = token_client(users["district_staff"])
    generated_here = Enterprise.objects.filter(district=district_before).count()
    assert staff.get("/api/v1/enterprises/").json()["count"] == generated_here > 0

    for username in PASSWORDS:
        page = signed_in(username).get(reverse("dashboard"))
        assert page.status_code == 200, username
    page = signed_in("enterprise_user").get(reverse("my-enterprises"), follow=True)
    assert page.status_code == 200 and firm.name in page.content.decode()
