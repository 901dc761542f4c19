"""The seed command: reference data and the demo set load, valid; a second run changes nothing."""

import datetime
import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises.credit_code import faults
from enterprises.models import (
    AnnualFiling,
    ComplianceFiling,
    Declaration,
    DeclarationRound,
    DigitalHumanIp,
    Enterprise,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
    Tenancy,
    TierDesignation,
)
from enterprises.selectors import reporting_year
from parks.models import District, DistrictMembership, Park, ParkService
from registry.choices import PlatformDomain, ProjectField, TargetMetric
from registry.models import BenchmarkProject, Lab, PlanTarget, Platform, SupportAward, SupportPolicy

pytestmark = pytest.mark.django_db(transaction=True)
SEEDED = [
    District, DistrictMembership, Park, Enterprise, Tenancy, Lab, Platform, BenchmarkProject, PlanTarget,
    AnnualFiling, TierDesignation, DeclarationRound, Declaration, SupportPolicy, SupportAward, Standard,
    IntellectualProperty, DigitalHumanIp, FinancingRound, Listing, ComplianceFiling,
]
PLAN_DISTRICTS = {"110112": "通州区", "110115": "大兴区", "110107": "石景山区", "110105": "朝阳区", "110106": "丰台区"}


def snapshot():
    """Row and history-row counts of every seeded model."""
    return {m.__name__: (m.objects.count(), m.history.count()) for m in SEEDED}


def test_seed_loads_valid_data_and_is_idempotent(capsys):
    call_command("seed", "--demo-accounts")
    first = snapshot()
    out = capsys.readouterr().out
    for username in ("bureau", "park_admin", "enterprise_user", "district_staff"):
        assert username in out
    call_command("seed", "--demo-accounts")
    assert snapshot() == first
    assert "0 created, 0 updated" in capsys.readouterr().out

    districts = {d.code: d for d in District.objects.all()}
    assert len(districts) == 17 and "110302" in districts  # 16 districts and 经开区
    for code, name in PLAN_DISTRICTS.items():
        assert districts[code].name == name and districts[code].plan_role
    assert PlanTarget.objects.count() == 7
    assert set(PlanTarget.objects.values_list("metric", flat=True)) == set(TargetMetric.values)
    assert 50 <= Enterprise.objects.count() <= 80
    assert all(faults(code) == [] for code in Enterprise.objects.values_list("credit_code", flat=True))
    assert set(Platform.objects.values_list("domain", flat=True)) == set(PlatformDomain.values)
    assert set(BenchmarkProject.objects.values_list("field", flat=True)) == set(ProjectField.values)
    assert set(Park.objects.values_list("district__code", flat=True)) == set(PLAN_DISTRICTS)
    assert Tenancy.objects.exists() and Lab.objects.exists()
    assert Enterprise.history.filter(history_change_reason="seed command").count() == Enterprise.objects.count()
    # Filings and designations: approved years for the reports, one filing under review, the demo user's draft.
    # Built relative to today: the latest approved figures are of the reporting year (the latest closed season).
    year = reporting_year()
    assert AnnualFiling.objects.current().filter(year=year).count() >= 40
    assert not AnnualFiling.objects.current().filter(year__gt=year).exists()
    assert AnnualFiling.objects.filter(status="submitted", year=year + 1).exists()
    assert AnnualFiling.objects.get(enterprise__credit_code="91110112XMK560CP51", year=year + 1).status == "draft"
    assert set(TierDesignation.objects.values_list("tier", flat=True)) >= {"innovative", "specialised",
                                                                           "little_giant"}
    # The declaration pipeline: this month's round open, the demo enterprise's draft in it (on an approved filing),
    # one in district review in 通州 (the demo district staff's), one in city review, one on the publicity list.
    assert [r.name for r in DeclarationRound.objects.all() if r.is_open()] == [
        f"演示{timezone.localdate().year}年{timezone.localdate().month}月创新型中小企业"]
    demo = Declaration.objects.get(enterprise__credit_code="91110112XMK560CP51")
    assert demo.status == "draft" and demo.round.is_open() and demo.filing.status == "approved"
    stages = list(Declaration.objects.values_list("status", "district__code"))
    assert ("district_review", "110112") in stages and ("city_review", "110112") in stages
    assert {status for status, _code in stages} == {"draft", "district_review", "city_review", "publicity"}
    assert all(d.filing and d.filing.enterprise_id == d.enterprise_id for d in Declaration.objects.exclude(
        status="draft"))
    public = APIClient().get(reverse("api:publicity-list")).json()
    assert public["count"] == 1 and public["results"][0]["tier"]
    # The enterprise's own registers and the support funds, as many as the demo set holds (none were loaded before).
    demo_set = json.loads((settings.BASE_DIR / "seeds" / "demo.json").read_text())
    for model, key in ((Standard, "standards"), (IntellectualProperty, "ip_items"), (DigitalHumanIp, "characters"),
                       (FinancingRound, "financing_rounds"), (Listing, "listings"), (SupportAward, "support_awards"),
                       (ComplianceFiling, "compliance_filings"),  # branch compliance
                       (IndustryActivity, "activities")):
        assert model.objects.count() == len(demo_set[key]) > 0, key
    # The parks' services (branch parksvc): as many as the demo set holds, every demo park listing some, shown in the
    # public directory.
    assert ParkService.objects.count() == len(demo_set["park_services"]) > 0
    assert not Park.objects.exclude(pk__in=ParkService.objects.values("park")).exists()
    directory = APIClient().get(reverse("api:public-park-list"), {"page_size": 100}).json()["results"]
    assert sum(len(row["services"]) for row in directory) > 0


