"""The write-mix scenario: the production server read by wrk (reports and lists, caches on) while a second client
writes ten times a second through the API, and every write is checked in the answer it affects.

    .venv/bin/python -m bench.write_mix --reuse --enterprises 10000 [--duration 20] [--port 8774]

The writes go round three kinds, one every 100 ms, each as the user who may make it:
- a tenancy created (a park administrator of the bench's parks lets a free unit from today for 10 days);
- a filing approved (the same park administrator approves a submitted revision of a tenant registered with one of
  their parks);
- a profile edited (an enterprise user moves one of their enterprises to the foundation layer of the chain).

After each write the writer reads the answer the write must change, as the writer sees it, through the same
server and caches: the park report's tenancies ending within 30 days in the park, the count of the filings waiting
for review, the count of the user's enterprises on the foundation layer. Only these writes change these figures, so
an answer must have moved from the figure before the run by at least the writes committed before it was asked for:
less is an answer older than the last committed write (stale; the target is none).
"""

import argparse
import datetime
import json
import math
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .common import DEFAULT_DATABASE_URL, check_database_url, log, machine, setup_django

PARK_ADMIN, ENTERPRISE_USER = "bench_park_admin", "bench_enterprise_user"
PARKS = 10  # the park administrator's parks
TENANCY_DAYS = 10  # a tenancy written runs from today for this many days (within the report's 30-day window)
WRITES_PER_SECOND = 10
KINDS = ("tenancy", "approval", "profile")
READ_P95_MS = 150  # the target: reads' p95 while the writes go on
LAYER = "foundation"  # the chain position the profile edits set
MAX_IN_FLIGHT = 32  # writes (each with its check) at once, at most


def pool_size(duration: int, groups: int) -> int:
    """Writes of one kind the run may make: its share of WRITES_PER_SECOND over every group, with a margin."""
    return int(duration * groups * WRITES_PER_SECOND / len(KINDS) * 1.5) + 20


def prepare_writers(*, size: int) -> dict:
    """The writers' accounts and tokens, and the records their writes take: free units, submitted revisions and
    enterprises to edit, `size` of each (made directly, before the server starts; none is counted)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count, Exists, OuterRef, Q
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from enterprises.choices import FilingStatus
    from enterprises.models import AnnualFiling, Enterprise, EnterpriseMembership, Tenancy
    from enterprises.services import filing_revise, filing_submit
    from parks.models import Park, ParkMembership, Unit

    today = timezone.localdate()
    stop = today + datetime.timedelta(days=TENANCY_DAYS)
    users = {name: get_user_model().objects.get_or_create(username=name)[0] for name in (PARK_ADMIN, ENTERPRISE_USER)}
    busy = Tenancy.objects.filter(unit=OuterRef("pk"), start__lt=stop).filter(Q(end__isnull=True) | Q(end__gt=today))
    free = (Unit.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=stop)).exclude(Exists(busy))
            .order_by("pk"))
    parks = list(Park.objects.annotate(free=Count("units", filter=Q(units__in=free)))
                 .filter(free__gt=0, enterprises__isnull=False).distinct().order_by("-free", "pk")[:PARKS])
    units = list(free.filter(park__in=parks).values_list("pk", "park_id")[:size])
    year = AnnualFiling.objects.filter(status=FilingStatus.APPROVED).order_by("-year").values_list("year", flat=True)[0]
    members = EnterpriseMembership.objects.filter(enterprise=OuterRef("pk"))
    tenants = {park.pk: Enterprise.objects.filter(park=park).exclude(Exists(members)).order_by("pk")
               .values_list("pk", flat=True)[0] for park in parks}
    with transaction.atomic():
        for park in parks:
            ParkMembership.objects.get_or_create(user=users[PARK_ADMIN], park=park)
        open_revision = AnnualFiling.objects.filter(enterprise=OuterRef("enterprise"), year=year,
                                                    status__in=(FilingStatus.DRAFT, FilingStatus.SUBMITTED,
                                                                FilingStatus.RETURNED))
        waiting = AnnualFiling.objects.filter(park__in=parks, status=FilingStatus.SUBMITTED).count()
        approved = (AnnualFiling.objects.filter(enterprise__park__in=parks, year=year, status=FilingStatus.APPROVED)
                    .exclude(Exists(open_revision)).exclude(enterprise__in=tenants.values())
                    .exclude(Exists(EnterpriseMembership.objects.filter(enterprise=OuterRef("enterprise"))))
                    .order_by("pk")[:max(0, size - waiting)])
        for filing in approved:
            filing_submit(filing=filing_revise(filing=filing), user=users[PARK_ADMIN])
        editable = list(Enterprise.objects.exclude(chain_position=LAYER).exclude(park__in=parks)
                        .exclude(Exists(members)).order_by("pk").values_list("pk", flat=True)[:size])
        EnterpriseMembership.objects.bulk_create(
            [EnterpriseMembership(user=users[ENTERPRISE_USER], enterprise_id=pk) for pk in editable])
    editable += list(EnterpriseMembership.objects.filter(user=users[ENTERPRISE_USER])
                     .exclude(enterprise__chain_position=LAYER).exclude(enterprise_id__in=editable)
                     .values_list("enterprise_id", flat=True))
    filings = list(AnnualFiling.objects.filter(park__in=parks, status=FilingStatus.SUBMITTED).order_by("pk")
                   .values_list("pk", flat=True))
    log(f"write mix: {len(parks)} parks, {len(units)} free units, {len(filings)} filings waiting, "
        f"{len(editable)} enterprises to edit")
    return {"tokens": {name: Token.objects.get_or_create(user=user)[0].key for name, user in users.items()},
            "units": units, "tenants": tenants, "filings": filings, "enterprises": editable,
            "today": today.isoformat(), "stop": stop.isoformat()}


def call(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
    """One API request: its status, its JSON answer and its milliseconds."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method, headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json", "Accept": "application/json",
        "Accept-Language": "zh-hans"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, content = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, content = error.code, error.read()
    milliseconds = (time.perf_counter() - start) * 1000
    try:
        answer = json.loads(content) if content else {}
    except ValueError:
        answer = {"raw": content[:200].decode(errors="replace")}
    return status, answer, milliseconds


