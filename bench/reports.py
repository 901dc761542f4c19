"""The reports computed in the request, alone: the city's report endpoints with the answer caches off.

    .venv/bin/python -m bench.reports [--enterprises 100000] [--duration 10] [--reuse] [--port 8765]

Generates (or keeps) the city as bench.run does, starts gunicorn with the production settings and
`REPORT_CACHE=false COUNT_CACHE=false`, and loads the bare baseline and each report endpoint with wrk at 8
connections: the tier-summary report, plan progress, the district overview, the park report (its first page,
and random pages) and a park's lists (tenancies ending, tenants not filed). Prints a Markdown table beside the
baseline of the same run.
"""

import argparse
import random
import shutil
import tempfile
from pathlib import Path

from .common import DEFAULT_DATABASE_URL, check_database_url, log, machine, setup_django
from .run import BENCH_USER, measure, server

REPORT_P95_MS = 100  # the target of a report computed in the request, at 8 connections


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000, help="size of the city (default 100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers (default 5, as bench.run on 2 cores)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep the city if it already has --enterprises")
    parser.add_argument("--only", nargs="*", default=None, help="names of the endpoints to load (default all)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install -y wrk (make bench installs it)")
    return args


def prepare(args) -> str:
    """Generate (or keep) the city and the bureau user: its token."""
    import sys

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    from access.scoping import BUREAU_GROUP
    from bench.tier_summary import run_job
    from enterprises.models import AnnualFiling, Enterprise
    from registry.choices import RunStatus
    from registry.models import ReportRun

    if args.reuse and Enterprise.objects.count() == args.enterprises:
        log(f"keeping the city of {args.enterprises:,} enterprises")
    else:
        call_command("generate_city", enterprises=args.enterprises, replace=True, stdout=sys.stderr)
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    year = AnnualFiling.objects.aggregate(year=Max("year"))["year"]
    if not ReportRun.objects.filter(year=year, status=RunStatus.SUCCEEDED).exists():
        run_job(year)  # the tier-summary report's snapshot
    return Token.objects.get_or_create(user=user)[0].key


def paths(samples: int = 300) -> dict[str, list[str]]:
    """Per endpoint, the paths wrk cycles through (random pages and parks, so no one row stays hot)."""
    from django.db.models import Max

    from enterprises.models import AnnualFiling, Enterprise
    from parks.models import Park

    rng = random.Random(6)
    last = max(Enterprise.objects.values_list("pk", flat=True))
    year = AnnualFiling.objects.aggregate(year=Max("year"))["year"]
    parks = list(Park.objects.values_list("pk", flat=True))
    pages = -(-len(parks) // 50)
    return {
        "baseline": [f"/bench/baseline/?after={rng.randint(0, last - 100)}" for _ in range(samples)],
        "tier-summary report": [f"/api/v1/reports/tier-summary/?year={year}"],
        "plan-progress report": ["/api/v1/reports/plan-progress/"],
        "district overview": ["/api/v1/reports/districts/"],
        "park report": ["/api/v1/reports/parks/"],
        "park report page": [f"/api/v1/reports/parks/?page={rng.randint(1, pages)}" for _ in range(samples)],
        "park tenancies ending": [f"/api/v1/reports/parks/{rng.choice(parks)}/tenancies-ending/"
                                  for _ in range(samples)],
        "park tenants not filed": [f"/api/v1/reports/parks/{rng.choice(parks)}/tenants-not-filed/"
                                   for _ in range(samples)],
    }


def main(argv=None) -> None:
    """Load the report endpoints with the caches off and print the table."""
    args = parse_args(argv)
    setup_django(args.database_url)
    token = prepare(args)
    endpoints = paths()
    names = [name for name in endpoints if name == "baseline" or not args.only or name in args.only]
    with tempfile.TemporaryDirectory() as folder, server(args, REPORT_CACHE="false", COUNT_CACHE="false"):
        http = measure(args, endpoints, token, Path(folder), names, [args.connections])
    base = http["baseline", args.connections]["rps"]
    print(f"\nCity of {args.enterprises:,} enterprises, caches off, {args.connections} connections, "
          f"wrk {args.duration} s per row\n")
    print("| what | req/s | share of baseline | p50 (ms) | p95 (ms) | p99 (ms) | target | |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for (name, _), result in http.items():
        met = name == "baseline" or (result["requests"] > 0 and result["p95"] < REPORT_P95_MS and not result["errors"])
        target = "the ceiling" if name == "baseline" else f"p95 < {REPORT_P95_MS} ms"
        if result["errors"]:
            target += f"; {result['errors']} errors"
        print(f"| {name} | {result['rps']:.0f} | {result['rps'] / base:.0%} | {result['p50']:.1f} | "
              f"{result['p95']:.1f} | {result['p99']:.1f} | {target} | {'met' if met else '**missed**'} |")
    print("\nMachine:")
    for line in machine():
        print(f"- {line}")


if __name__ == "__main__":
    main()
