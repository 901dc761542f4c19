"""The performance mark the chart scripts set when a page's last chart is drawn ("charts-finished", which the
benchmark's browser timing reads): on the dashboard once every chart has painted, on a report page once its chart
has."""

from .conftest import login, open_dashboard

MARKS = "(name) => performance.getEntriesByName(name).map(m => ({at: m.startTime, charts: m.detail.charts}))"


def marks_set(page) -> list[dict]:
    """The charts-finished marks, waited for up to 5 s (polled: the page's CSP refuses the eval of
    wait_for_function); the 'finished' event follows the chart's paint."""
    marks = []
    for _ in range(100):
        marks = page.evaluate(MARKS, "charts-finished")
        if marks:
            break
        page.wait_for_timeout(50)
    return marks


def test_the_dashboard_marks_its_last_chart_drawn(page, world):
    login(page, "bureau")
    open_dashboard(page)
    marks = marks_set(page)
    drawn = page.locator('[data-chart][data-state="ready"]').count()
    assert drawn >= 3
    assert len(marks) == 1 and marks[0]["charts"] == drawn
    # Set after the page's own load began, and after every chart's canvas exists.
    navigation = page.evaluate("() => performance.getEntriesByType('navigation')[0].responseStart")
    assert marks[0]["at"] > navigation
    assert page.locator("[data-chart] canvas").count() >= drawn


def test_a_report_page_marks_its_chart_drawn(page, world):
    login(page, "bureau", "/reports/districts/")
    page.wait_for_selector('#chart[data-state="ready"]')
    marks = marks_set(page)
    assert [mark["charts"] for mark in marks] == [1]
    assert page.locator("#chart canvas").count() == 1
