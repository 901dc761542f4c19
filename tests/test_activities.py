"""Talent, events and cooperation (docs/registers-activities.md): industry activities through the API, scoped per
role as the enterprise's registers; each kind's plan task named once; bad input as field errors in Chinese and
English, nothing written; the filters; the XLSX/CSV import (Chinese template, dry run, all or nothing, the
enterprise its own) and the export imported back; the plan board's indicators of tasks 1, 2, 11, 13 and 14 over a
year of records, against counts written here. The worlds' parks, administrators and enterprises come from
tests/worlds.py; the activities are this module's subject and made here."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from config.plan_board import INDICATORS, BoardScope
from enterprises.choices import ACTIVITY_TASKS, ActivityKind, activity_kinds_of
from enterprises.imports.columns import COLUMNS
from enterprises.models import IndustryActivity
from parks.models import DistrictMembership

from .conftest import token_client as new_client
from .factories import UserFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
YEAR = 2024
D = datetime.date
LIST = reverse("api:industryactivity-list")
IMPORTS = reverse("api:import-list")
BODY = {"kind": "joint_training", "title": "数字人建模联合培养班", "partner": "北京航空航天大学",
        "held_on": "2024-09-01", "people": 30}


@pytest.fixture
def world():
    """Two parks in two districts, an administrator of the first, an enterprise registered with each and a user of
    each enterprise, staff of the first park's district, and the bureau."""
    made = build_world(parks=2, admins=(1, 0), enterprises=1, users=1, districts=2, local=True)
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=made.districts[0])
    e1, e2 = made.enterprise(0), made.enterprise(1)
    return {"made": made, "e1": e1, "e2": e2, "user1": made.members_of(e1)[0].user,
            "user2": made.members_of(e2)[0].user, "park_admin": made.admin(0), "staff": staff,
            "bureau": bureau_user()}


def token_client(user):
    """The API client of a user, one per user (a token is made once); each test makes its own users."""
    clients = token_client.__dict__.setdefault("clients", {})
    if user.pk not in clients:
        clients[user.pk] = new_client(user)
    return clients[user.pk]


@pytest.fixture(autouse=True)
def _fresh_clients():
    """Each test makes its own users and clients."""
    token_client.__dict__.pop("clients", None)


def activity(enterprise, kind, day, title="活动", people=None, **kwargs) -> IndustryActivity:
    """An activity of the enterprise, written as a record (validated first)."""
    record = IndustryActivity(enterprise=enterprise, kind=kind, held_on=day, title=title, people=people, **kwargs)
    record.full_clean()
    record.save()
    return record


# --- kinds and tasks ---------------------------------------------------------------------------------------------
def test_every_kind_names_one_of_the_tasks_the_issue_asks_for():
    assert set(ACTIVITY_TASKS) == set(ActivityKind)
    assert {task: sorted(activity_kinds_of(task)) for task in (1, 2, 11, 13, 14)} == {
        1: ["national_programme"], 2: ["tool_verification"], 11: ["joint_training", "leading_talent"],
        13: ["industry_exchange"], 14: ["international_event", "overseas_project"]}
    assert activity_kinds_of(4) == []


# --- the API, per role -------------------------------------------------------------------------------------------
def test_the_enterprise_files_its_own_and_the_others_see_them_by_role(world):
    body = {**BODY, "enterprise": world["e1"].pk}
    created = token_client(world["user1"]).post(LIST, body, format="json")
    assert created.status_code == 201, created.data
    assert created.data["task"] == 11 and created.data["people"] == 30
    detail = reverse("api:industryactivity-detail", args=[created.data["id"]])
    statuses = {role: token_client(world[role]).get(detail).status_code
                for role in ("user1", "user2", "park_admin", "staff", "bureau")}
    assert statuses == {"user1": 200, "user2": 404, "park_admin": 200, "staff": 200, "bureau": 200}
    assert token_client(world["park_admin"]).patch(detail, {"people": 31}, format="json").status_code == 403
    assert token_client(world["staff"]).delete(detail).status_code == 403
    # Another enterprise's user may not name E1 (it does not exist for them): 400 on the enterprise, nothing written.
    refused = token_client(world["user2"]).post(LIST, body, format="json")
    assert refused.status_code == 400 and "enterprise" in refused.data
    assert IndustryActivity.objects.count() == 1
    history = token_client(world["user1"]).patch(detail, {"people": 32}, format="json")
    assert history.status_code == 200 and IndustryActivity.objects.get().history.count() == 2
    assert token_client(world["user1"]).delete(detail).status_code == 204
    assert not IndustryActivity.objects.exists()


