"""Browser tests: Debian's Chromium driven by Playwright's sync API against pytest-django's live server.

Every test fails on any error in the browser's console or any uncaught page error (a 404 for a favicon included).
Screenshots of each step go to test-artifacts/screenshots/. Select these tests with `-m browser`, leave them out with
`-m "not browser"`.
"""

import datetime
import os
import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils import timezone

from enterprises.models import EnterpriseMembership
from parks.models import District
from registry import seeding
from registry.models import ReportRun
from registry.services import report_run_execute
from tests.factories import (
    LabFactory,
    PlatformFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)
from tests.worlds import build_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PASSWORD = "pw"  # the factories' password
SUMMARY_YEAR = 2024
# The reporting year, the reports' default: the latest year whose (default) filing season, to 31 May, has closed.
TODAY = timezone.localdate()
PLAN_YEAR = TODAY.year - 1 if TODAY > datetime.date(TODAY.year, 5, 31) else TODAY.year - 2


def pytest_collection_modifyitems(items):
    """Mark every test of this folder `browser`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium per test module (Debian's, never a downloaded one).

    Playwright's sync API runs an event loop in the test's thread, where Django's ORM calls (synchronous, and
    safe here) would be refused without DJANGO_ALLOW_ASYNC_UNSAFE; it is set only while the browser runs.
    """
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium (apt-get install chromium)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page (Chinese first, as a Beijing user's browser asks); fails the test on any
    console error or page error."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.live_url = live_server.url
    yield page
    page.wait_for_load_state("networkidle")  # no request still in the live server when its database goes
    context.close()
    assert not problems, "\n".join(problems)


def shot(page, name: str, *, full_page: bool = True) -> Path:
    """A screenshot of the current step: the whole page, or only the window for a page as long as the API docs
    (a full-page shot of Redoc's thousands of lines takes longer than the screenshot's timeout)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


WIDTHS = {"wide": (1440, 900), "narrow": (390, 844)}  # a desk screen and a phone
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def shots(page, name: str) -> list[Path]:
    """Screenshots of the current step at 1440 px and at 390 px wide (the window is set back to 1440 after)."""
    paths = []
    for width, height in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": height})
        paths.append(shot(page, f"{name}-{width}"))
    page.set_viewport_size({"width": WIDTHS["wide"][0], "height": WIDTHS["wide"][1]})
    return paths


def axe_violations(page) -> list[str]:
    """The serious and critical accessibility violations axe-core finds on the current page (its script is
    evaluated through the browser's debugging protocol, which the page's CSP does not govern)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                          ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                          " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {v['nodes']}" for v in found if v["impact"] in SERIOUS]


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the current page."""
    assert axe_violations(page) == []


def login(page, username: str, next_path: str = "/", password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto(f"{page.live_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, page.content()[:2000]


def open_dashboard(page) -> None:
    """Go to the dashboard and wait until every chart has drawn (or said it has no data)."""
    page.goto(f"{page.live_url}/dashboard/")
    page.wait_for_selector('#dashboard[data-state="ready"]')


def switch_language(page, code: str) -> None:
    """Switch the page's language with the switcher in the header."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.click("#language-form button[type=submit]")
    page.wait_for_load_state()


# --- what a chart drew -------------------------------------------------------------------------------------------
DRAWN_PIXELS = """(el) => {
  const canvas = el.querySelector('canvas');
  if (!canvas) return -1;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) drawn++;
  return drawn;
}"""
SERIES = """(el) => echarts.getInstanceByDom(el).getOption().series.map(s => ({
  name: s.name, data: s.data.map(d => (d !== null && typeof d === 'object') ? d.value : d)}))"""


def chart_state(page, name: str, **attrs) -> str:
    """The state a chart ended in: ready (drawn), empty (no data) or error."""
    selector = f'[data-chart="{name}"]' + "".join(f'[data-{k}="{v}"]' for k, v in attrs.items())
    return page.get_attribute(selector, "data-state")


def drawn_pixels(page, name: str, **attrs) -> int:
    """How many pixels of the chart's canvas are not transparent (0: blank; -1: no canvas)."""
    selector = f'[data-chart="{name}"]' + "".join(f'[data-{k}="{v}"]' for k, v in attrs.items())
    return page.eval_on_selector(selector, DRAWN_PIXELS)


