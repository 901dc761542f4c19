"""Benchmark of the tier-summary job on generated registries of N enterprises with five years of approved filings.

    .venv/bin/python -m bench.tier_summary --enterprises 10000 100000

For each size: empty the enterprise tables of the benchmark database, generate N enterprises over the 17
districts and ~20 parks with five approved filings each and tier designations for a fraction (PostgreSQL COPY),
ANALYZE, then time, warm and best of --repeat, (a) the summary job as the product runs it (a pending ReportRun
executed by `registry.services.report_run_execute`, the code the Celery task runs) for the latest filing year
and (b) one hand-written SQL aggregate of the same year's figures per district and park (no criteria).
Prints a Markdown table and the machine. It only ever touches a database whose name ends in `_bench`.
"""

import argparse
import datetime
import math
import os
import platform
import random
import runpy
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/digitalhuman_bench"
UTC = datetime.UTC

# Where enterprises are registered: district division code -> weight (digital-human firms cluster in Haidian,
# Chaoyang, the development zone and Shijingshan's Shougang park; every district has a few).
DISTRICT_WEIGHTS = {
    "110108": 24, "110105": 20, "110302": 9, "110107": 8, "110112": 6, "110115": 6, "110106": 5, "110101": 4,
    "110102": 4, "110114": 4, "110113": 3, "110111": 1.5, "110116": 1.5, "110109": 1, "110117": 1, "110118": 1,
    "110119": 1,
}
# The districts of the 20 parks (a district may have several).
PARK_DISTRICTS = (
    "110108", "110108", "110108", "110108", "110105", "110105", "110105", "110105", "110302", "110302",
    "110107", "110107", "110112", "110112", "110115", "110115", "110106", "110114", "110101", "110113",
)
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


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.tier_summary", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, nargs="+", default=[10_000, 100_000], metavar="N",
                        help="registry sizes to benchmark (default: 10000 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement after a warm-up; the "
                        "best is reported (default: 3)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of the generated data (default: 2025)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help=f"benchmark database, emptied and refilled; its name must end in _bench "
                             f"(default: {DEFAULT_DATABASE_URL})")
    parser.add_argument("--explain", action="store_true",
                        help="also print EXPLAIN (ANALYZE, BUFFERS) of the summary query and of the SQL aggregate")
    args = parser.parse_args(argv)
    if not urlparse(args.database_url).path.lstrip("/").endswith("_bench"):
        parser.error("the benchmark empties its database: give one whose name ends in _bench")
    if args.repeat < 1 or min(args.enterprises) < 100:
        parser.error("--repeat must be at least 1 and every size at least 100")
    return args


def log(message: str) -> None:
    """Progress on stderr (stdout carries the results)."""
    print(message, file=sys.stderr, flush=True)


def setup_django(database_url: str) -> None:
    """Point the settings at the benchmark database, create it when missing, set Django up and migrate."""
    os.environ["DATABASE_URL"] = database_url  # wins over .env (read with overwrite=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(BASE_DIR))
    runpy.run_path(str(BASE_DIR / "scripts" / "createdb.py"), run_name="__main__")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


# --- loading -----------------------------------------------------------------------------------------------


class Table:
    """COPY rows into a model's table: the columns given, plus every other column at its model default (generated
    columns left to the database)."""

    def __init__(self, model, columns: tuple[str, ...], now: datetime.datetime):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        extra = [field for name, field in fields.items()
                 if name not in columns and not field.primary_key and not field.generated]
        self.extra = tuple(self._default(field, now) for field in extra)
        self.columns = [fields[name].column for name in columns] + [field.column for field in extra]
        self.table = model._meta.db_table

    @staticmethod
    def _default(field, now):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        value = field.get_default()
        if value is None and not field.null:
            raise ValueError(f"{field} needs a value in the benchmark's rows")
        return value

    def copy(self, rows) -> int:
        """COPY the rows (tuples in the order of the columns given); the number copied."""
        from django.db import connection

        columns = ", ".join(f'"{column}"' for column in self.columns)
        count = 0
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(
                f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + self.extra)
                count += 1
        return count


