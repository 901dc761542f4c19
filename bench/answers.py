"""The answers of the enterprise list, detail and assessment over the benchmark's paths, written to a file, and two
such files compared byte for byte: a speed change must not change one byte of any answer.

    .venv/bin/python -m bench.answers --database-url postgres://…/x_bench --out before.jsonl   # in the old code
    .venv/bin/python -m bench.answers --database-url postgres://…/x_bench --out after.jsonl    # in the new code
    .venv/bin/python -m bench.answers --compare before.jsonl after.jsonl

Each path is asked as bench.cost asks it (a bureau token, `Accept-Language: zh-hans`), again in
English, and with a few parameters the benchmark does not send (a page size, an ordering, a bad filter value, an
unknown parameter), so that errors are compared too; the lists and assessments also as the city's first park
administrator (its tenants' public face) and first enterprise user see them. The lists written from rows besides
the enterprise list (`ROW_LISTS`: tenancies by park, filings) are asked over the write mix's paths and a few more.
A line holds the path, the user, the language, the status, the content type and the body.
"""

import argparse
import json
import sys

from .common import DEFAULT_DATABASE_URL, check_database_url, log
from .cost import setup
from .endpoints import NAMES, bureau_token

# Variations of a list path that the benchmark does not load: other page sizes and orderings, and refusals.
EXTRA_LIST_QUERIES = ("page_size=7", "ordering=-name", "ordering=credit_code&page=2", "ordering=park__name",
                      "district=0", "district=abc", "park=999999999", "status=nope", "founded_after=2020-13-01",
                      "page=999999", "page_size=0", "unknown=1", "q=%E6%95%B0", "segment=rendering&status=active",
                      "district_code=110105", "ordering=nope", "format=json", "format=xml")


# The lists written from rows besides the enterprise list (config.api.rows.RowListMixin), with their extra queries.
ROW_LISTS = ("tenancies list", "filings list")
EXTRA_ROW_QUERIES = {
    "tenancies list": ("", "page=2", "page_size=7&ordering=-start", "ordering=enterprise__name&page=3",
                       "ordering=-park__name", "current_on=2025-01-01", "ends_before=2025-01-01", "park=abc",
                       "unknown=1", "format=json"),
    "filings list": ("status=submitted", "", "page=2", "page_size=7&ordering=-submitted_at", "status=approved",
                     "status=returned", "status=draft&ordering=enterprise__name", "year=2023&page=2", "status=nope",
                     "format=json"),
}


def row_list_paths() -> dict[str, list[str]]:
    """The paths of the lists written from rows: the write mix's (tenancies of the first 100 parks, the filings
    waiting) and the extra queries."""
    from parks.models import Park

    parks = list(Park.objects.order_by("pk").values_list("pk", flat=True))[:100]
    found = {name: [f"/api/v1/{name.split()[0]}/?{query}" for query in queries]
             for name, queries in EXTRA_ROW_QUERIES.items()}
    found["tenancies list"] += [f"/api/v1/tenancies/?park={pk}" for pk in parks]
    return found


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the answers to this file (JSON lines)")
    parser.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="compare two files of answers")
    parser.add_argument("--names", nargs="+", default=[*(name for name in NAMES if name != "baseline"), *ROW_LISTS],
                        choices=(*NAMES, *ROW_LISTS), help="endpoints (default: all but the baseline)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    if not args.compare:
        check_database_url(parser, args.database_url)
        if not args.out:
            parser.error("give --out FILE (or --compare BEFORE AFTER)")
    return args


def tokens() -> dict[str, str]:
    """The API tokens of the benchmark's bureau user, a park administrator (of a park with a tenant registered
    elsewhere, whose public face it sees, where the city has one) and an enterprise user (users and memberships made
    when missing)."""
    from django.contrib.auth import get_user_model
    from django.db.models import F, Q
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from enterprises.models import EnterpriseMembership, Tenancy
    from parks.models import ParkMembership

    found = {"bureau": bureau_token()}
    current = Q(end__isnull=True) | Q(end__gt=timezone.localdate())
    tenancy = Tenancy.objects.filter(current).exclude(enterprise__park=F("park")).order_by("pk").first()
    filed = EnterpriseMembership.enterprise.field.related_model.objects.filter(filings__isnull=False).order_by("pk")
    park = tenancy.park_id if tenancy else Tenancy.objects.filter(current).order_by("pk").values_list(
        "park", flat=True).first()
    for role, model, target in (("park admin", ParkMembership, {"park_id": park}),
                                ("enterprise user", EnterpriseMembership, {"enterprise": filed.first()})):
        if None in target.values():
            continue
        user = get_user_model().objects.get_or_create(username=f"bench-{role.replace(' ', '-')}")[0]
        model.objects.get_or_create(user=user, **target)
        found[role] = Token.objects.get_or_create(user=user)[0].key
    return found


def compare(before: str, after: str) -> int:
    """Print every answer that differs (or is missing from one file); the number of differences."""
    def read(name):
        with open(name, encoding="utf-8") as lines:
            return {(row["path"], row["user"], row["language"]): row for row in map(json.loads, lines)}

    old, new = read(before), read(after)
    differing = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
    for key in sorted(differing)[:20]:
        print(f"differs: {key}\n  before: {str(old.get(key))[:600]}\n  after:  {str(new.get(key))[:600]}")
    print(f"{len(old)} answers before, {len(new)} after, {len(differing)} differing")
    return len(differing)


def main(argv=None) -> None:
    """Write the answers of the endpoints' paths, or compare two files of them (exit status 1 when they differ)."""
    args = parse_args(argv)
    if args.compare:
        sys.exit(1 if compare(*args.compare) else 0)
    setup(args.database_url)
    from django.db.models import Max
    from django.test import Client

    from bench.run import paths
    from enterprises.models import AnnualFiling

    endpoints = {**paths(AnnualFiling.objects.aggregate(year=Max("year"))["year"]), **row_list_paths()}
    if "enterprise list" in args.names:
        first = endpoints["enterprise list"][0].split("?")[0]
        endpoints["enterprise list"] += [f"{first}?{query}" for query in EXTRA_LIST_QUERIES]
    if "assessment" in args.names:
        some = endpoints["assessment"][:5]
        endpoints["assessment"] += [f"{path}?{query}" for path in some for query in
                                    ("year=2023", "rule_set=2022", "as_of=2024-06-30", "year=abc", "x=1")]
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for user, token in tokens().items():
            for language in ("zh-hans", "en"):
                client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE=language)
                for name in args.names:
                    for path in dict.fromkeys(endpoints[name]):
                        response = client.get(path)
                        out.write(json.dumps({
                            "path": path, "user": user, "language": language, "status": response.status_code,
                            "type": response.get("Content-Type"), "body": response.content.decode("utf-8"),
                        }, ensure_ascii=False) + "\n")
                        count += 1
    log(f"{count} answers written to {args.out}")


if __name__ == "__main__":
    main()
