"""The admin, in Chinese by default: every record's pages open, search works, and tenancy rules hold there too."""

import pytest
from django.contrib import admin
from django.urls import reverse

from enterprises.models import Tenancy

from .factories import (
    BenchmarkProjectFactory,
    EnterpriseFactory,
    LabFactory,
    PlanTargetFactory,
    PlatformFactory,
    TenancyFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
APPS = {"parks", "enterprises", "registry"}


@pytest.fixture
def admin_client(client):
    """A logged-in superuser."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_record_has_admin_pages_in_chinese(admin_client):
    TenancyFactory()
    LabFactory(), PlatformFactory(), BenchmarkProjectFactory(), PlanTargetFactory()
    models = [m for m in admin.site._registry if m._meta.app_label in APPS]
    assert {m.__name__ for m in models} >= {"District", "Park", "Unit", "Enterprise", "Tenancy", "Lab", "Platform",
                                            "BenchmarkProject", "PlanTarget"}
    for model in models:
        opts = model._meta
        changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "测试"})
        assert changelist.status_code == 200, model
        assert "搜索" in changelist.content.decode()
        assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200
        obj = model.objects.first()
        for page in ("change", "history"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
            assert admin_client.get(url).status_code == 200, (model, page)


def test_admin_refuses_an_overlapping_tenancy(admin_client):
    held = TenancyFactory()
    response = admin_client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": held.unit_id, "enterprise": EnterpriseFactory().pk, "start": "2026-01-01", "end": "",
    }, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # the form again, with the error
    assert f"(tenancy {held.pk})" in response.content.decode()
    assert Tenancy.objects.count() == 1


def test_admin_adds_a_tenancy_with_the_units_park(admin_client):
    unit = UnitFactory()
    response = admin_client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": unit.pk, "enterprise": EnterpriseFactory().pk, "start": "2026-01-01", "end": "2027-01-01",
    })
    assert response.status_code == 302
    assert Tenancy.objects.get().park_id == unit.park_id
