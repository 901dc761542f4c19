"""Lost fields: a form or serializer saved unchanged must change nothing (finding 11).

The attack: an enterprise user opens the profile on /me/ and saves it without touching anything; the founding
date, rendered in a format <input type=date> cannot show, went back empty and null was written over it
(history: 2021-03-15 -> None).

Then the same round trip everywhere, found by introspection so that a new page or endpoint is covered as it
comes: every admin change form (with its inlines) as each role that may change the record, every self-service
form, every API endpoint that updates a record (PUT of the body a GET gave, PATCH of each field alone) as each
role that may change the record; on a world of fully filled records (every optional field set, text over
several lines, decimals with their cents, choices off their defaults, many-to-many filled) and on one where
every optional field is empty. The form is posted back as a browser would post it (`tests.html_forms`): what a
control cannot show goes back empty, textareas in CRLF. After each, every row of every table (history and the
admin's log included) is what it was.
"""

import datetime
import inspect
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from access.scoping import CHANGE
from config.api.urls import router
from enterprises import forms as enterprise_forms
from enterprises.choices import (
    ChainPosition,
    DeclarationKind,
    DeclarationStatus,
    EnterpriseStatus,
    ProductField,
    RdInstitution,
    RoundCadence,
    Segment,
    SmeSector,
    Tier,
)
from enterprises.models import (
    AnnualFiling,
    ComplianceFiling,
    Declaration,
    DeclarationRound,
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    EnterpriseMembership,
    FilingSeason,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
    Tenancy,
    TierDesignation,
)
from enterprises.register_forms import REGISTER_PAGES
from parks.choices import DistrictKind, ParkKind
from parks.models import District, DistrictMembership, Park, ParkMembership, ParkService, Unit
from registry.choices import (
    AwardStatus,
    DigitalHumanKind,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
    TargetMetric,
    TargetUnit,
)
from registry.models import BenchmarkProject, Lab, PlanTarget, PlanTask, Platform, SupportAward, SupportPolicy

from ..conftest import token_client
from ..factories import (
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    UnitFactory,
    UserFactory,
    bureau_user,
    credit_code,
)
from ..html_forms import post_back
from ..worlds import build_world

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"
TEXT = "第一行\n第二行\n\n  indented line"  # several lines (posted back in CRLF), a blank one, leading spaces
STATE_APPS = ("parks", "enterprises", "registry", "auth", "authtoken", "admin")
ADMIN_ROLES = ("bureau", "park_admin", "superuser")
API_ROLES = ("bureau", "park_admin", "enterprise")
WORLDS = ("full", "sparse")


def test_profile_saved_unchanged_keeps_the_founding_date(client):
    enterprise = EnterpriseFactory(founded=datetime.date(2021, 3, 15))
    client.force_login(EnterpriseMembershipFactory(enterprise=enterprise).user)
    url = reverse("enterprise-profile", args=[enterprise.pk])
    body = post_back(client.get(url).content.decode())
    assert client.post(url, body, content_type=FORM).status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.founded == datetime.date(2021, 3, 15)
    assert [record.founded for record in enterprise.history.all()] == [datetime.date(2021, 3, 15)]


