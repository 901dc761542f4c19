"""The CPU cost of one request of the enterprise list, detail and assessment beside the baseline, in process under
the benchmark server's settings (production, DEBUG off): a figure that a machine shared with other loads disturbs
far less than wrk's requests per second, and a pyinstrument profile of an endpoint on request.

    .venv/bin/python -m bench.cost --database-url postgres://…/x_bench [--requests 300] [--profile "enterprise list"]

The city must exist (`python -m bench.run` or `manage.py generate_city` made it). Each endpoint is asked the same
paths as bench.run loads (its `paths()`), through Django's test client (the whole middleware stack, no socket),
after a warm-up pass; the figure is the process's CPU time per request, the best of `--rounds` passes (three), each
pass going over every endpoint in turn.
"""

import argparse
import os
import sys
import time

from .common import BASE_DIR, DEFAULT_DATABASE_URL, check_database_url, log
from .endpoints import NAMES, bureau_token
from .run import SECRET_KEY


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint and pass (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="passes per endpoint; the best counts (default 3)")
    parser.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES, help="endpoints (default all)")
    parser.add_argument("--profile", choices=NAMES, help="print a pyinstrument profile of this endpoint")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    return args


def setup(database_url: str) -> None:
    """Django set up as the benchmark server runs it (bench.settings, DEBUG off) on the benchmark database."""
    os.environ.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url,
                       "SECRET_KEY": SECRET_KEY, "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING"})
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def cost(client, paths: list[str], count: int) -> float:
    """CPU milliseconds per request over `count` requests cycling through the paths; each must answer 200."""
    start = time.process_time()
    for index in range(count):
        response = client.get(paths[index % len(paths)])
        if response.status_code != 200:
            raise RuntimeError(f"{paths[index % len(paths)]} answered {response.status_code}")
    return (time.process_time() - start) * 1000 / count


def queries(client, paths: list[str], count: int = 100) -> float:
    """Database queries per request over the first `count` paths (counted apart from the timed passes)."""
    from django.db import connection

    executed = []

    def counting(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        for path in paths[:count]:
            client.get(path)
    return len(executed) / min(count, len(paths))


def main(argv=None) -> None:
    """Print each endpoint's CPU cost per request and its share of the baseline's (baseline cost / its cost)."""
    args = parse_args(argv)
    setup(args.database_url)
    from django.db.models import Max
    from django.test import Client

    from bench.run import paths
    from enterprises.models import AnnualFiling

    endpoints = paths(AnnualFiling.objects.aggregate(year=Max("year"))["year"])
    client = Client(HTTP_AUTHORIZATION=f"Token {bureau_token()}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    if args.profile:
        from pyinstrument import Profiler

        cost(client, endpoints[args.profile], 30)
        with Profiler(interval=0.0002) as profiler:
            cost(client, endpoints[args.profile], args.requests)
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    names = ["baseline", *(name for name in args.names if name != "baseline")]
    for name in names:
        cost(client, endpoints[name], 30)
    rounds: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(args.rounds):  # each round passes over every endpoint, so a burst of load falls on all of them
        for name in names:
            rounds[name].append(cost(client, endpoints[name], args.requests))
    figures, counts = {name: min(times) for name, times in rounds.items()}, {}
    for name in names:
        counts[name] = queries(client, endpoints[name])
        log(f"{name}: {figures[name]:.2f} ms of CPU a request (rounds: "
            f"{', '.join(f'{time:.2f}' for time in rounds[name])}), {counts[name]:.2f} queries")
    print("| what | CPU ms a request | share of baseline | queries a request |")
    print("|---|---:|---:|---:|")
    for name, milliseconds in figures.items():
        print(f"| {name} | {milliseconds:.2f} | {figures['baseline'] / milliseconds:.0%} | {counts[name]:.2f} |")


if __name__ == "__main__":
    main()