def test_lists_hold_only_what_the_role_sees(world):
    activity(world["e1"], "overseas_project", D(2024, 5, 1), "海外项目")
    activity(world["e2"], "overseas_project", D(2024, 5, 1), "海外项目")
    counts = {role: token_client(world[role]).get(LIST).data["count"]
              for role in ("user1", "user2", "park_admin", "staff", "bureau")}
    assert counts == {"user1": 1, "user2": 1, "park_admin": 1, "staff": 1, "bureau": 2}


@pytest.mark.parametrize(("change", "field", "english"), [
    ({"people": -1}, "people", "greater than or equal to 0"),
    ({"kind": "leading_talent", "people": None}, "people", "how many were recognised"),
    ({"held_on": "2999-01-01"}, "held_on", "cannot be in the future"),
    ({"kind": "award"}, "kind", "not a valid choice"),
    ({"title": ""}, "title", "may not be blank"),
])
def test_bad_input_is_a_field_error_in_chinese_and_english(world, change, field, english):
    body = {**BODY, "enterprise": world["e1"].pk, **change}
    client = token_client(world["user1"])
    answer = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and field in answer.data, answer.data
    assert english in str(answer.data[field][0])
    chinese = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    message = str(chinese.data[field][0])
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    assert not IndustryActivity.objects.exists()


def test_an_activity_recorded_twice_is_refused_on_its_title_by_the_api_and_the_database(world):
    client = token_client(world["user1"])
    body = {**BODY, "enterprise": world["e1"].pk}
    assert client.post(LIST, body, format="json").status_code == 201
    english = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.json() == {"title": ["This activity is already recorded (same kind, day and title)."]}
    assert chinese.json() == {"title": ["该活动已登记（类型、日期和名称相同）。"]}
    record = IndustryActivity.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the key by itself
        IndustryActivity.objects.create(enterprise=record.enterprise, kind=record.kind, held_on=record.held_on,
                                        title=record.title)
    for values in ({"people": -3}, {"kind": "leading_talent", "people": 0}, {"kind": "leading_talent"}):
        with pytest.raises(IntegrityError, match="activity_people_counted"), transaction.atomic():
            IndustryActivity.objects.create(enterprise=record.enterprise, held_on=record.held_on,
                                            **{"kind": "joint_training", "title": str(values), **values})
    assert IndustryActivity.objects.count() == 1


def test_the_filters_take_kind_task_enterprise_and_year(world):
    e1, e2 = world["e1"], world["e2"]
    activity(e1, "leading_talent", D(2024, 3, 1), "认定一", people=2)
    activity(e1, "joint_training", D(2024, 4, 1), "培养一")
    activity(e2, "joint_training", D(2023, 4, 1), "培养二")
    activity(e2, "international_event", D(2024, 6, 1), "展会")
    client = token_client(world["bureau"])

    def titles(**query):
        answer = client.get(LIST, query)
        assert answer.status_code == 200, answer.data
        return sorted(row["title"] for row in answer.data["results"])

    assert titles(kind="joint_training") == ["培养一", "培养二"]
    assert titles(task=11) == ["培养一", "培养二", "认定一"]
    assert titles(task=11, year=2024) == ["培养一", "认定一"]
    assert titles(task=14) == ["展会"]
    assert titles(enterprise=e2.pk) == ["培养二", "展会"]
    assert titles(year=2023) == ["培养二"]
    assert client.get(LIST, {"task": 4}).status_code == 400  # no kind counts for task 4
    assert client.get(LIST, {"year": 1900}).status_code == 400