# --- the worlds ------------------------------------------------------------------------------------------------
# Worlds of their own: every record is set field by field (all filled, or all empty), which is what the round trip
# is about and what the factories' defaults would blur; their park and its administrator come from
# tests/worlds.py.
def full_world() -> dict:
    """One record of every model, every optional field filled, choices off their defaults, text on several lines,
    decimals with cents, datetimes with seconds and microseconds."""
    district = DistrictFactory(name_en="Round Trip", kind=DistrictKind.DEVELOPMENT_ZONE, plan_role=TEXT)
    world = build_world(parks=1, district=district, staff=True, park_kwargs=lambda p: {
        "kind": ParkKind.INCUBATOR, "featured": True, "address": "北京市海淀区 1 号", "focus": TEXT,
        "operator": "运营公司", "featured_on": datetime.date(2023, 11, 20), "opened_on": datetime.date(2020, 5, 1)})
    park = world.parks[0]
    unit = UnitFactory(park=park, building="B座", floor="-1", room="0101", area=Decimal("123.45"),
                       opened_on=datetime.date(2021, 1, 1), closed_on=datetime.date(2026, 7, 1))
    enterprise = Enterprise.objects.create(
        credit_code=credit_code(9001), name="全量测试数字人有限公司", short_name="全量", name_en="Full Test Ltd.",
        founded=datetime.date(2021, 3, 15), district=district, park=park, chain_position=ChainPosition.FOUNDATION,
        segments=[Segment.RENDERING, Segment.AI_DRIVING], status=EnterpriseStatus.MOVED_OUT,
        left_on=datetime.date(2025, 7, 1), profile=TEXT,
        website="https://example.com/a?b=c", contact_name="张三", contact_phone="010-12345678",
        contact_email="zhang@example.com",
    )
    partner = EnterpriseFactory(district=district, park=park)
    tenancy = Tenancy.objects.create(unit=unit, enterprise=enterprise, start=datetime.date(2024, 1, 1),
                                     end=datetime.date(2026, 6, 30), rent=Decimal("3.75"),
                                     contract_number="HT-2024-001", deposit=Decimal("13500.50"), rent_free_months=3)
    figures = {name: Decimal("1234.56") for name in (
        "revenue", "revenue_prev", "revenue_prev2", "main_revenue", "main_revenue_prev", "main_revenue_prev2",
        "rd_expense", "rd_expense_prev", "equity_financing_2y", "equity_financing_3y")}
    filing = AnnualFiling.objects.create(
        enterprise=enterprise, year=2024, **figures, digital_human_revenue=Decimal("1000.01"),
        net_profit=Decimal("-12.50"), staff=120, rd_staff=40, ip_class1=3, ip_class1_self_developed=2,
        ip_class1_high_value=1, ip_class1_applied=2, ip_class2=7, niche_months=49, debt_ratio=Decimal("45.67"),
        market_share=Decimal("12.30"), market_rank=2, sme_sector=SmeSector.INDUSTRY, strategic_emerging=True,
        product_field=ProductField.KEY_LINK, key_field_product=True, rd_institution=RdInstitution.MUNICIPAL,
        digitalisation_level=3, information_system=True, quality_award=True, management_certification=True,
        product_certification=True, own_brand=True, competitive_brand=True, standard_drafting=True,
        st_award=True, st_award_ranked=True,
        honour=True, maker_contest=True, innovation_fast_track=True, local_score=11,
    )
    designation = TierDesignation.objects.create(
        enterprise=enterprise, tier=Tier.SPECIALISED, year=2023, batch="2023年第二批", certificate_number="ZJ-001",
        granted_on=datetime.date(2023, 5, 1), valid_until=datetime.date(2026, 4, 30),
        revoked_on=datetime.date(2024, 2, 1), revoke_reason=TEXT,
    )
    lab = Lab.objects.create(name="全量实验室", kind=LabKind.INNOVATION_CENTRE, partner="清华大学", host=enterprise,
                             park=park, established=datetime.date(2022, 9, 1), focus=TEXT,
                             status=OperatingStatus.CLOSED, closed_on=datetime.date(2025, 9, 30))
    platform = Platform.objects.create(name="全量平台", domain=PlatformDomain.DATA_OPENING, operator=enterprise,
                                       park=park, services=TEXT, launched=datetime.date(2023, 2, 3),
                                       status=OperatingStatus.CLOSED, closed_on=datetime.date(2024, 12, 1))
    project = BenchmarkProject.objects.create(
        name="全量项目", field=ProjectField.FINANCE, dh_kind=DigitalHumanKind.PERFORMANCE, lead=enterprise, park=park,
        year=2025, status=ProjectStatus.ACCEPTED, selected_on=datetime.date(2025, 6, 18), summary=TEXT,
    )
    project.partners.set([partner, EnterpriseFactory(district=district, park=park)])
    target = PlanTarget.objects.create(
        plan="全量计划", code="full-target", title="全量目标", metric=TargetMetric.ENTERPRISES_OVER_REVENUE,
        threshold=Decimal("500000.50"), goal=Decimal("1.50"), goal_upper=Decimal("2.25"), unit=TargetUnit.YUAN_100M,
        year=2027, source=TEXT, position=3,
    )
    group = Group.objects.create(name="全量组")
    group.permissions.set(Permission.objects.filter(codename__in=["view_park", "view_unit"]))
    moment = timezone.make_aware(datetime.datetime(2024, 5, 6, 7, 8, 9, 123456))
    person = UserFactory(first_name="三", last_name="张", email="person@example.com", is_staff=True,
                         last_login=moment, date_joined=moment)
    person.groups.set([group])
    person.user_permissions.set(Permission.objects.filter(codename="view_lab"))
    declaration_round = DeclarationRound.objects.create(
        name="2023年第二批", tier=Tier.SPECIALISED, rule_set="2022", cadence=RoundCadence.QUARTERLY,
        opens=datetime.date(2023, 1, 1), closes=datetime.date(2023, 1, 31), review_starts=datetime.date(2023, 2, 1),
        publicity_starts=datetime.date(2023, 4, 1), publicity_ends=datetime.date(2023, 4, 7),
        closed_at=timezone.make_aware(datetime.datetime(2023, 1, 20, 9, 10, 11, 654321)))
    declaration = Declaration.objects.create(  # designated: the one status a designation goes with
        round=declaration_round, enterprise=enterprise, kind=DeclarationKind.RE_REVIEW, district=district,
        filing=filing, answers={"main_product": TEXT, "market_position": "第二", "innovation": "自研引擎"},
        commitment_signed_by=person, commitment_signed_at=moment,
        status=DeclarationStatus.DESIGNATED, submitted_at=moment, city_score=Decimal("87.65"), city_opinion=TEXT,
        designation=designation)
    task = PlanTask.objects.create(plan="全量计划", number=3, title="全量任务", description=TEXT, source=TEXT)
    policy = SupportPolicy.objects.create(name="全量政策", issuer="全量发布单位", task=task, year=2024,
                                          budget=Decimal("1234.56"), description=TEXT)
    award = SupportAward.objects.create(
        policy=policy, enterprise=enterprise, status=AwardStatus.PAID, amount_approved=Decimal("100.25"),
        approved_on=datetime.date(2024, 5, 6), amount_paid=Decimal("80.75"), paid_on=datetime.date(2024, 7, 8),
        note=TEXT)
    return _roles(world, enterprise, {
        PlanTask: task, SupportPolicy: policy, SupportAward: award,
        District: district, Park: park, Unit: unit, Enterprise: enterprise, Tenancy: tenancy, AnnualFiling: filing,
        TierDesignation: designation, Lab: lab, Platform: platform, BenchmarkProject: project, PlanTarget: target,
        FilingSeason: FilingSeason.objects.create(year=2023, opens=datetime.date(2024, 2, 1),
                                                  closes=datetime.date(2024, 6, 30)),
        Group: group, type(person): person, Token: Token.objects.create(user=person),
        ParkMembership: ParkMembership.objects.create(user=UserFactory(is_staff=True), park=park),
        EnterpriseMembership: EnterpriseMembership.objects.create(user=UserFactory(), enterprise=enterprise),
        DeclarationRound: declaration_round, Declaration: declaration,
        DistrictMembership: DistrictMembership.objects.create(user=UserFactory(is_staff=True), district=district),
        **full_registers(enterprise),
        ParkService: ParkService.objects.create(  # branch parksvc: every optional field filled
            park=park, kind="scene_matching", title="全量场景对接", description=TEXT, contact="010-87654321",
            offered_from=datetime.date(2024, 3, 1), offered_until=datetime.date(2030, 1, 1), public=False),
    })


