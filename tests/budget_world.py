"""The world the query budgets are measured in: `build_budget_world(scale)` makes `scale` clusters of records.

A cluster is a district with a featured park of eight units (one free) and an empty neighbour park; a rich
enterprise (RICH tenancies, approved filings, designations, a draft with RICH history rows, a project with RICH
partners), a sparse one (one tenancy and designation, a draft, a submitted and an approved filing) and partner
enterprises with an approved filing (tier candidates); a lab and a platform of each, memberships, report runs and
file jobs. The rich records of a cluster have RICH history rows, the sparse ones one. The scoped accounts are
members in every cluster (the park administrator of each featured park, the enterprise user of each rich
enterprise and of a partner, a tier candidate), so what they see grows with the scale as the rest does (the
enterprise user is also a user of the first sparse enterprise: the /me/ pages are measured on it and the rich). The
plan's seven targets, a spare district, park and enterprise (deletable: nothing refers to them), a newcomer, an
invited account and a computed tier summary are made once. A cluster's district, parks and registered enterprises
come from tests/worlds.py; the rest is made here, as the budgets are measured on exactly these rows."""

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from config.notifications.models import Notification
from enterprises.choices import DeclarationStatus, EvidenceKind, FilingStatus
from enterprises.evidence import evidence_add
from enterprises.models import Declaration, DeclarationRound, DeclarationStep, FilingSeason, Objection
from registry.choices import AwardStatus
from registry.models import FileJob, PlanTarget, PlanTask, ReportRun
from registry.selectors.plan_board import PLAN_2022_2025
from registry.services import report_run_execute

from .conftest import token_client
from .factories import (
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    LabFactory,
    ParkMembershipFactory,
    ParkServiceFactory,
    PlatformFactory,
    SupportAwardFactory,
    SupportPolicyFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    plan_targets,
    plan_task,
    register_records,
)
from .worlds import build_world

YEAR = 2024  # the year of the approved filings the reports read
# The enterprise's registers (branch registers) and the text field their rich records' history rows change.
REGISTER_BASENAMES = {"standard": "co_drafters", "intellectualproperty": "title", "digitalhumanip": "description",
                      "financinground": "lead_investor", "listing": "stock_code",
                      "compliancefiling": "service_name",  # branch compliance
                      "industryactivity": "notes"}  # branch activities
RICH = 6  # related rows of a rich record (a sparse one has one)
ROLES = ("bureau", "park_admin", "enterprise_user")


@dataclass
class BudgetWorld:
    """The records of the budget tests: (sparse, rich) pairs per basename, spares, accounts and their clients."""

    scale: int
    pairs: dict = field(default_factory=dict)  # basename -> (sparse record, rich record) of the first cluster
    spare: dict = field(default_factory=dict)  # basename -> a record nothing refers to (a DELETE's target)
    filings: dict = field(default_factory=dict)  # the first sparse enterprise's draft, submitted and approved filing
    rounds: dict = field(default_factory=dict)  # declaration rounds: open, past (publicity ended), public (today)
    declarations: dict = field(default_factory=dict)  # the first cluster's, by the state a step starts from
    users: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)  # role -> token-authenticated API client
    pages: dict = field(default_factory=dict)  # role -> signed-in client of the web pages


def changed(obj, name: str, values) -> None:
    """Save `obj` once per value of its field `name`: one history row each."""
    for value in values:
        setattr(obj, name, value)
        obj.save()


def build_rounds(today: datetime.date) -> dict:
    """Three declaration rounds: one open today, one whose publicity ended yesterday, one in publicity today."""
    day = datetime.timedelta(days=1)
    dates = {
        "open": (today - day, today + 20 * day, today + 21 * day, None, None),
        "past": (today - 60 * day, today - 40 * day, today - 39 * day, today - 10 * day, today - day),
        "public": (today - 60 * day, today - 40 * day, today - 39 * day, today - day, today + 3 * day),
    }
    return {name: DeclarationRound.objects.create(
        name=f"预算测试批次{name}", tier="innovative", rule_set="2026", cadence="monthly", opens=opens, closes=closes,
        review_starts=review, publicity_starts=starts, publicity_ends=ends)
        for name, (opens, closes, review, starts, ends) in dates.items()}


