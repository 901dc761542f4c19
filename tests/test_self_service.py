"""Enterprise users keep their own profile (API and page); park administrators and bureau staff invite users."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from enterprises.models import Enterprise, EnterpriseMembership
from enterprises.selectors import reporting_year
from parks.models import ParkMembership

from .conftest import enterprise_user_client, park_admin_client, token_client
from .factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    home_tenancy,
)
from .mail import link_in

pytestmark = pytest.mark.django_db


def test_enterprise_user_edits_profile_but_not_the_bureaus_fields():
    enterprise = EnterpriseFactory()
    client = enterprise_user_client(enterprise)
    url = reverse("api:enterprise-detail", args=[enterprise.pk])
    assert client.patch(url, {"short_name": "新简称", "segments": ["rendering"]}, format="json").status_code == 200
    for field, value in {"credit_code": "91110108551385082Q", "district": DistrictFactory().pk,
                         "status": "deregistered", "name": "改名"}.items():
        response = client.patch(url, {field: value}, format="json")
        assert response.status_code == 400 and field in response.data, field
    enterprise.refresh_from_db()
    assert (enterprise.short_name, enterprise.segments) == ("新简称", ["rendering"])
    assert enterprise.status == "active"
    assert client.delete(url).status_code == 403
    assert client.post(reverse("api:enterprise-list"), {}, format="json").status_code == 403


def test_enterprise_user_reads_own_tenancies_only_and_cannot_change_them():
    mine, theirs = TenancyFactory(), TenancyFactory()
    client = enterprise_user_client(mine.enterprise)
    ids = [row["id"] for row in client.get(reverse("api:tenancy-list")).data["results"]]
    assert ids == [mine.pk]
    assert client.patch(reverse("api:tenancy-detail", args=[mine.pk]), {"end": "2030-01-01"},
                        format="json").status_code == 403
    assert client.get(reverse("api:tenancy-detail", args=[theirs.pk])).status_code == 404


def test_profile_page(client):
    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    user = UserFactory()
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    TenancyFactory(enterprise=enterprise)
    client.force_login(user)
    assert client.get(reverse("my-enterprises")).url == reverse("enterprise-profile", args=[enterprise.pk])
    page = client.get(reverse("enterprise-profile", args=[enterprise.pk]))
    assert page.status_code == 200 and enterprise.credit_code in page.content.decode()
    assert 'name="credit_code"' not in page.content.decode()
    response = client.post(reverse("enterprise-profile", args=[enterprise.pk]), {
        "short_name": "页面简称", "chain_position": "platform", "segments": ["voice_dialogue", "ai_driving"],
        "credit_code": "91110108551385082Q",
    })
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.short_name, sorted(enterprise.segments)) == ("页面简称", ["ai_driving", "voice_dialogue"])
    assert enterprise.credit_code != "91110108551385082Q"
    assert enterprise.history.first().history_source == "web"
    assert client.get(reverse("enterprise-profile", args=[other.pk])).status_code == 404


def test_park_admin_reads_tenant_profile_on_the_page_without_editing(client):
    tenancy = home_tenancy()
    user = UserFactory(is_staff=True)
    ParkMembership.objects.create(user=user, park=tenancy.park)
    client.force_login(user)
    page = client.get(reverse("enterprise-profile", args=[tenancy.enterprise_id])).content.decode()
    assert "<form method=\"post\">" not in page and tenancy.enterprise.name in page
    # A tenant registered with another park: its profile page (contacts, figures) is not the park's to read.
    elsewhere = TenancyFactory(unit=UnitFactory(park=tenancy.park))
    assert client.get(reverse("enterprise-profile", args=[elsewhere.enterprise_id])).status_code == 404


def test_park_admin_invites_a_user_of_a_tenant_who_sets_their_own_password(client, smtp_server, settings):
    settings.SITE_URL = "http://testserver"
    tenancy = home_tenancy()
    inviter = park_admin_client(tenancy.park)
    body = {"username": "zhang.san", "email": "zhang@example.com", "enterprise": tenancy.enterprise_id}
    response = inviter.post(reverse("api:invitation"), body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["account_created"] and response.data["username"] == "zhang.san"
    user = get_user_model().objects.get(username="zhang.san")
    assert not user.has_usable_password() and not user.is_staff
    assert user.enterprise_memberships.get().enterprise_id == tenancy.enterprise_id
    [mail] = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["zhang@example.com"]
    path = urlsplit(link_in(mail, "/accounts/invitation/")).path
    page = client.get(path)
    assert page.status_code == 200 and "zhang.san" in page.content.decode() and "设置密码" in page.content.decode()
    weak = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200 and weak.context["form"].errors.get("new_password2")
    good = "Ein-gutes-Passwort-2025"
    response = client.post(path, {"new_password1": good, "new_password2": good})
    assert response.status_code == 302 and response.url == reverse("my-enterprises")
    user.refresh_from_db()
    assert user.check_password(good)
    assert client.get(reverse("my-enterprises")).status_code == 302  # signed in: on to the enterprise's profile
    client.logout()
    reused = client.post(path, {"new_password1": "Another-one-2025", "new_password2": "Another-one-2025"})
    assert reused.status_code == 410 and "此邀请链接无效" in reused.content.decode()
    user.refresh_from_db()
    assert user.check_password(good)


def test_park_admin_cannot_invite_outside_their_enterprises_or_make_park_admins():
    tenancy, stranger = TenancyFactory(), EnterpriseFactory()
    client = park_admin_client(tenancy.park)
    users_before = get_user_model().objects.count()
    for outside in (stranger, tenancy.enterprise):  # the tenant is registered elsewhere: not the park's to invite to
        response = client.post(reverse("api:invitation"), {"username": "li.si", "email": "li@example.com",
                                                            "enterprise": outside.pk}, format="json")
        assert response.status_code == 400 and "enterprise" in response.data  # does not exist for them
    response = client.post(reverse("api:invitation"), {"username": "li.si", "email": "li@example.com",
                                                        "park": tenancy.park_id}, format="json")
    assert response.status_code == 403
    assert get_user_model().objects.count() == users_before  # nothing half-written
    assert not EnterpriseMembership.objects.filter(enterprise=stranger).exists()


def test_bureau_invites_a_park_administrator_and_an_existing_user_gets_a_second_membership():
    park, enterprise = ParkFactory(), EnterpriseFactory()
    client = token_client(bureau_user())
    first = client.post(reverse("api:invitation"), {"username": "wang.wu", "email": "w@example.com",
                                                     "park": park.pk}, format="json")
    assert first.status_code == 201 and first.data["account_created"] and first.data["expires"]
    user = get_user_model().objects.get(username="wang.wu")
    assert user.is_staff and user.park_memberships.get().park == park
    user.set_password("Another-good-one-2025")
    user.save()
    second = client.post(reverse("api:invitation"), {"username": "wang.wu", "email": "w@example.com",
                                                      "enterprise": enterprise.pk}, format="json")
    assert second.status_code == 201 and not second.data["account_created"] and second.data["expires"] is None
    assert user.enterprise_memberships.get().enterprise == enterprise
    both = client.post(reverse("api:invitation"), {"username": "x.y", "email": "x@example.com", "park": park.pk,
                                                    "enterprise": enterprise.pk}, format="json")
    assert both.status_code == 400


def test_moving_a_tenancy_to_another_park_is_refused_and_nothing_is_written():
    mine, theirs = TenancyFactory(), TenancyFactory()
    free_elsewhere = type(theirs.unit).objects.create(park=theirs.park, building="Z", floor="9", room="901",
                                                      area="50")
    client = park_admin_client(mine.park)
    response = client.patch(reverse("api:tenancy-detail", args=[mine.pk]), {"unit": free_elsewhere.pk},
                            format="json")
    assert response.status_code == 400 and "unit" in response.data  # another park's unit does not exist for them
    mine.refresh_from_db()
    assert mine.unit_id != free_elsewhere.pk and mine.park_id != theirs.park_id
    assert Enterprise.objects.count() == 2


def test_nobody_but_the_bureau_gives_a_membership_to_themselves():
    tenancy = home_tenancy()
    client = park_admin_client(tenancy.park)
    me = client.user
    response = client.post(reverse("api:enterprisemembership-list"),
                           {"user": me.pk, "enterprise": tenancy.enterprise_id}, format="json")
    assert response.status_code == 400 and "user" in response.data  # oneself is no account one may name
    response = client.post(reverse("api:invitation"), {"username": me.username, "email": "me@example.com",
                                                        "enterprise": tenancy.enterprise_id}, format="json")
    assert response.status_code == 403
    assert not EnterpriseMembership.objects.filter(user=me).exists()
    other = EnterpriseMembershipFactory(enterprise=EnterpriseFactory(park=tenancy.park)).user  # in the park's scope
    response = client.post(reverse("api:enterprisemembership-list"),
                           {"user": other.pk, "enterprise": tenancy.enterprise_id}, format="json")
    assert response.status_code == 201


def test_a_unit_with_tenancies_stays_in_its_park(bureau_client):
    tenancy, elsewhere = TenancyFactory(), ParkFactory()
    url = reverse("api:unit-detail", args=[tenancy.unit_id])
    response = bureau_client.patch(url, {"park": elsewhere.pk}, format="json")
    assert response.status_code == 400 and "park" in response.data
    tenancy.refresh_from_db()
    assert tenancy.park_id == tenancy.unit.park_id != elsewhere.pk


def test_profile_page_shows_the_self_assessment_and_filings(client):
    filing = approved_filing(year=reporting_year(), revenue=Decimal("10000"), rd_expense=Decimal("240"))
    user = UserFactory()
    EnterpriseMembership.objects.create(user=user, enterprise=filing.enterprise)
    client.force_login(user)
    page = client.get(reverse("enterprise-profile", args=[filing.enterprise.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Tier self-assessment" in text and "2.40" in text and "To reach the next tier" in text
    assert "Approved" in text
