"""The plan board and the support funds: a year of records built here, each indicator of tasks 3, 7, 9 and 10 and
each task's funds checked against a count written beside the records that make it, for the bureau, a park
administrator and district staff; tasks without indicators say 暂无指标; the XLSX is the annual progress report (a
title block with the year and the date); the support-fund report by policy, district, park and plan task."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from access.scoping import user_scope
from config.plan_board import INDICATORS, BoardScope, indicator, task_indicators
from enterprises.choices import Tier
from parks.models import DistrictMembership
from registry.choices import AwardStatus, OperatingStatus, ProjectStatus
from registry.models import FileJob, SupportAward
from registry.plan_indicators import tiers_held
from registry.selectors.plan_board import PLAN_2022_2025

from .conftest import token_client
from .factories import (
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    LabFactory,
    ParkFactory,
    ParkMembershipFactory,
    PlatformFactory,
    SupportAwardFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    bureau_user,
    support_funds_2024,
)
from .report_tables import split_report

pytestmark = pytest.mark.django_db

YEAR = 2024
ON = datetime.date(2024, 12, 31)
D = datetime.date
MY_CODES = {3: {"platforms-in-operation", "labs-in-operation"},
            7: {"benchmark-projects-of-year", "benchmark-projects-to-date"},
            9: {"parks-open", "featured-parks", "units-let"},
            10: {"tier-innovative", "tier-specialised", "tier-little-giant", "tier-single-champion"}}


@pytest.fixture
def world():
    """Two districts; P1 (D1, featured since March), P2 (D2) and P3 (D1, opened only in 2025); E1 and E3 registered
    with P1, E2 with P2; and the records below, each marked with whether it counts on 2024-12-31."""
    d1, d2 = DistrictFactory(), DistrictFactory()
    p1 = ParkFactory(district=d1, featured=True, featured_on=D(2024, 3, 1))
    p2 = ParkFactory(district=d2)
    ParkFactory(district=d1, opened_on=D(2025, 2, 1))  # not open yet on the date
    e1, e3 = (EnterpriseFactory(district=d1, park=p1) for _ in range(2))
    e2 = EnterpriseFactory(district=d2, park=p2)
    # Task 3: platforms PF1 (P1) and PF2 (P2) in operation; PF3 launched after the date, PF4 closed before it.
    PlatformFactory(operator=e1, park=p1, launched=D(2023, 5, 1))
    PlatformFactory(operator=e2, park=p2, launched=D(2024, 6, 1))
    PlatformFactory(operator=e1, park=p1, launched=D(2025, 1, 10))
    PlatformFactory(operator=e2, park=p2, launched=D(2022, 1, 1), status=OperatingStatus.CLOSED,
                    closed_on=D(2024, 10, 1))
    # Labs: L1 (P1) established 2022, L2 (P2) with no date (counted from the beginning).
    LabFactory(host=e1, park=p1, established=D(2022, 1, 1))
    LabFactory(host=e2, park=p2, established=None)
    # Task 7: BP1 of 2024 selected in May (P1), BP2 of 2023 accepted (P2), BP3 only applied, BP4 selected in 2025.
    BenchmarkProjectFactory(lead=e1, park=p1, year=2024, status=ProjectStatus.SELECTED, selected_on=D(2024, 5, 1))
    BenchmarkProjectFactory(lead=e2, park=p2, year=2023, status=ProjectStatus.ACCEPTED, selected_on=D(2023, 5, 1))
    BenchmarkProjectFactory(lead=e3, park=p1, year=2024, status=ProjectStatus.APPLIED)
    BenchmarkProjectFactory(lead=e2, park=p2, year=2024, status=ProjectStatus.SELECTED, selected_on=D(2025, 1, 5))
    # Task 9: U1 (P1) let from January, open; U2 (P1) let until June; U3 (P2) let Nov-June 2025; U4 (P2) from 2025.
    TenancyFactory(unit=UnitFactory(park=p1), enterprise=e1, start=D(2024, 1, 1), end=None)
    TenancyFactory(unit=UnitFactory(park=p1), enterprise=e3, start=D(2023, 1, 1), end=D(2024, 6, 1))
    TenancyFactory(unit=UnitFactory(park=p2), enterprise=e2, start=D(2024, 11, 1), end=D(2025, 6, 1))
    TenancyFactory(unit=UnitFactory(park=p2), enterprise=e2, start=D(2025, 1, 1), end=None)
    # Task 10: E1 specialised (held), E1 innovative of 2021 (expired), E2 little giant (held), E3 little giant
    # (revoked in September), E3 innovative granted in 2025.
    TierDesignationFactory(enterprise=e1, tier=Tier.SPECIALISED, year=2023, granted_on=D(2023, 3, 1))
    TierDesignationFactory(enterprise=e1, tier=Tier.INNOVATIVE, year=2021, granted_on=D(2021, 1, 1))
    TierDesignationFactory(enterprise=e2, tier=Tier.LITTLE_GIANT, year=2024, granted_on=D(2024, 7, 1))
    TierDesignationFactory(enterprise=e3, tier=Tier.LITTLE_GIANT, year=2024, granted_on=D(2024, 2, 1),
                           revoked_on=D(2024, 9, 1), revoke_reason="复核不通过")
    TierDesignationFactory(enterprise=e3, tier=Tier.INNOVATIVE, year=2025, granted_on=D(2025, 2, 1))
    # Funds: policies A and B of 2024, C of 2023 (not of the year), with their awards.
    a, b, c = support_funds_2024(e1=e1, e2=e2, e3=e3)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=d2)
    return {"p1": p1, "p2": p2, "d1": d1, "d2": d2, "e1": e1, "policies": (a, b, c), "staff": staff,
            "admin": ParkMembershipFactory(park=p1).user}


# Counts written from the records above, per viewer: the bureau, P1's administrator, D2's staff.
EXPECTED = {
    "bureau": {"platforms-in-operation": 2, "labs-in-operation": 2, "benchmark-projects-of-year": 1,
               "benchmark-projects-to-date": 2, "parks-open": 2, "featured-parks": 1, "units-let": 2,
               "tier-innovative": 0, "tier-specialised": 1, "tier-little-giant": 1, "tier-single-champion": 0},
    "admin": {"platforms-in-operation": 1, "labs-in-operation": 1, "benchmark-projects-of-year": 1,
              "benchmark-projects-to-date": 1, "parks-open": 1, "featured-parks": 1, "units-let": 1,
              "tier-innovative": 0, "tier-specialised": 1, "tier-little-giant": 0, "tier-single-champion": 0},
    "staff": {"platforms-in-operation": 1, "labs-in-operation": 1, "benchmark-projects-of-year": 0,
              "benchmark-projects-to-date": 1, "parks-open": 1, "featured-parks": 0, "units-let": 1,
              "tier-innovative": 0, "tier-specialised": 0, "tier-little-giant": 1, "tier-single-champion": 0},
}
# Task -> (policies, budget, awards granted, approved, paid) of 2024, per viewer (policies are public).
FUNDS = {
    "bureau": {2: (1, "500.00", 2, "150.50", "80.00"), 4: (1, "200.00", 0, "0.00", "0.00")},
    "admin": {2: (1, "500.00", 1, "100.00", "80.00"), 4: (1, "200.00", 0, "0.00", "0.00")},
    "staff": {2: (1, "500.00", 1, "50.50", "0.00"), 4: (1, "200.00", 0, "0.00", "0.00")},
}


def board(client, **query):
    response = client.get(reverse("api:report-plan-board"), {"year": YEAR, "as_of": ON.isoformat(), **query})
    assert response.status_code == 200, response.content
    return response.json()


def viewer(world, role):
    return {"bureau": bureau_user(), "admin": world["admin"], "staff": world["staff"]}[role]


@pytest.mark.parametrize("role", ["bureau", "admin", "staff"])
def test_each_indicator_and_each_task_fund_against_the_counts(world, role):
    answer = board(token_client(viewer(world, role)))
    rows = {row["number"]: row for row in answer["results"]}
    assert sorted(rows) == list(range(1, 16))
    assert answer["basis"]["year"] == YEAR and answer["basis"]["as_of"] == ON.isoformat()
    found = {item["code"]: Decimal(item["value"]) for row in rows.values() for item in row["indicators"]
             if item["code"] in EXPECTED[role]}
    assert found == {code: Decimal(count) for code, count in EXPECTED[role].items()}
    for number, codes in MY_CODES.items():
        assert codes <= {item["code"] for item in rows[number]["indicators"]}
        for item in rows[number]["indicators"]:
            assert (item["basis_year"], item["as_of"]) == (YEAR, ON.isoformat())
    for number, (policies, budget, awards, approved, paid) in FUNDS[role].items():
        row = rows[number]
        assert (row["policies"], row["budget"], row["awards"], row["approved"], row["paid"]) == (
            policies, budget, awards, approved, paid)
    assert all(rows[n]["awards"] == 0 and rows[n]["policies"] == 0 for n in rows if n not in FUNDS[role])


@pytest.mark.parametrize("role", ["bureau", "staff"])
def test_a_group_of_indicators_is_one_query_per_board(world, role, django_assert_num_queries):
    """The four tiers are one group (config.plan_board's `group`): the first computes them in one query for its
    board's scope, the others read it; a new board (scope) computes them again."""
    tiers = [code for code in EXPECTED[role] if code.startswith("tier-")]
    user = viewer(world, role)
    user_scope(user)  # the user's roles, read once per user object (as a request's user)
    for _board in range(2):
        scope = BoardScope(user=user, as_of=ON)
        with django_assert_num_queries(1):
            assert {code: INDICATORS[code].compute(YEAR, scope) for code in tiers} == {
                code: EXPECTED[role][code] for code in tiers}
    assert {INDICATORS[code].group for code in tiers} == {tiers_held}


def test_a_code_is_registered_once_with_or_without_a_group():
    with pytest.raises(ValueError, match="registered twice"):
        indicator(code="tier-innovative", task=10, unit="enterprises", title="x", group=lambda year, scope: {})
    with pytest.raises(ValueError, match="registered twice"):
        indicator(code="parks-open", task=9, unit="items", title="x")(lambda year, scope: 0)
    assert INDICATORS["parks-open"].group is None and INDICATORS["tier-innovative"].group is tiers_held


def test_tasks_without_indicators_say_so_in_every_format(world):
    client = token_client(bureau_user())
    registered = {item.task for item in INDICATORS.values()}
    rows = board(client)["results"]
    empty = [row["number"] for row in rows if not row["indicators"]]
    assert empty == [n for n in range(1, 16) if n not in registered]
    assert not {1, 2, 11, 13, 14} & set(empty)  # the industry activities answer them (branch activities)
    workbook = load_workbook(io.BytesIO(client.get(reverse("api:report-plan-board"),
                                                   {"year": YEAR, "as_of": ON.isoformat(), "format": "xlsx"}).content))
    cells = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    block, table = split_report(cells)
    title = cells[0][0]
    assert "行动计划重点任务进展" in title and "2024" in title  # the annual report's title block with its year
    assert str(block["报告年度"]) == str(YEAR) and str(block["数据截止日期"])[:10] == ON.isoformat()
    header, body = table[0], table[1:]
    assert header[:4] == ["任务序号", "重点任务", "指标", "数值"]
    by_task = {}
    for row in body:
        by_task.setdefault(row[0], []).append(row)
    for number in empty:
        assert [row[2] for row in by_task[number]] == ["暂无指标"]
    assert len(body) == len(empty) + sum(len(row["indicators"]) for row in rows)
    funds_of_2 = by_task[2][0]
    assert (funds_of_2[header.index("获支持企业次数")], Decimal(str(funds_of_2[header.index("核定金额（万元）")]))) == (
        2, Decimal("150.50"))


def test_the_page_shows_fifteen_tasks_and_says_when_there_is_no_indicator(world, client, monkeypatch):
    client.force_login(bureau_user())
    response = client.get(reverse("report-plan-board"), {"year": YEAR, "as_of": ON.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-task="') == 15
    assert "暂无指标" not in page  # every task of the plan has an indicator
    assert "print-header" in page and 'id="download-xlsx"' in page
    assert 'data-indicator="units-let"' in page and 'data-drill="records"' in page
    for code in [item.code for item in task_indicators(15)]:  # a task whose indicators are gone says so
        monkeypatch.delitem(INDICATORS, code)
    cache.clear()
    page = client.get(reverse("report-plan-board"), {"year": YEAR, "as_of": ON.isoformat()}).content.decode()
    assert page.count("暂无指标") == 1
    admin_client = type(client)()
    admin_client.force_login(world["admin"])
    assert admin_client.get(reverse("report-plan-board")).status_code == 200


def test_a_write_moves_the_cached_board_on(world):
    client = token_client(bureau_user())
    before = {row["number"]: row for row in board(client)["results"]}
    SupportAward.objects.filter(status=AwardStatus.APPLIED).update(
        status=AwardStatus.APPROVED, amount_approved=Decimal("9.5"), approved_on=D(2024, 6, 1))
    after = {row["number"]: row for row in board(client)["results"]}
    assert (before[2]["awards"], after[2]["awards"]) == (2, 3)
    assert Decimal(after[2]["approved"]) - Decimal(before[2]["approved"]) == Decimal("9.5")


def test_the_funds_are_read_as_of_the_board_date(world):
    """Approved amounts count the awards approved by the board's date, paid amounts those paid by it."""
    a = world["policies"][0]
    SupportAwardFactory(policy=a, enterprise=EnterpriseFactory(), status=AwardStatus.APPROVED,
                        amount_approved=Decimal("7"), approved_on=D(2025, 1, 10))  # approved after the date
    late = {"status": AwardStatus.PAID, "approved_on": D(2024, 11, 1), "paid_on": D(2025, 2, 1)}
    SupportAwardFactory(policy=a, enterprise=EnterpriseFactory(), amount_approved=Decimal("3"),
                        amount_paid=Decimal("2"), **late)  # approved by the date, paid after it
    client = token_client(bureau_user())
    rows = {row["number"]: row for row in board(client)["results"]}
    assert (rows[2]["awards"], rows[2]["approved"], rows[2]["paid"]) == (3, "153.50", "80.00")
    june = {row["number"]: row for row in board(client, as_of="2024-06-30")["results"]}
    assert (june[2]["awards"], june[2]["approved"], june[2]["paid"]) == (2, "150.50", "0.00")
    later = {row["number"]: row for row in board(client, as_of="2025-03-01")["results"]}
    assert (later[2]["awards"], later[2]["approved"], later[2]["paid"]) == (4, "160.50", "82.00")


def test_bad_queries_are_refused_by_field(world):
    client = token_client(bureau_user())
    response = client.get(reverse("api:report-plan-board"), {"year": "abc"})
    assert response.status_code == 400 and list(response.json()) == ["year"]
    response = client.get(reverse("api:report-plan-board"), {"colour": "red"})
    assert response.status_code == 400 and list(response.json()) == ["colour"]
    response = client.get(reverse("api:report-support-funds"), {"by": "weather"})
    assert response.status_code == 400 and "by" in response.json()
    # The board is of the one plan its indicators answer for; the fund report has no date (its amounts are today's).
    response = client.get(reverse("api:report-plan-board"), {"plan": PLAN_2022_2025})
    assert response.status_code == 400 and list(response.json()) == ["plan"]
    for name in ("on", "as_of"):
        response = client.get(reverse("api:report-support-funds"), {name: "2024-06-30"})
        assert response.status_code == 400 and list(response.json()) == [name], name


def test_support_fund_report_by_each_grouping(world):
    """By policy, district, park and plan task (2024's policies only: C is of 2023), against the awards above."""
    client = token_client(bureau_user())
    a, b, _c = world["policies"]
    expected = {
        "policy": {a.name: (2, 1, 0, "150.50", "80.00", "70.50"), b.name: (0, 0, 1, "0.00", "0.00", "0.00")},
        "district": {world["d1"].name: (1, 1, 1, "100.00", "80.00", "20.00"),
                     world["d2"].name: (1, 0, 0, "50.50", "0.00", "50.50")},
        "park": {world["p1"].name: (1, 1, 1, "100.00", "80.00", "20.00"),
                 world["p2"].name: (1, 0, 0, "50.50", "0.00", "50.50")},
        "task": {a.task.title: (2, 1, 0, "150.50", "80.00", "70.50"),
                 b.task.title: (0, 0, 1, "0.00", "0.00", "0.00")},
    }
    for by, groups in expected.items():
        response = client.get(reverse("api:report-support-funds"), {"year": YEAR, "by": by})
        assert response.status_code == 200, response.content
        found = {row["name"]: (row["awards"], row["applied"], row["cancelled"], row["approved"], row["paid"],
                               row["outstanding"]) for row in response.json()["results"]}
        assert found == groups, by
    # The drill-down of a group lists exactly its awards.
    row = client.get(reverse("api:report-support-funds"), {"year": YEAR, "by": "policy"}).json()["results"][0]
    listed = client.get(row["records_url"]).json()
    assert listed["count"] == row["awards"] + row["applied"] + row["cancelled"]


def test_support_funds_scoped_by_role(world):
    e1 = world["e1"]
    own = token_client(EnterpriseMembershipFactory(enterprise=e1).user)
    awards = own.get(reverse("api:supportaward-list")).json()
    assert {item["enterprise"]["id"] for item in awards["results"]} == {e1.pk} and awards["count"] == 2
    staff = token_client(world["staff"]).get(reverse("api:supportaward-list")).json()
    assert staff["count"] == 2  # E2's two awards (D2)
    outsider = token_client(UserFactory()).get(reverse("api:supportaward-list")).json()
    assert outsider["count"] == 0
    other = SupportAward.objects.exclude(enterprise=e1).first()
    assert own.get(reverse("api:supportaward-detail", args=[other.pk])).status_code == 404


def test_award_writes_bureau_only_and_field_messages(world):
    a = world["policies"][0]
    e = EnterpriseFactory(park=world["p1"], district=world["d1"])
    body = {"policy": a.pk, "enterprise": e.pk, "status": "paid", "amount_approved": "10.00",
            "amount_paid": "12.00", "approved_on": "2024-03-01", "paid_on": "2024-02-01"}
    bureau = token_client(bureau_user())
    response = bureau.post(reverse("api:supportaward-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert set(response.json()) == {"amount_paid", "paid_on"}
    response = bureau.post(reverse("api:supportaward-list"), {**body, "amount_paid": "10.00",
                                                              "paid_on": "2024-04-01"}, format="json")
    assert response.status_code == 201, response.content
    again = bureau.post(reverse("api:supportaward-list"), {**body, "amount_paid": "10.00", "paid_on": "2024-04-01"},
                        format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 400 and list(again.json()) == ["policy"], again.content  # as the import names it
    refused = token_client(world["admin"]).post(reverse("api:supportaward-list"), {**body, "policy": a.pk},
                                               format="json")
    assert refused.status_code == 403
    assert SupportAward.objects.filter(enterprise=e).count() == 1


def awards_file(rows: list[list]) -> SimpleUploadedFile:
    """An XLSX of awards under the template's Chinese headers."""
    workbook = Workbook()
    workbook.active.append(["统一社会信用代码", "政策名称", "状态", "核定金额（万元）", "核定日期", "拨付金额（万元）",
                            "拨付日期", "备注"])
    for row in rows:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return SimpleUploadedFile("资金支持.xlsx", content.getvalue())


def import_awards(client, rows, *, dry_run=False):
    """POST a file of awards to the one import (/api/v1/imports/, kind support_awards)."""
    return client.post(reverse("api:import-list"), {"kind": "support_awards", "file": awards_file(rows),
                                                    "dry_run": dry_run}, format="multipart")


def test_awards_import_dry_run_then_all_or_nothing(world):
    a, b, _c = world["policies"]
    e1, e2 = world["e1"], EnterpriseFactory()
    bureau = token_client(bureau_user())
    good = [[e2.credit_code, a.name, "已拨付", 30, "2024-05-01", 20, "2024-06-01", "首批"],
            [e1.credit_code, b.name, "已核定", 12.5, "2024-07-01", None, None, ""]]  # E1's cancelled award under B
    before = SupportAward.objects.count()
    dry = import_awards(bureau, good, dry_run=True)
    assert dry.status_code == 200, dry.content
    assert (dry.json()["kind"], dry.json()["created"], dry.json()["updated"], dry.json()["written"]) == (
        "support_awards", 1, 1, False)
    assert SupportAward.objects.count() == before
    bad = [*good, [e2.credit_code, "不存在的政策", "已核定", 5, "2024-07-01", 9, None, ""]]
    refused = import_awards(bureau, bad)
    assert refused.status_code == 400
    assert {(error["row"], error["field"]) for error in refused.json()["errors"]} == {(4, "policy"), (4, "amount_paid")}
    assert SupportAward.objects.count() == before  # nothing written
    done = import_awards(bureau, good)
    assert done.status_code == 200 and done.json()["written"]
    assert SupportAward.objects.count() == before + 1
    updated = SupportAward.objects.get(policy=b, enterprise=e1)
    assert (updated.status, updated.amount_approved) == (AwardStatus.APPROVED, Decimal("12.50"))
    again = import_awards(bureau, good).json()
    assert (again["unchanged"], again["created"], again["updated"]) == (2, 0, 0)
    template = bureau.get(reverse("api:import-template", args=["support_awards"]))
    assert template.status_code == 200
    cells = [list(row) for row in load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True)]
    assert ["统一社会信用代码", "政策名称", "状态"] == next(row for row in cells if row[0] == "统一社会信用代码")[:3]
    exported = bureau.get(reverse("api:export-csv", args=["support_awards"]))
    assert exported.status_code == 200 and b"".join(exported.streaming_content).decode("utf-8-sig").count(
        "\n") == 1 + SupportAward.objects.count()


def test_a_refused_row_matching_an_award_is_not_counted_unchanged(world):
    """The row of a known award whose cells are its values but one unreadable cell is refused, not unchanged."""
    a = world["policies"][0]
    award = SupportAward.objects.get(policy=a, enterprise=world["e1"])  # paid: 100 approved, 80 paid
    row = [world["e1"].credit_code, a.name, "已拨付", 100, "2024-04-01", 80, "2024-08-01", award.note]
    bureau = token_client(bureau_user())
    assert import_awards(bureau, [row], dry_run=True).json()["unchanged"] == 1
    refused = import_awards(bureau, [[*row[:6], "not a date", row[7]]], dry_run=True).json()
    assert [error["field"] for error in refused["errors"]] == ["paid_on"]
    assert (refused["unchanged"], refused["updated"], refused["written"]) == (0, 0, False)


def test_only_the_bureau_imports_awards_whatever_the_address(world):
    """A park administrator or an enterprise user posting awards through the one import gets every row refused and
    nothing written; the former address refuses them (403) as before."""
    a = world["policies"][0]
    e1 = world["e1"]
    rows = [[e1.credit_code, a.name, "已核定", 999, "2024-05-01", None, None, "自批"],  # their own award, changed
            [EnterpriseFactory(park=world["p1"]).credit_code, a.name, "已核定", 5, "2024-05-01", None, None, ""]]
    before = list(SupportAward.objects.order_by("pk").values_list("pk", "status", "amount_approved"))
    for user in (world["admin"], EnterpriseMembershipFactory(enterprise=e1).user):
        client = token_client(user)
        refused = import_awards(client, rows)
        assert refused.status_code == 400 and not refused.json()["written"]
        assert {error["row"] for error in refused.json()["errors"]} == {2, 3}
        assert client.post(reverse("api:supportaward-import-file"), {"file": awards_file(rows)},
                           format="multipart").status_code == 403
    assert list(SupportAward.objects.order_by("pk").values_list("pk", "status", "amount_approved")) == before


def test_the_former_award_addresses_still_answer(world, settings):
    """POST support-awards/import/ answers as the one import (a file job past IMPORT_SYNC_MAX_ROWS), and
    support-awards/import-template/ gives the kind's template."""
    a, b, _c = world["policies"]
    bureau = token_client(bureau_user())
    url = reverse("api:supportaward-import-file")
    rows = [[EnterpriseFactory().credit_code, a.name, "申请中", None, None, None, None, ""],
            [EnterpriseFactory().credit_code, b.name, "申请中", None, None, None, None, ""]]
    answered = bureau.post(url, {"file": awards_file(rows), "dry_run": True}, format="multipart")
    assert answered.status_code == 200 and answered.json()["created"] == 2
    settings.IMPORT_SYNC_MAX_ROWS = 1
    started = bureau.post(url, {"file": awards_file(rows)}, format="multipart")
    assert started.status_code == 202, started.content
    job = FileJob.objects.get(pk=started.json()["id"])
    assert (job.subject, job.total, started["Location"]) == ("support_awards", 2, started.json()["url"])
    former = bureau.get(reverse("api:supportaward-import-template"), {"format": "csv"})
    current = bureau.get(reverse("api:import-template", args=["support_awards"]), {"format": "csv"})
    assert former.status_code == current.status_code == 200
    assert former["Content-Disposition"] == current["Content-Disposition"]
    assert "统一社会信用代码,企业名称,政策名称" not in former.content.decode("utf-8-sig")  # export-only column left out
    assert "统一社会信用代码,政策名称,状态" in former.content.decode("utf-8-sig")


def test_the_bureau_imports_awards_on_the_import_page(world, client):
    """The support-fund page links the awards' import page for the bureau; the page checks, then imports; a park
    administrator finds no such page (404)."""
    a = world["policies"][0]
    e2 = EnterpriseFactory()
    client.force_login(bureau_user())
    report = client.get(reverse("report-support-funds"), {"year": YEAR})
    page = f"{reverse('board-import')}?kind=support_awards"
    assert f'href="{page}"' in report.content.decode()
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert shown.status_code == 200 and "导入资金支持兑现" in shown.content.decode()
    assert "imports/templates/support_awards/" in shown.content.decode()
    rows = [[e2.credit_code, a.name, "已核定", 8, "2024-05-01", None, None, ""]]
    checked = client.post(page, {"file": awards_file(rows), "dry_run": "1"})
    assert checked.status_code == 200 and checked.context["report"].created == 1
    assert not SupportAward.objects.filter(enterprise=e2).exists()
    done = client.post(page, {"checked": checked.context["checked"], "run": "1"})
    assert done.context["report"].written and SupportAward.objects.filter(enterprise=e2).count() == 1
    client.force_login(world["admin"])
    assert client.get(page).status_code == 404
    assert 'id="award-import"' not in client.get(reverse("report-support-funds"), {"year": YEAR}).content.decode()


def test_an_award_breaking_the_amount_rules_is_refused_in_chinese(world):
    a = world["policies"][0]
    body = {"policy": a.pk, "enterprise": EnterpriseFactory().pk, "status": "paid", "amount_approved": "10.00",
            "approved_on": "2024-03-01"}
    response = token_client(bureau_user()).post(reverse("api:supportaward-list"), body, format="json",
                                                HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json() == {"amount_paid": ["已拨付的支持须填写拨付金额。"],
                               "paid_on": ["已拨付的支持须填写拨付日期。"]}