def weighted(rng: random.Random, weights: dict):
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def clamp(value: float, low: float, high: float) -> float:
    """The value within [low, high]."""
    return low if value < low else high if value > high else value


def ensure_reference_data() -> tuple[dict, list]:
    """The 17 districts (seed data) and the benchmark's 20 parks: ({code: district id}, [(park id, district id)])."""
    from parks.choices import ParkKind
    from parks.models import District, Park
    from registry import seeding

    seeding.load_districts(tally=seeding.new_tally())
    districts = dict(District.objects.values_list("code", "id"))
    kinds = (ParkKind.PARK, ParkKind.BASE, ParkKind.INCUBATOR)
    parks = []
    for index, code in enumerate(PARK_DISTRICTS):
        park, _ = Park.objects.get_or_create(name=f"基准数字人园区{index + 1:02d}", defaults={
            "district_id": districts[code], "kind": kinds[index % 3], "featured": index < 6,
        })
        parks.append((park.pk, park.district_id))
    return districts, parks


def truncate() -> None:
    """Empty the enterprise tables (and everything referring to them) and the report runs; reset their ids."""
    from django.db import connection

    from enterprises.models import AnnualFiling, Enterprise, TierDesignation
    from registry.models import ReportRun, TierSummary

    tables = [model._meta.db_table for model in (Enterprise, AnnualFiling, TierDesignation, ReportRun, TierSummary)]
    tables += [model.history.model._meta.db_table for model in (Enterprise, AnnualFiling, TierDesignation)
               if hasattr(model, "history")]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def enterprise_rows(n: int, rng: random.Random, districts: dict, parks: list, profiles: list, now):
    """Enterprise rows with ids 1..n; appends each one's profile (what its filings depend on) to `profiles`."""
    from enterprises.choices import Segment
    from enterprises.credit_code import complete

    district_ids = {code: districts[code] for code in DISTRICT_WEIGHTS}
    park_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(parks))]
    codes = {district_id: code for code, district_id in districts.items()}
    segments = Segment.values
    last_founding = now.year - 6
    for pk in range(1, n + 1):
        if rng.random() < PARKED_SHARE:
            park_id, district_id = rng.choices(parks, park_weights)[0]
            if rng.random() < PARK_ELSEWHERE_SHARE:
                district_id = district_ids[weighted(rng, DISTRICT_WEIGHTS)]
        else:
            park_id, district_id = None, district_ids[weighted(rng, DISTRICT_WEIGHTS)]
        quality = rng.betavariate(2, 3)  # latent strength: drives R&D, IP, flags and designations together
        founded = datetime.date(rng.randint(2003, last_founding), rng.randint(1, 12), rng.randint(1, 28))
        profiles.append((pk, quality, founded.year, district_id, park_id))
        core = rng.choice(NAME_CORES)
        yield (
            pk, complete(f"91{codes[district_id]}{pk:08d}"),
            f"{rng.choice(NAME_PLACES)}{core}{rng.choice(NAME_KINDS)}有限公司", core, founded, district_id, park_id,
            weighted(rng, CHAIN_WEIGHTS), rng.sample(segments, rng.randint(1, 3)), weighted(rng, STATUS_WEIGHTS),
            now, now,
        )