def full_registers(enterprise) -> dict:
    """One record of each of the enterprise's own registers, every optional field filled (branch registers)."""
    day = datetime.date(2024, 3, 1)
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="全量形象", dh_type="performance",
                                              launched_on=day, description=TEXT)
    return {
        Standard: Standard.objects.create(
            enterprise=enterprise, title="全量标准", number="T/FULL 1-2024", level="zhongguancun", role="participating",
            status="published", started_on=datetime.date(2023, 1, 2), approved_on=datetime.date(2024, 1, 2),
            published_on=day, co_drafters=TEXT),
        IntellectualProperty: IntellectualProperty.objects.create(
            enterprise=enterprise, type="invention", number="ZL-FULL", title="全量专利", granted_on=day,
            expires_on=datetime.date(2030, 1, 1), self_developed=True, high_value=True, applied=True),
        DigitalHumanIp: character,
        DigitalHumanRegistration: DigitalHumanRegistration.objects.create(
            character=character, kind="trademark", number="全量-1", registered_on=day),
        FinancingRound: FinancingRound.objects.create(
            enterprise=enterprise, closed_on=day, amount=Decimal("1234.56"), round_name="B+轮",
            lead_investor="全量资本", equity=False, guided_fund="sci_tech"),
        Listing: Listing.objects.create(enterprise=enterprise, board="specialised", stock_code="800001",
                                        listed_on=day, delisted_on=datetime.date(2025, 1, 2)),
        ComplianceFiling: ComplianceFiling.objects.create(  # branch compliance
            enterprise=enterprise, kind="generative_ai", service_name="全量大模型服务", number="网信算备FULL号",
            filed_on=day, valid_until=datetime.date(2027, 2, 28), cancelled_on=datetime.date(2025, 1, 2)),
        IndustryActivity: IndustryActivity.objects.create(  # branch activities
            enterprise=enterprise, kind="joint_training", title="全量联合培养", partner="全量大学", held_on=day,
            people=40, notes=TEXT),
    }


