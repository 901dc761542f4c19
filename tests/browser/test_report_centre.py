"""The report centre in a real browser: the bureau starts a tier summary from the page and watches it finish, opens
each report, changes the year, drills from a count to its enterprises, downloads the XLSX, reads a figure on the
plan board and in the support funds, opens a policy's awards from its count, and filters and pages the compliance
gaps; a park administrator sees their park's reports only. Shots at 1440 and 390 px
at each step; axe-core on each page."""

import datetime
import io
from decimal import Decimal

import openpyxl

from registry.choices import AwardStatus
from registry.models import ReportRun
from registry.services import report_run_execute
from tests.factories import EnterpriseFactory, SupportAwardFactory, SupportPolicyFactory, plan_task

from .conftest import PLAN_YEAR, SUMMARY_YEAR, assert_accessible, login, number, shot, shots

# The plan's fifteen tasks, written by a data migration (a live-server test's flush may have removed them).

REPORT_PAGES = [("districts", "/reports/districts/"), ("parks", "/reports/parks/"),
                ("plan", "/reports/plan-progress/"), ("tier-summary", "/reports/tier-summary/"),
                ("tier-candidates", "/reports/tier-candidates/")]


def open_report(page, path: str) -> None:
    """Open a report page and wait for its chart (if it has one) to be drawn."""
    page.goto(f"{page.live_url}{path}")
    page.wait_for_load_state("networkidle")
    if page.locator("#chart").count():
        page.wait_for_selector('#chart[data-state="ready"]')


def test_bureau_runs_the_summary_and_reads_every_report(page, world, tmp_path):
    login(page, "bureau", "/dashboard/")
    page.click("header nav a[href='/reports/']")  # the nav link, right after the dashboard's
    page.wait_for_selector("#report-index")
    assert page.locator("header nav a[href='/reports/']").inner_text().strip() == "报表中心"
    assert page.locator(".report-list a").count() == 9  # with the declarations, plan board, funds, compliance gaps
    shots(page, "report-centre-01-index")
    assert_accessible(page)

    # The tier summary: start a run of the summary year from the page, watch it until done.
    open_report(page, f"/reports/tier-summary/?year={SUMMARY_YEAR}")
    page.select_option("#run-year", str(SUMMARY_YEAR))
    page.click("#run-start")
    page.wait_for_selector('#run-status [data-status="pending"]')
    run = ReportRun.objects.filter(year=SUMMARY_YEAR).latest("created")
    assert run.started_by == world.bureau and run.status == "pending"
    assert page.locator("#run-panel").get_attribute("data-active") == "true"
    shots(page, "report-centre-02-run-pending")
    assert_accessible(page)
    # Starting it again while it is pending answers the API's message.
    page.click("#run-start")
    page.wait_for_selector("#run-message")
    assert f"/api/v1/report-runs/{run.pk}/" in page.inner_text("#run-message")
    shots(page, "report-centre-03-run-conflict")
    # The test's queue has no worker: the job runs here, and the page's polling (every 2 s) sees it finish.
    report_run_execute(run_id=run.pk)
    page.wait_for_selector('#run-status [data-status="succeeded"]', timeout=15_000)
    assert page.locator("#run-panel").get_attribute("data-active") == "false"
    assert page.locator(f'#run-history tr[data-run="{run.pk}"][data-status="succeeded"]').count() == 1
    shots(page, "report-centre-04-run-succeeded")
    assert_accessible(page)

    # Each report opens with its basis, a totals row and a chart.
    for name, path in REPORT_PAGES:
        open_report(page, path)
        assert page.locator("#report-basis").count() == 1, name
        assert page.locator("#report-table tfoot tr.totals").count() == 1, name
        shots(page, f"report-centre-05-{name}")
        assert_accessible(page)

    # The declaration pipeline opens with its basis and its table.
    open_report(page, "/reports/declarations/")
    assert page.locator("#report-basis").count() == 1 and page.locator("#report-table").count() == 1
    shots(page, "report-centre-05-declarations")
    assert_accessible(page)

    # Change the year of the district overview through its form.
    open_report(page, "/reports/districts/")
    page.select_option("#f-year", str(SUMMARY_YEAR))
    page.click("#report-filters button[type=submit]")
    page.wait_for_selector('#chart[data-state="ready"]')
    assert f"year={SUMMARY_YEAR}" in page.url
    assert page.inner_text('[data-basis="year"]').startswith(str(SUMMARY_YEAR))
    shots(page, "report-centre-06-districts-year")
    # Printed: no navigation, filters or buttons; the title, year and as-of date as the header line.
    page.emulate_media(media="print")
    assert page.is_visible(".print-header") and not page.is_visible("header nav")
    assert not page.is_visible("#report-filters") and not page.is_visible("#download-xlsx")
    header = page.inner_text(".print-header")
    assert str(SUMMARY_YEAR) in header and f"{SUMMARY_YEAR}-12-31" in header
    shot(page, "report-centre-06-districts-print")
    page.emulate_media(media="screen")

    # Drill from 朝阳's count of tenants to the enterprises behind it.
    page.click('tr[data-district="110105"] a[data-drill="tenants"]')
    page.wait_for_selector("#report-table")
    names = page.locator("#report-table tbody td:nth-child(2)").all_inner_texts()
    assert names == sorted([world.ours.name, world.neighbour.name])
    shots(page, "report-centre-07-drill")
    assert_accessible(page)

    # Plan progress: a target's records one click away.
    open_report(page, f"/reports/plan-progress/?year={PLAN_YEAR}")
    page.locator('a[data-drill="records"]').first.click()
    page.wait_for_selector("#report-table")
    shots(page, "report-centre-08-plan-records")
    assert_accessible(page)

    # The XLSX of the park report, downloaded as the button gives it, holds the parks' rows.
    open_report(page, "/reports/parks/")
    with page.expect_download() as download:
        page.click("#download-xlsx")
    path = tmp_path / "parks.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert world.park.name in cells and world.other_park.name in cells
    # Formatted as every file is (docs/files.md): a title block above a frozen, filtered header, and number formats.
    header_row = int(sheet.freeze_panes[1:]) - 1
    assert header_row > 2 and "园区" in str(sheet["A1"].value) and sheet.title != "report"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    formats = {cell.number_format for cell in sheet[header_row + 1]}
    assert "#,##0.00" in formats or "#,##0" in formats, formats

    # The plan board and the support funds of the plan's year, each showing a figure of the world's records: the
    # three labs of the park in task 3, and a policy's award paid (100 万元 approved, 80 paid) in the totals.
    policy = SupportPolicyFactory(task=plan_task(2), year=PLAN_YEAR)
    SupportAwardFactory(policy=policy, enterprise=world.ours, status=AwardStatus.PAID,
                        amount_approved=Decimal("100"), amount_paid=Decimal("80"),
                        approved_on=datetime.date(PLAN_YEAR, 4, 1), paid_on=datetime.date(PLAN_YEAR, 8, 1))
    open_report(page, f"/reports/plan-board/?year={PLAN_YEAR}")
    assert page.locator("#report-basis").count() == 1 and page.locator("#report-table").count() == 1
    labs = page.locator('td[data-indicator="labs-in-operation"] + td')
    assert number(labs.inner_text()) == 3
    shots(page, "report-centre-09-plan-board")
    assert_accessible(page)
    open_report(page, f"/reports/support-funds/?year={PLAN_YEAR}")
    row = page.locator("#report-table tbody tr").filter(has_text=policy.name)
    assert [number(cell) for cell in row.locator("td.num").all_inner_texts()] == [1, 0, 0, 100, 80, 20]
    assert "100.00" in page.inner_text("#report-table tfoot")
    shots(page, "report-centre-09b-support-funds")
    assert_accessible(page)
    # The policy's awards, from its count: the awards page names the policy, amounts in 万元.
    row.locator('a[data-drill="awards"]').click()
    page.wait_for_selector("#report-table tbody tr[data-award]")
    assert policy.name in page.inner_text("h1")
    award = page.locator("#report-table tbody tr[data-award]")
    assert award.count() == 1 and world.ours.name in award.inner_text() and "100.00 万元" in award.inner_text()
    shots(page, "report-centre-09c-support-awards")
    assert_accessible(page)

    # The compliance gaps: nobody in the world holds an algorithm filing; filtered to the other park (with 52 more
    # enterprises: two pages), then the next page.
    for _ in range(52):
        EnterpriseFactory(park=world.other_park, district=world.other_park.district)
    open_report(page, "/reports/compliance-gaps/")
    assert page.locator('input[name="kind"]:checked').count() == 2
    assert page.locator('[data-basis="rule"]').count() == 1
    shots(page, "report-centre-13-compliance-gaps")
    assert_accessible(page)
    page.select_option("#f-park", str(world.other_park.pk))
    page.click("#report-filters button[type=submit]")
    page.wait_for_selector("#report-pager")
    first = page.locator("#report-table tbody tr[data-enterprise]").count()
    assert first == 50 and world.ours.name not in page.inner_text("#report-table")
    page.click('#report-pager a[rel="next"]')
    page.wait_for_selector('#report-pager a[rel="prev"]')
    assert page.locator("#report-table tbody tr[data-enterprise]").count() >= 2
    assert f"park={world.other_park.pk}" in page.url and "page=2" in page.url
    shots(page, "report-centre-14-compliance-gaps-page-2")
    assert_accessible(page)


