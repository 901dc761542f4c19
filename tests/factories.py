"""factory-boy factories, one per model, making valid records (credit codes pass both checks)."""

import datetime
import importlib
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from access.scoping import BUREAU_GROUP
from enterprises.choices import ChainPosition, FilingStatus, Segment, Tier
from enterprises.credit_code import credit_code_make
from enterprises.fakes import filing_figures, filing_review, ip_figures, tenancy_period, unit_labels
from enterprises.models import AnnualFiling, Enterprise, EnterpriseMembership, Tenancy, TierDesignation
from parks.models import District, Park, ParkMembership, ParkService, Unit
from registry.choices import (
    AwardStatus,
    Comparison,
    DigitalHumanKind,
    LabKind,
    PlatformDomain,
    ProjectField,
    TargetMetric,
    TargetUnit,
)
from registry.models import BenchmarkProject, Lab, PlanTarget, PlanTask, Platform, SupportAward, SupportPolicy
from registry.selectors.plan_board import PLAN_2022_2025


class UserFactory(factory.django.DjangoModelFactory):
    """A user with password 'pw'."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def bureau_user(**kwargs):
    """A member of the bureau group (sees and does everything)."""
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    return user


class DistrictFactory(factory.django.DjangoModelFactory):
    """A district with a made-up six-digit code."""

    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{119000 + n}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    name_en = factory.Sequence(lambda n: f"Test District {n}")


class ParkFactory(factory.django.DjangoModelFactory):
    """A park in a new district."""

    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    district = factory.SubFactory(DistrictFactory)
    opened_on = None  # of long standing: counted from the beginning


class UnitFactory(factory.django.DjangoModelFactory):
    """A 100 m² unit in a new park."""

    class Meta:
        model = Unit

    park = factory.SubFactory(ParkFactory)
    building = "A"
    floor = "1"
    room = factory.Sequence(lambda n: unit_labels("A", 1, n)[2])  # "100", "101", …
    area = Decimal("100.00")
    opened_on = None  # of long standing: counted from the beginning


def credit_code(n: int) -> str:
    """A valid credit code, different for every n."""
    return credit_code_make(serial=n)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An enterprise with a valid credit code."""

    class Meta:
        model = Enterprise

    credit_code = factory.Sequence(credit_code)
    name = factory.Sequence(lambda n: f"测试数字人科技有限公司{n}")
    short_name = factory.Sequence(lambda n: f"测试{n}")
    district = factory.SubFactory(DistrictFactory)
    park = factory.SubFactory(ParkFactory)
    chain_position = ChainPosition.APPLICATION
    segments = factory.LazyFunction(lambda: [Segment.MODELLING])
    founded = datetime.date(2020, 1, 1)


class TenancyFactory(factory.django.DjangoModelFactory):
    """An open-ended tenancy of a new unit from 2024-01-01."""

    class Meta:
        model = Tenancy

    unit = factory.SubFactory(UnitFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    start, end = tenancy_period(datetime.date(2024, 1, 1))


# The factories' filing (enterprises.fakes): revenue of 10,000, 9,000 and 8,000 万元 over three years, main
# business 1,000 万元 below it each year, 60% digital-human, 5% R&D, an 8% margin; 120 staff, a third in R&D.
FILING_FIGURES = {
    **filing_figures(revenue=(Decimal("10000"), Decimal("9000"), Decimal("8000")),
                     main_share=(Decimal("0.9"), Decimal(8) / 9, Decimal(7) / 8), dh_share=Decimal("0.6"),
                     rd_share=Decimal("0.05"), margin=Decimal("0.08"), staff=120, rd_staff_share=Decimal(1) / 3),
    **ip_figures(ip_class1=2, self_developed=0, high_value=0, applied=0, ip_class2=0),
}


class AnnualFilingFactory(factory.django.DjangoModelFactory):
    """A complete draft filing for 2024 of a small software enterprise (10,000 万元 revenue, 5% R&D)."""

    class Meta:
        model = AnnualFiling

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    debt_ratio = Decimal("45")
    niche_months = 48

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """FILING_FIGURES, unless the caller gives a figure."""
        return {**FILING_FIGURES, **kwargs}


def approved_filing(*, enterprise=None, **kwargs) -> AnnualFiling:
    """An approved filing (as if submitted and reviewed), with the enterprise's park and district on it."""
    enterprise = enterprise or EnterpriseFactory()
    now = timezone.now()
    return AnnualFilingFactory(enterprise=enterprise, status=FilingStatus.APPROVED, **filing_review(
        status=FilingStatus.APPROVED, park=enterprise.park, district=enterprise.district, submitted_at=now,
        reviewed_at=now), **kwargs)


class TierDesignationFactory(factory.django.DjangoModelFactory):
    """A 创新型 designation granted on 2024-03-01 (valid until 2027-02-28)."""

    class Meta:
        model = TierDesignation

    enterprise = factory.SubFactory(EnterpriseFactory)
    tier = Tier.INNOVATIVE
    year = 2024
    batch = "2024年第一批"
    granted_on = datetime.date(2024, 3, 1)


class LabFactory(factory.django.DjangoModelFactory):
    """A joint lab hosted by a new enterprise."""

    class Meta:
        model = Lab

    name = factory.Sequence(lambda n: f"测试联合实验室{n}")
    kind = LabKind.JOINT_LAB
    partner = "测试大学"
    host = factory.SubFactory(EnterpriseFactory)
    park = factory.SubFactory(ParkFactory)


class PlatformFactory(factory.django.DjangoModelFactory):
    """A cloud-rendering platform."""

    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"测试渲染平台{n}")
    domain = PlatformDomain.CLOUD_RENDERING
    operator = factory.SubFactory(EnterpriseFactory)
    park = factory.SubFactory(ParkFactory)