def sparse_registers(enterprise) -> dict:
    """One record of each of the enterprise's own registers, every optional field empty (branch registers)."""
    day = datetime.date(2024, 3, 1)
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="空形象", dh_type="service")
    return {
        Standard: Standard.objects.create(enterprise=enterprise, title="空标准", level="group", role="lead"),
        IntellectualProperty: IntellectualProperty.objects.create(enterprise=enterprise, type="software",
                                                                  number="SR-SPARSE", title="空软著", granted_on=day),
        DigitalHumanIp: character,
        DigitalHumanRegistration: DigitalHumanRegistration.objects.create(
            character=character, kind="copyright", number="空-1", registered_on=day),
        FinancingRound: FinancingRound.objects.create(enterprise=enterprise, closed_on=day, amount=Decimal("1"),
                                                      round_name="天使轮"),
        Listing: Listing.objects.create(enterprise=enterprise, board="neeq", listed_on=day),
        ComplianceFiling: ComplianceFiling.objects.create(enterprise=enterprise, kind="data_security",
                                                          service_name="空数据安全", filed_on=day),  # branch compliance
        IndustryActivity: IndustryActivity.objects.create(enterprise=enterprise, kind="overseas_project",
                                                          title="空海外项目", held_on=day),  # branch activities
    }


