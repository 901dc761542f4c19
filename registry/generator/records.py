"""Generated labs, platforms and benchmark projects with their partners, support policies and awards (rows for
COPY).

In the demo's proportions per enterprise (10 labs, 7 platforms, 14 projects for 60 enterprises); the stronger
enterprises host, operate and lead them, in their registered park when they have one.
"""

import datetime
import random
from array import array
from decimal import Decimal

from registry.choices import (
    AwardStatus,
    DigitalHumanKind,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
)

from .copying import weighted

LABS_PER_ENTERPRISE = 10 / 60
PLATFORMS_PER_ENTERPRISE = 7 / 60
PROJECTS_PER_ENTERPRISE = 14 / 60
OPERATING_WEIGHTS = {OperatingStatus.ACTIVE: 85, OperatingStatus.PLANNED: 10, OperatingStatus.CLOSED: 5}
PROJECT_STATUS_WEIGHTS = {ProjectStatus.APPLIED: 30, ProjectStatus.SELECTED: 45, ProjectStatus.ACCEPTED: 25}
FIELD_WEIGHTS = {
    ProjectField.CULTURE_TOURISM: 20, ProjectField.FINANCE: 15, ProjectField.GOVERNMENT: 15,
    ProjectField.ECOMMERCE_LIVE: 20, ProjectField.MEDIA: 12, ProjectField.EDUCATION: 8, ProjectField.HEALTHCARE: 5,
    ProjectField.OTHER: 5,
}
PARTNERS = (
    "清华大学", "北京大学", "北京航空航天大学", "北京邮电大学", "中国传媒大学", "中科院自动化所",
)
TOPICS = ("数字人建模", "实时渲染", "智能交互", "语音驱动", "动作捕捉", "虚拟制作", "多模态大模型")

LAB_COLUMNS = ("id", "name", "kind", "partner", "host_id", "park_id", "established", "focus", "status")
PLATFORM_COLUMNS = ("id", "name", "domain", "operator_id", "park_id", "services", "launched", "status")
PROJECT_COLUMNS = ("id", "name", "field", "dh_kind", "lead_id", "park_id", "year", "status", "summary")
PARTNER_COLUMNS = ("benchmarkproject_id", "enterprise_id")


def host_sampler(profiles, rng: random.Random):
    """A function k -> k active enterprises (pk, park), drawn with replacement in proportion to strength squared
    (the active enterprises and their cumulative weights kept in compact arrays)."""
    pks, parks, cumulative = array("i"), array("i"), array("d")
    total = 0.0
    for pk, quality, _year, _district, park_id, status in profiles:
        if status == "active":
            total += quality * quality
            pks.append(pk)
            parks.append(park_id or 0)
            cumulative.append(total)
    positions = range(len(pks))
    return lambda k: [(pks[i], parks[i] or None) for i in rng.choices(positions, cum_weights=cumulative, k=k)]


def _day(rng: random.Random, today: datetime.date, years: int) -> datetime.date:
    """A day within the last `years` years."""
    return today - datetime.timedelta(days=rng.randint(0, 365 * years))


def lab_rows(hosts, count: int, rng: random.Random, today: datetime.date):
    """`count` labs and innovation centres hosted by enterprises drawn by `hosts` (host_sampler)."""
    for pk, (host, park_id) in enumerate(hosts(count), 1):
        kind = rng.choice(LabKind.values)
        topic = rng.choice(TOPICS)
        joint = kind == LabKind.JOINT_LAB
        yield (pk, f"{topic}{'联合实验室' if joint else '技术创新中心'}{pk:06d}", kind,
               rng.choice(PARTNERS) if joint else "", host, park_id, _day(rng, today, 6), topic,
               weighted(rng, OPERATING_WEIGHTS))


def platform_rows(hosts, count: int, rng: random.Random, today: datetime.date):
    """Common technology platforms in the plan's five domains."""
    for pk, (operator, park_id) in enumerate(hosts(count), 1):
        domain = rng.choice(PlatformDomain.values)
        yield (pk, f"{domain}公共服务平台{pk:06d}", domain, operator, park_id, "渲染、驱动与数据服务",
               _day(rng, today, 5), weighted(rng, OPERATING_WEIGHTS))


def project_rows(hosts, count: int, rng: random.Random, years: list[int], partners: list):
    """Benchmark application projects over the filing years; appends (project, partner) pairs to `partners`."""
    for pk, (lead, park_id) in enumerate(hosts(count), 1):
        field = weighted(rng, FIELD_WEIGHTS)
        for partner in {host for host, _ in hosts(rng.randint(0, 2))} - {lead}:
            partners.append((pk, partner))
        yield (pk, f"{field}数字人应用标杆{pk:06d}", field, rng.choice(DigitalHumanKind.values), lead, park_id,
               rng.choice(years), weighted(rng, PROJECT_STATUS_WEIGHTS), "")


# Support funds in the demo's proportions: its three policies a year (tasks 2, 4, 9), an award per ten enterprises.
FUND_TASKS = {2: "生产工具小批量验证补贴", 4: "标准制定奖励", 9: "特色园区孵化服务支持"}
AWARDS_PER_ENTERPRISE = 6 / 60
AWARD_STATUS_WEIGHTS = {AwardStatus.APPLIED: 15, AwardStatus.APPROVED: 30, AwardStatus.PAID: 45,
                        AwardStatus.CANCELLED: 10}
POLICY_COLUMNS = ("id", "name", "issuer", "task_id", "year", "budget", "description")
AWARD_COLUMNS = ("id", "policy_id", "enterprise_id", "status", "amount_approved", "approved_on", "amount_paid",
                 "paid_on", "note")


def policy_rows(tasks: dict[int, int], years: list[int]):
    """The policies of each year: one per task of FUND_TASKS (`tasks`: number -> the plan task's id)."""
    pk = 0
    for year in years:
        for number, name in FUND_TASKS.items():
            pk += 1
            yield (pk, f"{year}年数字人{name}", "北京市经济和信息化局", tasks.get(number), year,
                   Decimal(1000 * (number % 5 + 1)), "")


def award_rows(hosts, count: int, policies: list[tuple[int, int]], rng: random.Random):
    """`count` awards (at most one per policy and enterprise) to enterprises drawn by `hosts`, under `policies`
    ((id, year) pairs): amounts of 10-500 万元, paid in full or in part, dated in the policy's year."""
    taken = set()
    for pk in range(1, count + 1):
        for _attempt in range(20):
            (firm, _park), (policy, year) = hosts(1)[0], rng.choice(policies)
            if (policy, firm) not in taken:
                break
        else:
            return
        taken.add((policy, firm))
        status = weighted(rng, AWARD_STATUS_WEIGHTS)
        approved = Decimal(rng.randint(10, 500)) if status in (AwardStatus.APPROVED, AwardStatus.PAID) else None
        approved_on = datetime.date(year, rng.randint(3, 9), rng.randint(1, 28)) if approved else None
        paid = (approved if rng.random() < 0.7 else (approved / 2).quantize(Decimal("0.01"))) \
            if status == AwardStatus.PAID else None
        paid_on = approved_on + datetime.timedelta(days=rng.randint(10, 90)) if paid is not None else None
        yield pk, policy, firm, status, approved, approved_on, paid, paid_on, ""
