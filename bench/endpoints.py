"""A reduced run of the city benchmark: the baseline and the enterprise list, detail and assessment only, in one
server, so that each endpoint's share of the baseline is measured in the same run (bench/README.md).

    .venv/bin/python -m bench.endpoints --database-url postgres://…/x_bench --port 8772 [--duration 10]

The city must exist (`python -m bench.run` or `manage.py generate_city` made it); nothing is generated or
emptied here. The paths, the server and the load are bench.run's.
"""

import argparse
import os
import shutil
import tempfile
from pathlib import Path

from .common import DEFAULT_DATABASE_URL, check_database_url, log, machine, setup_django
from .run import BENCH_USER, measure, paths, server

NAMES = ("baseline", "enterprise list", "enterprise detail", "assessment")


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.endpoints", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint and connection count")
    parser.add_argument("--connections", type=int, nargs="+", default=[8, 32], help="default: 8 32")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--names", nargs="+", default=list(NAMES), choices=NAMES, help="endpoints (default all)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    if not shutil.which("wrk"):
        parser.error("wrk is missing: apt-get install -y wrk (make bench installs it)")
    return args


def bureau_token() -> str:
    """The benchmark's bureau user and its API token (made when missing)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from access.scoping import BUREAU_GROUP

    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get_or_create(name=BUREAU_GROUP)[0])
    return Token.objects.get_or_create(user=user)[0].key


def main(argv=None) -> None:
    """Load the endpoints and print their figures and shares of the baseline as a Markdown table."""
    args = parse_args(argv)
    setup_django(args.database_url)
    from django.db.models import Max

    from enterprises.models import AnnualFiling

    endpoints = paths(AnnualFiling.objects.aggregate(year=Max("year"))["year"])
    token = bureau_token()
    names = ["baseline", *(name for name in args.names if name != "baseline")]
    with tempfile.TemporaryDirectory() as folder, server(args):
        http = measure(args, endpoints, token, Path(folder), names, args.connections)
    log("done")
    print("| what | connections | req/s | share of baseline | p50 (ms) | p95 (ms) | p99 (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for (name, connections), result in http.items():
        share = result["rps"] / http["baseline", connections]["rps"]
        print(f"| {name} | {connections} | {result['rps']:.0f} | {share:.0%} | {result['p50']:.1f} | "
              f"{result['p95']:.1f} | {result['p99']:.1f} |" + (f" {result['errors']} errors" if result["errors"]
                                                                 else ""))
    for line in machine():
        print(f"- {line}")


if __name__ == "__main__":
    main()
