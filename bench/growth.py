"""How the long jobs and the endpoints grow with the city: generate_city, the tier-summary job against the plain SQL
aggregate of the same year, the XLSX export of every enterprise and (with `--endpoints`) the paged endpoints beside
the bare baseline, at each size given (default 10,000 / 100,000 / 1,000,000).

    .venv/bin/python -m bench.growth --sizes 10000 100000 1000000 [--database-url URL] [--repeat 3] \
        [--endpoints] [--reuse]

Each generation and each export runs in a process of its own, so its peak resident memory is its own (the
generation's includes its worker processes' largest, the export's is `bench.file_jobs`'s figure). Prints a Markdown
table, one row per size, and the machine. CPU seconds are given beside the wall-clock seconds: on a shared machine
the wall clock measures the others' load too. It only ever touches a database whose name ends in `_bench`.
"""

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import BASE_DIR, DEFAULT_DATABASE_URL, best, check_database_url, log, machine, setup_django

BENCH_USER = "bench_bureau"


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], metavar="N")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the job and the SQL (default 3)")
    parser.add_argument("--no-export", action="store_true", help="leave the XLSX export out")
    parser.add_argument("--reuse", action="store_true", help="keep the city where it already has the size asked")
    parser.add_argument("--endpoints", action="store_true",
                        help="also load the endpoints at each size (wrk at 8 connections, cached and computed)")
    parser.add_argument("--duration", type=int, default=6, help="seconds of load per endpoint (default 6)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    if args.endpoints and not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install -y wrk (make bench installs it)")
    return args


