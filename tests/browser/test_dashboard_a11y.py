"""The dashboard and the admin as each role reads them, at 1440 and 390 px: no serious accessibility violation
(axe-core), no table boxed in a scrolling region of its own, a header that collapses behind a menu button on a
phone, the plan's missing domains named, and Chinese copy (revision and money in Chinese words)."""

from .conftest import AXE, SERIOUS, assert_accessible, login, open_dashboard, shots

NARROW = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}


def assert_accessible_admin(page) -> None:
    """assert_accessible for an admin page: axe-core without its stylesheet preload, which re-creates the admin's
    @import-ed stylesheets (forms.css imports widgets.css) as inline styles the page's CSP refuses."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations'], preload: false}))"
                          ".violations.map(v => ({id: v.id, impact: v.impact,"
                          " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    assert [v for v in found if v["impact"] in SERIOUS] == []


def check_both_widths(page, name: str) -> None:
    """Screenshots at both widths, and axe-core's check at each."""
    shots(page, name)
    check = assert_accessible_admin if "/admin/" in page.url else assert_accessible
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        check(page)


def header_lines(page) -> int:
    """How many lines the header takes: its height over the height of its first line (the brand)."""
    return round(page.eval_on_selector("#site-header", "el => el.getBoundingClientRect().height")
                 / page.eval_on_selector("#site-nav strong", "el => el.getBoundingClientRect().height + 16"))


def test_bureau_dashboard_reads_whole_at_both_widths(page, world):
    login(page, "bureau")
    open_dashboard(page)
    check_both_widths(page, "a11y-01-bureau-dashboard")
    # The year picker is a bar of its own, in Chinese.
    assert page.is_visible("#report-year") and "年度" in page.inner_text("#report-year option:checked")
    # No table scrolls on its own: each data box is as tall as its table.
    heights = page.eval_on_selector_all(".chart-data", "els => els.map(e => [e.scrollHeight, e.clientHeight])")
    assert heights and all(scroll <= client + 1 for scroll, client in heights)
    # The platforms target (the seed's wording) has 2 platforms in one domain: not met, the other domains named.
    row = page.locator('[data-table="plan"] tbody tr', has_text="共性技术平台5个以上")
    cells = row.locator("td").all_inner_texts()
    assert cells[4] == "未达成" and "交互驱动" in cells[5] and "云端渲染 2" in cells[6]

    # On a phone the header is one line with a menu button; the menu opens the links.
    page.set_viewport_size(NARROW)
    assert page.is_visible("#menu-toggle") and not page.is_visible("#site-nav a")
    assert header_lines(page) <= 2
    page.click("#menu-toggle")
    assert page.get_attribute("#menu-toggle", "aria-expanded") == "true" and page.is_visible("#site-nav a")
    shots(page, "a11y-02-bureau-menu-open")
    page.set_viewport_size(NARROW)
    assert_accessible(page)
    page.click("#menu-toggle")
    assert not page.is_visible("#site-nav a")
    # Every table's cells stay within the phone's width (shown as cards, each cell under its column's name).
    page.set_viewport_size(NARROW)
    widths = page.eval_on_selector_all(".chart-data table", "els => els.map(e => e.getBoundingClientRect().right)")
    assert widths and max(widths) <= 390
    page.set_viewport_size(WIDE)
    assert page.is_visible("#site-nav a") and not page.is_visible("#menu-toggle")


def test_admin_pages_at_both_widths(page, world):
    world.bureau.is_staff = True  # the world's bureau account signs in to the pages only: give it the admin
    world.bureau.save(update_fields=["is_staff"])
    login(page, "bureau", next_path="/admin/")
    assert page.is_visible("#content-main .app-enterprises")
    check_both_widths(page, "a11y-03-bureau-admin-index")
    page.goto(f"{page.live_url}/admin/enterprises/enterprise/")
    assert page.is_visible("#changelist") and world.neighbour.name in page.inner_text("#result_list")
    check_both_widths(page, "a11y-04-bureau-enterprise-list")
    page.goto(f"{page.live_url}/admin/enterprises/enterprise/{world.neighbour.pk}/change/")
    # The segments are checkboxes named in Chinese; the page sums up the filings, designations and users.
    assert page.is_visible('#id_segments input[value="modelling"]') and "建模" in page.inner_text("#id_segments")
    for group in ("#filings-group", "#designations-group", "#memberships-group"):
        assert page.is_visible(group)
    assert page.locator("#filings-group tbody tr.has_original").count() == 2  # two approved filings
    check_both_widths(page, "a11y-05-bureau-enterprise-change")


def test_park_admin_and_enterprise_user_dashboards(page, world):
    login(page, "park_admin")
    open_dashboard(page)
    check_both_widths(page, "a11y-06-park-admin-dashboard")
    page.goto(f"{page.live_url}/admin/")
    assert page.is_visible("#content-main .app-enterprises")
    check_both_widths(page, "a11y-07-park-admin-admin-index")
    page.goto(f"{page.live_url}/dashboard/")  # sign out through the header's form
    page.set_viewport_size(WIDE)
    page.click("#site-account form button")
    page.wait_for_load_state()
    login(page, "enterprise_user")
    open_dashboard(page)
    check_both_widths(page, "a11y-08-enterprise-user-dashboard")
    assert "第1版" in page.inner_text(f'[data-enterprise="{world.ours.pk}"] table.filings')
