"""Imports and exports of the enterprise's own registers (docs/registers-enterprise.md): Chinese templates, a dry
run that writes nothing, a file refused whole when one row is bad, rows of an enterprise the importer may not name
refused, an export that imports back unchanged."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from enterprises.choices import StandardStatus
from enterprises.imports import read_table
from enterprises.imports.columns import COLUMNS
from enterprises.imports.registers import FinancingRoundImporter
from enterprises.models import FinancingRound, IntellectualProperty, Listing, Standard

from .conftest import token_client
from .factories import EnterpriseFactory, EnterpriseMembershipFactory, bureau_user

pytestmark = pytest.mark.django_db
IMPORTS = reverse("api:import-list")


def upload(client, kind: str, rows: list[list[str]], dry_run=False):
    """POST a CSV of the kind (the template's Chinese headers of the given columns) to the import endpoint."""
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    return client.post(IMPORTS, {"kind": kind, "dry_run": dry_run,
                                 "file": SimpleUploadedFile(f"{kind}.csv", text.encode("utf-8-sig"))},
                       format="multipart")


@pytest.mark.parametrize("kind", ["standards", "ip_items", "financing_rounds", "listings"])
def test_each_register_has_a_chinese_template(kind):
    client = token_client(bureau_user())
    response = client.get(reverse("api:import-template", args=[kind]), {"format": "csv"})
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content if response.streaming else
                                                  [response.content]).decode("utf-8-sig"))))
    assert header == [column.header for column in COLUMNS[kind] if column.imported]  # export-only ones left out
    assert "统一社会信用代码" in header


def test_ip_rows_dry_run_then_written_then_unchanged():
    enterprise = EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)
    rows = [["统一社会信用代码", "知识产权类型", "专利号或登记号", "名称", "授权（登记）日期", "自主研发"],
            [enterprise.credit_code, "发明专利", "ZL1", "驱动方法", "2024-03-01", "是"],
            [enterprise.credit_code, "软件著作权", "2024SR1", "驱动软件", "2024-04-01", ""]]
    dry = upload(client, "ip_items", rows, dry_run=True)
    assert dry.status_code == 200 and dry.data["created"] == 2 and not dry.data["written"], dry.data
    assert not IntellectualProperty.objects.exists()
    done = upload(client, "ip_items", rows)
    assert done.data["written"] and done.data["created"] == 2
    assert sorted(IntellectualProperty.objects.values_list("number", "ip_class", "self_developed")) == [
        ("2024SR1", "2", False), ("ZL1", "1", True)]
    again = upload(client, "ip_items", rows)
    assert again.data["unchanged"] == 2 and IntellectualProperty.objects.count() == 2


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column():
    enterprise = EnterpriseFactory()
    client = token_client(bureau_user())
    rows = [["统一社会信用代码", "融资日期", "融资轮次", "融资金额（万元）", "政府引导基金"],
            [enterprise.credit_code, "2024-03-01", "A轮", "1000", "北京市高精尖产业发展基金（高精尖基金）"],
            [enterprise.credit_code, "2024-06-01", "B轮", "-5", ""]]
    refused = upload(client, "financing_rounds", rows)
    assert refused.status_code == 400 and not refused.data["written"]
    assert [(e["row"], e["column"]) for e in refused.data["errors"]] == [(3, "融资金额（万元）")]
    assert not FinancingRound.objects.exists()
    rows[2][3] = "500"
    assert upload(client, "financing_rounds", rows).data["created"] == 2
    assert FinancingRound.objects.get(round_name="A轮").guided_fund == "high_tech"


def test_an_enterprise_user_imports_only_for_their_own_enterprise():
    mine, other = EnterpriseFactory(), EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=mine).user)
    rows = [["统一社会信用代码", "上市（挂牌）板块", "上市（挂牌）日期"],
            [mine.credit_code, "新三板", "2024-01-02"], [other.credit_code, "北交所", "2024-02-03"]]
    refused = upload(client, "listings", rows)
    assert refused.status_code == 400 and [e["row"] for e in refused.data["errors"]] == [3]
    assert not Listing.objects.exists()