ENTERPRISE_COLUMNS = (
    "id", "credit_code", "name", "short_name", "founded", "district_id", "park_id", "chain_position", "segments",
    "status", "created", "updated",
)
FILING_COLUMNS = (
    "enterprise_id", "year", "revision", "status", "park_id", "district_id", "submitted_at", "reviewed_at",
    "revenue", "revenue_prev", "revenue_prev2", "digital_human_revenue", "main_revenue", "main_revenue_prev",
    "main_revenue_prev2", "rd_expense", "rd_expense_prev", "net_profit", "equity_financing_2y", "equity_financing_3y",
    "staff", "rd_staff", "ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class2", "niche_years",
    "debt_ratio", "market_share", "market_rank", "sme_sector", "strategic_emerging", "product_field",
    "key_field_product", "rd_institution", "digitalisation_level", "information_system", "quality_award",
    "management_certification", "product_certification", "own_brand", "standard_drafting", "st_award",
    "st_award_ranked", "honour", "maker_contest", "innovation_fast_track", "local_score", "created", "updated",
)
# Yes/no inputs: probability = base + slope * quality; kept from year to year, redrawn with REDRAW probability.
FLAGS = {
    "strategic_emerging": (0.15, 0.45), "key_field_product": (0.05, 0.4), "information_system": (0.35, 0.6),
    "quality_award": (0.03, 0.2), "management_certification": (0.3, 0.6), "product_certification": (0.03, 0.3),
    "own_brand": (0.2, 0.6), "standard_drafting": (0.03, 0.35), "st_award": (0.01, 0.08), "honour": (0.02, 0.3),
    "maker_contest": (0.005, 0.04), "innovation_fast_track": (0.01, 0.06),
}
REDRAW = 0.1
CHAMPION_QUALITY, CHAMPION_SHARE = 0.7, 0.6  # niche champions: this share of the firms above this quality


def filing_rows(profiles: list, years: list[int], rng: random.Random):
    """Five approved filings per enterprise, figures consistent from year to year and with every CHECK."""
    from enterprises.choices import FilingStatus, ProductField, RdInstitution, SmeSector

    approved = FilingStatus.APPROVED
    span = len(years) + 2  # two years before the first filing, for its _prev and _prev2 figures
    institutions = (RdInstitution.NONE, RdInstitution.OTHER, RdInstitution.MUNICIPAL, RdInstitution.PROVINCIAL,
                    RdInstitution.NATIONAL)
    for pk, q, founded_year, district_id, park_id in profiles:
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
        main = [min(r, round(r * clamp(main_base + rng.gauss(0, 0.02), 0.2, 1.0), 2)) for r in revenue]
        rd = [round(r * clamp(rd_base + rng.gauss(0, 0.006), 0.0, 0.15), 2) for r in revenue]
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
            rd_staff = min(staff, max(1, round(staff * rd_staff_share)))
            dh = min(revenue[i], round(revenue[i] * clamp(dh_base + rng.gauss(0, 0.05), 0.0, 1.0), 2))
            submitted = datetime.datetime(year + 1, 3, 1, 9, tzinfo=UTC) + datetime.timedelta(
                days=rng.randint(0, 80), seconds=rng.randint(0, 28800))
            reviewed = submitted + datetime.timedelta(days=rng.randint(1, 20), seconds=rng.randint(0, 28800))
            yield (
                pk, year, 1, approved, park_id, district_id, submitted, reviewed,
                revenue[i], revenue[i - 1], revenue[i - 2], dh, main[i], main[i - 1], main[i - 2], rd[i], rd[i - 1],
                round(revenue[i] * clamp(margin_base + rng.gauss(0, 0.03), -0.6, 0.4), 2),
                round(rounds[i] + rounds[i - 1], 2), round(rounds[i] + rounds[i - 1] + rounds[i - 2], 2),
                staff, rd_staff, ip1, min(ip1, round(ip1 * self_share)), min(ip1, round(ip1 * high_share)), ip2,
                max(0, year - founded_year - niche_offset),
                round(clamp(debt_base + rng.gauss(0, 3), 0, 100), 2),
                round(clamp(share_base + rng.gauss(0, 1), 0, 100), 2), rank, sector,
                flags["strategic_emerging"], product, flags["key_field_product"], institution, digitalisation,
                flags["information_system"], flags["quality_award"], flags["management_certification"],
                flags["product_certification"], flags["own_brand"], flags["standard_drafting"], flags["st_award"],
                flags["st_award"] and q > 0.5, flags["honour"], flags["maker_contest"],
                flags["innovation_fast_track"], local_score, submitted - datetime.timedelta(days=rng.randint(1, 30)),
                reviewed,
            )


DESIGNATION_COLUMNS = (
    "enterprise_id", "tier", "year", "batch", "certificate_number", "granted_on", "valid_until", "revoked_on",
    "revoke_reason", "created",
)  # due_from is a generated column