# --- import and export -------------------------------------------------------------------------------------------
def upload(client, rows: list[list[str]], dry_run=False):
    """POST the rows as a CSV of activities to the import endpoint."""
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    return client.post(IMPORTS, {"kind": "activities", "dry_run": dry_run,
                                 "file": SimpleUploadedFile("activities.csv", text.encode("utf-8-sig"))},
                       format="multipart")


def test_the_template_is_in_chinese():
    client = token_client(bureau_user())
    answer = client.get(reverse("api:import-template", args=["activities"]), {"format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    for header in ("统一社会信用代码", "活动类型", "日期", "名称", "合作方", "人数", "备注"):
        assert header in cells
    assert "企业名称" not in [column.header for column in COLUMNS["activities"] if column.imported]


def test_rows_dry_run_then_written_then_unchanged(world):
    code = world["e1"].credit_code
    client = token_client(world["user1"])
    rows = [["统一社会信用代码", "活动类型", "日期", "名称", "合作方", "人数"],
            [code, "领军人才认定", "2024-03-01", "海聚工程", "", "2"],
            [code, "海外合作项目", "2024-05-01", "中东数字人合作", "阿联酋", ""]]
    dry = upload(client, rows, dry_run=True)
    assert dry.status_code == 200 and dry.data["created"] == 2 and not dry.data["written"], dry.data
    assert not IndustryActivity.objects.exists()
    done = upload(client, rows)
    assert done.data["written"] and done.data["created"] == 2, done.data
    assert sorted(IndustryActivity.objects.values_list("kind", "people", "partner")) == [
        ("leading_talent", 2, ""), ("overseas_project", None, "阿联酋")]
    again = upload(client, rows)
    assert again.data["unchanged"] == 2 and IndustryActivity.objects.count() == 2


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column(world):
    code = world["e1"].credit_code
    client = token_client(world["bureau"])
    rows = [["统一社会信用代码", "活动类型", "日期", "名称", "人数"],
            [code, "国际会议展会", "2024-03-01", "世界人工智能大会", "0"],
            [code, "领军人才认定", "2024-06-01", "认定", ""],
            [code, "校企联合培养", "2024-07-01", "联合培养", "-4"]]
    refused = upload(client, rows)
    assert refused.status_code == 400 and not refused.data["written"]
    assert [(e["row"], e["column"]) for e in refused.data["errors"]] == [(3, "人数"), (4, "人数")]
    assert not IndustryActivity.objects.exists()
    rows[2][4], rows[3][4] = "1", "40"
    assert upload(client, rows).data["created"] == 3


def test_an_enterprise_user_imports_only_for_their_own_enterprise(world):
    client = token_client(world["user1"])
    rows = [["统一社会信用代码", "活动类型", "日期", "名称"],
            [world["e1"].credit_code, "产业对接交流活动", "2024-01-02", "供需对接会"],
            [world["e2"].credit_code, "产业对接交流活动", "2024-01-02", "供需对接会"]]
    refused = upload(client, rows)
    assert refused.status_code == 400 and [e["row"] for e in refused.data["errors"]] == [3]
    assert not IndustryActivity.objects.exists()


def test_an_export_imports_back_unchanged(world):
    activity(world["e1"], "national_programme", D(2024, 2, 1), "数字人驱动引擎", partner="国家重点研发计划",
             notes="推荐")
    client = token_client(world["bureau"])
    exported = client.get(reverse("api:export-csv", args=["activities"]))
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:4] == ["统一社会信用代码", "企业名称", "活动类型", "日期"]
    assert lines[1][2:5] == ["推荐进入国家科技计划", "2024-02-01", "数字人驱动引擎"]
    back = client.post(IMPORTS, {"kind": "activities", "file": SimpleUploadedFile("a.csv", text.encode("utf-8-sig"))},
                       format="multipart")
    assert back.status_code == 200 and back.data["unchanged"] == 1, back.data
    assert IndustryActivity.objects.get().notes == "推荐"


# --- the plan board ----------------------------------------------------------------------------------------------
CODES = ("national-programme-recommendations", "production-tools-verified", "leading-talents-recognised",
         "joint-training-programmes", "industry-exchange-events", "international-events", "overseas-projects")


def test_the_indicators_count_a_year_of_records_over_what_each_role_sees(world):
    """A year of records of E1 (P1's, in the park administrator's scope) and E2 (P2's, outside it), with records of
    the years before and after and of every kind: each figure against a count written here."""
    e1, e2 = world["e1"], world["e2"]
    rows = [  # (enterprise, kind, day, people)
        (e1, "national_programme", D(2024, 2, 1), None), (e1, "national_programme", D(2024, 9, 1), None),
        (e2, "national_programme", D(2024, 3, 1), None), (e1, "national_programme", D(2023, 12, 31), None),
        (e1, "tool_verification", D(2024, 6, 1), None),
        (e2, "tool_verification", D(2025, 1, 1), None),
        (e1, "leading_talent", D(2024, 4, 1), 3), (e1, "leading_talent", D(2024, 11, 1), 2),
        (e2, "leading_talent", D(2024, 5, 1), 4), (e2, "leading_talent", D(2023, 5, 1), 9),
        (e1, "joint_training", D(2024, 7, 1), 40), (e2, "joint_training", D(2024, 8, 1), None),
        (e2, "industry_exchange", D(2024, 1, 1), 120), (e2, "industry_exchange", D(2024, 12, 31), None),
        (e1, "industry_exchange", D(2022, 6, 1), None),
        (e1, "international_event", D(2024, 10, 1), None),
        (e1, "overseas_project", D(2024, 3, 15), None), (e2, "overseas_project", D(2024, 3, 15), None),
        (e2, "overseas_project", D(2024, 4, 15), None),
    ]
    for n, (enterprise, kind, day, people) in enumerate(rows):
        activity(enterprise, kind, day, f"活动{n}", people=people)
    expected = {  # bureau (both), E1's user, P1's administrator (E1 only), E2's user
        "national-programme-recommendations": (3, 2, 2, 1),
        "production-tools-verified": (1, 1, 1, 0),
        "leading-talents-recognised": (9, 5, 5, 4),
        "joint-training-programmes": (2, 1, 1, 1),
        "industry-exchange-events": (2, 0, 0, 2),
        "international-events": (1, 1, 1, 0),
        "overseas-projects": (3, 1, 1, 2),
    }
    roles = ("bureau", "user1", "park_admin", "user2")
    for code, figures in expected.items():
        got = tuple(INDICATORS[code].compute(YEAR, BoardScope(user=world[role], as_of=D(YEAR, 12, 31)))
                    for role in roles)
        assert got == figures, code
    assert {code: INDICATORS[code].task for code in CODES} == {
        "national-programme-recommendations": 1, "production-tools-verified": 2, "leading-talents-recognised": 11,
        "joint-training-programmes": 11, "industry-exchange-events": 13, "international-events": 14,
        "overseas-projects": 14}
    # Each figure's records: the API list filtered to the year and the kind holds as many records (or people).
    client = token_client(world["bureau"])
    for code, figures in expected.items():
        answer = client.get(INDICATORS[code].records_url(YEAR, D(YEAR, 12, 31)))
        records = answer.data["results"]
        total = sum(r["people"] for r in records) if code == "leading-talents-recognised" else answer.data["count"]
        assert total == figures[0], code


def test_the_board_gives_every_task_the_issue_names_an_indicator(world):
    registered = {item.task for item in INDICATORS.values()}
    assert {1, 2, 11, 13, 14} <= registered
    answer = token_client(world["bureau"]).get(reverse("api:report-plan-board"), {"year": YEAR})
    rows = {row["number"]: row for row in answer.data["results"]}
    for number in (1, 2, 11, 13, 14):
        assert rows[number]["indicators"], number