def build_declarations(rounds: dict, enterprises: list, users: dict, now: datetime.datetime) -> dict:
    """A cluster's declarations, one per state a step starts from: the sparse enterprise's draft (answered and
    signed), the rich one's in city review with RICH steps, one in district review, one in publicity after it
    ended and one in publicity today with two objections."""
    sparse, rich, review, ended, public = enterprises
    answers = {"main_product": "数字人引擎", "market_position": "细分前三", "innovation": "自研"}

    def declared(enterprise, round_name, status, steps=0):
        declaration = Declaration.objects.create(
            round=rounds[round_name], enterprise=enterprise, district=enterprise.district, status=status,
            filing=enterprise.filings.filter(status=FilingStatus.APPROVED).first(), answers=answers,
            commitment_signed_at=now, submitted_at=None if status == DeclarationStatus.DRAFT else now)
        for _ in range(steps):
            DeclarationStep.objects.create(declaration=declaration, action="submit", from_status="draft",
                                           to_status=status, actor=users["bureau"])
        return declaration

    made = {
        "declaration": (declared(sparse, "open", DeclarationStatus.DRAFT),
                        declared(rich, "open", DeclarationStatus.CITY_REVIEW, steps=RICH)),
        "review": declared(review, "open", DeclarationStatus.DISTRICT_REVIEW, steps=1),
        "ended": declared(ended, "past", DeclarationStatus.PUBLICITY, steps=1),
    }
    in_publicity = declared(public, "public", DeclarationStatus.PUBLICITY, steps=1)
    made["objection"] = tuple(Objection.objects.create(declaration=in_publicity, received_on=timezone.localdate(now),
                                                       objector=f"异议人{k}", text="测试异议") for k in (1, 2))
    return made