def test_park_admin_sees_their_parks_reports(page, world):
    login(page, "park_admin", "/reports/")
    page.wait_for_selector("#report-index")
    assert {a.get_attribute("data-report") for a in page.locator(".report-list a").all()} == {
        "parks", "tier-summary", "tier-candidates", "declarations", "plan-board", "support-funds",
        "compliance-gaps"}
    shots(page, "report-centre-10-park-admin-index")
    open_report(page, "/reports/parks/")
    parks = page.locator("#report-table tbody th").all_inner_texts()
    assert parks == [world.park.name]
    shots(page, "report-centre-11-park-admin-parks")
    assert_accessible(page)
    # The per-park lists, by name, one click away: 新来数字人 (registered, renting nothing) has not filed for the
    # reporting year.
    page.click(f'tr[data-park="{world.park.pk}"] a[data-list="tenants-not-filed"]')
    page.wait_for_selector('#report-table[data-list="tenants-not-filed"]')
    assert world.newcomer.name in page.inner_text("#report-table")
    shots(page, "report-centre-11b-park-admin-not-filed")
    assert_accessible(page)
    open_report(page, f"/reports/tier-summary/?year={SUMMARY_YEAR}")
    assert page.locator("#run-panel").count() == 0
    assert world.other_park.name not in page.inner_text("#report-table")
    shots(page, "report-centre-12-park-admin-tiers")
    assert_accessible(page)
    assert page.locator('.report-menu a[href="/reports/districts/"]').count() == 0  # a 403 (test_report_pages)
