"""A target is met on exact values under the comparison stored on it (greater than, or at least); figures are
rounded half up, for display only, the same way in the reports and in the tier engine; amounts state their unit."""

import datetime
from decimal import Decimal

import pytest

from enterprises.tiers.expressions import Const
from enterprises.tiers.measures import Ratio
from registry.choices import Comparison, TargetMetric, TargetUnit
from registry.models import PlanTarget
from registry.seeding import load_plan_targets, new_tally

from ..conftest import token_client
from ..factories import (
    LabFactory,
    PlanTargetFactory,
    TenancyFactory,
    UnitFactory,
    approved_filing,
    bureau_user,
)
from ..worlds import build_world

pytestmark = pytest.mark.django_db  # the session fixtures read the database

YEAR = 2024
ON = datetime.date(2024, 12, 31)
PROGRESS = "/api/v1/reports/plan-progress/"


def progress(client, **params) -> dict:
    """The plan-progress rows by target code."""
    response = client.get(PROGRESS, {"year": YEAR, "as_of": ON.isoformat(), **params})
    assert response.status_code == 200, response.content[:500]
    return {row["code"]: row for row in response.json()["results"]}


def digital_human_revenue(*amounts: str) -> None:
    """Approved filings of the year with these digital-human revenues (万元)."""
    for amount in amounts:
        approved_filing(year=YEAR, revenue=Decimal(amount) * 2, main_revenue=Decimal(amount) * 2,
                        digital_human_revenue=Decimal(amount))


@pytest.mark.django_db
def test_499_995_is_not_more_than_500():
    load_plan_targets(tally=new_tally())  # the plan's own target: 数字人产业规模超过500亿元
    target = PlanTarget.objects.get(metric=TargetMetric.INDUSTRY_SCALE)
    assert "超过" in target.title and target.comparison == Comparison.GREATER
    digital_human_revenue("2000000.00", "2000000.00", "999950.00")  # 499.995 亿元
    row = progress(token_client(bureau_user()))[target.code]
    assert row["actual_exact"] == "499.995" and row["unit"] == TargetUnit.YUAN_100M
    assert row["actual"] == "500.00" and row["share"] == "100.00"  # shown rounded half up ...
    assert row["met"] is False  # ... but not more than 500


@pytest.mark.django_db
def test_exactly_500_is_at_least_500_but_not_more_than_500():
    common = {"metric": TargetMetric.INDUSTRY_SCALE, "unit": TargetUnit.YUAN_100M, "goal": 500}
    PlanTargetFactory(code="at-least", comparison=Comparison.AT_LEAST, **common)
    PlanTargetFactory(code="greater", comparison=Comparison.GREATER, **common)
    digital_human_revenue("2000000.00", "2000000.00", "1000000.00")
    rows = progress(token_client(bureau_user()))
    assert rows["at-least"]["actual_exact"] == rows["greater"]["actual_exact"] == "500"
    assert rows["at-least"]["met"] is True and rows["greater"]["met"] is False
    assert rows["greater"]["comparison"] == "gt" and rows["at-least"]["comparison"] == "gte"
    digital_human_revenue("0.01")  # 0.000001 亿元 more
    rows = progress(token_client(bureau_user()))
    assert rows["greater"]["met"] is True and rows["greater"]["actual"] == "500.00"


@pytest.mark.django_db
def test_counts_compare_the_same_way():
    PlanTargetFactory(code="labs-gt", metric=TargetMetric.LABS, goal=1, comparison=Comparison.GREATER)
    PlanTargetFactory(code="labs-gte", metric=TargetMetric.LABS, goal=1, comparison=Comparison.AT_LEAST)
    LabFactory(established=datetime.date(2024, 1, 1))
    rows = progress(token_client(bureau_user()))
    assert rows["labs-gt"]["actual"] == rows["labs-gte"]["actual"] == "1.00"
    assert (rows["labs-gt"]["met"], rows["labs-gte"]["met"]) == (False, True)


@pytest.mark.parametrize(("title", "comparison"), [
    ("数字人产业规模超过500亿元", Comparison.GREATER), ("规模突破500亿元", Comparison.GREATER),
    ("更多企业", Comparison.GREATER), ("共性技术平台5个以上", Comparison.AT_LEAST),
    ("应用标杆项目达到20个", Comparison.AT_LEAST), ("不少于10家", Comparison.AT_LEAST),
    ("校企联合实验室和企业技术创新中心10家", Comparison.AT_LEAST),
    # 超过 names the revenue threshold here; the count of enterprises is a goal reached at 1
    ("营收超过50亿元的头部数字人企业1-2家", Comparison.AT_LEAST),
])
def test_the_comparison_read_from_a_target_s_wording(title, comparison):
    from registry.targets import comparison_from_wording

    metric = TargetMetric.ENTERPRISES_OVER_REVENUE if "营收超过" in title else TargetMetric.INDUSTRY_SCALE
    assert comparison_from_wording(title=title, metric=metric) == comparison


@pytest.mark.django_db
def test_the_seeded_targets_carry_their_comparisons():
    load_plan_targets(tally=new_tally())
    comparisons = dict(PlanTarget.objects.values_list("code", "comparison"))
    assert comparisons == {
        "bj-dh-2025-industry-scale": "gt", "bj-dh-2025-head-enterprises": "gte", "bj-dh-2025-key-enterprises": "gte",
        "bj-dh-2025-labs": "gte", "bj-dh-2025-platforms": "gte", "bj-dh-2025-benchmark-projects": "gte",
        "bj-dh-2025-featured-parks": "gte",
    }


