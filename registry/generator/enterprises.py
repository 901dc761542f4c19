"""Generated enterprises, their five years of filings and their tier designations (rows for COPY).

Each enterprise has a hidden "quality" (strength) that drives its figures, flags and designations together, so
the figures stay consistent from year to year and with every CHECK constraint of the filing table.
"""

import collections
import datetime
import heapq
import itertools
import math
import multiprocessing
import operator
import os
import random

from enterprises.choices import FilingStatus, ProductField, RdInstitution, Segment, SmeSector
from enterprises.credit_code import credit_code_make
from enterprises.fakes import IP_FIELDS, cents, filing_figures, ip_figures
from enterprises.models.designation import default_valid_until

from .copying import clamp, weighted

UTC = datetime.UTC
# Where enterprises are registered: district division code -> weight (digital-human firms cluster in Haidian,
# Chaoyang, the development zone and Shijingshan's Shougang park; every district has a few).
DISTRICT_WEIGHTS = {
    "110108": 24, "110105": 20, "110302": 9, "110107": 8, "110112": 6, "110115": 6, "110106": 5, "110101": 4,
    "110102": 4, "110114": 4, "110113": 3, "110111": 1.5, "110116": 1.5, "110109": 1, "110117": 1, "110118": 1,
    "110119": 1,
}
PARKED_SHARE = 0.8  # enterprises registered with a park; the rest are registered in a district only
PARK_ELSEWHERE_SHARE = 0.05  # parked enterprises registered in another district than their park's
STATUS_WEIGHTS = {"active": 96, "moved_out": 3, "deregistered": 1}
CHAIN_WEIGHTS = {"application": 55, "platform": 30, "foundation": 15}
NAME_PLACES = ("北京", "京", "首都", "燕京", "中关村", "朝阳", "海淀", "亦庄", "石景山", "通州")
NAME_CORES = ("星河", "灵境", "智影", "元象", "幻维", "数象", "云镜", "天工", "墨言", "光语", "拟真", "映画",
              "声临", "数生", "万象", "极客", "视界", "虚拟", "灵犀", "造梦")
NAME_KINDS = ("数字科技", "数字人科技", "智能科技", "信息技术", "文化传媒", "网络科技", "人工智能", "互动娱乐")
# Tier designations, as shares of the enterprises, given down a ranking by strength (plus noise): a higher
# tier's holders also hold the lower tiers, unless one of theirs lapsed or was revoked.
HOLDER_SHARES = {"innovative": 0.15, "specialised": 0.05, "little_giant": 0.01, "single_champion": 0.0015}
LAPSED_SHARE = 0.08  # a tier's holders whose designation expired without renewal
RENEWED_SHARE = 0.25  # holders with an earlier, expired designation of the same tier
REVOKED_SHARE = 0.01  # holders whose designation was revoked


def enterprise_rows(n: int, rng: random.Random, districts: dict, parks: list, profiles, now):
    """Enterprise rows with ids 1..n over `parks` [(id, district id)], the first the biggest; appends each one's
    profile (pk, quality, founding year, district, park, status) to `profiles`."""
    district_ids = {code: districts[code] for code in DISTRICT_WEIGHTS}
    park_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(parks))))  # Zipf-sized
    codes = {district_id: code for code, district_id in districts.items()}
    segments = Segment.values
    last_founding = now.year - 6
    for pk in range(1, n + 1):
        if rng.random() < PARKED_SHARE:
            park_id, district_id = rng.choices(parks, cum_weights=park_weights)[0]
            if rng.random() < PARK_ELSEWHERE_SHARE:
                district_id = district_ids[weighted(rng, DISTRICT_WEIGHTS)]
        else:
            park_id, district_id = None, district_ids[weighted(rng, DISTRICT_WEIGHTS)]
        quality = rng.betavariate(2, 3)  # latent strength: drives R&D, IP, flags and designations together
        founded = datetime.date(rng.randint(2003, last_founding), rng.randint(1, 12), rng.randint(1, 28))
        status = weighted(rng, STATUS_WEIGHTS)
        profiles.append((pk, quality, founded.year, district_id, park_id, status))
        core = rng.choice(NAME_CORES)
        yield (
            pk, credit_code_make(serial=pk, division=codes[district_id]),
            f"{rng.choice(NAME_PLACES)}{core}{rng.choice(NAME_KINDS)}有限公司", core, founded, district_id, park_id,
            weighted(rng, CHAIN_WEIGHTS), rng.sample(segments, rng.randint(1, 3)), status, now, now,
        )


