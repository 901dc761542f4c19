"""Generated records of the enterprises' own registers (rows for COPY): standards, IP items, virtual characters
with a registration each, financing rounds, listings and industry activities, in the demo's proportions per
enterprise (seeds/demo.json: 34 standard rows, 119 IP items, 6 characters, 17 rounds, 3 listings and 72 activities
for 60 enterprises), dated over the filing
years, drawn among the active enterprises by `hosts` (records.host_sampler: the stronger hold more)."""

import datetime
import random
from decimal import Decimal

from enterprises.choices import (
    ActivityKind,
    GuidedFund,
    IpType,
    ListingBoard,
    StandardLevel,
    StandardRole,
    StandardStatus,
)

from .copying import weighted

STANDARDS_PER_ENTERPRISE = 34 / 60
IP_PER_ENTERPRISE = 119 / 60
CHARACTERS_PER_ENTERPRISE = 6 / 60
ROUNDS_PER_ENTERPRISE = 17 / 60
LISTINGS_PER_ENTERPRISE = 3 / 60
LEVEL_WEIGHTS = {StandardLevel.GROUP: 40, StandardLevel.ZHONGGUANCUN: 20, StandardLevel.INDUSTRY: 15,
                 StandardLevel.NATIONAL: 12, StandardLevel.LOCAL: 10, StandardLevel.INTERNATIONAL: 3}
IP_WEIGHTS = {IpType.INVENTION: 30, IpType.UTILITY_MODEL: 15, IpType.DESIGN: 10, IpType.SOFTWARE: 45}
FUND_WEIGHTS = {"": 70, GuidedFund.HIGH_TECH: 15, GuidedFund.SCI_TECH: 10, GuidedFund.OTHER: 5}

STANDARD_COLUMNS = ("id", "enterprise_id", "title", "number", "level", "role", "status", "approved_on",
                    "published_on")
IP_COLUMNS = ("id", "enterprise_id", "type", "number", "title", "granted_on", "self_developed")
CHARACTER_COLUMNS = ("id", "enterprise_id", "name", "dh_type")
REGISTRATION_COLUMNS = ("id", "character_id", "kind", "number", "registered_on")
ROUND_COLUMNS = ("id", "enterprise_id", "closed_on", "amount", "round_name", "lead_investor", "equity",
                 "guided_fund")
LISTING_COLUMNS = ("id", "enterprise_id", "board", "listed_on")


def _day(rng: random.Random, years: list[int]) -> datetime.date:
    """A day of one of the years."""
    return datetime.date(rng.choice(years), rng.randint(1, 12), rng.randint(1, 28))


def standard_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """Published standards, each enterprise's row with its role (the lead, or a participant)."""
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        published = _day(rng, years)
        yield (pk, enterprise, f"数字人技术规范{pk:06d}", f"T/GEN {pk:06d}-{published.year}",
               weighted(rng, LEVEL_WEIGHTS), rng.choice(StandardRole.values), StandardStatus.PUBLISHED,
               published - datetime.timedelta(days=30), published)


def ip_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """IP items of both classes granted over the years (numbers unique by their id)."""
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        kind = weighted(rng, IP_WEIGHTS)
        yield (pk, enterprise, kind, f"GEN{pk:09d}", f"数字人相关知识产权{pk:06d}", _day(rng, years),
               kind == IpType.INVENTION and rng.random() < 0.6)


def character_rows(hosts, count: int, rng: random.Random, years: list[int], registrations: list):
    """Virtual characters, each with a copyright registration appended to `registrations`."""
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        registrations.append((pk, pk, "copyright", f"国作登字-GEN-{pk:09d}", _day(rng, years)))
        yield pk, enterprise, f"数字人形象{pk:06d}", rng.choice(("service", "performance"))


def round_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """Equity financing rounds, some with a government-guided fund; one per enterprise, day and round name (the
    database's financing_round_unique: a draw repeating one is drawn again)."""
    seen = set()
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        day, name = _day(rng, years), rng.choice(("天使轮", "A轮", "B轮"))
        while (enterprise, day, name) in seen:
            day, name = _day(rng, years), rng.choice(("天使轮", "A轮", "B轮"))
        seen.add((enterprise, day, name))
        yield (pk, enterprise, day, Decimal(rng.randint(5, 300) * 100), name, "生成资本", True,
               weighted(rng, FUND_WEIGHTS))


def listing_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """Listings, most on the 专精特新专板 and 新三板 (one per enterprise and day)."""
    seen = set()
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        board, day = rng.choice((ListingBoard.SPECIALISED, ListingBoard.NEEQ, ListingBoard.BSE)), _day(rng, years)
        if (enterprise, board, day) not in seen:
            seen.add((enterprise, board, day))
            yield pk, enterprise, board, day


# --- talent, events and cooperation (docs/registers-activities.md): seeds/demo.json's 72 activities for 60
# enterprises over four years, its kinds in the demo's shares (seeds/build_demo.py ACTIVITY_DRAWS)
ACTIVITIES_PER_ENTERPRISE = 72 / 60
ACTIVITY_WEIGHTS = {ActivityKind.NATIONAL_PROGRAMME: 5, ActivityKind.TOOL_VERIFICATION: 6,
                    ActivityKind.LEADING_TALENT: 4, ActivityKind.JOINT_TRAINING: 6,
                    ActivityKind.INDUSTRY_EXCHANGE: 10, ActivityKind.INTERNATIONAL_EVENT: 5,
                    ActivityKind.OVERSEAS_PROJECT: 3}
ACTIVITY_COLUMNS = ("id", "enterprise_id", "kind", "title", "partner", "held_on", "people", "notes")


def activity_rows(hosts, count: int, rng: random.Random, years: list[int]):
    """Industry activities of every kind over the years (titles unique by their id); leading talents and joint
    training count their people, never naming them."""
    for pk, (enterprise, _park) in enumerate(hosts(count), 1):
        kind = weighted(rng, ACTIVITY_WEIGHTS)
        people = (rng.randint(1, 3) if kind == ActivityKind.LEADING_TALENT
                  else rng.randint(15, 60) if kind == ActivityKind.JOINT_TRAINING else None)
        yield pk, enterprise, kind, f"数字人产业活动{pk:06d}", "生成合作方", _day(rng, years), people, ""
