"""Benchmark of the tier-summary job on generated registries of N enterprises with five years of approved filings.

    .venv/bin/python -m bench.tier_summary --enterprises 10000 100000

For each size: replace the benchmark database's registry by a generated city (`registry.generator`: N
enterprises with five approved filings each, tier designations for a fraction, parks, units, tenancies, labs,
platforms and projects, loaded with PostgreSQL COPY), then time, warm and best of --repeat, (a) the summary job
as the product runs it (a pending ReportRun executed by `registry.services.report_run_execute`, the code the
Celery task runs) for the latest filing year and (b) one hand-written SQL aggregate of the same year's figures
per district and park (no criteria).
Prints a Markdown table and the machine. It only ever touches a database whose name ends in `_bench`.
"""

import argparse
import datetime
import time
from urllib.parse import urlparse

from .common import DEFAULT_DATABASE_URL, best, check_database_url, log, machine, setup_django


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
    check_database_url(parser, args.database_url)
    if args.repeat < 1 or min(args.enterprises) < 100:
        parser.error("--repeat must be at least 1 and every size at least 100")
    return args


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


def main(argv=None) -> None:
    """Benchmark every size, then print the table and the machine."""
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.utils import timezone

    from enterprises.selectors import tier_reference_date
    from enterprises.tiers import rule_set_for
    from registry.generator import city_generate

    years = list(range(timezone.localdate().year - 5, timezone.localdate().year))
    year = years[-1]
    on = tier_reference_date(year)
    log(f"Benchmark database {urlparse(args.database_url).path.lstrip('/')}; filing years {years[0]}-{year}; "
        f"summary of {year} (rule set {rule_set_for(year).code}, designations on {on}); best of {args.repeat}")
    results, explains = [], []
    for n in args.enterprises:
        log(f"\n== {n:,} enterprises ==")
        data = city_generate(enterprises=n, years=len(years), seed=args.seed)
        counts = data["counts"]
        log(f"generated {n:,} enterprises, {counts['enterprises_annualfiling']:,} filings, "
            f"{counts['enterprises_tierdesignation']:,} designations (and parks, units, tenancies, labs, platforms, "
            f"projects) in {data['seconds']['total']:.1f}s")
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
        sanity, agree = checks(year, plain_rows)
        log(f"city level: {sanity}")
        log(f"plain aggregate agrees with the job's city totals (filed, revenue, R&D, designated): {agree}")
        if args.explain:
            sql_text, params = summary_sql(year, on)
            explains.append((f"summary query, {n:,} enterprises", explain(sql_text, params)))
            explains.append((f"plain SQL aggregate, {n:,} enterprises", explain(plain_sql(), {"year": year, "on": on})))
        results.append((n, counts["enterprises_annualfiling"], data["seconds"]["total"], job, sql, run.rows))

    print(f"\nTier summary of {year}, {len(years)} years of approved filings per enterprise; best of {args.repeat} "
          f"warm runs.\n")
    print("| enterprises | filings | generation (s) | summary job (s) | SQL aggregate (s) | ratio | summary rows |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, filings, generation, job, sql, rows in results:
        print(f"| {n:,} | {filings:,} | {generation:.1f} | {job:.2f} | {sql:.3f} | {job / sql:.1f}x | {rows} |")
    print("\nMachine:")
    for line in machine():
        print(f"- {line}")
    for title, plan in explains:
        print(f"\n### EXPLAIN ANALYZE: {title}\n\n```\n{plan}\n```")


if __name__ == "__main__":
    main()