def test_an_export_of_standards_imports_back_unchanged():
    enterprise = EnterpriseFactory()
    Standard.objects.create(enterprise=enterprise, title="通用要求", number="T/A 1-2024", level="group", role="lead",
                            status="published", approved_on=datetime.date(2024, 1, 5),
                            published_on=datetime.date(2024, 2, 1), co_drafters="某研究院")
    client = token_client(bureau_user())
    exported = client.get(reverse("api:export-csv", args=["standards"]))
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:3] == ["统一社会信用代码", "企业名称", "标准编号"] and lines[1][2] == "T/A 1-2024"
    back = client.post(IMPORTS, {"kind": "standards", "file": SimpleUploadedFile("s.csv", text.encode("utf-8-sig"))},
                       format="multipart")
    assert back.status_code == 200 and back.data["unchanged"] == 1, back.data
    assert Standard.objects.get().co_drafters == "某研究院"
    assert FinancingRound.objects.count() == 0 and Decimal("0") == 0


def test_a_round_recorded_twice_is_refused_by_the_database_and_reported_on_its_name():
    """The import's key (enterprise, day, round) is a database constraint: a round another import recorded after
    this one read its records is refused on the round's column, not written twice."""
    enterprise = EnterpriseFactory()
    user = bureau_user()
    text = ("统一社会信用代码,融资日期,融资轮次,融资金额（万元）\n"
            f"{enterprise.credit_code},2024-03-01,A轮,1000\n").encode("utf-8-sig")
    table = read_table(kind="financing_rounds", content=text, file_name="rounds.csv")

    class Meanwhile(FinancingRoundImporter):
        """Another import records the same round once this one has read the enterprise's records."""

        def preload(self, rows):
            super().preload(rows)
            FinancingRound.objects.create(enterprise=enterprise, closed_on=datetime.date(2024, 3, 1),
                                          round_name="A轮", amount=Decimal("900.00"))

    with translation.override("zh-hans"), transaction.atomic():
        report = Meanwhile(table=table, user=user).run()
        transaction.set_rollback(True)
    assert [(error.row, error.column, str(error.message)) for error in report.errors] == [
        (2, "融资轮次", "该融资轮次已登记。")]
    with pytest.raises(IntegrityError), transaction.atomic():
        for _ in range(2):
            FinancingRound.objects.create(enterprise=enterprise, closed_on=datetime.date(2024, 3, 1),
                                          round_name="A轮", amount=Decimal("1.00"))
    other_day = FinancingRound.objects.create(enterprise=enterprise, closed_on=datetime.date(2024, 3, 2),
                                              round_name="A轮", amount=Decimal("1.00"))
    assert other_day.pk  # another day's round of the same name is another round


def test_the_api_refuses_a_round_already_recorded_in_chinese_and_english():
    enterprise = EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)
    body = {"enterprise": enterprise.pk, "closed_on": "2024-07-01", "amount": "3000.00", "round_name": "A轮"}
    assert client.post(reverse("api:financinground-list"), body, format="json").status_code == 201
    english = client.post(reverse("api:financinground-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.post(reverse("api:financinground-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert english.status_code == chinese.status_code == 400, english.data
    assert english.json() == {"round_name": ["This financing round is already recorded."]}
    assert chinese.json() == {"round_name": ["该融资轮次已登记。"]}
    assert FinancingRound.objects.count() == 1


def test_a_standard_approved_reads_as_approved_in_chinese_and_its_former_label_still_imports():
    """A standard's status 'approved' is 已批准 (the filings' 审核通过 means their review); files exported when it read
    审核通过 still import as approved."""
    with translation.override("zh-hans"):
        assert str(StandardStatus.APPROVED.label) == "已批准"
    enterprise = EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)
    rows = [["统一社会信用代码", "标准名称", "标准编号", "标准级别", "企业角色", "标准状态", "批准日期"],
            [enterprise.credit_code, "通用要求", "T/BJ 1-2025", "团体标准", "lead", "已批准", "2025-03-01"],
            [enterprise.credit_code, "服务规范", "T/BJ 2-2025", "团体标准", "lead", "审核通过", "2025-04-01"]]
    done = upload(client, "standards", rows)
    assert done.data["written"] and done.data["created"] == 2, done.data
    assert set(Standard.objects.values_list("status", flat=True)) == {"approved"}