def designation_rows(profiles: list, on: datetime.date, rng: random.Random, now):
    """Designations for the strongest enterprises (with noise): in force (some due), lapsed, renewed, revoked."""
    from enterprises.models.designation import default_valid_until

    ranked = sorted(profiles, key=lambda profile: profile[1] + rng.gauss(0, 0.12), reverse=True)
    serial = 0

    def row(pk, tier, granted, revoked=None):
        nonlocal serial
        serial += 1
        return (pk, tier, granted.year, f"{granted.year}年第{1 if granted.month <= 6 else 2}批",
                f"BJ{granted.year}{serial:07d}", granted, default_valid_until(granted), revoked,
                "核查发现申报材料不实" if revoked else "", now)

    for tier, share in HOLDER_SHARES.items():
        for pk, *_ in ranked[:max(1, round(len(ranked) * share))]:
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


def generate(n: int, seed: int, districts: dict, parks: list, years: list[int], on: datetime.date) -> dict:
    """Empty the tables and load N enterprises, their filings and designations; ANALYZE. Counts and timings."""
    from django.db import connection, transaction

    from enterprises.models import AnnualFiling, Enterprise, TierDesignation

    rng = random.Random(seed + n)
    now = datetime.datetime.now(UTC)
    timings = {}
    start = time.perf_counter()
    truncate()
    profiles = []
    with transaction.atomic():
        mark = time.perf_counter()
        enterprises = Table(Enterprise, ENTERPRISE_COLUMNS, now).copy(
            enterprise_rows(n, rng, districts, parks, profiles, now))
        timings["enterprises"] = time.perf_counter() - mark
        mark = time.perf_counter()
        filings = Table(AnnualFiling, FILING_COLUMNS, now).copy(filing_rows(profiles, years, rng))
        timings["filings"] = time.perf_counter() - mark
        mark = time.perf_counter()
        designations = Table(TierDesignation, DESIGNATION_COLUMNS, now).copy(
            designation_rows(profiles, on, rng, now))
        timings["designations"] = time.perf_counter() - mark
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Enterprise._meta.db_table, n])
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        for model in (Enterprise, AnnualFiling, TierDesignation):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    timings["analyze"] = time.perf_counter() - mark
    return {"enterprises": enterprises, "filings": filings, "designations": designations,
            "seconds": time.perf_counter() - start, "timings": timings}


# --- measuring ---------------------------------------------------------------------------------------------


def run_job(year: int) -> tuple[float, object]:
    """One summary job as the Celery task runs it: a pending ReportRun, then report_run_execute; (seconds, run)."""
    from registry.choices import RunKind, RunStatus
    from registry.models import ReportRun
    from registry.services import report_run_execute

    run = ReportRun.objects.create(kind=RunKind.TIER_SUMMARY, year=year)
    start = time.perf_counter()
    report_run_execute(run_id=run.pk)
    seconds = time.perf_counter() - start
    run.refresh_from_db()
    if run.status != RunStatus.SUCCEEDED:
        raise RuntimeError(f"the summary job did not succeed: {run} {run.error}")
    return seconds, run


PLAIN_SQL = """
WITH held AS (
    SELECT enterprise_id, {held_columns}
    FROM enterprises_tierdesignation
    WHERE granted_on <= %(on)s AND valid_until >= %(on)s AND (revoked_on IS NULL OR revoked_on > %(on)s)
    GROUP BY enterprise_id
)
SELECT COALESCE(f.district_id, e.district_id) AS district_id, COALESCE(f.park_id, e.park_id) AS park_id,
       count(*) AS enterprises, sum(f.revenue) AS revenue, sum(f.digital_human_revenue) AS digital_human_revenue,
       sum(f.rd_expense) AS rd_expense, {designated_columns}
FROM enterprises_annualfiling f
JOIN enterprises_enterprise e ON e.id = f.enterprise_id
LEFT JOIN held h ON h.enterprise_id = f.enterprise_id
WHERE f.year = %(year)s AND f.status = 'approved'
GROUP BY 1, 2
"""


