"""The dashboard in a real browser, for each role: charts drawn from the API's figures, in Chinese or English."""

from registry.models import TierSummary

from .conftest import assert_drawn, chart_state, login, open_dashboard, series, shot, switch_language


def test_bureau_sees_the_city(page, world):
    login(page, "bureau")
    assert page.url.endswith("/dashboard/")
    open_dashboard(page)
    shot(page, "01-bureau-dashboard-zh")
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.get_attribute("#run-status .badge", "data-status") == "succeeded"

    # The tier pipeline by district: per tier, designated and candidates stacked, as the summary holds them.
    assert_drawn(page, "tiers")
    drawn = series(page, "tiers")
    rows = TierSummary.objects.filter(level="district").exclude(tier="all").select_related("district")
    districts = {row.district.name for row in rows}
    assert drawn and len(drawn) % 2 == 0  # per tier drawn: designated, then candidates
    total = {"designated": sum(row.designated for row in rows), "candidates": sum(row.candidates for row in rows)}
    assert sum(sum(s["data"]) for s in drawn[0::2]) == total["designated"] == 2
    assert sum(sum(s["data"]) for s in drawn[1::2]) == total["candidates"]
    assert page.locator('[data-table="tiers"] tbody tr').count() == rows.count()
    assert districts == set(page.locator('[data-table="tiers"] tbody td:first-child').all_inner_texts())

    for name in ("plan", "parks", "districts"):  # drawn once the report exists; "no data" before, never an error
        state = chart_state(page, name)
        assert state in ("ready", "empty"), name
        if state == "ready":
            assert_drawn(page, name)

    switch_language(page, "en")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    shot(page, "02-bureau-dashboard-en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Dashboard"
    assert "Tier pipeline by district" in page.inner_text("#h-tiers")
    assert any(s["name"] == "Innovative · designated" for s in series(page, "tiers"))
    assert page.inner_text("#language-form button") == "Switch"
    switch_language(page, "zh-hans")
    assert page.get_attribute("html", "lang") == "zh-hans"
