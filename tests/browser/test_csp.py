"""The Content-Security-Policy in a real browser: every role's main pages, the admin, the browsable API and the API
docs load with no violation reported (a `securitypolicyviolation` event or a console message), and the dashboard's
ECharts charts draw under it, their tooltips too."""

import pytest

from .conftest import assert_drawn, login, open_dashboard, shot

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, recording every CSP violation it reports (the page fixture fails on console errors too)."""
    messages = []
    page.on("console", lambda message: "Content Security Policy" in message.text and messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.csp_messages = messages
    return page


def visit(page, path: str, *, wait_for: str | None = None) -> None:
    """Open a page, wait until it is loaded (and `wait_for` shows), and assert it reported no violation and was
    served under the policy."""
    response = page.goto(f"{page.live_url}{path}")
    assert response.status < 400, (path, response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.wait_for_load_state("networkidle")
    if wait_for:
        page.wait_for_selector(wait_for)
    assert_no_violation(page, path)


def assert_no_violation(page, where: str) -> None:
    """No violation since the page was opened."""
    violations = page.evaluate("window.__cspViolations")
    assert violations == [] and page.csp_messages == [], (where, violations, page.csp_messages)


def hover_charts(page) -> None:
    """Move the mouse over the middle of every chart, so that ECharts draws its tooltips."""
    for chart in page.locator("[data-chart]").all():
        box = chart.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(150)


def test_anonymous_pages(watched, world):
    visit(watched, "/accounts/login/", wait_for="input[name=username]")
    visit(watched, "/admin/login/", wait_for="input[name=username]")


def test_bureau_pages(watched, world):
    world.bureau.is_staff = True  # signs in to the admin too
    world.bureau.save()
    login(watched, "bureau")
    open_dashboard(watched)
    for name in ("plan", "tiers", "parks", "districts"):
        assert_drawn(watched, name)
    hover_charts(watched)
    assert_no_violation(watched, "dashboard")
    shot(watched, "csp-bureau-dashboard")
    visit(watched, "/admin/", wait_for="#content")
    visit(watched, "/admin/enterprises/enterprise/", wait_for="#result_list")
    visit(watched, f"/admin/enterprises/enterprise/{world.ours.pk}/change/", wait_for="#content-main")
    visit(watched, "/admin/enterprises/tenancy/add/", wait_for="#id_enterprise + .select2")
    watched.click("#id_enterprise + .select2 .select2-selection")  # the autocomplete's drop-down
    watched.click(".select2-results__option")  # picked: the drop-down closes
    watched.click("#id_start ~ .datetimeshortcuts a >> nth=0")  # the admin's calendar shortcut ("today")
    assert_no_violation(watched, "tenancy add page")
    visit(watched, "/admin/axes/accessattempt/", wait_for="#content")
    visit(watched, "/api/v1/", wait_for="#content")
    visit(watched, "/api/v1/enterprises/", wait_for="#content")
    visit(watched, "/api/docs/", wait_for=".swagger-ui .info")
    shot(watched, "csp-swagger", full_page=False)
    # Redoc shows its maker's logo from their site (allowed on its page alone); this machine has no Internet.
    watched.route("https://cdn.redoc.ly/**", lambda route: route.fulfill(
        status=200, content_type="image/svg+xml", body='<svg xmlns="http://www.w3.org/2000/svg"/>'))
    visit(watched, "/api/redoc/", wait_for=".api-content")
    shot(watched, "csp-redoc", full_page=False)


def test_park_administrator_pages(watched, world):
    login(watched, "park_admin")
    open_dashboard(watched)
    assert_drawn(watched, "tiers")
    assert_drawn(watched, "parks")
    hover_charts(watched)
    assert_no_violation(watched, "dashboard")
    visit(watched, "/admin/", wait_for="#content")
    visit(watched, "/admin/enterprises/tenancy/", wait_for="#content")
    visit(watched, "/me/", wait_for="main")


def test_enterprise_user_pages(watched, world):
    login(watched, "enterprise_user")
    open_dashboard(watched)
    assert_drawn(watched, "assessment", enterprise=world.ours.pk)
    hover_charts(watched)
    assert_no_violation(watched, "dashboard")
    shot(watched, "csp-enterprise-dashboard")
    visit(watched, "/me/", wait_for="main")
    visit(watched, f"/me/enterprises/{world.ours.pk}/", wait_for="main form")
    visit(watched, f"/me/enterprises/{world.ours.pk}/filings/new/", wait_for="main form")