@pytest.mark.django_db
def test_amounts_state_their_unit():
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=500)
    digital_human_revenue("12345.67", "20000.00", "30000.00")
    client = token_client(bureau_user())
    response = client.get(PROGRESS, {"year": YEAR, "as_of": ON.isoformat()}, HTTP_ACCEPT_LANGUAGE="en")
    (row,) = response.json()["results"]
    assert (row["unit"], row["unit_name"]) == ("yuan_100m", "100 million yuan")
    assert row["actual_exact"] == "6.234567" and row["actual"] == "6.23"
    assert {(record["value_unit"], record["value_unit_name"]) for record in row["records"]} == {
        ("yuan_10k", "10,000 yuan")}
    assert sorted(Decimal(record["value"]) for record in row["records"]) == [
        Decimal("12345.67"), Decimal("20000.00"), Decimal("30000.00")]
    drill = client.get(row["records_url"]).json()["results"]
    assert {record["value_unit"] for record in drill} == {"yuan_10k"}


# --- one rounding rule: half up ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_half_is_rounded_up_in_the_plan_progress():
    PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=8)
    digital_human_revenue("20.00", "20.00", "10.00")  # 0.005 亿元: half-even would show 0.00
    row = progress(token_client(bureau_user()))["scale"]
    assert row["actual"] == "0.01" and row["actual_exact"] == "0.005"
    PlanTargetFactory(code="scale-4", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=4)
    assert progress(token_client(bureau_user()))["scale-4"]["share"] == "0.13"  # 0.125 %: half-even shows 0.12


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_a_half_is_rounded_up_in_the_park_and_district_reports(role):
    world = build_world(parks=1, enterprises=1, local=True)
    park = world.parks[0]
    let, vacant = UnitFactory(park=park, area=Decimal("1.00")), UnitFactory(park=park, area=Decimal("799.00"))
    TenancyFactory(unit=let, enterprise=world.enterprise(0), start=datetime.date(2024, 1, 1), end=None)
    assert vacant.pk
    client = token_client(bureau_user()) if role == "bureau" else token_client(world.admin(0))
    parks = client.get("/api/v1/reports/parks/", {"as_of": "2024-06-30", "start": "2024-01-01",
                                                  "end": "2024-06-30"}).json()["results"]
    row = next(row for row in parks if row["park_id"] == park.pk)
    assert row["occupancy"] == "0.13"  # 1 / 800 = 0.125 %: half-even would show 0.12
    districts = client.get("/api/v1/reports/districts/", {"year": YEAR, "on": "2024-06-30"}).json()["results"]
    row = next(row for row in districts if row["district"] == park.district_id)
    assert row["occupancy"] == "0.13"
    table = client.get("/api/v1/reports/parks/", {"as_of": "2024-06-30", "format": "csv"}).content.decode("utf-8-sig")
    assert ",0.13," in table


@pytest.mark.django_db
def test_the_tier_engine_and_the_reports_round_a_half_alike():
    from enterprises.selectors import percent
    from registry.selectors import rd_intensity

    for part, whole, shown in (("1", "800", "0.13"), ("1", "400", "0.25"), ("3", "800", "0.38"),
                               ("5", "8000", "0.06"), ("1", "1600", "0.06")):
        engine = Ratio(Const(Decimal(part)), Const(Decimal(whole))).figure({})
        report = percent(Decimal(part), Decimal(whole))
        assert str(engine) == str(report) == str(rd_intensity(Decimal(part), Decimal(whole))) == shown
    candidate = approved_filing(year=YEAR, revenue=Decimal("800.00"), main_revenue=Decimal("800.00"),
                                digital_human_revenue=Decimal("800.00"), rd_expense=Decimal("1.00"))
    assert rd_intensity(candidate.rd_expense, candidate.revenue) == Decimal("0.13")


def test_one_helper_rounds():
    from config.rounding import half_up

    assert [str(half_up(Decimal(v))) for v in ("0.125", "0.135", "2.675", "-0.125", "499.995", "0.004999")] == [
        "0.13", "0.14", "2.68", "-0.13", "500.00", "0.00"]
    assert str(half_up(Decimal("0.5"), places=0)) == "1" and str(half_up(Decimal("1.5"), places=0)) == "2"
    assert str(half_up(Decimal("2.5"), places=0)) == "3"


@pytest.mark.django_db
def test_a_target_s_comparison_is_written_over_the_api(bureau_client):
    body = {"plan": "下一期计划", "code": "scale-2030", "title": "产业规模突破1000亿元", "metric": "industry_scale",
            "goal": "1000", "unit": "yuan_100m", "comparison": "gt", "year": 2030}
    response = bureau_client.post("/api/v1/plan-targets/", body, format="json")
    assert response.status_code == 201, response.content
    assert PlanTarget.objects.get(code="scale-2030").comparison == Comparison.GREATER
    response = bureau_client.post("/api/v1/plan-targets/", {**body, "code": "x", "comparison": "about"},
                                  format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and list(response.json()) == ["comparison"]