def plain_sql() -> str:
    """The hand-written aggregate: per district and park, enterprises, money sums and designated per tier."""
    from enterprises.choices import Tier

    return PLAIN_SQL.format(
        held_columns=", ".join(f"bool_or(tier = '{tier}') AS {tier}" for tier in Tier.values),
        designated_columns=", ".join(f"count(*) FILTER (WHERE h.{tier}) AS designated_{tier}" for tier in Tier.values),
    )


def run_plain_sql(year: int, on: datetime.date) -> tuple[float, list]:
    """Run the plain aggregate once; (seconds, rows as dicts)."""
    from django.db import connection

    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(plain_sql(), {"year": year, "on": on})
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return time.perf_counter() - start, rows


def summary_sql(year: int, on: datetime.date) -> tuple[str, tuple]:
    """The SQL `tier_summary_compute` runs (same rule set as the job picks)."""
    from enterprises.tiers import rule_set_for
    from registry.selectors import tier_summary_sql

    return tier_summary_sql(year=year, rule_set=rule_set_for(year), on=on)


def run_compute(year: int, on: datetime.date) -> tuple[float, float]:
    """The summary's SQL query alone and the whole `tier_summary_compute` (query + Python); seconds of each."""
    from enterprises.tiers import rule_set_for
    from registry.selectors import tier_summary_compute, tier_summary_groups

    start = time.perf_counter()
    tier_summary_groups(year=year, rule_set=rule_set_for(year), on=on)
    query = time.perf_counter() - start
    start = time.perf_counter()
    tier_summary_compute(year=year, rule_set=rule_set_for(year), on=on)
    return query, time.perf_counter() - start


def run_sql_build(year: int, on: datetime.date) -> tuple[float, None]:
    """Building the summary queryset and compiling it to SQL in Django, without running it; seconds."""
    start = time.perf_counter()
    summary_sql(year, on)
    return time.perf_counter() - start, None


@contextmanager
def jit_off():
    """Diagnostic: PostgreSQL's JIT compilation off for this connection (SET jit = off) inside the block."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET jit")


def best(function, repeat: int):
    """Warm up once, then run `repeat` times: (best seconds, all seconds, last result)."""
    function()
    times, result = [], None
    for _ in range(repeat):
        seconds, result = function()
        times.append(seconds)
    return min(times), times, result


def explain(sql: str, params) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def checks(year: int, plain_rows: list) -> tuple[str, str]:
    """A sanity line from the city rows of the year's snapshot, and whether the plain aggregate agrees with them."""
    from enterprises.choices import Tier
    from registry.choices import ALL_TIERS, SummaryLevel
    from registry.models import TierSummary

    city = {row.tier: row for row in TierSummary.objects.filter(year=year, level=SummaryLevel.CITY)}
    parts = [f"{city[ALL_TIERS].enterprises} enterprises, {city[ALL_TIERS].filed} filed; "
             f"candidates {city[ALL_TIERS].candidates} (any tier)"]
    parts += [f"{tier}: designated {city[tier].designated}, candidates {city[tier].candidates}, "
              f"due {city[tier].due_for_review}" for tier in Tier.values]
    sanity = "; ".join(parts)
    agree = all((
        sum(row["enterprises"] for row in plain_rows) == city[ALL_TIERS].filed,
        sum(row["revenue"] for row in plain_rows) == city[ALL_TIERS].revenue,
        sum(row["rd_expense"] for row in plain_rows) == city[ALL_TIERS].rd_expense,
        all(sum(row[f"designated_{tier}"] for row in plain_rows) == city[tier].designated for tier in Tier.values),
    ))
    return sanity, "yes" if agree else "NO"