def sparse_world() -> dict:
    """One record of every model, every optional field empty (blank text, null numbers and dates, no m2m)."""
    district = District.objects.create(code="118999", name="空区")
    world = build_world(parks=1, district=district, staff=True, park_kwargs=lambda p: {"name": "空园区"})
    park = world.parks[0]  # a name, a district, no opening day: nothing optional set
    unit = Unit.objects.create(park=park, building="A", floor="1", room="1", area=Decimal("1"), opened_on=None)
    enterprise = Enterprise.objects.create(credit_code=credit_code(9002), name="空测试公司", district=district,
                                           park=park, chain_position=ChainPosition.APPLICATION)
    person = UserFactory()
    declaration_round = DeclarationRound.objects.create(
        name="空轮次", tier=Tier.INNOVATIVE, rule_set="2026", cadence=RoundCadence.MONTHLY,
        opens=datetime.date(2024, 1, 1), closes=datetime.date(2024, 1, 31), review_starts=datetime.date(2024, 2, 1))
    task = PlanTask.objects.create(plan="空计划", number=1, title="空任务")
    policy = SupportPolicy.objects.create(name="空政策", issuer="空发布单位", year=2024)
    return _roles(world, enterprise, {
        PlanTask: task, SupportPolicy: policy,
        SupportAward: SupportAward.objects.create(policy=policy, enterprise=enterprise),
        District: district, Park: park, Unit: unit, Enterprise: enterprise,
        Tenancy: Tenancy.objects.create(unit=unit, enterprise=enterprise, start=datetime.date(2024, 1, 1)),
        AnnualFiling: AnnualFiling.objects.create(enterprise=enterprise, year=2024),
        TierDesignation: TierDesignation.objects.create(enterprise=enterprise, tier=Tier.INNOVATIVE, year=2024,
                                                        granted_on=datetime.date(2024, 3, 1)),
        Lab: Lab.objects.create(name="空实验室", kind=LabKind.JOINT_LAB, host=enterprise),
        Platform: Platform.objects.create(name="空平台", domain=PlatformDomain.CLOUD_RENDERING, operator=enterprise),
        BenchmarkProject: BenchmarkProject.objects.create(name="空项目", field=ProjectField.OTHER,
                                                          dh_kind=DigitalHumanKind.SERVICE, lead=enterprise,
                                                          year=2024),
        PlanTarget: PlanTarget.objects.create(plan="空计划", code="sparse", title="空目标", metric=TargetMetric.LABS,
                                              goal=Decimal("1"), year=2025),
        FilingSeason: FilingSeason.objects.create(year=2022, opens=datetime.date(2023, 1, 1),
                                                  closes=datetime.date(2023, 5, 31)),
        Group: Group.objects.create(name="空组"), type(person): person, Token: Token.objects.create(user=person),
        ParkMembership: ParkMembership.objects.create(user=UserFactory(is_staff=True), park=park),
        EnterpriseMembership: EnterpriseMembership.objects.create(user=UserFactory(), enterprise=enterprise),
        DeclarationRound: declaration_round,
        Declaration: Declaration.objects.create(round=declaration_round, enterprise=enterprise, district=district),
        DistrictMembership: DistrictMembership.objects.create(user=UserFactory(is_staff=True), district=district),
        **sparse_registers(enterprise),
        ParkService: ParkService.objects.create(park=park, kind="other", title="空服务",  # branch parksvc
                                                offered_from=datetime.date(2024, 3, 1)),
    })


def _roles(world, enterprise, records: dict) -> dict:
    """The records, and a user of each role: bureau staff, the park's administrator (the world's), the
    enterprise's user, and a superuser (Django's own pages: users, groups, tokens)."""
    users = {
        "bureau": bureau_user(is_staff=True), "park_admin": world.admin(0),
        "enterprise": EnterpriseMembershipFactory(enterprise=enterprise).user,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"records": records, "users": users}


@pytest.fixture(params=WORLDS)
def world(request, db) -> dict:
    """The fully filled world or the sparse one."""
    return full_world() if request.param == "full" else sparse_world()


def record_of(world: dict, model):
    """The world's record of a model (a proxy's concrete model); a model without one fails here, to be added."""
    concrete = model._meta.concrete_model
    assert concrete in world["records"], f"no record of {concrete._meta.label} in the worlds of this module: add one"
    return world["records"][concrete]


