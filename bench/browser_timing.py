"""The browser timing: the dashboard and each page of the report centre opened in Chromium, signed in as the bureau,
timed from navigation start to the last ECharts chart drawn.

    .venv/bin/python -m bench.browser_timing --reuse --enterprises 10000 [--port 8774]

The pages' chart scripts (registry/static/registry/dashboard.js, reports.js) set the performance mark
"charts-finished" when their last chart has fired ECharts' 'finished' event (painted); the time is the mark's
startTime, which Navigation Timing counts from the navigation's start. Each page is opened twice: first after a
write (the data version moved on, so every report the page reads is computed in the request, as the first reader
after a write finds it), then again (its reports from the cache). Debian's Chromium through Playwright, as the
browser tests run it (tests/browser/conftest.py).
"""

import argparse
import os
import secrets
import time
from urllib.parse import urljoin

from .common import DEFAULT_DATABASE_URL, check_database_url, log, setup_django

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
CHARTS_MS = 1500  # the target: every chart drawn within 1.5 s of navigation start
MARK = "charts-finished"
TIMEOUT_MS = 120_000


def bureau_password(username: str) -> str:
    """A new random password for the benchmark's bureau account (the one the browser signs in with)."""
    from django.contrib.auth import get_user_model

    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.get(username=username)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def move_data_version() -> None:
    """A write that changes nothing but ends every cached report answer: of the parks and the enterprises, which every
    report reads (answers are cached under the version of the tables they read)."""
    from django.db import transaction
    from django.db.models import F

    from enterprises.models import Enterprise
    from parks.models import Park

    with transaction.atomic():
        for model in (Park, Enterprise):
            model.objects.filter(pk=model.objects.order_by("pk").values_list("pk", flat=True)[0]).update(
                name=F("name"))


def timings(page) -> dict:
    """The page's Navigation Timing figures and its charts' mark, in ms from navigation start."""
    return page.evaluate("""(name) => {
        const nav = performance.getEntriesByType("navigation")[0];
        const mark = performance.getEntriesByName(name)[0];
        return {response: nav.responseStart, html: nav.responseEnd, dom: nav.domContentLoadedEventEnd,
                load: nav.loadEventEnd, charts: mark ? mark.startTime : null,
                count: mark && mark.detail ? mark.detail.charts : 0};
    }""", MARK)


def open_page(page, url: str) -> dict:
    """Open a page and wait for its charts' mark (a page without a chart sets none): its timings."""
    page.goto(url, wait_until="load", timeout=TIMEOUT_MS)
    if page.locator("#chart, [data-chart]").count():
        # Polled from here: the pages' CSP refuses the string evaluation wait_for_function uses; the mark keeps its
        # time, so the polling's pace does not change the figure.
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while not page.evaluate("(name) => performance.getEntriesByName(name).length > 0", MARK):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}: no chart drawn in {TIMEOUT_MS / 1000:.0f} s")
            page.wait_for_timeout(20)
    return timings(page)


def measure(*, base_url: str, username: str, password: str) -> list[dict]:
    """Sign in as the bureau, then open the dashboard and every report page of the centre, after a write and again."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install chromium")
    results = []
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM's write beside Playwright's event loop
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(urljoin(base_url, "/accounts/login/"), timeout=TIMEOUT_MS)
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state("load")
        if "/accounts/login/" in page.url:
            raise RuntimeError(f"{username} could not sign in")
        page.goto(urljoin(base_url, "/reports/"), timeout=TIMEOUT_MS)
        links = page.eval_on_selector_all("a[data-report]", "links => links.map(a => [a.textContent.trim(), "
                                                           "a.getAttribute('href')])")
        pages = [("工作台", "/dashboard/"), *[(name, href) for name, href in links]]
        for name, href in pages:
            move_data_version()
            first = open_page(page, urljoin(base_url, href))
            again = open_page(page, urljoin(base_url, href))
            results.append({"page": name, "path": href, "first": first, "again": again})
            log(f"browser {href}: after a write {first}, again {again}")
        browser.close()
    return results


def table(results: list[dict]) -> list[str]:
    """The Markdown table of the pages' timings beside the target."""
    lines = ["| page | charts | visit | HTML received (ms) | DOM ready (ms) | last chart drawn (ms) | target | |",
             "|---|---:|---|---:|---:|---:|---|---|"]
    for result in results:
        for visit, label in (("first", "after a write"), ("again", "again (cached)")):
            figures = result[visit]
            drawn = figures["charts"]
            met = drawn is not None and drawn < CHARTS_MS
            lines.append(
                f"| {result['page']} (`{result['path']}`) | {figures['count']} | {label} | {figures['html']:.0f} | "
                f"{figures['dom']:.0f} | {'—' if drawn is None else f'{drawn:.0f}'} | "
                f"{'no chart' if drawn is None else f'< {CHARTS_MS} ms'} | "
                f"{'' if drawn is None else 'met' if met else '**missed**'} |")
    return lines


def run(args, *, username: str) -> list[str]:
    """The browser timing against the server bench.run started (inside its server()): the table's lines."""
    password = bureau_password(username)
    return table(measure(base_url=f"http://127.0.0.1:{args.port}", username=username, password=password))


def main(argv=None) -> None:
    """The browser timing alone on a generated city (bench.run's prepare, then the server)."""
    from . import run as city

    parser = argparse.ArgumentParser(prog="python -m bench.browser_timing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    args = parser.parse_args(argv)
    check_database_url(parser, args.database_url)
    setup_django(args.database_url)
    city.prepare(args)
    with city.server(args):
        lines = run(args, username=city.BENCH_USER)
    print(f"\nBrowser timing on a city of {args.enterprises:,} enterprises (Chromium, signed in as the bureau)\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