def new_outcome() -> dict:
    """An empty record of writes and their checks."""
    return {"write_ms": [], "check_ms": [], "failed": [], "stale": [], "wrong": [], "checked": 0, "late": 0}


class Writer:
    """The three kinds of write with, for each, the figure it moves as its writer reads it back.

    Writes are made on a schedule whatever the server's pace (open loop: a slow answer does not slow the writes
    down, up to MAX_IN_FLIGHT at once), so writes of one kind may be in flight together. Per kind (per park for
    tenancies) the writer counts the writes started and those committed (answered 2xx: the request's transaction
    commits before its answer is sent). A check after a write reads the figure; it must show at least every write
    committed before the read began (fewer: stale, an answer older than the last committed write) and at most
    every write started before the read ended (more: wrong)."""

    def __init__(self, port: int, pools: dict):
        self.port, self.pools = port, pools
        self.tokens = pools["tokens"]
        self.next = dict.fromkeys(KINDS, 0)
        self.parks = sorted(set(self.pools["tenants"]))
        self.base: dict = {}
        self.started: dict = {}  # (kind, key) -> writes started
        self.committed: dict = {}  # (kind, key) -> writes answered 2xx
        self.lock = threading.Lock()

    def figure(self, kind: str, key) -> tuple[int, float]:
        """The figure a write of `kind` moves (for a tenancy, in park `key`), read through the API: (value, ms)."""
        if kind == "tenancy":
            status, answer, ms = call(self.port, self.tokens[PARK_ADMIN], "GET", "/api/v1/reports/parks/")
            rows = {row["park_id"]: row for row in answer.get("results", [])}
            return (rows[key]["ending_30"] if status == 200 and key in rows else -1), ms
        if kind == "approval":
            path = "/api/v1/filings/?status=submitted&page_size=1"
            status, answer, ms = call(self.port, self.tokens[PARK_ADMIN], "GET", path)
        else:
            path = f"/api/v1/enterprises/?chain_position={LAYER}&page_size=1"
            status, answer, ms = call(self.port, self.tokens[ENTERPRISE_USER], "GET", path)
        return (answer["count"] if status == 200 else -1), ms

    def read_bases(self) -> None:
        """The figures before any write."""
        self.base = {("tenancy", park): self.figure("tenancy", park)[0] for park in self.parks}
        self.base["approval", None] = self.figure("approval", None)[0]
        self.base["profile", None] = self.figure("profile", None)[0]
        log(f"write mix: figures before the writes {self.base}")

    def claim(self, kind: str) -> tuple[int, object]:
        """The next record of the pool of `kind` and the key of the figure its write moves (counted as started)."""
        with self.lock:
            index = self.next[kind]
            self.next[kind] += 1
            key = self.pools["units"][index][1] if kind == "tenancy" else None
            self.started[kind, key] = self.started.get((kind, key), 0) + 1
        return index, key

    def write(self, kind: str, index: int) -> int:
        """Write the `index`-th record of the pool of `kind` through the API: (status, ms)."""
        if kind == "tenancy":
            unit, park = self.pools["units"][index]
            body = {"unit": unit, "enterprise": self.pools["tenants"][park], "start": self.pools["today"],
                    "end": self.pools["stop"]}
            return call(self.port, self.tokens[PARK_ADMIN], "POST", "/api/v1/tenancies/", body)[::2]
        if kind == "approval":
            path = f"/api/v1/filings/{self.pools['filings'][index]}/approve/"
            return call(self.port, self.tokens[PARK_ADMIN], "POST", path, {})[::2]
        path = f"/api/v1/enterprises/{self.pools['enterprises'][index]}/"
        return call(self.port, self.tokens[ENTERPRISE_USER], "PATCH", path, {"chain_position": LAYER})[::2]

    def seen(self, kind: str, key, value: int) -> int:
        """How many writes of `kind` a figure shows: how far it moved from the figure before the run (approvals take
        filings off the waiting list)."""
        moved = value - self.base[kind, key]
        return -moved if kind == "approval" else moved

    def write_and_check(self, kind: str, outcome: dict) -> None:
        """The next write of `kind`, then its figure read back and judged (into `outcome`)."""
        index, key = self.claim(kind)
        status, write_ms = self.write(kind, index)
        with self.lock:
            outcome["write_ms"].append(write_ms)
            if status not in (200, 201):
                outcome["failed"].append(f"{kind}: {status}")
                return
            self.committed[kind, key] = self.committed.get((kind, key), 0) + 1
        self.check(kind, key, outcome)

    def check(self, kind: str, key, outcome: dict) -> None:
        """Read the figure writes of `kind` move and judge it: stale if it shows fewer writes than were committed
        before the read, wrong if more than were started by its end."""
        with self.lock:
            committed = self.committed.get((kind, key), 0)
        value, read_ms = self.figure(kind, key)
        seen = self.seen(kind, key, value)
        with self.lock:
            started = self.started.get((kind, key), 0)
            outcome["check_ms"].append(read_ms)
            outcome["checked"] += 1
            if seen < committed:
                outcome["stale"].append(f"{kind} {key}: {value} shows {seen} writes, {committed} committed")
            elif seen > started:
                outcome["wrong"].append(f"{kind} {key}: {value} shows {seen} writes, {started} started")

    def run(self, seconds: float) -> dict:
        """Start a write every 1 / WRITES_PER_SECOND s for `seconds`, the kinds in turn, each checked once written:
        the writes' and checks' figures."""
        outcome = new_outcome()
        interval = 1 / WRITES_PER_SECOND
        start = time.monotonic()
        futures = []
        with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
            for n in range(int(seconds * WRITES_PER_SECOND)):
                delay = start + n * interval - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -interval:
                    outcome["late"] += 1  # the pool was full: this write starts late
                futures.append(pool.submit(self.write_and_check, KINDS[n % len(KINDS)], outcome))
            outcome["started_s"] = time.monotonic() - start
            for future in futures:
                future.result()
        outcome["seconds"] = time.monotonic() - start
        return outcome


