"""The admin, in Chinese by default: every record's pages open, search works, and tenancy rules hold there too."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from enterprises.models import Declaration, DeclarationRound, DeclarationStep, FilingSeason, Objection, Tenancy
from parks.models import DistrictMembership
from registry.models import FileJob, ReportRun

from .evidence_files import evidence_row
from .factories import (
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    LabFactory,
    ParkMembershipFactory,
    ParkServiceFactory,
    PlanTargetFactory,
    PlatformFactory,
    SupportAwardFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    home_tenancy,
    register_records,
)

pytestmark = pytest.mark.django_db
APPS = {"parks", "enterprises", "registry"}


def declaration_in_publicity():
    """A round, a declaration in publicity with its steps, and an objection to it (straight to the rows); the
    declaration."""
    enterprise = EnterpriseFactory()
    declaration_round = DeclarationRound.objects.create(
        name="2025年第一季度", tier="innovative", rule_set="2026", cadence="quarterly", opens=datetime.date(2025, 1, 1),
        closes=datetime.date(2025, 3, 31), review_starts=datetime.date(2025, 4, 1),
        publicity_starts=datetime.date(2025, 4, 22), publicity_ends=datetime.date(2025, 4, 26))
    declaration = Declaration.objects.create(round=declaration_round, enterprise=enterprise,
                                             district=enterprise.district, status="publicity")
    DeclarationStep.objects.create(declaration=declaration, action="approve", from_status="city_review",
                                   to_status="publicity")
    Objection.objects.create(declaration=declaration, received_on=datetime.date(2025, 4, 23), objector="张某",
                             text="测试异议")
    return declaration


@pytest.fixture
def admin_client(client):
    """A logged-in superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_record_has_admin_pages_in_chinese(admin_client):
    TenancyFactory()
    LabFactory(), PlatformFactory(), BenchmarkProjectFactory(), PlanTargetFactory(), SupportAwardFactory()
    ParkMembershipFactory(), EnterpriseMembershipFactory(), AnnualFilingFactory(), TierDesignationFactory()
    DistrictMembership.objects.create(user=UserFactory(), district=DistrictFactory())
    evidence_row(declaration=declaration_in_publicity())
    ReportRun.objects.create(year=2024)
    FileJob.objects.create(kind="export", subject="enterprises", file_format="xlsx")
    FilingSeason.objects.create(year=2024, opens=datetime.date(2025, 1, 1), closes=datetime.date(2025, 5, 31))
    register_records()
    ParkServiceFactory()  # branch parksvc
    models = [m for m in admin.site._registry if m._meta.app_label in APPS]
    assert {m.__name__ for m in models} >= {"District", "Park", "Unit", "Enterprise", "Tenancy", "Lab", "Platform",
                                            "BenchmarkProject", "PlanTarget", "ParkMembership", "DistrictMembership",
                                            "EnterpriseMembership", "AnnualFiling", "TierDesignation", "ReportRun",
                                            "FilingSeason"}
    for model in models:
        opts, model_admin = model._meta, admin.site._registry[model]
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "测试"})
        assert changelist.status_code == 200, model
        assert "搜索" in changelist.content.decode() or not model_admin.search_fields
        add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code
        assert add == (200 if model_admin.has_add_permission(changelist.wsgi_request) else 403), model
        obj = model.objects.first()
        for page in ("change", "history") if hasattr(model, "history") else ("change",):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
            assert admin_client.get(url).status_code == 200, (model, page)


def test_admin_refuses_an_overlapping_tenancy(admin_client):
    held = TenancyFactory()
    response = admin_client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": held.unit_id, "enterprise": EnterpriseFactory().pk, "start": "2026-01-01", "last_day": "",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, with the error
    assert f"(tenancy {held.pk})" in response.content.decode()
    assert Tenancy.objects.count() == 1


def test_admin_adds_a_tenancy_with_the_units_park(admin_client):
    unit = UnitFactory()
    response = admin_client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": unit.pk, "enterprise": EnterpriseFactory().pk, "start": "2026-01-01", "last_day": "2026-12-31",
    })
    assert response.status_code == 302
    assert Tenancy.objects.get().park_id == unit.park_id
    assert Tenancy.objects.get().end == datetime.date(2027, 1, 1)  # 租期至 2026-12-31: the exclusive end after it


