"""The city-scale benchmark: the production server on a generated city, loaded with wrk, beside a baseline.

    .venv/bin/python -m bench.run [--enterprises 100000] [--duration 10] [--reuse]

1. Generate the city in the benchmark database (`manage.py generate_city`; --reuse keeps one of the same size).
2. Time the tier-summary job and a plain SQL aggregate of the same year (bench.tier_summary), which also gives the
   tier-summary report its snapshot.
3. Start gunicorn with the production settings (DEBUG off; bench/settings.py adds the baseline route) and load
   each endpoint with wrk at each connection count: the baseline (a bare DRF endpoint returning 50 rows of one
   table), the enterprise list (50 a page, with filters), an enterprise's detail, its assessment, the
   tier-summary, plan-progress and park reports; then the list and the reports again with the caches off (report
   answers, list counts), every figure computed in the request.
4. Time an XLSX export of every enterprise and an import of 10,000 rows, each in a process of its own
   (bench.file_jobs), with its peak memory.
5. The browser timing (bench.browser_timing; --skip-browser leaves it out): the dashboard and each report page in
   Chromium, from navigation start to the last chart drawn.
6. The write-mix scenario (bench.write_mix; --skip-write-mix leaves it out): wrk reads the reports and lists while
   ten writes a second go through the API, each checked in the answer it moves. Last, since it writes.
Prints a Markdown table of the figures beside the targets, and the machine with the PostgreSQL settings it ran with.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .common import BASE_DIR, DEFAULT_DATABASE_URL, best, check_database_url, log, machine, setup_django
from .write_mix import WRITES_PER_SECOND

BENCH_USER = "bench_bureau"
PAGE_SIZE = 50  # the API's default page
WRK_SCRIPT = BASE_DIR / "bench" / "wrk.lua"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105
# Targets (the "target" column of bench/README.md) at 100,000 enterprises x 5 years on the 2-core machine.
LIST_P95_MS, REPORT_P95_MS, BASELINE_SHARE = 150, 50, 0.5
SUMMARY_S, EXPORT_S, EXPORT_MB, IMPORT_S = 10, 30, 300, 20


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000, help="size of the city (default 100000)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint and connection count")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32], help="default: 8 32")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn workers (default 2 x cores + 1)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true", help="keep the city if it already has --enterprises")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a PostgreSQL session setting of the server's connections (repeatable; docs/scaling.md)")
    parser.add_argument("--skip-browser", action="store_true", help="leave out the browser timing")
    parser.add_argument("--skip-write-mix", action="store_true", help="leave out the write-mix scenario")
    parser.add_argument("--write-mix-duration", type=int, default=20,
                        help="seconds of the write mix per group of reads (default 20)")
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install -y wrk (make bench installs it)")
    return args


def prepare(args) -> dict:
    """Generate (or keep) the city and the bureau user with its token; time the summary job and the plain SQL."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Max
    from rest_framework.authtoken.models import Token

    from access.scoping import BUREAU_GROUP
    from bench.tier_summary import run_job, run_plain_sql
    from enterprises.models import AnnualFiling, Enterprise
    from enterprises.selectors import tier_reference_date

    figures = {}
    if args.reuse and Enterprise.objects.count() == args.enterprises:
        log(f"keeping the city of {args.enterprises:,} enterprises")
    else:
        start = time.perf_counter()
        call_command("generate_city", enterprises=args.enterprises, replace=True, stdout=sys.stderr)
        figures["generation_s"] = time.perf_counter() - start
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    figures["token"] = Token.objects.get_or_create(user=user)[0].key
    year = AnnualFiling.objects.aggregate(year=Max("year"))["year"]
    figures["year"] = year
    figures["summary_s"], _, run = best(lambda: run_job(year), 3)
    figures["sql_s"], _, _ = best(lambda: run_plain_sql(year, tier_reference_date(year)), 3)
    log(f"summary job of {year}: {figures['summary_s']:.2f} s ({run.rows} rows); plain SQL {figures['sql_s']:.3f} s")
    return figures