ENTERPRISE_COLUMNS = (
    "id", "credit_code", "name", "short_name", "founded", "district_id", "park_id", "chain_position", "segments",
    "status", "created", "updated",
)
FILING_COLUMNS = (
    "enterprise_id", "year", "revision", "status", "park_id", "district_id", "submitted_at", "reviewed_at",
    "revenue", "revenue_prev", "revenue_prev2", "digital_human_revenue", "main_revenue", "main_revenue_prev",
    "main_revenue_prev2", "rd_expense", "rd_expense_prev", "net_profit", "equity_financing_2y", "equity_financing_3y",
    "staff", "rd_staff", "ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied",
    "ip_class2", "niche_months",
    "debt_ratio", "market_share", "market_rank", "sme_sector", "strategic_emerging", "product_field",
    "key_field_product", "rd_institution", "digitalisation_level", "information_system", "quality_award",
    "management_certification", "product_certification", "own_brand", "competitive_brand", "standard_drafting",
    "st_award", "st_award_ranked", "honour", "maker_contest", "innovation_fast_track", "local_score", "created",
    "updated",
)
# Revenue to net profit and the IP counts, read off filing_figures and ip_figures in the columns' order.
money_of, ip_of = operator.itemgetter(*FILING_COLUMNS[8:18]), operator.itemgetter(*IP_FIELDS)
# Yes/no inputs: probability = base + slope * quality; kept from year to year, redrawn with REDRAW probability.
FLAGS = {
    "strategic_emerging": (0.15, 0.45), "key_field_product": (0.05, 0.4), "information_system": (0.35, 0.6),
    "quality_award": (0.03, 0.2), "management_certification": (0.3, 0.6), "product_certification": (0.03, 0.3),
    "own_brand": (0.2, 0.6), "standard_drafting": (0.03, 0.35), "st_award": (0.01, 0.08), "honour": (0.02, 0.3),
    "maker_contest": (0.005, 0.04), "innovation_fast_track": (0.01, 0.06),
}
REDRAW = 0.1
CHAMPION_QUALITY, CHAMPION_SHARE = 0.7, 0.6  # niche champions: this share of the firms above this quality


FILING_CHUNK = 2_000  # enterprises whose filings a worker process makes at a time
_forked = None  # (profiles, years, seed): what the worker processes read, inherited when they are forked


def _filing_chunk(start: int) -> list:
    """The filings of the enterprises at positions start..start+FILING_CHUNK, from a generator seeded by both."""
    profiles, years, seed = _forked
    rng = random.Random(seed * 1_000_003 + start)
    return list(filing_rows(profiles.rows(start, start + FILING_CHUNK), years, rng))


def filing_rows_parallel(profiles, years: list[int], seed: int, processes: int | None = None):
    """filing_rows of every profile (a `Profiles`), made by worker processes (one per core) a chunk of enterprises
    each, yielded in enterprise order: the same rows whatever the number of processes. At most two chunks per
    process wait in memory, so memory stays bounded while the COPY takes the rows."""
    global _forked
    _forked = (profiles, years, seed)
    processes = processes or os.cpu_count() or 1
    starts = iter(range(0, len(profiles), FILING_CHUNK))
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pending = collections.deque(pool.apply_async(_filing_chunk, (start,))
                                    for start in itertools.islice(starts, 2 * processes))
        while pending:
            rows = pending.popleft().get()
            start = next(starts, None)
            if start is not None:
                pending.append(pool.apply_async(_filing_chunk, (start,)))
            yield from rows
    _forked = None