def series(page, name: str, **attrs) -> list[dict]:
    """The chart's series as ECharts holds them: name and the values."""
    selector = f'[data-chart="{name}"]' + "".join(f'[data-{k}="{v}"]' for k, v in attrs.items())
    return page.eval_on_selector(selector, SERIES)


def assert_drawn(page, name: str, **attrs) -> None:
    """The chart is drawn: ECharts made a canvas and painted a good part of it."""
    assert chart_state(page, name, **attrs) == "ready"
    assert drawn_pixels(page, name, **attrs) > 5000


# --- the world the tests look at -----------------------------------------------------------------------------------
# Per park of the world: its registered enterprises' (name, short name).
ENTERPRISE_NAMES = (
    (("光境数字科技有限公司", "光境数字"), ("星河虚拟人有限公司", "星河虚拟人"), ("新来数字人有限公司", "新来数字人")),
    (("运河智能有限公司", "运河智能"),),
)


@pytest.fixture
def world(live_server):
    """Beijing's districts and the plan's targets (the seed's), two parks in two districts with units and tenants,
    approved filings and a designation, a tier summary computed, and one account per role."""
    seeding.load_districts(tally=seeding.new_tally())
    seeding.load_plan_targets(tally=seeding.new_tally())
    chaoyang, tongzhou = District.objects.get(code="110105"), District.objects.get(code="110112")
    # The parks, their registered enterprises and the park administrator from tests/worlds.py.
    base = build_world(
        parks=2, admins=(1, 0), staff=True, enterprises=(3, 1), local=True,
        park_kwargs=lambda p: ({"name": "朝阳数字人基地", "district": chaoyang, "featured": True},
                               {"name": "通州数字人产业园", "district": tongzhou})[p],
        enterprise_kwargs=lambda p, n: dict(zip(("name", "short_name"), ENTERPRISE_NAMES[p][n], strict=True)),
        admin_kwargs=lambda p, n: {"username": "park_admin"},
    )
    park, other_park = base.parks
    (ours, neighbour, newcomer), (theirs,) = base.enterprises
    units = [UnitFactory(park=park, room=f"10{i}", area=Decimal(area)) for i, area in enumerate(("300", "200", "500"))]
    other_unit = UnitFactory(park=other_park, room="201", area=Decimal("400"))
    TenancyFactory(unit=units[0], enterprise=ours, start=datetime.date(2024, 1, 1))
    TenancyFactory(unit=units[1], enterprise=neighbour, start=datetime.date(2024, 1, 1))
    TenancyFactory(unit=other_unit, enterprise=theirs, start=datetime.date(2024, 1, 1))
    approved_filing(enterprise=ours, year=SUMMARY_YEAR)
    approved_filing(enterprise=neighbour, year=SUMMARY_YEAR, revenue=Decimal("30000"), rd_expense=Decimal("1500"))
    approved_filing(enterprise=theirs, year=SUMMARY_YEAR)
    TierDesignationFactory(enterprise=neighbour)
    # Last year's figures and records, for the plan's progress.
    approved_filing(enterprise=neighbour, year=PLAN_YEAR, revenue=Decimal("120000"),
                    digital_human_revenue=Decimal("100000"), main_revenue=Decimal("110000"))
    for _ in range(3):
        LabFactory(host=ours, park=park)
    for _ in range(2):
        PlatformFactory(operator=neighbour, park=park)
    TierDesignationFactory(enterprise=theirs)
    report_run_execute(run_id=ReportRun.objects.create(year=SUMMARY_YEAR).pk)
    report_run_execute(run_id=ReportRun.objects.create(year=PLAN_YEAR).pk)

    bureau = bureau_user(username="bureau")
    park_admin = base.admin(0)
    enterprise_user = UserFactory(username="enterprise_user")
    EnterpriseMembership.objects.create(user=enterprise_user, enterprise=ours)
    return SimpleNamespace(
        park=park, other_park=other_park, units=units, ours=ours, neighbour=neighbour, newcomer=newcomer,
        theirs=theirs, bureau=bureau, park_admin=park_admin, enterprise_user=enterprise_user,
    )


def number(text: str) -> Decimal:
    """A number as the page's tables print it (thousands separators and all)."""
    return Decimal(re.sub(r"[^\d.\-]", "", text))