def paths(year: int, samples: int = 300) -> dict[str, list[str]]:
    """Per endpoint, the paths wrk cycles through: random records and filters, so no single row stays hot."""
    from django.http import QueryDict

    from enterprises.choices import ChainPosition, EnterpriseStatus, Segment
    from enterprises.filtersets import EnterpriseFilterSet
    from enterprises.models import Enterprise
    from parks.models import District, Park

    rng = random.Random(6)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    last = max(ids)
    districts = list(District.objects.values_list("pk", flat=True))
    parks = list(Park.objects.values_list("pk", flat=True))
    enterprises = [rng.sample(ids, 1)[0] for _ in range(samples)]
    filters = []
    for _ in range(samples):
        choice = rng.randrange(5)
        query = (f"district={rng.choice(districts)}&status={EnterpriseStatus.ACTIVE}" if choice == 0
                 else f"park={rng.choice(parks)}" if choice == 1
                 else f"chain_position={rng.choice(ChainPosition.values)}&segment={rng.choice(Segment.values)}"
                 if choice == 2 else f"q={quote(rng.choice(('星河', '灵境', '智影', '元象', '数象')))}" if choice == 3
                 else f"founded_after={rng.randint(2004, 2018)}-01-01&ordering=-founded")
        found = EnterpriseFilterSet(data=QueryDict(query), queryset=Enterprise.objects.all()).qs.count()
        page = rng.randint(1, min(5, max(1, -(-found // PAGE_SIZE))))  # one of the first five pages there are
        filters.append(f"/api/v1/enterprises/?{query}&page={page}")
    return {
        "baseline": [f"/bench/baseline/?after={rng.randint(0, last - 100)}" for _ in range(samples)],
        "enterprise list": filters,
        "enterprise detail": [f"/api/v1/enterprises/{pk}/" for pk in enterprises],
        "assessment": [f"/api/v1/enterprises/{pk}/assessment/" for pk in enterprises],
        "tier-summary report": [f"/api/v1/reports/tier-summary/?year={year}"],
        "plan-progress report": ["/api/v1/reports/plan-progress/"],
        "park report": ["/api/v1/reports/parks/"],
    }


REPORTS = ("tier-summary report", "plan-progress report", "park report")
# Measured again with the caches of report answers and list counts off: every figure computed in the request.
UNCACHED = ("enterprise list", *REPORTS)


@contextmanager
def server(args, **env):
    """gunicorn on the benchmark database with the production settings (DEBUG off), until the block ends."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": args.database_url,
                   "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING",
                   "BENCH_PG_SETTINGS": " ".join(getattr(args, "pg_setting", [])), **env}
    command = [str(BASE_DIR / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--workers",
               str(args.workers), "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=environment)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/bench/baseline/", timeout=5).read()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")
        yield
    finally:
        process.terminate()
        process.wait(30)


def check(args, path: str, token: str) -> None:
    """One request must answer 200 before the endpoint is loaded (a load of errors measures nothing)."""
    request = urllib.request.Request(f"http://127.0.0.1:{args.port}{path}", headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")


def load(args, path_file: Path, token: str, connections: int, duration: int) -> dict:
    """wrk at `connections` connections for `duration` s: requests/s and latency percentiles in ms."""
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(WRK_SCRIPT), f"http://127.0.0.1:{args.port}", "--", str(path_file), token]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    data = json.loads(line[4:])
    return {"rps": data["requests"] / (data["duration_us"] / 1e6), "p50": data["p50_us"] / 1000,
            "p95": data["p95_us"] / 1000, "p99": data["p99_us"] / 1000,
            "errors": data["non_2xx_3xx"] + data["socket_errors"], "requests": data["requests"]}


def measure(args, endpoints: dict, token: str, folder: Path, names, connection_counts) -> dict:
    """Load each endpoint (after one checked request and a 2 s warm-up) at each connection count."""
    results = {}
    for name in names:
        path_file = folder / f"{name.replace(' ', '-')}.txt"
        path_file.write_text("\n".join(endpoints[name]) + "\n")
        check(args, endpoints[name][0], token)
        load(args, path_file, token, 8, 2)
        for connections in connection_counts:
            results[name, connections] = figures = load(args, path_file, token, connections, args.duration)
            log(f"{name} @{connections}: {figures['rps']:.0f} req/s, p50 {figures['p50']:.1f} ms, "
                f"p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms, {figures['errors']} errors")
    return results


def file_job(args, kind: str) -> dict:
    """An export or import job in a process of its own (bench.file_jobs): its figures."""
    command = [sys.executable, "-m", "bench.file_jobs", kind, "--user", BENCH_USER, "--rows", str(args.import_rows),
               "--database-url", args.database_url]
    output = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, check=True).stdout
    figures = json.loads(next(line for line in output.splitlines() if line.startswith("FILEJOB "))[8:])
    log(f"{kind}: {figures}")
    if figures["status"] != "succeeded":
        raise RuntimeError(f"the {kind} job failed: {figures['error']}")
    return figures


def verdict(met: bool) -> str:
    """The table's mark of a target."""
    return "met" if met else "**missed**"


def table(args, figures: dict, http: dict, uncached: dict, export: dict, imported: dict) -> list[str]:
    """The Markdown table of every figure beside its target."""
    lines = ["| what | connections | req/s | share of baseline | p50 (ms) | p95 (ms) | p99 (ms) | target | |",
             "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    for (name, connections), result in http.items():
        base = http["baseline", connections]["rps"]
        share = result["rps"] / base
        if name == "baseline":
            target, met = "the ceiling", True
        elif name in REPORTS:
            target, met = f"p95 < {REPORT_P95_MS} ms", result["p95"] < REPORT_P95_MS
        else:
            target = f">= {BASELINE_SHARE:.0%} of baseline, p95 < {LIST_P95_MS} ms at 8"
            met = share >= BASELINE_SHARE and (connections != 8 or result["p95"] < LIST_P95_MS)
        if result["errors"]:
            target, met = f"{target}; {result['errors']} errors", False
        lines.append(f"| {name} | {connections} | {result['rps']:.0f} | {share:.0%} | {result['p50']:.1f} | "
                     f"{result['p95']:.1f} | {result['p99']:.1f} | {target} | {verdict(met)} |")
    for (name, connections), result in uncached.items():
        lines.append(f"| {name}, caches off | {connections} | {result['rps']:.0f} | "
                     f"{result['rps'] / http['baseline', connections]['rps']:.0%} | {result['p50']:.1f} | "
                     f"{result['p95']:.1f} | {result['p99']:.1f} | (every request computed) | |")
    ratio = figures["summary_s"] / figures["sql_s"]
    lines += [
        "", "| job | figure | target | |", "|---|---|---|---|",
        f"| tier-summary job of {figures['year']} | {figures['summary_s']:.2f} s; plain SQL aggregate "
        f"{figures['sql_s']:.3f} s, ratio {ratio:.1f}x | < {SUMMARY_S} s | "
        f"{verdict(figures['summary_s'] < SUMMARY_S)} |",
        f"| XLSX export of {export['rows']:,} enterprises | {export['seconds']:.1f} s, peak RSS "
        f"{export['peak_rss_mb']:.0f} MB (process before the job {export['rss_before_job_mb']:.0f} MB), "
        f"{export['bytes'] / 1e6:.1f} MB file | < {EXPORT_S} s, < {EXPORT_MB} MB | "
        f"{verdict(export['seconds'] < EXPORT_S and export['peak_rss_mb'] < EXPORT_MB)} |",
        f"| import of {imported['rows']:,} enterprise rows ({imported['report'].get('created', '?')} new, "
        f"{imported['report'].get('updated', '?')} updated) | {imported['seconds']:.1f} s, peak RSS "
        f"{imported['peak_rss_mb']:.0f} MB | < {IMPORT_S} s | {verdict(imported['seconds'] < IMPORT_S)} |",
    ]
    if "generation_s" in figures:
        lines.append(f"| generate_city {args.enterprises:,} | {figures['generation_s']:.1f} s | < 120 s | "
                     f"{verdict(figures['generation_s'] < 120)} |")
    return lines


def later_phases(args, figures: dict, endpoints: dict) -> tuple[list[str], list[str]]:
    """The browser timing, then the write mix (which writes: last), unless skipped: their tables' lines."""
    from . import browser_timing, write_mix

    browser, mixed = [], []
    groups = ["reads", "reports", "lists"]
    pools = None if args.skip_write_mix else write_mix.prepare_writers(
        size=write_mix.pool_size(args.write_mix_duration, len(groups)))
    with tempfile.TemporaryDirectory() as folder, server(args):
        if not args.skip_browser:
            browser = browser_timing.run(args, username=BENCH_USER)
        if pools is not None:
            mix_args = argparse.Namespace(**{**vars(args), "duration": args.write_mix_duration,
                                             "connections": args.connections[0]})
            mixed = write_mix.table(write_mix.scenario(
                mix_args, token=figures["token"], pools=pools, year=figures["year"], all_paths=endpoints,
                folder=Path(folder), groups=groups))
    return browser, mixed


def main(argv=None) -> None:
    """Run the whole benchmark and print the table and the machine."""
    args = parse_args(argv)
    setup_django(args.database_url)
    figures = prepare(args)
    endpoints = paths(figures["year"])
    token = figures["token"]
    with tempfile.TemporaryDirectory() as folder:
        with server(args):
            http = measure(args, endpoints, token, Path(folder), list(endpoints), args.connections)
        with server(args, REPORT_CACHE="false", COUNT_CACHE="false"):
            uncached = measure(args, endpoints, token, Path(folder), UNCACHED, args.connections[:1])
    export = file_job(args, "export")
    imported = file_job(args, "import")
    browser, mixed = later_phases(args, figures, endpoints)
    print(f"\nCity of {args.enterprises:,} enterprises x 5 years; gunicorn {args.workers} sync workers, "
          f"wrk {args.duration} s per row\n")
    print("\n".join(table(args, figures, http, uncached, export, imported)))
    if browser:
        print("\nBrowser timing (Chromium, signed in as the bureau; ms from navigation start):\n")
        print("\n".join(browser))
    if mixed:
        print(f"\nWrite mix (wrk at {args.connections[0]} connections for {args.write_mix_duration} s per row, "
              f"{WRITES_PER_SECOND} writes a second):\n")
        print("\n".join(mixed))
    print("\nMachine:")
    for line in machine(args.pg_setting):
        print(f"- {line}")


if __name__ == "__main__":
    main()