class BenchmarkProjectFactory(factory.django.DjangoModelFactory):
    """A culture-and-tourism benchmark project."""

    class Meta:
        model = BenchmarkProject

    name = factory.Sequence(lambda n: f"测试标杆项目{n}")
    field = ProjectField.CULTURE_TOURISM
    dh_kind = DigitalHumanKind.SERVICE
    lead = factory.SubFactory(EnterpriseFactory)
    park = factory.SubFactory(ParkFactory)
    year = 2024


class PlanTargetFactory(factory.django.DjangoModelFactory):
    """A count target."""

    class Meta:
        model = PlanTarget

    plan = "测试计划"
    code = factory.Sequence(lambda n: f"target-{n}")
    title = factory.Sequence(lambda n: f"测试目标{n}")
    metric = TargetMetric.LABS
    goal = Decimal("10")
    year = 2025


def plan_targets():
    """The plan's seven targets, one per metric (two over a revenue threshold)."""
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=500,
                      comparison=Comparison.GREATER)
    PlanTargetFactory(code="head", metric=TargetMetric.ENTERPRISES_OVER_REVENUE, threshold=500000, goal=1,
                      goal_upper=2)
    PlanTargetFactory(code="key", metric=TargetMetric.ENTERPRISES_OVER_REVENUE, threshold=100000, goal=10)
    PlanTargetFactory(code="labs", metric=TargetMetric.LABS, goal=10)
    PlanTargetFactory(code="platforms", metric=TargetMetric.PLATFORMS, goal=5)
    PlanTargetFactory(code="projects", metric=TargetMetric.BENCHMARK_PROJECTS, goal=20)
    PlanTargetFactory(code="parks", metric=TargetMetric.FEATURED_PARKS, goal=2)


class ParkMembershipFactory(factory.django.DjangoModelFactory):
    """A park administrator of a new park."""

    class Meta:
        model = ParkMembership

    user = factory.SubFactory(UserFactory)
    park = factory.SubFactory(ParkFactory)


class EnterpriseMembershipFactory(factory.django.DjangoModelFactory):
    """A user of a new enterprise."""

    class Meta:
        model = EnterpriseMembership

    user = factory.SubFactory(UserFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)


def home_tenancy(**kwargs) -> Tenancy:
    """A tenancy of a new unit by an enterprise registered with the unit's park (the park sees the tenant whole; a
    TenancyFactory tenant is registered with a park of its own, so the unit's park sees only its public face)."""
    unit = kwargs.pop("unit", None) or UnitFactory()
    return TenancyFactory(unit=unit, enterprise=EnterpriseFactory(park=unit.park), **kwargs)


def plan_task(number: int) -> PlanTask:
    """A key task of the 2022-2025 plan. Its migration (registry 0015) writes the tasks; a transactional test's flush
    (the browser walks' live server) empties them, so they are written again here when gone."""
    if not PlanTask.objects.filter(plan=PLAN_2022_2025).exists():
        importlib.import_module("registry.migrations.0015_plan_tasks_2022_2025").add_tasks(apps, None)
    return PlanTask.objects.get(plan=PLAN_2022_2025, number=number)


class SupportPolicyFactory(factory.django.DjangoModelFactory):
    """A 2024 policy of the bureau serving the plan's task 2 (production tools), with a budget of 500 万元."""

    class Meta:
        model = SupportPolicy

    name = factory.Sequence(lambda n: f"测试支持政策{n}")
    issuer = "北京市经济和信息化局"
    task = factory.LazyFunction(lambda: plan_task(2))
    year = 2024
    budget = Decimal("500.00")