def database_state() -> dict:
    """Every row of every table of the project's apps (history, many-to-many and the admin's log included; not the
    admin log's "No fields changed." of Django's own pages, which records that nothing changed)."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in STATE_APPS and not model._meta.proxy:
            rows = model._base_manager.order_by("pk")
            if model is LogEntry:
                rows = rows.exclude(change_message="[]")
            state[model._meta.label] = list(rows.values())
    return state


def assert_unchanged(before: dict) -> None:
    """Every table holds the rows it held; the first difference named."""
    after = database_state()
    for label, rows in before.items():
        assert after[label] == rows, f"{label} changed: {_difference(rows, after[label])}"


def _difference(old: list, new: list) -> str:
    if len(old) != len(new):
        return f"{len(old)} rows -> {len(new)} rows: {[row for row in new if row not in old]}"
    return "; ".join(
        f"{key}: {a[key]!r} -> {b[key]!r}" for a, b in zip(old, new, strict=True) for key in a if a[key] != b[key]
    )


def test_the_full_world_is_full(db):
    """Every editable field of every record of the full world is set (so a new optional field gets a value here)."""
    for model, record in full_world()["records"].items():
        for field in model._meta.get_fields():
            if getattr(field, "editable", False) and not field.auto_created and (field.concrete or field.many_to_many):
                value = getattr(record, field.name).all() if field.many_to_many else getattr(record, field.name)
                assert value not in (None, "", []) and (not field.many_to_many or value.exists()), \
                    f"{model._meta.label}.{field.name} is empty in the full world"


# --- admin change forms ----------------------------------------------------------------------------------------
ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
# Django's own admin pages that lose what they show, and why (strict: the day one holds, it goes from this list).
KNOWN_LOSSES: dict[str, str] = {}


def may_change(model_admin, user, obj) -> bool:
    """Whether the admin lets the user change the record."""
    request = RequestFactory().get("/")
    request.user = user
    return model_admin.has_change_permission(request, obj)


@pytest.mark.parametrize("model_admin", [
    pytest.param(model_admin, id=model._meta.label, marks=[pytest.mark.xfail(
        strict=True, reason=KNOWN_LOSSES[model._meta.label])] if model._meta.label in KNOWN_LOSSES else [])
    for model, model_admin in ADMINS
])
def test_admin_change_form_saved_unchanged_changes_nothing(client, world, model_admin):
    """Every admin change form (and its inlines), as every role that may change the record, saved as shown."""
    if not any(may_change(model_admin, world["users"][role], None) for role in ADMIN_ROLES):
        pytest.skip("read-only for every role")
    record = model_admin.model._base_manager.get(pk=record_of(world, model_admin.model).pk)
    changers = [role for role in ADMIN_ROLES if may_change(model_admin, world["users"][role], record)]
    opts = model_admin.model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])
    for role in changers:
        client.force_login(world["users"][role])
        page = client.get(url)
        assert page.status_code == 200, role
        body = post_back(page.content.decode(), form_id=f"{opts.model_name}_form", submitter="_save")
        before = database_state()
        response = client.post(url, body, content_type=FORM)
        assert response.status_code == 302, (role, _form_errors(response))
        assert_unchanged(before)


def _form_errors(response) -> str:
    """The error lists of a form page that did not save."""
    context = response.context or {}
    adminform, formsets = context.get("adminform"), context.get("inline_admin_formsets") or []
    errors = [adminform.form.errors.as_json()] if adminform else []
    errors += [str(formset.formset.errors) + str(formset.formset.non_form_errors()) for formset in formsets]
    if "form" in context:
        errors.append(context["form"].errors.as_json())
    return " ".join(errors)


# --- self-service forms ----------------------------------------------------------------------------------------
# Each ModelForm of the self-service pages: its page's URL name, the record it edits, the button it is saved with.
SELF_SERVICE_PAGES = {
    enterprise_forms.EnterpriseProfileForm: ("enterprise-profile", Enterprise, None),
    enterprise_forms.AnnualFilingForm: ("filing-edit", AnnualFiling, "save"),
}


def test_every_self_service_model_form_has_its_round_trip():
    forms = {form for _name, form in inspect.getmembers(enterprise_forms, inspect.isclass)
             if issubclass(form, django_forms.ModelForm) and form.__module__ == enterprise_forms.__name__}
    assert forms == set(SELF_SERVICE_PAGES)


@pytest.mark.parametrize("form_class", list(SELF_SERVICE_PAGES), ids=lambda form: form.__name__)
def test_self_service_form_saved_unchanged_changes_nothing(client, world, form_class):
    """A self-service page's form, as the enterprise's user who keeps it, saved as shown."""
    url_name, model, submitter = SELF_SERVICE_PAGES[form_class]
    url = reverse(url_name, args=[record_of(world, model).pk])
    client.force_login(world["users"]["enterprise"])
    body = post_back(client.get(url).content.decode(), submitter=submitter)
    before = database_state()
    response = client.post(url, body, content_type=FORM)
    assert response.status_code == 302, _form_errors(response)
    assert_unchanged(before)


@pytest.mark.parametrize("register", REGISTER_PAGES, ids=lambda register: register.slug)
def test_register_form_saved_unchanged_changes_nothing(client, world, register):
    """Each form of the enterprise's registers (enterprises.register_forms, branch regscreens), as the enterprise's
    user, saved as shown: a character with its registrations' rows."""
    record = record_of(world, register.model)
    url = reverse("register-edit", args=[record.enterprise_id, register.slug, record.pk])
    client.force_login(world["users"]["enterprise"])
    page = client.get(url)
    assert page.status_code == 200
    body = post_back(page.content.decode(), form_id="register-form")
    before = database_state()
    response = client.post(url, body, content_type=FORM)
    assert response.status_code == 302, _form_errors(response)
    assert_unchanged(before)