def machine() -> list[str]:
    """CPU, RAM, PostgreSQL version and the server settings that matter for one big aggregate."""
    import django
    from django.db import connection

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = next((int(line.split()[1]) for line in meminfo.splitlines() if line.startswith("MemTotal")), 0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        settings = []
        for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
    try:
        head = subprocess.run(["git", "-C", str(BASE_DIR), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(BASE_DIR), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.splitlines()
        code = f"git {head}" + (f" with uncommitted changes in {len(dirty)} files" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        code = "unknown (no git)"
    return [
        f"Code: {code}",
        f"CPU: {os.cpu_count()} x {models[0] if models else platform.processor() or 'unknown'}",
        f"RAM: {mem_kb / 1024 / 1024:.1f} GiB",
        f"PostgreSQL {version} ({', '.join(settings)})",
        f"Python {platform.python_version()}, Django {django.get_version()}, {platform.system()} {platform.release()}",
    ]


def main(argv=None) -> None:
    """Benchmark every size, then print the table and the machine."""
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.utils import timezone

    from enterprises.selectors import tier_reference_date
    from enterprises.tiers import rule_set_for

    current = timezone.localdate().year
    years = list(range(current - 5, current))
    year = years[-1]
    on = tier_reference_date(year)
    districts, parks = ensure_reference_data()
    log(f"Benchmark database {urlparse(args.database_url).path.lstrip('/')}; filing years {years[0]}-{year}; "
        f"summary of {year} (rule set {rule_set_for(year).code}, designations on {on}); best of {args.repeat}")
    results, explains = [], []
    for n in args.enterprises:
        log(f"\n== {n:,} enterprises ==")
        data = generate(n, args.seed, districts, parks, years, on)
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in data["timings"].items())
        log(f"generated {data['enterprises']:,} enterprises, {data['filings']:,} filings, "
            f"{data['designations']:,} designations in {data['seconds']:.1f}s ({phases})")
        job, job_times, run = best(lambda: run_job(year), args.repeat)
        log(f"summary job: best {job:.3f}s of {', '.join(f'{t:.3f}' for t in job_times)}; {run.rows} summary rows")
        sql, sql_times, plain_rows = best(lambda: run_plain_sql(year, on), args.repeat)
        log(f"plain SQL aggregate: best {sql:.3f}s of {', '.join(f'{t:.3f}' for t in sql_times)}; "
            f"{len(plain_rows)} groups")
        parts = [run_compute(year, on) for _ in range(args.repeat)]
        query, compute = min(p[0] for p in parts), min(p[1] for p in parts)
        build, _, _ = best(lambda: run_sql_build(year, on), args.repeat)
        log(f"breakdown (best): summary query {query:.3f}s (of which Django builds the SQL {build:.3f}s), "
            f"tier_summary_compute {compute:.3f}s, the rest of the job (lock, delete, bulk_create, run bookkeeping) "
            f"{max(0.0, job - compute):.3f}s")
        with jit_off():
            job_nojit, job_nojit_times, _ = best(lambda: run_job(year), args.repeat)
            query_nojit = min(run_compute(year, on)[0] for _ in range(args.repeat))
        log(f"diagnostic, SET jit = off: summary job best {job_nojit:.3f}s of "
            f"{', '.join(f'{t:.3f}' for t in job_nojit_times)}; summary query {query_nojit:.3f}s")
        sanity, agree = checks(year, plain_rows)
        log(f"city level: {sanity}")
        log(f"plain aggregate agrees with the job's city totals (filed, revenue, R&D, designated): {agree}")
        if args.explain:
            sql_text, params = summary_sql(year, on)
            explains.append((f"summary query, {n:,} enterprises", explain(sql_text, params)))
            with jit_off():
                explains.append((f"summary query with jit=off, {n:,} enterprises", explain(sql_text, params)))
            explains.append((f"plain SQL aggregate, {n:,} enterprises", explain(plain_sql(), {"year": year, "on": on})))
        results.append((n, data["filings"], data["seconds"], job, sql, run.rows, job_nojit))

    print(f"\nTier summary of {year}, {len(years)} years of approved filings per enterprise; best of {args.repeat} "
          f"warm runs.\n")
    print("| enterprises | filings | generation (s) | summary job (s) | SQL aggregate (s) | ratio | summary rows "
          "| job with jit=off (s) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, filings, generation, job, sql, rows, job_nojit in results:
        print(f"| {n:,} | {filings:,} | {generation:.1f} | {job:.2f} | {sql:.3f} | {job / sql:.1f}x | {rows} "
              f"| {job_nojit:.2f} |")
    print("\nMachine:")
    for line in machine():
        print(f"- {line}")
    for title, plan in explains:
        print(f"\n### EXPLAIN ANALYZE: {title}\n\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
