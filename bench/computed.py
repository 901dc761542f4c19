"""The reports computed in the request, in process: wall and CPU milliseconds and queries of one request of plan
progress, of the district overview, of the tier candidates (the API's page of 1,000 and the report centre's page),
of the park report (its random pages and a park's two lists, the paths bench.reports loads) and of the tier-summary
report (its snapshot's first page, the path bench.run loads), with the caches of
answers and counts off, as the first reader after a write finds them.

    .venv/bin/python bench/computed.py --database-url postgres://…/x_bench [--rounds 3] [--requests 5]
    .venv/bin/python bench/computed.py --database-url … --profile "plan progress"       # pyinstrument

Run from the root of the code to measure (its `bench` package and settings are the ones imported): the same file
run in two checkouts, alternately, compares their costs on one machine. Each endpoint is warmed up, then timed in
`--rounds` rounds of `--requests` requests through Django's test client (the whole middleware stack, no socket);
the best round is reported. The digest of each answer's results (the basis's data version aside) shows that two
checkouts answer the same. The city must exist (`manage.py generate_city`).
"""

import argparse
import hashlib
import json
import os
import re
import sys
import time

NAMES = ("plan progress", "tier candidates", "tier candidates page", "district overview", "park report page",
         "park tenancies ending", "park tenants not filed", "tier summary")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="bench/computed.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=5, help="requests per round (default 5)")
    parser.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES)
    parser.add_argument("--profile", choices=NAMES, help="print a pyinstrument profile of this endpoint")
    args = parser.parse_args(argv)
    if not args.database_url.rstrip("/").endswith("_bench"):
        parser.error("give the benchmark database (its name ends in _bench)")
    return args


def setup(database_url: str) -> None:
    """Django set up as the benchmark server runs it (bench.settings: production, DEBUG off), caches off."""
    sys.path.insert(0, os.getcwd())
    from bench.run import SECRET_KEY

    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url,
                       "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING",
                       "REPORT_CACHE": "false", "COUNT_CACHE": "false"})
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    import django

    django.setup()


def digest(response) -> str:
    """A digest of the answer without what moves per request or with the data version: the JSON's count and
    results, or the page's HTML without its CSRF tokens."""
    if response["Content-Type"].startswith("application/json"):
        body = json.loads(response.content)
        return hashlib.sha256(json.dumps([body.get("count"), body["results"]], sort_keys=True).encode()).hexdigest()
    page = re.sub(rb'csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"', b"", response.content)
    return hashlib.sha256(page).hexdigest()


def timed(client, paths: list[str], count: int) -> tuple[float, float]:
    """Wall and CPU milliseconds per request over `count` requests cycling through the paths; each must answer 200."""
    wall, cpu = time.perf_counter(), time.process_time()
    for index in range(count):
        path = paths[index % len(paths)]
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return (time.perf_counter() - wall) * 1000 / count, (time.process_time() - cpu) * 1000 / count


def summary_year() -> int:
    """The year bench.run loads the tier-summary report of: the latest year filed (its job run there)."""
    from django.db.models import Max

    from enterprises.models import AnnualFiling

    return AnnualFiling.objects.aggregate(year=Max("year"))["year"]


def main(argv=None) -> None:
    """Print each endpoint's best round (wall and CPU ms a request), its queries and its answer's digest."""
    args = parse_args(argv)
    setup(args.database_url)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.endpoints import bureau_token
    from bench.reports import paths as report_paths
    from bench.run import BENCH_USER

    token = bureau_token()
    api = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    page.force_login(get_user_model().objects.get(username=BENCH_USER))
    loaded = report_paths(samples=20)
    endpoints = {
        "plan progress": (api, ["/api/v1/reports/plan-progress/"]),
        "tier candidates": (api, ["/api/v1/reports/tier-candidates/?page_size=1000"]),
        "tier candidates page": (page, ["/reports/tier-candidates/"]),
        "district overview": (api, ["/api/v1/reports/districts/"]),
        **{name: (api, loaded[name]) for name in NAMES[4:7]},
        "tier summary": (api, [f"/api/v1/reports/tier-summary/?year={summary_year()}"]),  # bench.run's path
    }
    if args.profile:
        from pyinstrument import Profiler

        client, paths = endpoints[args.profile]
        timed(client, paths, 2)
        with Profiler(interval=0.0005) as profiler:
            timed(client, paths, args.requests)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    print(f"| what | wall ms (best round) | CPU ms | queries | answer digest |  ({os.getcwd()})")
    print("|---|---:|---:|---:|---|")
    for name in args.names:
        client, paths = endpoints[name]
        timed(client, paths, 2)  # warm-up
        rounds = [timed(client, paths, args.requests) for _ in range(args.rounds)]
        wall, cpu = min(rounds)
        answers = hashlib.sha256()
        for path in paths[:args.requests]:  # the digest of the answers of every path timed
            with CaptureQueriesContext(connection) as queries:
                answers.update(digest(client.get(path)).encode())
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {len(queries)} | {answers.hexdigest()[:16]} |", flush=True)


if __name__ == "__main__":
    main()