# --- API serializers -------------------------------------------------------------------------------------------
UPDATABLE = sorted(
    (prefix, viewset) for prefix, viewset, _basename in router.registry
    if hasattr(viewset, "update") and "put" in viewset.http_method_names
)


def as_input(value):
    """A value of a GET's body as a request carries it: a nested record by its id."""
    if isinstance(value, dict) and "id" in value:
        return value["id"]
    if isinstance(value, list) and value and all(isinstance(item, dict) and "id" in item for item in value):
        return [item["id"] for item in value]
    return value


@pytest.mark.parametrize("prefix, viewset", UPDATABLE, ids=[prefix for prefix, _viewset in UPDATABLE])
def test_api_record_put_back_and_patched_unchanged_changes_nothing(world, prefix, viewset):
    """Every endpoint that updates a record, as every role that may change it: the body of a GET sent back by
    PUT, and each field alone by PATCH, changes nothing and answers 200."""
    model = viewset.queryset.model
    record = record_of(world, model)
    changers = [role for role in API_ROLES
                if model.objects.restrict(world["users"][role], CHANGE).filter(pk=record.pk).exists()]
    if not changers:
        pytest.skip("nobody changes these records over the API")
    basename = next(name for p, _v, name in router.registry if p == prefix)
    url = reverse(f"api:{basename}-detail", args=[record.pk])
    for role in changers:
        client = token_client(world["users"][role])
        shown = client.get(url).json()
        before = database_state()
        nested = {name for name, field in viewset.serializer_class().fields.items()
                  if getattr(field, "many", False) and hasattr(field, "child") and not field.read_only
                  and hasattr(field.child, "fields")}  # nested records written whole (a character's registrations)
        body = {name: value if name in nested else as_input(value) for name, value in shown.items()}
        response = client.put(url, body, format="json")
        assert response.status_code == 200, (role, response.json())
        assert_unchanged(before)
        serializer = viewset.serializer_class()
        # Each field the GET shows and a PATCH may send (a write-only input such as a tenancy's
        # enterprise_credit_code shows nothing to send back).
        for name in [name for name, field in serializer.fields.items() if not field.read_only and name in body]:
            response = client.patch(url, {name: body[name]}, format="json")
            assert response.status_code == 200, (role, name, response.json())
        assert_unchanged(before)  # once for all the PATCHes: the difference names the field


@pytest.mark.parametrize("prefix, viewset", UPDATABLE, ids=[prefix for prefix, _viewset in UPDATABLE])
def test_api_patch_of_one_text_changes_that_field_only(world, prefix, viewset):
    """PATCH of one long text (sent with CRLF line ends) changes that field (stored with LF), its record's
    `updated` stamp and history, and nothing else."""
    model = viewset.queryset.model
    record = record_of(world, model)
    serializer = viewset.serializer_class()
    texts = [name for name, field in serializer.fields.items() if not field.read_only
             and name in {f.name for f in model._meta.concrete_fields if f.get_internal_type() == "TextField"}]
    if not texts or not model.objects.restrict(world["users"]["bureau"], CHANGE).filter(pk=record.pk).exists():
        pytest.skip("no long text written through this endpoint")
    basename = next(name for p, _v, name in router.registry if p == prefix)
    url = reverse(f"api:{basename}-detail", args=[record.pk])
    before = database_state()
    response = token_client(world["users"]["bureau"]).patch(url, {texts[0]: "新的\r\n文本\r末行"}, format="json")
    assert response.status_code == 200, response.json()
    record.refresh_from_db()
    assert getattr(record, texts[0]) == "新的\n文本\n末行"
    after = database_state()
    stamps = {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
    history = record.history.model._meta.label
    for label, rows in before.items():
        if label.startswith(history):  # the new historical row, and its copy of the many-to-many rows
            assert len(after[label]) >= len(rows) + (label == history)
        elif label == model._meta.label:
            changed = {key for old, new in zip(rows, after[label], strict=True) for key in old if old[key] != new[key]}
            assert changed <= {texts[0], *stamps} and texts[0] in changed
        elif not label.startswith("authtoken"):
            assert after[label] == rows, f"{label} changed: {_difference(rows, after[label])}"