def filing_rows(profiles, years: list[int], rng: random.Random):
    """Five approved filings per enterprise, figures consistent from year to year and with every CHECK."""
    approved = FilingStatus.APPROVED
    span = len(years) + 2  # two years before the first filing, for its _prev and _prev2 figures
    institutions = (RdInstitution.NONE, RdInstitution.OTHER, RdInstitution.MUNICIPAL, RdInstitution.PROVINCIAL,
                    RdInstitution.NATIONAL)
    for pk, q, founded_year, district_id, park_id, _status in profiles:
        # A few strong firms are niche champions: bigger, R&D-intensive, focused market leaders (小巨人 material).
        champion = q > CHAMPION_QUALITY and rng.random() < CHAMPION_SHARE
        # Revenue (万元): log-normal level, yearly growth better for stronger firms; a few pre-revenue starts.
        level = rng.lognormvariate(math.log(350) + 1.5 * q, 1.2) * (rng.uniform(4, 12) if champion else 1)
        growth = (0.1, 0.1) if champion else (0.02 + 0.12 * q, 0.2)
        revenue = []
        for index in range(span):
            if index:
                level *= max(0.4, 1 + rng.gauss(*growth))
            revenue.append(round(level, 2))
        if not champion and rng.random() < 0.03:
            for index in range(rng.randint(1, 3)):
                revenue[index] = 0.0
        main_base = rng.uniform(0.88, 1.0) if champion else clamp(rng.gauss(0.5 + 0.4 * q, 0.15), 0.2, 1.0)
        rd_base = rng.uniform(0.05, 0.13) if champion else clamp(rng.gauss(0.005 + 0.1 * q, 0.025), 0.0, 0.15)
        dh_base = rng.uniform(0.15, 1.0)
        main = [clamp(main_base + rng.gauss(0, 0.02), 0.2, 1.0) for _ in revenue]  # shares of revenue, per year
        rd = [clamp(rd_base + rng.gauss(0, 0.006), 0.0, 0.15) for _ in revenue]
        financed = rng.random() < 0.03 + 0.15 * q
        rounds = [round(rng.lognormvariate(math.log(1500), 1.0), 2) if financed and rng.random() < 0.35 else 0.0
                  for _ in range(span)]
        per_head = rng.lognormvariate(math.log(70 if champion else 45), 0.3 if champion else 0.4)  # 万元 / employee
        rd_staff_share = clamp(rng.gauss(0.15 + 0.35 * q, 0.08), 0.02, 0.95)
        margin_base = rng.gauss(0.02 + 0.08 * q + 0.04 * champion, 0.06)
        ip1 = int(rng.expovariate(1 / (0.1 + 5 * q * q))) + (rng.randint(2, 8) if champion else 0)
        ip2 = int(rng.expovariate(1 / (0.3 + 5 * q)))
        self_share, high_share = rng.uniform(0.4, 1.0), rng.uniform(0, 0.1 + 0.5 * q)
        niche_offset = rng.randint(0, 3)
        debt_base = clamp(rng.gauss(50 - 18 * q - 8 * champion, 14), 3, 97)
        leader = champion or rng.random() < 0.03 + 0.2 * q
        share_base = rng.uniform(8, 35) if leader else rng.uniform(0, 6)
        rank = (rng.randint(1, 8) if leader and rng.random() < 0.6
                else rng.randint(5, 100) if rng.random() < 0.2 else None)
        sector = SmeSector.INDUSTRY if rng.random() < 0.15 else SmeSector.SOFTWARE_IT
        flags = {name: rng.random() < base + slope * q for name, (base, slope) in FLAGS.items()}
        product = (ProductField.KEY_LINK if rng.random() < 0.08 + 0.3 * q
                   else ProductField.FOUNDATION if rng.random() < 0.15 else ProductField.OTHER)
        draw = rng.random() + 0.6 * q + 0.3 * champion
        institution = institutions[(draw >= 0.55) + (draw >= 0.85) + (draw >= 1.15) + (draw >= 1.4)]
        digitalisation = min(4, int(rng.random() * 3 + 2 * q + champion))
        local_score = int(rng.random() * (5 + 10 * q))
        for offset, year in enumerate(years):
            i = offset + 2
            if offset:
                ip1 += rng.random() < 0.05 + 0.3 * q
                ip2 += rng.random() < 0.1 + 0.4 * q
                for name, (base, slope) in FLAGS.items():
                    if rng.random() < REDRAW:
                        flags[name] = rng.random() < base + slope * q
            staff = max(3, int(revenue[i] / per_head) + rng.randint(0, 5))
            dh_share = clamp(dh_base + rng.gauss(0, 0.05), 0.0, 1.0)
            submitted = datetime.datetime(year + 1, 3, 1, 9, tzinfo=UTC) + datetime.timedelta(
                days=rng.randint(0, 80), seconds=rng.randint(0, 28800))
            reviewed = submitted + datetime.timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 28800))
            f = filing_figures(
                revenue=(revenue[i], revenue[i - 1], revenue[i - 2]), main_share=(main[i], main[i - 1], main[i - 2]),
                dh_share=dh_share, rd_share=(rd[i], rd[i - 1]),
                margin=clamp(margin_base + rng.gauss(0, 0.03), -0.6, 0.4), staff=staff,
                rd_staff_share=rd_staff_share, rounding=cents)
            ip = ip_figures(ip_class1=ip1, self_developed=round(ip1 * self_share),
                            high_value=round(ip1 * high_share), applied=round(ip1 * self_share), ip_class2=ip2)
            yield (
                pk, year, 1, approved, park_id, district_id, submitted, reviewed,
                *money_of(f),
                round(rounds[i] + rounds[i - 1], 2), round(rounds[i] + rounds[i - 1] + rounds[i - 2], 2),
                f["staff"], f["rd_staff"], *ip_of(ip),
                max(0, year - founded_year - niche_offset) * 12,
                round(clamp(debt_base + rng.gauss(0, 3), 0, 100), 2),
                round(clamp(share_base + rng.gauss(0, 1), 0, 100), 2), rank, sector,
                flags["strategic_emerging"], product, flags["key_field_product"], institution, digitalisation,
                flags["information_system"], flags["quality_award"], flags["management_certification"],
                flags["product_certification"], flags["own_brand"], flags["own_brand"] and leader,
                flags["standard_drafting"], flags["st_award"],
                flags["st_award"] and q > 0.5, flags["honour"], flags["maker_contest"],
                flags["innovation_fast_track"], local_score, submitted - datetime.timedelta(days=rng.randint(1, 30)),
                reviewed,
            )