def test_a_park_administrator_sees_and_keeps_only_their_park(client):
    mine, theirs = home_tenancy(), TenancyFactory()
    admin_user = ParkMembershipFactory(park=mine.park, user=UserFactory(is_staff=True)).user
    client.force_login(admin_user)
    listing = client.get(reverse("admin:enterprises_tenancy_changelist")).content.decode()
    assert str(mine.enterprise) in listing and str(theirs.enterprise) not in listing
    other = client.get(reverse("admin:enterprises_tenancy_change", args=[theirs.pk]))
    assert other.status_code == 302  # the admin's "does not exist" redirect
    assert client.get(reverse("admin:enterprises_tenancy_history", args=[theirs.pk])).status_code == 404
    # A unit of another park is not offered, and choosing it anyway is refused by the form.
    response = client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": theirs.unit_id, "enterprise": mine.enterprise_id, "start": "2030-01-01", "last_day": "",
    })
    assert response.status_code == 200 and Tenancy.objects.count() == 2
    free = UnitFactory(park=mine.park)
    response = client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": free.pk, "enterprise": mine.enterprise_id, "start": "2030-01-01", "last_day": "",
    })
    assert response.status_code == 302 and Tenancy.objects.filter(unit=free).exists()
    # The park's bureau-owned fields are read-only; the district is not changed by a post.
    page = client.get(reverse("admin:parks_park_change", args=[mine.park_id])).content.decode()
    assert 'name="district"' not in page and 'name="address"' in page
    assert client.get(reverse("admin:registry_plantarget_add")).status_code == 403  # reference data: read only


@pytest.mark.parametrize("model", [ReportRun, FileJob])
def test_jobs_listed_on_the_admin_index_and_never_deleted(client, model):
    """Bureau staff (not superusers) find report runs and file jobs on the admin index; a job is the record of
    what ran and what it read, so neither its page nor its list offers deletion, and the delete page is refused."""
    from .factories import bureau_user

    client.force_login(bureau_user(is_staff=True))
    job = model.objects.create(year=2024) if model is ReportRun else model.objects.create(
        kind="export", subject="enterprises", file_format="csv")
    index = client.get(reverse("admin:index"))
    assert reverse(f"admin:registry_{model._meta.model_name}_changelist") in index.content.decode()
    page = client.get(reverse(f"admin:registry_{model._meta.model_name}_change", args=[job.pk]))
    assert page.status_code == 200
    assert reverse(f"admin:registry_{model._meta.model_name}_delete", args=[job.pk]) not in page.content.decode()
    listing = client.get(reverse(f"admin:registry_{model._meta.model_name}_changelist"))
    assert 'value="delete_selected"' not in listing.content.decode()
    assert client.post(reverse(f"admin:registry_{model._meta.model_name}_delete", args=[job.pk]),
                       {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=job.pk).exists()


def test_an_inlines_rows_follow_the_role_not_the_parents_id(rf):
    """Django asks an inline's permissions with the parent record: a park administrator's tenancy rows on the page
    of an enterprise of their park are editable whatever the enterprise's id (once, they were editable only when a
    tenancy in their scope had the enterprise's id), and a tenant's user, who changes no tenancy, gets them read."""
    from django.contrib.admin import site

    from access.scoping import CHANGE
    from enterprises.admin.enterprise import TenancyInline
    from enterprises.models import Enterprise

    tenancy = home_tenancy()
    EnterpriseFactory.create_batch(5)  # ids ahead of the tenancies'
    enterprise = EnterpriseFactory(park=tenancy.unit.park)
    TenancyFactory(unit=UnitFactory(park=tenancy.unit.park), enterprise=enterprise)
    admin_user = ParkMembershipFactory(park=tenancy.unit.park, user=UserFactory(is_staff=True)).user
    assert not Tenancy.objects.restrict(admin_user, CHANGE).filter(pk=enterprise.pk).exists()
    inline, request = TenancyInline(Enterprise, site), rf.get("/")
    request.user = admin_user
    assert inline.has_change_permission(request, enterprise) and inline.has_add_permission(request, enterprise)
    request.user = EnterpriseMembershipFactory(enterprise=enterprise, user=UserFactory(is_staff=True)).user
    assert not inline.has_change_permission(request, enterprise)
