"""PostgreSQL session settings tried on the answers computed in the request: each report and list answered with the
caches off (what every read pays after a write), one request at a time, under each set of settings.

    .venv/bin/python -m bench.pg_settings --reuse --enterprises 10000 [--repeat 5] [--port 8774]

The settings go to the benchmark server's sessions only (bench/settings.py, BENCH_PG_SETTINGS), never to the
machine's PostgreSQL. The baseline endpoint (bench/urls.py) is timed beside them in each server, to tell a change
of the settings from a change of the machine's load: compare the ratio to it (docs/scaling.md).
"""

import argparse
import time
import urllib.request

from .common import DEFAULT_DATABASE_URL, check_database_url, log, setup_django

# name -> the settings (bench.run's --pg-setting): the app's defaults, then one change each, then all of them.
SETTINGS = {
    "as configured": [],
    "work_mem=32MB": ["work_mem=32MB"],
    "SSD costs": ["random_page_cost=1.1", "effective_cache_size=4GB"],
    "no parallel gather": ["max_parallel_workers_per_gather=0"],
    "all three": ["work_mem=32MB", "random_page_cost=1.1", "effective_cache_size=4GB",
                  "max_parallel_workers_per_gather=0"],
}


def endpoints(year: int, all_paths: dict) -> dict[str, list[str]]:
    """The answers timed, each cycling through a few paths: the baseline, the four reports, and the lists."""
    return {
        "baseline": all_paths["baseline"][:5],
        "tier-summary report": [f"/api/v1/reports/tier-summary/?year={year}"],
        "plan-progress report": ["/api/v1/reports/plan-progress/"],
        "park report": ["/api/v1/reports/parks/"],
        "district overview": ["/api/v1/reports/districts/"],
        "enterprise list": all_paths["enterprise list"][:5],
        "tenancy list": ["/api/v1/tenancies/?page=2"],
    }


def timed(port: int, token: str, path: str) -> float:
    """Milliseconds of one request (read to its end); any answer but 200 is an error."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={
        "Authorization": f"Token {token}", "Accept-Language": "zh-hans"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    return (time.perf_counter() - start) * 1000


def measure(args, *, token: str, paths: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """Per set of settings, per answer: the best milliseconds of args.repeat requests after one warm-up (the best:
    the answer's own cost, least disturbed by the other processes of a shared machine)."""
    from .run import server

    results = {}
    for name, settings in SETTINGS.items():
        args.pg_setting = settings
        with server(args, REPORT_CACHE="false", COUNT_CACHE="false"):
            results[name] = {}
            for answer, cycle in paths.items():
                timed(args.port, token, cycle[0])
                times = [timed(args.port, token, cycle[i % len(cycle)]) for i in range(args.repeat)]
                results[name][answer] = min(times)
            log(f"pg settings {name}: " + ", ".join(f"{a} {ms:.0f} ms" for a, ms in results[name].items()))
    return results


def table(results: dict[str, dict[str, float]]) -> list[str]:
    """The Markdown table: the best time per answer and set, with its ratio to the same server's baseline."""
    names = list(results)
    answers = list(results[names[0]])
    lines = ["| answer (caches off) | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for answer in answers:
        cells = []
        for name in names:
            ms, base = results[name][answer], results[name]["baseline"]
            cells.append(f"{ms:.0f} ms" + ("" if answer == "baseline" else f" ({ms / base:.1f}x)"))
        lines.append(f"| {answer} | " + " | ".join(cells) + " |")
    return lines


def main(argv=None) -> None:
    """Time the answers computed in the request under each set of session settings (one server each)."""
    from . import run

    parser = argparse.ArgumentParser(prog="python -m bench.pg_settings", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="requests per answer and set (the best is kept)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    args.workers = 1  # one request at a time: the settings' effect on one answer, not the machine's queue
    setup_django(args.database_url)
    figures = run.prepare(args)
    results = measure(args, token=figures["token"], paths=endpoints(figures["year"], run.paths(figures["year"])))
    print(f"\nAnswers computed in the request (caches off), one at a time, best of {args.repeat}, on a city of "
          f"{args.enterprises:,} enterprises; in brackets the ratio to the same server's baseline\n")
    print("\n".join(table(results)))


if __name__ == "__main__":
    main()