def build_cluster(users: dict, now: datetime.datetime, rounds: dict) -> dict:
    """One cluster of records (see the module's description): its records by basename, (sparse, rich) pairs."""
    # The featured park, its neighbour (outside the park administrator's scope) and the enterprises registered
    # with the first: the rich, the sparse and the other partners (tests/worlds.py).
    base = build_world(parks=2, admins=0, districts=1, enterprises=(RICH + 1, 0), local=True,
                       park_kwargs=lambda p: {"featured": p == 0})
    district, park = base.districts[0], base.parks[0]
    rich, sparse, *others = base.enterprises[0]
    partners = [sparse, *others]
    units = UnitFactory.create_batch(RICH + 1, park=park)
    free_unit = UnitFactory(park=park, opened_on=timezone.localdate(now))  # added today: a write may delete it
    tenancies = [TenancyFactory(unit=unit, enterprise=rich) for unit in units[:RICH]]
    for k in range(RICH):
        approved_filing(enterprise=rich, year=YEAR - k)
    for partner in partners[1:]:  # tier candidates: approved figures, no designation
        approved_filing(enterprise=partner, year=YEAR)
    EnterpriseMembershipFactory(enterprise=partners[1], user=users["enterprise_user"])  # sees a candidate
    filings = {
        "approved": approved_filing(enterprise=sparse, year=YEAR),
        "submitted": AnnualFilingFactory(enterprise=sparse, year=YEAR - 1, status=FilingStatus.SUBMITTED, park=park,
                                         district=district, submitted_at=now),
        "draft": AnnualFilingFactory(enterprise=sparse, year=YEAR - 2),
    }
    designations = [TierDesignationFactory(enterprise=rich, year=YEAR - k, granted_on=datetime.date(YEAR - k, 3, 1))
                    for k in range(RICH)]
    projects = (BenchmarkProjectFactory(lead=sparse, park=park), BenchmarkProjectFactory(lead=rich, park=park))
    for count in range(1, RICH + 1):  # one history row per partner added
        projects[1].partners.set(partners[:count])
    jobs = {"import": [], "export": []}
    for role in ("bureau", "park_admin", "enterprise_user") * 2:
        for kind, status in (("import", "pending"), ("export", "succeeded")):
            jobs[kind].append(FileJob.objects.create(
                kind=kind, subject="enterprises", file_format="csv", data=b"\xef\xbb\xbfa\r\n",
                file_name="enterprises.csv", status=status, started_by=users[role],
                finished=now if status == "succeeded" else None))
    failed_run, _ = (ReportRun.objects.create(year=YEAR - k, status="failed", error="测试", finished=now,
                                              started_by=users["bureau"]) for k in (1, 2))
    policy = SupportPolicyFactory(task=plan_task(2), year=YEAR)
    paid = {"status": AwardStatus.PAID, "approved_on": datetime.date(YEAR, 4, 1), "paid_on": datetime.date(YEAR, 8, 1)}
    awards = (SupportAwardFactory(policy=policy, enterprise=sparse),
              SupportAwardFactory(policy=policy, enterprise=rich, amount_approved=100, amount_paid=80, **paid))
    records = {
        "supportpolicy": policy, "supportaward": awards,
        "district": district, "park": park, "unit": (free_unit, units[0]), "enterprise": (sparse, rich),
        "tenancy": (TenancyFactory(unit=units[RICH], enterprise=sparse), tenancies[0]),
        "annualfiling": (filings["draft"], AnnualFilingFactory(enterprise=rich, year=YEAR + 1)),
        "tierdesignation": (TierDesignationFactory(enterprise=sparse), designations[0]),
        "lab": (LabFactory(host=sparse, park=park), LabFactory(host=rich, park=park)),
        "platform": (PlatformFactory(operator=sparse, park=park), PlatformFactory(operator=rich, park=park)),
        "benchmarkproject": projects,
        "parkmembership": (ParkMembershipFactory(park=park),
                           ParkMembershipFactory(park=park, user=users["park_admin"])),
        "enterprisemembership": (EnterpriseMembershipFactory(enterprise=sparse),
                                 EnterpriseMembershipFactory(enterprise=rich, user=users["enterprise_user"])),
        "import": tuple(jobs["import"][:2]), "export": tuple(jobs["export"][:2]), "reportrun": failed_run,
        "filings": filings,
        **build_declarations(rounds, [sparse, rich, *partners[1:4]], users, now),
        "declarable": partners[4],  # an approved filing and no declaration: a POST declares it
    }
    registers = (register_records(sparse), register_records(rich))  # one of each register (branch registers)
    character = registers[1]["digitalhumanip"]
    for k in range(1, RICH):  # the rich character: RICH registrations
        character.registrations.create(kind="trademark", number=f"预算-{character.pk}-{k}",
                                       registered_on=datetime.date(YEAR, 1, k))
    records.update({name: (registers[0][name], registers[1][name]) for name in REGISTER_BASENAMES})
    records["parkservice"] = (ParkServiceFactory(park=park), ParkServiceFactory(park=park))  # branch parksvc
    versions = [f"第{k}版" for k in range(1, RICH)]
    for record, name, values in (  # the rich records' history rows
            (district, "plan_role", versions), (park, "focus", versions), (units[0], "area", range(101, 100 + RICH)),
            (rich, "short_name", versions), (tenancies[0], "rent", range(101, 100 + RICH)),
            (records["annualfiling"][1], "revenue", range(10001, 10000 + RICH)), (designations[0], "batch", versions),
            (records["lab"][1], "focus", versions), (records["platform"][1], "services", versions),
            (records["parkmembership"][1], "park", [park] * (RICH - 1)),
            (records["enterprisemembership"][1], "enterprise", [rich] * (RICH - 1)),
            (awards[1], "note", versions), (policy, "description", versions),
            *((records[basename][1], field_name, versions) for basename, field_name in REGISTER_BASENAMES.items()),
            (records["parkservice"][1], "description", versions)):
        changed(record, name, values)
    return records