class SupportAwardFactory(factory.django.DjangoModelFactory):
    """An award applied for under a new policy by a new enterprise."""

    class Meta:
        model = SupportAward

    policy = factory.SubFactory(SupportPolicyFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = AwardStatus.APPLIED


def register_records(enterprise=None) -> dict:
    """One record of each of the enterprise's own registers (a standard, an IP item, a virtual character with a
    registration, a financing round with a guided fund, a listing, an industry activity) and a compliance filing, of a
    new enterprise unless one is given."""
    from enterprises.models import (
        ComplianceFiling,
        DigitalHumanIp,
        DigitalHumanRegistration,
        FinancingRound,
        IndustryActivity,
        IntellectualProperty,
        Listing,
        Standard,
    )

    enterprise = enterprise or EnterpriseFactory()
    day = datetime.date(2024, 3, 1)
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name=f"测试形象{enterprise.pk}",
                                              dh_type="performance")
    return {
        "standard": Standard.objects.create(enterprise=enterprise, title="测试标准", number=f"T/TEST {enterprise.pk}",
                                            level="group", role="lead", status="published", published_on=day),
        "intellectualproperty": IntellectualProperty.objects.create(
            enterprise=enterprise, type="invention", number=f"ZL{enterprise.pk}", title="测试专利", granted_on=day),
        "digitalhumanip": character,
        "digitalhumanregistration": DigitalHumanRegistration.objects.create(
            character=character, kind="copyright", number=f"国作登字-{enterprise.pk}", registered_on=day),
        "financinground": FinancingRound.objects.create(enterprise=enterprise, closed_on=day, amount=Decimal("1000"),
                                                        round_name="A轮", guided_fund="high_tech"),
        "listing": Listing.objects.create(enterprise=enterprise, board="specialised", listed_on=day),
        # branch compliance: a deep-synthesis algorithm filing in force
        "compliancefiling": ComplianceFiling.objects.create(
            enterprise=enterprise, kind="deep_synthesis", service_name="测试播报服务",
            number=f"网信算备{enterprise.pk}", filed_on=day),
        # branch activities: talent, events and cooperation
        "industryactivity": IndustryActivity.objects.create(enterprise=enterprise, kind="leading_talent",
                                                            title="领军人才认定", held_on=day, people=2),
    }


# A valid body of each register, without its enterprise (the tests add theirs).
REGISTER_BODIES = {
    "standard": {"title": "数字人 通用要求", "number": "T/MATRIX 1-2025", "level": "group", "role": "lead",
                 "status": "drafting"},
    "intellectualproperty": {"type": "software", "number": "2025SR0000001", "title": "数字人驱动软件",
                             "granted_on": "2025-01-10"},
    "digitalhumanip": {"name": "矩阵形象", "dh_type": "service",
                       "registrations": [{"kind": "trademark", "number": "矩阵-1", "registered_on": "2025-01-10"}]},
    "financinground": {"closed_on": "2025-01-10", "amount": "500.00", "round_name": "天使轮"},
    "listing": {"board": "neeq", "listed_on": "2025-01-10"},
    "compliancefiling": {"kind": "generative_ai", "service_name": "矩阵大模型服务", "number": "Beijing-MATRIX-1",
                         "filed_on": "2025-01-10"},
    "industryactivity": {"kind": "international_event", "title": "矩阵国际数字人大会", "held_on": "2025-01-10",
                         "partner": "新加坡"},
}


class ParkServiceFactory(factory.django.DjangoModelFactory):
    """An incubation service of a new park, offered since 2024 and public (branch parksvc)."""

    class Meta:
        model = ParkService

    park = factory.SubFactory(ParkFactory)
    kind = "incubation"
    title = factory.Sequence(lambda n: f"孵化服务{n}")
    contact = "010-12345678"
    offered_from = datetime.date(2024, 1, 1)


def support_funds_2024(*, e1, e2, e3) -> tuple[SupportPolicy, SupportPolicy, SupportPolicy]:
    """Policies A (task 2, 2024, 500 万元), B (task 4, 2024, 200 万元) and C (task 2, 2023, 300 万元), with their
    awards: under A, E1 paid 100 / 80, E2 approved 50.5 and E3 applied; under B, E1 cancelled (30); under C, E2
    paid 40 / 40. Returns (A, B, C)."""
    task = {n: plan_task(n) for n in (2, 4)}
    a = SupportPolicyFactory(task=task[2], year=2024, budget=Decimal("500"))
    b = SupportPolicyFactory(task=task[4], year=2024, budget=Decimal("200"))
    c = SupportPolicyFactory(task=task[2], year=2023, budget=Decimal("300"))
    paid = {"status": AwardStatus.PAID, "approved_on": datetime.date(2024, 4, 1), "paid_on": datetime.date(2024, 8, 1)}
    SupportAwardFactory(policy=a, enterprise=e1, amount_approved=Decimal("100"), amount_paid=Decimal("80"), **paid)
    SupportAwardFactory(policy=a, enterprise=e2, status=AwardStatus.APPROVED, amount_approved=Decimal("50.5"),
                        approved_on=datetime.date(2024, 5, 1))
    SupportAwardFactory(policy=a, enterprise=e3)  # applied: not granted
    SupportAwardFactory(policy=b, enterprise=e1, status=AwardStatus.CANCELLED, amount_approved=Decimal("30"),
                        approved_on=datetime.date(2024, 5, 1))
    SupportAwardFactory(policy=c, enterprise=e2, amount_approved=Decimal("40"), amount_paid=Decimal("40"), **paid)
    return a, b, c