def children_cpu() -> float:
    """CPU seconds (user + system) of the waited-for child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def generate(n: int, database_url: str) -> dict:
    """`manage.py generate_city --enterprises N --replace` in a process of its own: seconds, CPU seconds, peak RSS."""
    env = {"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    cpu, start = children_cpu(), time.perf_counter()
    output = subprocess.run([sys.executable, "-c", GENERATE, str(n)], cwd=BASE_DIR, env={**os.environ, **env},
                            check=True, capture_output=True, text=True).stdout
    peaks = json.loads(next(line for line in output.splitlines() if line.startswith("PEAK "))[5:])
    return {"seconds": time.perf_counter() - start, "cpu": children_cpu() - cpu, **peaks}


# The generation, its peak memory read in its own process: its own and its largest worker process's.
GENERATE = """
import io, json, resource, sys, django
django.setup()
from django.core.management import call_command
call_command("generate_city", enterprises=int(sys.argv[1]), replace=True, stdout=io.StringIO())
peak = lambda who: resource.getrusage(who).ru_maxrss / 1024
print("PEAK " + json.dumps({"rss_mb": peak(resource.RUSAGE_SELF), "worker_rss_mb": peak(resource.RUSAGE_CHILDREN)}))
"""


def export(database_url: str) -> dict:
    """The XLSX export of every enterprise as the Celery task runs it (bench.file_jobs), in a process of its own."""
    command = [sys.executable, "-m", "bench.file_jobs", "export", "--user", BENCH_USER, "--database-url", database_url]
    cpu = children_cpu()
    output = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, check=True).stdout
    figures = json.loads(next(line for line in output.splitlines() if line.startswith("FILEJOB "))[8:])
    figures["cpu"] = children_cpu() - cpu
    if figures["status"] != "succeeded":
        raise RuntimeError(f"the export failed: {figures['error']}")
    return figures


# The endpoints loaded at each size: paged lists, one record, the cached reports, then the list and two reports
# computed in the request (caches off).
CACHED = ("enterprise list", "enterprise detail", "assessment", "tier-summary report", "plan-progress report",
          "park report")
COMPUTED = ("enterprise list", "tier-summary report", "plan-progress report", "park report")


def load_endpoints(args, year: int) -> dict:
    """wrk at 8 connections on each endpoint (`CACHED`, then `COMPUTED` on a server with the caches off), each in
    the same server as a baseline: {(name, cached): figures with `share` of that server's baseline}."""
    from .endpoints import bureau_token
    from .run import measure, paths, server

    endpoints, token, results = paths(year), bureau_token(), {}
    for cached, names, env in ((True, CACHED, {}), (False, COMPUTED, {"REPORT_CACHE": "false",
                                                                      "COUNT_CACHE": "false"})):
        with tempfile.TemporaryDirectory() as folder, server(args, **env):
            http = measure(args, endpoints, token, Path(folder), ["baseline", *names], [8])
        for name in ["baseline", *names]:
            figures = http[name, 8]
            results[name, cached] = {**figures, "share": figures["rps"] / http["baseline", 8]["rps"]}
    return results


def print_loads(loads: dict) -> None:
    """The endpoints' table: per endpoint, per size, req/s, share of the baseline and p95 (ms)."""
    sizes = list(loads)
    print("\n| endpoint (8 connections) | " + " | ".join(f"{n:,}: req/s (share), p95 ms" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for key in loads[sizes[0]]:
        name, cached = key
        cells = [f"{loads[n][key]['rps']:.0f} ({loads[n][key]['share']:.0%}), {loads[n][key]['p95']:.0f}"
                 for n in sizes]
        print(f"| {name}{'' if cached else ', caches off'} | " + " | ".join(cells) + " |")


def bureau_user() -> None:
    """The bureau user the export runs as (generate_city keeps user accounts)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from access.scoping import BUREAU_GROUP

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])


def main(argv=None) -> None:
    """Every size in turn, then the table."""
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db import connection
    from django.db.models import Max

    from bench.tier_summary import run_job, run_plain_sql
    from enterprises.models import AnnualFiling, Enterprise
    from enterprises.selectors import tier_reference_date

    results, loads = [], {}
    for n in args.sizes:
        log(f"\n== {n:,} enterprises ==")
        if args.reuse and Enterprise.objects.count() == n:
            generated = None
            log("the city of this size is kept (--reuse): not generated")
        else:
            connection.close()  # the generation runs in another process
            generated = generate(n, args.database_url)
            log(f"generated in {generated['seconds']:.1f} s ({generated['cpu']:.1f} s CPU), peak RSS "
                f"{generated['rss_mb']:.0f} MB (a worker process: {generated['worker_rss_mb']:.0f} MB)")
        year = AnnualFiling.objects.aggregate(year=Max("year"))["year"]
        job, _, run = best(functools.partial(run_job, year), args.repeat)
        sql, _, _ = best(functools.partial(run_plain_sql, year, tier_reference_date(year)), args.repeat)
        log(f"tier-summary job {job:.3f} s, plain SQL {sql:.3f} s, ratio {job / sql:.2f}x, {run.rows} rows")
        exported = None
        if not args.no_export:
            bureau_user()
            exported = export(args.database_url)
            log(f"export: {exported}")
        results.append((n, generated, job, sql, exported))
        if args.endpoints:
            loads[n] = load_endpoints(args, year)

    print("\n| enterprises | generate_city (s) | its CPU (s) | its peak RSS (MB) | tier-summary job (s) "
          "| plain SQL (s) | ratio | XLSX export (s) | its CPU (s) | file (MB) | export peak RSS (MB) "
          "| RSS before the export (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, generated, job, sql, exported in results:
        export_cells = (f"{exported['seconds']:.1f} | {exported['cpu']:.1f} | {exported['bytes'] / 2**20:.1f} | "
                        f"{exported['peak_rss_mb']:.0f} | {exported['rss_before_job_mb']:.0f}") if exported else \
            "– | – | – | – | –"
        generated_cells = (f"{generated['seconds']:.1f} | {generated['cpu']:.1f} | {generated['rss_mb']:.0f}"
                           if generated else "kept | – | –")
        print(f"| {n:,} | {generated_cells} | {job:.2f} | {sql:.3f} | {job / sql:.2f}x | {export_cells} |")
    if loads:
        print_loads(loads)
    print("\nMachine:")
    for line in machine():
        print(f"- {line}")


if __name__ == "__main__":
    main()
