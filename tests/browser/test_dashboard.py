"""The dashboard in a real browser, for each role: charts drawn from the API's figures, in Chinese or English."""

from rest_framework.test import APIClient

from registry.models import TierSummary

from .conftest import PLAN_YEAR, SUMMARY_YEAR, assert_drawn, login, open_dashboard, series, shot, switch_language

XAXIS = "(el) => echarts.getInstanceByDom(el).getOption().xAxis[0].data"


def api(user) -> APIClient:
    """An API client signed in as the user (to compare the charts with the API's figures)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


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
    rows = (TierSummary.objects.filter(level="district", year=PLAN_YEAR).exclude(tier="all")
            .select_related("district"))
    districts = {row.district.name for row in rows}
    assert drawn and len(drawn) % 2 == 0  # per tier drawn: designated, then candidates
    total = {"designated": sum(row.designated for row in rows), "candidates": sum(row.candidates for row in rows)}
    assert sum(sum(s["data"]) for s in drawn[0::2]) == total["designated"] == 2
    assert sum(sum(s["data"]) for s in drawn[1::2]) == total["candidates"]
    assert page.locator('[data-table="tiers"] tbody tr').count() == rows.count()
    assert districts == set(page.locator('[data-table="tiers"] tbody td:first-child').all_inner_texts())

    # Plan progress: each target's share met, as the report answers it.
    assert_drawn(page, "plan")
    report = api(world.bureau).get("/api/v1/reports/plan-progress/").json()["results"]
    assert report and series(page, "plan")[0]["data"] == [float(row["share"] or 0) for row in report]
    assert page.locator('[data-table="plan"] tbody tr').count() == len(report)

    # Occupancy by park: 500 of 1,000 m² let in ours, 400 of 400 in the other.
    assert_drawn(page, "parks")
    parks = dict(zip(page.eval_on_selector('[data-chart="parks"]', XAXIS), series(page, "parks")[0]["data"],
                     strict=True))
    assert parks == {world.park.name: 50, world.other_park.name: 100}

    # The district overview: enterprises and tenants per district, counted from the records.
    assert_drawn(page, "districts")
    districts = dict(zip(page.eval_on_selector('[data-chart="districts"]', XAXIS), series(page, "districts")[0]["data"],
                         strict=True))
    assert {name: count for name, count in districts.items() if count} == {"朝阳区": 3, "通州区": 1}

    switch_language(page, "en")
    page.wait_for_selector('#dashboard[data-state="ready"]')
    shot(page, "02-bureau-dashboard-en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Dashboard"
    assert "Tier pipeline by district" in page.inner_text("#h-tiers")
    # the tier by its one name (docs/screens-assessment.md)
    assert any(s["name"] == "Technology and innovation SME (科技和创新型中小企业) · designated"
               for s in series(page, "tiers"))
    assert page.inner_text("#language-form button") == "Switch"
    switch_language(page, "zh-hans")
    assert page.get_attribute("html", "lang") == "zh-hans"


def stated_years(page) -> dict[str, str]:
    """The year each report chart states above it (its basis line)."""
    return {el.get_attribute("data-basis"): el.get_attribute("data-year")
            for el in page.locator("[data-basis]").element_handles()}


def test_the_year_picker_redraws_every_report_for_the_chosen_year(page, world):
    login(page, "bureau")
    open_dashboard(page)
    # Opened on the reporting year (the latest whose filing season has closed), stated above every chart.
    assert page.input_value("#report-year") == str(PLAN_YEAR)
    assert set(stated_years(page).values()) == {str(PLAN_YEAR)}
    assert str(PLAN_YEAR) in page.inner_text('[data-basis="plan"]')
    before = series(page, "plan")[0]["data"]
    scale_before = page.inner_text('[data-table="plan"] tbody tr:first-child')

    page.select_option("#report-year", str(SUMMARY_YEAR))
    page.wait_for_selector('#dashboard[data-state="ready"]')
    page.wait_for_function(f"document.querySelector('[data-basis=\"plan\"]').dataset.year === '{SUMMARY_YEAR}'")
    shot(page, "06-bureau-dashboard-other-year")
    assert set(stated_years(page).values()) == {str(SUMMARY_YEAR)}
    assert page.url.endswith(f"?year={SUMMARY_YEAR}")
    # The figures are the other year's: as the API answers them for it, and not what was shown before.
    report = api(world.bureau).get("/api/v1/reports/plan-progress/", {"year": SUMMARY_YEAR}).json()
    assert report["basis"]["year"] == SUMMARY_YEAR and report["basis"]["year_chosen"] == "asked"
    assert series(page, "plan")[0]["data"] == [float(row["share"] or 0) for row in report["results"]]
    assert series(page, "plan")[0]["data"] != before
    assert page.inner_text('[data-table="plan"] tbody tr:first-child') != scale_before
    assert_drawn(page, "tiers")
    summary = TierSummary.objects.filter(level="district", year=SUMMARY_YEAR).exclude(tier="all")
    assert sum(sum(s["data"]) for s in series(page, "tiers")[1::2]) == sum(row.candidates for row in summary)

    # A reload keeps the chosen year.
    page.reload()
    page.wait_for_selector('#dashboard[data-state="ready"]')
    assert page.input_value("#report-year") == str(SUMMARY_YEAR)
    assert set(stated_years(page).values()) == {str(SUMMARY_YEAR)}