def build_budget_world(scale: int) -> BudgetWorld:
    """`scale` clusters, the plan's targets, the spares, the accounts with their clients and an executed run."""
    now = timezone.now()
    world = BudgetWorld(scale=scale)
    world.users = {"bureau": bureau_user(), "park_admin": UserFactory(), "enterprise_user": UserFactory(),
                   "newcomer": UserFactory(), "pending": UserFactory()}
    world.users["pending"].set_unusable_password()
    world.users["pending"].save()
    plan_targets()
    world.rounds = build_rounds(timezone.localdate(now))
    first = [build_cluster(world.users, now, world.rounds) for _ in range(scale)][0]
    world.spare = {"district": DistrictFactory(),
                   "park": build_world(parks=1, admins=0, district=first["district"]).parks[0],
                   "enterprise": EnterpriseFactory()}
    world.pairs = {name: first[name] for name in ("unit", "enterprise", "tenancy", "annualfiling", "tierdesignation",
                                                   "lab", "platform", "benchmarkproject", "parkmembership",
                                                   "enterprisemembership", "import", "export",
                                                   "declaration", "objection", *REGISTER_BASENAMES,
                                                   "parkservice")}
    world.pairs["declarationround"] = (world.rounds["past"], world.rounds["open"])
    in_publicity = first["objection"][0].declaration
    world.pairs["publicity"] = (in_publicity, in_publicity)  # one per cluster is in publicity today
    world.declarations = {"review": first["review"], "ended": first["ended"], "declarable": first["declarable"]}
    world.pairs["district"] = (world.spare["district"], first["district"])
    world.pairs["park"] = (world.spare["park"], first["park"])
    world.filings = first["filings"]
    run = ReportRun.objects.create(year=YEAR, started_by=world.users["bureau"])
    report_run_execute(run_id=run.pk)
    world.pairs["reportrun"] = (first["reportrun"], run)
    targets = PlanTarget.objects.filter(code__in=("labs", "parks")).order_by("code")
    changed(targets[1], "source", [f"第{k}版" for k in range(1, RICH)])
    world.pairs["plantarget"] = tuple(targets)
    tasks = PlanTask.objects.filter(plan=PLAN_2022_2025, number__in=(15, 2)).order_by("-number")
    changed(tasks[1], "description", [f"第{k}版" for k in range(1, RICH)])
    world.pairs["plantask"] = tuple(tasks)  # task 15 (nothing refers to it: a DELETE's target), task 2
    world.pairs["supportaward"] = first["supportaward"]
    spare_policy = SupportPolicyFactory(task=tasks[1], year=YEAR)  # no awards: a DELETE's target
    world.pairs["supportpolicy"] = (spare_policy, first["supportpolicy"])
    world.pairs["filingseason"] = tuple(FilingSeason.objects.create(
        year=year, opens=datetime.date(year + 1, 1, 1), closes=datetime.date(year + 1, 5, 31)) for year in (2020, 2021))
    EnterpriseMembershipFactory(enterprise=world.pairs["enterprise"][0], user=world.users["enterprise_user"])
    world.pairs["notification"] = tuple(Notification.objects.create(
        recipient=world.users["bureau"], kind="filing", subject=f"通知{k}", body="测试", link="/") for k in (1, 2))
    # branch evidence: a contract scan of each of the pair's tenancies, and a spare one (a DELETE's target)
    scans = [evidence_add(user=world.users["bureau"], owner_name="tenancy", owner=tenancy,
                          kind=EvidenceKind.CONTRACT_SCAN, upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4 scan"))
             for tenancy in (*world.pairs["tenancy"], world.pairs["tenancy"][1])]
    world.pairs["evidencefile"], world.spare["evidencefile"] = tuple(scans[:2]), scans[2]
    world.clients = {role: token_client(world.users[role]) for role in ROLES}
    world.pages = {role: Client() for role in ROLES}
    for role, client in world.pages.items():
        client.force_login(world.users[role])
    return world