def read_paths(year: int, all_paths: dict) -> dict[str, list[str]]:
    """The reads wrk cycles through, by group: the bureau's reports, and the lists (enterprises with filters,
    tenancies by park, filings waiting)."""
    from parks.models import Park

    parks = list(Park.objects.order_by("pk").values_list("pk", flat=True))
    reports = [f"/api/v1/reports/tier-summary/?year={year}", "/api/v1/reports/plan-progress/",
               "/api/v1/reports/parks/", "/api/v1/reports/districts/"]
    lists = [*all_paths["enterprise list"], *[f"/api/v1/tenancies/?park={pk}" for pk in parks[:100]],
             "/api/v1/filings/?status=submitted"]
    mixed = [path for pair in zip(reports * (len(lists) // len(reports) + 1), lists, strict=False) for path in pair]
    return {"reads": mixed, "reports": reports, "lists": lists}


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(share * len(ordered)))) - 1]


def scenario(args, *, token: str, pools: dict, year: int, all_paths: dict, folder: Path,
             groups: list[str]) -> list[dict]:
    """For each group of reads: wrk for args.duration s while the writer writes and checks (inside server(), with
    the pools prepare_writers made before it started)."""
    from .run import check, load

    writer = Writer(args.port, pools)
    writer.read_bases()
    paths = {"baseline": all_paths["baseline"], **read_paths(year, all_paths)}
    results = []
    for group in ["baseline", *groups]:
        path_file = folder / f"write-mix-{group}.txt"
        path_file.write_text("\n".join(paths[group]) + "\n")
        check(args, paths[group][0], token)
        load(args, path_file, token, args.connections, 2)
        alone = load(args, path_file, token, args.connections, args.duration)
        results.append({"group": group, "reads": alone, "writes": None})
        log(f"write mix {group}, no writes: {alone['rps']:.0f}/s p50 {alone['p50']:.1f} p95 {alone['p95']:.1f} ms")
        if group == "baseline":
            continue
        reads = {}

        def read(path_file=path_file, reads=reads):
            """wrk's reads of the group, into `reads`."""
            reads.update(load(args, path_file, token, args.connections, args.duration))

        loader = threading.Thread(target=read)
        loader.start()
        time.sleep(0.5)  # wrk connected
        writes = writer.run(args.duration - 1)
        loader.join()
        results.append({"group": group, "reads": reads, "writes": writes})
        log(f"write mix {group}: reads {reads['rps']:.0f}/s p50 {reads['p50']:.1f} p95 {reads['p95']:.1f} "
            f"p99 {reads['p99']:.1f} ms, {reads['errors']} errors; {len(writes['write_ms'])} writes in "
            f"{writes['seconds']:.1f} s, {writes['checked']} checked, {len(writes['stale'])} stale, "
            f"{len(writes['wrong'])} wrong, {len(writes['failed'])} failed {writes['failed'][:3]}")
    return results


