"""Compliance filings (docs/registers-compliance.md): written by the enterprise through the API and read by its park,
its district and the bureau; bad input as field errors in Chinese and English, nothing written; the database's
constraints; the filters; the compliance-gaps report and the plan board's task-15 indicators against counts written
here; imports and exports."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.plan_board import INDICATORS, BoardScope
from enterprises.choices import EnterpriseStatus
from enterprises.imports.columns import COLUMNS
from enterprises.models import ComplianceFiling
from parks.models import DistrictMembership

from .conftest import token_client as new_client
from .factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    UserFactory,
    bureau_user,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LIST = reverse("api:compliancefiling-list")
GAPS = reverse("api:report-compliance-gaps")
IMPORTS = reverse("api:import-list")
BODY = {"kind": "deep_synthesis", "service_name": "数字人播报服务", "number": "网信算备110108000000000000001号",
        "filed_on": "2024-03-01"}


ALGORITHMS = ("deep_synthesis", "generative_ai")
MARCH = D(2024, 3, 1)


def token_client(user):
    """The API client of a user, one per user (a token is made once)."""
    clients = token_client.__dict__.setdefault("clients", {})
    if user.pk not in clients:
        clients[user.pk] = new_client(user)
    return clients[user.pk]


@pytest.fixture(autouse=True)
def _fresh_clients():
    """Each test makes its own users and clients."""
    token_client.__dict__.pop("clients", None)


def filing(enterprise, kind="deep_synthesis", filed=MARCH, number=None, **dates) -> ComplianceFiling:
    """A compliance filing of the enterprise (an algorithm filing numbered after its enterprise and day)."""
    if number is None:
        number = f"网信算备{enterprise.pk}{filed:%Y%m%d}{kind[:2]}" if kind in ALGORITHMS else ""
    return ComplianceFiling.objects.create(enterprise=enterprise, kind=kind, service_name="数字人客服", number=number,
                                           filed_on=filed, **dates)


@pytest.fixture
def world():
    """Park P1 in district D1 with four enterprises registered there (E5 deregistered in 2023), E4 in another park
    and district; a user of E1 and of E4, P1's administrator, D1's staff and the bureau. Filings: E1 deep synthesis
    in force from 2024-03-01; E2 generative AI from 2024-05-01 valid until 2024-12-31; E3 deep synthesis of 2023
    cancelled on 2024-06-30 and a content-security record of 2024-02-01; E5 deep synthesis of 2022; E4 none."""
    park = ParkFactory()
    e1, e2, e3 = (EnterpriseFactory(park=park, district=park.district) for _ in range(3))
    e5 = EnterpriseFactory(park=park, district=park.district, status=EnterpriseStatus.DEREGISTERED,
                           left_on=D(2023, 12, 31))
    e4 = EnterpriseFactory()
    filing(e1, filed=D(2024, 3, 1))
    filing(e2, kind="generative_ai", filed=D(2024, 5, 1), valid_until=D(2024, 12, 31))
    filing(e3, filed=D(2023, 1, 1), cancelled_on=D(2024, 6, 30))
    filing(e3, kind="content_security", filed=D(2024, 2, 1))
    filing(e5, filed=D(2022, 1, 1))
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=park.district)
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4, "e5": e5,
            "user1": EnterpriseMembershipFactory(enterprise=e1).user,
            "user4": EnterpriseMembershipFactory(enterprise=e4).user,
            "park_admin": ParkMembershipFactory(park=park).user, "staff": staff, "bureau": bureau_user()}


def test_the_enterprise_files_its_own_and_the_others_see_them_by_role(world):
    e1 = world["e1"]
    created = token_client(world["user1"]).post(LIST, {**BODY, "enterprise": e1.pk}, format="json")
    assert created.status_code == 201, created.data
    detail = reverse("api:compliancefiling-detail", args=[created.data["id"]])
    statuses = {role: token_client(world[role]).get(detail).status_code
                for role in ("user1", "user4", "park_admin", "staff", "bureau")}
    assert statuses == {"user1": 200, "user4": 404, "park_admin": 200, "staff": 200, "bureau": 200}
    history = token_client(world["park_admin"]).get(reverse("api:compliancefiling-history",
                                                            args=[created.data["id"]]))
    assert history.status_code == 200 and len(history.data) == 1
    assert token_client(world["park_admin"]).patch(detail, {"service_name": "改"}, format="json").status_code == 403
    assert token_client(world["staff"]).delete(detail).status_code == 403
    assert token_client(world["user1"]).delete(detail).status_code == 204


def test_an_enterprise_cannot_file_for_another_or_move_its_filing_to_another(world):
    """The attack: E4's user names E1 in a body (a 400 on `enterprise`: E1 does not exist for them) or moves its
    own filing to E1; nothing is written or moved."""
    client = token_client(world["user4"])
    before = ComplianceFiling.objects.count()
    answer = client.post(LIST, {**BODY, "enterprise": world["e1"].pk}, format="json")
    assert answer.status_code == 400 and "enterprise" in answer.data
    own = filing(world["e4"], filed=D(2024, 7, 1))
    moved = client.patch(reverse("api:compliancefiling-detail", args=[own.pk]), {"enterprise": world["e1"].pk},
                         format="json")
    assert moved.status_code == 400 and "enterprise" in moved.data
    own.refresh_from_db()
    assert own.enterprise_id == world["e4"].pk and ComplianceFiling.objects.count() == before + 1
    assert client.get(LIST).data["count"] == 1  # their own only


@pytest.mark.parametrize(("change", "field"), [
    ({"number": ""}, "number"),  # an algorithm filing has its number
    ({"valid_until": "2024-02-28"}, "valid_until"),
    ({"cancelled_on": "2024-02-01"}, "cancelled_on"),
    ({"filed_on": "2999-01-01"}, "filed_on"),
    ({"kind": "unknown"}, "kind"),
    ({"number": "网信算备E1号"}, "number"),  # E1's number of the same kind: taken
    ({"service_name": "数字人客服", "filed_on": "2024-03-01", "number": "另一个"}, "service_name"),  # recorded
])
def test_bad_input_is_a_field_error_in_chinese_and_english_and_nothing_is_written(world, change, field):
    mine = world["e4"]
    ComplianceFiling.objects.create(enterprise=world["e1"], kind="deep_synthesis", service_name="x",
                                    number="网信算备E1号", filed_on=D(2024, 1, 1))
    filing(mine, number="已有号")
    before = ComplianceFiling.objects.count()
    client = token_client(world["user4"])
    body = {**BODY, "enterprise": mine.pk, **change}
    english = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(LIST, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.status_code == chinese.status_code == 400 and field in english.data, english.data
    assert all(char.isascii() for char in str(english.data[field][0])), english.data
    assert any("\u4e00" <= char <= "\u9fff" for char in str(chinese.data[field][0])), chinese.data
    assert ComplianceFiling.objects.count() == before


def test_the_database_holds_the_rules_without_the_application():
    enterprise = EnterpriseFactory()
    rows = [
        {"kind": "deep_synthesis", "number": "", "filed_on": D(2024, 1, 1)},  # an algorithm filing unnumbered
        {"kind": "data_security", "number": "", "filed_on": D(2024, 1, 1), "valid_until": D(2023, 1, 1)},
        {"kind": "data_security", "number": "", "filed_on": D(2024, 1, 1), "cancelled_on": D(2023, 1, 1)},
    ]
    for row in rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            ComplianceFiling.objects.create(enterprise=enterprise, service_name="s", **row)
    ComplianceFiling.objects.create(enterprise=enterprise, kind="generative_ai", service_name="a", number="N1",
                                    filed_on=D(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():  # a number is unique per kind, across enterprises
        ComplianceFiling.objects.create(enterprise=EnterpriseFactory(), kind="generative_ai", service_name="b",
                                        number="N1", filed_on=D(2024, 2, 1))
    ComplianceFiling.objects.create(enterprise=enterprise, kind="deep_synthesis", service_name="a", number="N1",
                                    filed_on=D(2024, 1, 1))  # another kind's number may be the same
    for _ in range(2):  # records without a number are many
        ComplianceFiling.objects.create(enterprise=enterprise, kind="data_security", service_name="d",
                                        filed_on=D(2024, 3, 1 + _))
    assert ComplianceFiling.objects.count() == 4


def test_the_filters_in_force_on_a_date_by_kind_and_year(world):
    client = token_client(world["bureau"])
    counts = {query: client.get(f"{LIST}?{query}").data["count"] for query in (
        "in_force_on=2024-12-31", "in_force_on=2025-01-01", "in_force_on=2024-06-30", "in_force_on=2024-06-29",
        "kind=deep_synthesis", "kind=generative_ai&kind=content_security", "year=2024", "year=2022")}
    assert counts == {
        "in_force_on=2024-12-31": 4,  # E1 DS, E2 GA (its last day), E3 CS, E5 DS (a filing outlives nothing)
        "in_force_on=2025-01-01": 3,  # E2's lapsed
        "in_force_on=2024-06-30": 4,  # E3's DS cancelled that day
        "in_force_on=2024-06-29": 5,
        "kind=deep_synthesis": 3, "kind=generative_ai&kind=content_security": 2, "year=2024": 3, "year=2022": 1,
    }
    assert ComplianceFiling.objects.in_force(D(2022, 6, 1)).count() == 1  # E5's, before it left


@pytest.mark.parametrize(("query", "expected"), [
    # bureau: E2, E3, E4 lack a deep-synthesis filing on the year's last day (E5 had left, E1 holds one)
    ({"kind": "deep_synthesis", "as_of": "2024-12-31"}, {"bureau": 3, "park_admin": 2, "staff": 2, "user1": 0,
                                                          "user4": 1}),
    # any algorithm filing: E3, E4; the next day E2's has lapsed
    ({"kind": ["deep_synthesis", "generative_ai"], "as_of": "2024-12-31"},
     {"bureau": 2, "park_admin": 1, "staff": 1, "user1": 0, "user4": 1}),
    ({"kind": ["deep_synthesis", "generative_ai"], "as_of": "2025-01-01"},
     {"bureau": 3, "park_admin": 2, "staff": 2, "user1": 0, "user4": 1}),
    # before E1 filed: E3's (not yet cancelled) is the only deep-synthesis filing of P1
    ({"kind": "deep_synthesis", "as_of": "2024-02-01"}, {"bureau": 3, "park_admin": 2, "staff": 2, "user1": 1,
                                                         "user4": 1}),
    ({"kind": "data_security", "year": "2024"}, {"bureau": 4, "park_admin": 3, "staff": 3, "user1": 1, "user4": 1}),
])
def test_the_gaps_report_counts_who_lacks_a_filing_in_each_scope(world, query, expected):
    counts = {}
    for role in expected:
        answer = token_client(world[role]).get(GAPS, query)
        assert answer.status_code == 200, answer.data
        counts[role] = answer.data["count"]
    assert counts == expected


def test_the_gaps_report_states_its_date_and_year_and_names_the_enterprises(world):
    client = token_client(world["bureau"])
    asked = client.get(GAPS, {"kind": "deep_synthesis", "year": 2024}).data
    assert asked["basis"]["year"] == 2024 and asked["basis"]["year_chosen"] == "asked"
    assert str(asked["basis"]["as_of"]) == "2024-12-31"
    lacking = sorted((world[name] for name in ("e2", "e3", "e4")), key=lambda e: (e.name, e.pk))
    assert [row["enterprise"] for row in asked["results"]] == [e.pk for e in lacking]
    assert asked["results"][0]["credit_code"] and "park_name" in asked["results"][0]
    today = client.get(GAPS, {"kind": "deep_synthesis"}).data["basis"]
    assert today["year_chosen"] == "default" and str(today["as_of"]) == str(timezone.localdate())
    table = client.get(GAPS, {"kind": "deep_synthesis", "as_of": "2024-12-31", "format": "csv"})
    assert table.status_code == 200
    text = b"".join(table.streaming_content if table.streaming else [table.content]).decode("utf-8-sig")
    assert "统一社会信用代码" in text and world["e4"].credit_code in text and world["e1"].credit_code not in text


@pytest.mark.parametrize("query", [{}, {"kind": "unknown"}, {"kind": "deep_synthesis", "on_date": "2024-01-01"},
                                   {"kind": "deep_synthesis", "as_of": "2024-13-01"}])
def test_the_gaps_report_refuses_a_bad_query(world, query):
    answer = token_client(world["bureau"]).get(GAPS, query)
    assert answer.status_code == 400, answer.data


def test_the_gaps_report_is_closed_to_the_anonymous(client):
    assert client.get(GAPS, {"kind": "deep_synthesis"}).status_code == 401


def test_the_indicators_of_task_15_count_a_year_of_records_over_what_each_role_sees(world):
    expected = {  # as of 2024-12-31: holding an algorithm filing, lacking one, filings made in 2024
        "bureau": (2, 2, 3),  # E1, E2 | E3, E4 | E1 DS, E2 GA, E3 CS
        "park_admin": (2, 1, 3), "staff": (2, 1, 3),
        "user1": (1, 0, 1), "user4": (0, 1, 0),
    }
    codes = ("algorithm-filings-held", "algorithm-filings-lacking", "compliance-filings-made")
    for role, figures in expected.items():
        scope = BoardScope(user=world[role], as_of=D(2024, 12, 31))
        assert tuple(INDICATORS[code].compute(2024, scope) for code in codes) == figures, role
    assert {INDICATORS[code].task for code in codes} == {15}
    # The figures' records: the algorithm filings in force on the date (E1's, E2's and E5's, whose enterprise had
    # left: the list is of filings, the figure of active enterprises), the enterprises lacking one, the year's filings.
    client = token_client(world["bureau"])
    urls = [INDICATORS[code].records_url(2024, D(2024, 12, 31)) for code in codes]
    assert [client.get(url).data["count"] for url in urls] == [3, 2, 3]


def test_the_board_shows_task_15_with_its_figures(world):
    answer = token_client(world["bureau"]).get(reverse("api:report-plan-board"), {"year": 2024})
    assert answer.status_code == 200
    text = str(answer.data)
    assert "algorithm-filings-held" in text and "algorithm-filings-lacking" in text


def upload(client, rows: list[list[str]], dry_run=False):
    """POST the rows as a CSV of compliance filings to the import endpoint."""
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    return client.post(IMPORTS, {"kind": "compliance", "dry_run": dry_run,
                                 "file": SimpleUploadedFile("备案.csv", text.encode("utf-8-sig"))}, format="multipart")


def test_the_template_is_in_chinese():
    response = token_client(bureau_user()).get(reverse("api:import-template", args=["compliance"]), {"format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(body)))
    assert header == [column.header for column in COLUMNS["compliance"] if column.imported]
    assert header[:4] == ["统一社会信用代码", "备案类型", "备案服务（算法）名称", "备案日期"]


HEADER = ["统一社会信用代码", "备案类型", "备案服务（算法）名称", "备案日期", "备案编号", "有效期至"]


def test_rows_dry_run_then_written_then_unchanged_and_one_bad_row_refuses_the_file():
    enterprise = EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)
    rows = [HEADER, [enterprise.credit_code, "深度合成服务算法备案", "数字人播报", "2024-03-01", "网信算备1号", ""],
            [enterprise.credit_code, "数据安全备案", "用户数据", "2024-04-01", "", "2026-03-31"]]
    dry = upload(client, rows, dry_run=True)
    assert dry.status_code == 200 and dry.data["created"] == 2 and not dry.data["written"], dry.data
    assert not ComplianceFiling.objects.exists()
    assert upload(client, rows).data["created"] == 2
    assert sorted(ComplianceFiling.objects.values_list("kind", "number")) == [
        ("data_security", ""), ("deep_synthesis", "网信算备1号")]
    assert upload(client, rows).data["unchanged"] == 2
    bad = [*rows, [enterprise.credit_code, "生成式人工智能服务备案", "大模型", "2024-05-01", "", ""]]  # unnumbered
    refused = upload(client, bad)
    assert refused.status_code == 400 and [(e["row"], e["column"]) for e in refused.data["errors"]] == [
        (4, "备案编号")]
    assert ComplianceFiling.objects.count() == 2


def test_an_enterprise_user_imports_only_for_their_own_enterprise():
    mine, other = EnterpriseFactory(), EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=mine).user)
    rows = [HEADER, [mine.credit_code, "内容安全备案", "审核", "2024-01-02", "", ""],
            [other.credit_code, "内容安全备案", "审核", "2024-02-03", "", ""]]
    refused = upload(client, rows)
    assert refused.status_code == 400 and [e["row"] for e in refused.data["errors"]] == [3]
    assert not ComplianceFiling.objects.exists()


def test_an_export_imports_back_unchanged():
    enterprise = EnterpriseFactory()
    filing(enterprise, kind="generative_ai", filed=D(2024, 5, 1), valid_until=D(2027, 4, 30))
    client = token_client(bureau_user())
    exported = client.get(reverse("api:export-csv", args=["compliance"]))
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["统一社会信用代码", "企业名称", "备案类型"] and lines[1][2] == "生成式人工智能服务备案"
    back = client.post(IMPORTS, {"kind": "compliance", "file": SimpleUploadedFile("c.csv", text.encode("utf-8-sig"))},
                       format="multipart")
    assert back.status_code == 200 and back.data["unchanged"] == 1, back.data


def test_an_enterprise_registered_with_no_park_is_listed_without_one(world):
    parkless = EnterpriseFactory(park=None)
    rows = token_client(world["bureau"]).get(GAPS, {"kind": "deep_synthesis", "as_of": "2024-12-31",
                                                    "page_size": 50}).data["results"]
    row = next(row for row in rows if row["enterprise"] == parkless.pk)
    assert row["park_name"] is None and row["district_name"] == parkless.district.name
    table = token_client(world["bureau"]).get(GAPS, {"kind": "deep_synthesis", "as_of": "2024-12-31",
                                                     "format": "xlsx"})
    assert table.status_code == 200 and table["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_filing_recorded_meanwhile_is_refused_by_the_database_and_reported_on_its_column():
    """The import's key and the number's uniqueness are database constraints: a filing another import recorded
    after this one read the records is refused on the service's column (the same key) or the number's (the same
    number, another service), in Chinese, nothing written."""
    from django.utils import translation

    from enterprises.imports import read_table
    from enterprises.imports.registers import ComplianceFilingImporter

    enterprise = EnterpriseFactory()
    text = ("统一社会信用代码,备案类型,备案服务（算法）名称,备案日期,备案编号\n"
            f"{enterprise.credit_code},深度合成服务算法备案,数字人播报,2024-03-01,网信算备9号\n").encode("utf-8-sig")
    table = read_table(kind="compliance", content=text, file_name="c.csv")
    for service, column in (("数字人播报", "备案服务（算法）名称"), ("另一服务", "备案编号")):

        class Meanwhile(ComplianceFilingImporter):
            """Another import records a clashing filing once this one has read the enterprise's records."""

            def preload(self, rows, service=service):
                super().preload(rows)
                ComplianceFiling.objects.create(enterprise=enterprise, kind="deep_synthesis", service_name=service,
                                                number="网信算备9号", filed_on=D(2024, 3, 1))

        with translation.override("zh-hans"), transaction.atomic():
            report = Meanwhile(table=table, user=bureau_user()).run()
            transaction.set_rollback(True)
        assert [(error.row, error.column) for error in report.errors] == [(2, column)], service
        assert all("\u4e00" <= str(error.message)[0] <= "\u9fff" for error in report.errors)
    assert not ComplianceFiling.objects.exists()