DESIGNATION_COLUMNS = (
    "enterprise_id", "tier", "year", "batch", "certificate_number", "granted_on", "valid_until", "revoked_on",
    "revoke_reason", "created",
)  # due_from is a generated column


def designation_rows(profiles, on: datetime.date, rng: random.Random, now):
    """Designations for the strongest enterprises (with noise): in force (some due), lapsed, renewed, revoked.
    Only the strongest share of the ranking by strength is kept (heapq), not all the enterprises."""
    top = max(1, round(len(profiles) * max(HOLDER_SHARES.values())))
    ranked = heapq.nlargest(top, profiles, key=lambda profile: profile[1] + rng.gauss(0, 0.12))
    serial = 0

    def row(pk, tier, granted, revoked=None):
        nonlocal serial
        serial += 1
        return (pk, tier, granted.year, f"{granted.year}年第{1 if granted.month <= 6 else 2}批",
                f"BJ{granted.year}{serial:07d}", granted, default_valid_until(granted), revoked,
                "核查发现申报材料不实" if revoked else "", now)

    for tier, share in HOLDER_SHARES.items():
        for pk, *_ in ranked[:max(1, round(len(profiles) * share))]:
            draw = rng.random()
            if draw < LAPSED_SHARE:  # expired, not renewed
                yield row(pk, tier, on - datetime.timedelta(days=rng.randint(1100, 1800)))
                continue
            granted = on - datetime.timedelta(days=rng.randint(0, 1090))  # in force on `on`; the oldest are due
            if draw < LAPSED_SHARE + REVOKED_SHARE:
                yield row(pk, tier, granted, granted + datetime.timedelta(days=rng.randint(0, (on - granted).days)))
                continue
            yield row(pk, tier, granted)
            if rng.random() < RENEWED_SHARE:
                yield row(pk, tier, granted - datetime.timedelta(days=3 * 365 + 1))