def table(results: list[dict]) -> list[str]:
    """The Markdown table of the scenario's figures beside the target: each group of reads alone, then with the
    writes (the baseline: the bare DRF list of bench.run, alone). "writes/s" counts the writes started per second
    (late: started more than 100 ms after their time, the writer's 32 in flight all waiting), "done in" the seconds
    until the last write and its check were answered."""
    lines = ["| reads | writes | req/s | share of baseline | p50 (ms) | p95 (ms) | p99 (ms) | writes/s (late) | "
             "done in (s) | write p50 / p95 (ms) | check read p50 / p95 (ms) | checked | stale | target | |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---|---|"]
    base = next(result["reads"]["rps"] for result in results if result["group"] == "baseline")
    for result in results:
        reads, writes = result["reads"], result["writes"]
        figures = (f"| {result['group']} | {'written' if writes else 'none'} | {reads['rps']:.0f} | "
                   f"{reads['rps'] / base:.0%} | {reads['p50']:.1f} | {reads['p95']:.1f} | {reads['p99']:.1f} |")
        if writes is None:
            lines.append(f"{figures} | | | | | | {'the ceiling' if result['group'] == 'baseline' else ''} | |")
            continue
        problems = [f"{count} {what}" for count, what in (
            (len(writes["wrong"]), "wrong"), (len(writes["failed"]), "writes failed"),
            (reads["errors"], "reads failed or timed out")) if count]
        met = reads["p95"] < READ_P95_MS and not writes["stale"] and not problems
        lines.append(
            f"{figures} {len(writes['write_ms']) / writes['started_s']:.1f} ({writes['late']}) | "
            f"{writes['seconds']:.0f} | "
            f"{percentile(writes['write_ms'], 0.5):.0f} / {percentile(writes['write_ms'], 0.95):.0f} | "
            f"{percentile(writes['check_ms'], 0.5):.0f} / {percentile(writes['check_ms'], 0.95):.0f} | "
            f"{writes['checked']} | {len(writes['stale'])} | p95 < {READ_P95_MS} ms, 0 stale"
            f"{''.join(f'; {problem}' for problem in problems)} | {'met' if met else '**missed**'} |")
    return lines


def main(argv=None) -> None:
    """Run the write-mix scenario alone on a generated city (bench.run's prepare, then the server)."""
    from . import run

    parser = argparse.ArgumentParser(prog="python -m bench.write_mix", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds of load per group of reads")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--groups", nargs="+", default=["reads", "reports", "lists"],
                        choices=["reads", "reports", "lists"])
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a PostgreSQL session setting of the server's connections (repeatable)")
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    args.import_rows = 0
    setup_django(args.database_url)
    figures = run.prepare(args)
    all_paths = run.paths(figures["year"])
    pools = prepare_writers(size=pool_size(args.duration, len(args.groups)))
    with tempfile.TemporaryDirectory() as folder, run.server(args):
        results = scenario(args, token=figures["token"], pools=pools, year=figures["year"], all_paths=all_paths,
                           folder=Path(folder), groups=args.groups)
    print(f"\nWrite mix on a city of {args.enterprises:,} enterprises: wrk at {args.connections} connections "
          f"(the bureau) for {args.duration} s per row, {WRITES_PER_SECOND} writes a second\n")
    print("\n".join(table(results)))
    print("\nMachine:")
    for line in machine(args.pg_setting):
        print(f"- {line}")
    for result in (result for result in results if result["writes"]):
        for line in (result["writes"]["stale"] + result["writes"]["wrong"] + result["writes"]["failed"])[:10]:
            print(f"- {result['group']}: {line}")


if __name__ == "__main__":
    main()