def test_seed_without_demo_loads_reference_data_only():
    call_command("seed", "--no-demo")
    assert District.objects.count() == 17 and PlanTarget.objects.count() == 7
    assert not Enterprise.objects.exists() and not get_user_model().objects.exists()


def test_demo_accounts_keep_a_changed_password():
    call_command("seed", "--demo-accounts")
    user = get_user_model().objects.get(username="bureau")
    user.set_password("changed-by-the-user")
    user.save()
    call_command("seed", "--demo-accounts")
    user.refresh_from_db()
    assert user.check_password("changed-by-the-user")
    assert user.groups.get().name == "bureau"
    park_admin = get_user_model().objects.get(username="park_admin")
    assert park_admin.park_memberships.get().park.name == "演示通州数字人产业园"
    assert get_user_model().objects.get(username="enterprise_user").enterprise_memberships.exists()
    staff = get_user_model().objects.get(username="district_staff")
    assert staff.district_memberships.get().district.code == "110112"  # the demo park's district, 通州区


def test_the_demo_district_staff_see_their_district_and_change_nothing():
    """The demo's district staff read 通州's enterprises (the demo enterprise among them), nothing of another
    district, and may not change them."""
    call_command("seed", "--demo-accounts")
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="district_staff"))
    listed = client.get(reverse("api:enterprise-list"), {"page_size": 200}).json()
    tongzhou = set(Enterprise.objects.filter(district__code="110112").values_list("pk", flat=True))
    assert tongzhou and {row["id"] for row in listed["results"]} == tongzhou
    demo = Enterprise.objects.get(credit_code="91110112XMK560CP51")
    elsewhere = Enterprise.objects.exclude(district__code="110112").first()
    assert client.get(reverse("api:enterprise-detail", args=[elsewhere.pk])).status_code == 404
    assert client.patch(reverse("api:enterprise-detail", args=[demo.pk]), {"short_name": "改"},
                        format="json").status_code == 403


def test_seed_leaves_filings_whose_review_moved_on():
    call_command("seed")
    draft = AnnualFiling.objects.get(enterprise__credit_code="91110112XMK560CP51", year=reporting_year() + 1)
    AnnualFiling.objects.filter(pk=draft.pk).update(status="approved", submitted_at=draft.created,
                                                    reviewed_at=draft.created, park=draft.enterprise.park,
                                                    district=draft.enterprise.district)
    call_command("seed")  # the demo's draft is approved (frozen) now: the seed must not try to reset it
    assert AnnualFiling.objects.get(pk=draft.pk).status == "approved"


def test_a_new_users_first_reports_are_full():
    """The demo seeded today: every report, asked for no year, answers the reporting year with its figures."""
    call_command("seed", "--demo-accounts")
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="bureau"))
    year = reporting_year()
    progress = client.get(reverse("api:report-plan-progress")).json()
    assert progress["basis"]["year"] == year and progress["basis"]["year_chosen"] == "default"
    scale = next(row for row in progress["results"] if row["metric"] == TargetMetric.INDUSTRY_SCALE)
    assert Decimal(scale["actual"]) > 0 and scale["counted"] >= 40
    districts = client.get(reverse("api:report-districts")).json()
    assert sum(row["filed"] for row in districts["results"]) >= 40
    # The demo's parks and units are of long standing: last year's district overview counts them (not from today).
    assert sum(row["parks"] for row in districts["results"]) == Park.objects.count() > 0
    assert sum(Decimal(row["leasable_area"]) for row in districts["results"]) > 0
    assert client.get(reverse("api:report-tier-candidates")).json()["count"] > 0
    assert TierDesignation.objects.held_on(datetime.date(year, 12, 31)).exists()
