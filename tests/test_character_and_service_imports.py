"""Imports and exports of the virtual characters (one row per registration, a character's rows written together by
character_save) and of the park services (named by park, matched on park + title + first day), branch imports2:
the Chinese templates, a dry run that writes nothing, a file refused whole at a bad row's row and column, the
round trip (export, import unchanged: nothing written), and the scope attacks (another enterprise's credit code,
another park's name)."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from enterprises.imports import KINDS, PAGE_KINDS
from enterprises.imports.columns import COLUMNS
from enterprises.models import DigitalHumanIp, DigitalHumanRegistration
from parks.models import DistrictMembership, ParkService
from registry.choices import FileJobKind, FileSubject, RunStatus
from registry.models import FileJob
from registry.services import file_job_execute

from .conftest import token_client
from .factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    ParkServiceFactory,
    UserFactory,
    bureau_user,
)

pytestmark = pytest.mark.django_db
IMPORTS = reverse("api:import-list")
D = datetime.date
CHARACTER_HEADER = ["统一社会信用代码", "角色名称", "类型", "上线日期", "登记类型", "登记号", "登记日期"]
SERVICE_HEADER = ["园区名称", "服务名称", "服务类型", "开始提供日期", "停止提供日期", "服务联系方式",
                  "在公开名录中展示"]


def upload(client, kind: str, rows: list[list[str]], dry_run=False, language="zh-hans"):
    """POST rows as a CSV of the kind to the import endpoint."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return client.post(IMPORTS, {"kind": kind, "dry_run": dry_run, "file": SimpleUploadedFile(
        f"{kind}.csv", buffer.getvalue().encode("utf-8-sig"))}, format="multipart", HTTP_ACCEPT_LANGUAGE=language)


def exported(client, kind: str) -> str:
    """The register streamed as CSV text."""
    response = client.get(reverse("api:export-csv", args=[kind]))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def registrations() -> list[tuple]:
    """Every registration as (character, kind, number, day)."""
    return sorted(DigitalHumanRegistration.objects.values_list("character__name", "kind", "number", "registered_on"))


@pytest.mark.parametrize(("kind", "title"), [("characters", "虚拟角色"), ("park_services", "园区服务")])
def test_both_kinds_have_chinese_templates_and_file_jobs(kind, title):
    assert kind in KINDS and kind in FileSubject.values
    client = token_client(bureau_user())
    response = client.get(reverse("api:import-template", args=[kind]), {"format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                        else response.content))
    sheet, notes = workbook.worksheets
    assert sheet.title == f"{title}导入模板"
    rows = [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]
    assert [column.header for column in COLUMNS[kind] if column.imported] in rows
    lines = [row[0] for row in notes.iter_rows(values_only=True) if row[0]]
    if kind == "characters":
        assert rows[rows.index(CHARACTER_HEADER) + 1][0].startswith("#")  # the notes row under the header
        assert any("恰为表中各行的登记" in line for line in lines)  # the registrations made exactly the rows
    else:
        assert SERVICE_HEADER[:4] == rows[rows.index([c.header for c in COLUMNS[kind] if c.imported])][:4]
    assert "park_services" in PAGE_KINDS and "characters" not in PAGE_KINDS


# --- virtual characters ---------------------------------------------------------------------------------------
def test_characters_dry_run_then_written_grouped_then_unchanged():
    enterprise = EnterpriseFactory()
    code = enterprise.credit_code
    client = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user)
    rows = [CHARACTER_HEADER,
            [code, "小北", "服务型数字人", "2024-01-10", "形象作品著作权登记", "国作登字-2024-F-1", "2024-02-01"],
            [code, "小北", "服务型数字人", "2024-01-10", "商标注册", "T1", "2024-03-01"],
            [code, "京京", "表演型数字人", "", "", "", ""]]
    dry = upload(client, "characters", rows, dry_run=True)
    assert dry.status_code == 200 and dry.data["created"] == 2 and not dry.data["written"], dry.data
    assert not DigitalHumanIp.objects.exists() and not DigitalHumanRegistration.objects.exists()
    done = upload(client, "characters", rows)
    assert done.status_code == 200 and done.data["written"] and done.data["created"] == 2, done.data
    assert sorted(DigitalHumanIp.objects.values_list("name", "dh_type", "launched_on")) == [
        ("京京", "performance", None), ("小北", "service", D(2024, 1, 10))]
    assert registrations() == [("小北", "copyright", "国作登字-2024-F-1", D(2024, 2, 1)),
                               ("小北", "trademark", "T1", D(2024, 3, 1))]
    again = upload(client, "characters", rows)
    assert again.data["unchanged"] == 2 and again.data["created"] == again.data["updated"] == 0, again.data
    assert DigitalHumanRegistration.history.count() == 2  # nothing written the second time


def test_a_characters_registrations_become_exactly_the_rows():
    enterprise = EnterpriseFactory()
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="小北", dh_type="service")
    DigitalHumanRegistration.objects.create(character=character, kind="trademark", number="T1",
                                            registered_on=D(2024, 3, 1))
    DigitalHumanRegistration.objects.create(character=character, kind="design", number="D1",
                                            registered_on=D(2024, 4, 1))
    client = token_client(bureau_user())
    rows = [CHARACTER_HEADER, [enterprise.credit_code, "小北", "服务型数字人", "", "商标注册", "T1", "2024-03-05"],
            [enterprise.credit_code, "小北", "服务型数字人", "", "其他登记", "O1", "2024-05-01"]]
    done = upload(client, "characters", rows)
    assert done.data["updated"] == 1 and done.data["written"], done.data
    assert registrations() == [("小北", "other", "O1", D(2024, 5, 1)), ("小北", "trademark", "T1", D(2024, 3, 5))]
    # without the registration columns, the registrations stay as they are
    assert upload(client, "characters", [CHARACTER_HEADER[:3], [enterprise.credit_code, "小北", "表演型数字人"]]
                  ).data["updated"] == 1
    assert DigitalHumanIp.objects.get().dh_type == "performance" and len(registrations()) == 2


def test_one_bad_row_refuses_the_whole_file_naming_row_and_column():
    enterprise, other = EnterpriseFactory(), EnterpriseFactory()
    taken = DigitalHumanIp.objects.create(enterprise=other, name="别家", dh_type="service")
    DigitalHumanRegistration.objects.create(character=taken, kind="trademark", number="T9",
                                            registered_on=D(2024, 1, 1))
    client = token_client(bureau_user())
    code = enterprise.credit_code
    rows = [CHARACTER_HEADER,
            [code, "小北", "服务型数字人", "2024-01-10", "商标注册", "T1", "2024-03-01"],
            [code, "小北", "表演型数字人", "2024-01-10", "商标注册", "T2", "2024-03-01"],  # another type than row 2
            [code, "京京", "表演型数字人", "", "商标注册", "", "2024-03-01"],  # a registration without its number
            [code, "京京", "表演型数字人", "", "商标注册", "T1", "2024-03-02"],  # row 2's registration again
            [code, "乐乐", "服务型数字人", "", "商标注册", "T9", "2024-03-02"],  # another character's registration
            [code, "欢欢", "数字员工", "", "", "", ""]]  # no such type
    english = upload(client, "characters", rows, language="en")
    assert english.status_code == 400 and not english.data["written"]
    assert [(e["row"], e["column"]) for e in english.data["errors"]] == [
        (3, "类型"), (4, "登记号"), (5, "登记号"), (6, "登记号"), (7, "类型")], english.data
    assert english.data["errors"][0]["message"] == "Row 2 gives this character another value."
    assert english.data["errors"][3]["message"] == "This registration number is already recorded."
    chinese = upload(client, "characters", rows)
    assert chinese.data["errors"][0]["message"] == "第2行为该角色填写了不同的值。"
    assert not DigitalHumanIp.objects.filter(enterprise=enterprise).exists()
    assert registrations() == [("别家", "trademark", "T9", D(2024, 1, 1))]


def test_an_enterprise_imports_only_its_own_characters():
    """The attack: another enterprise's credit code is refused as the other registers refuse it (no such code for
    the importer), and nothing of the file is written."""
    mine, other = EnterpriseFactory(), EnterpriseFactory()
    client = token_client(EnterpriseMembershipFactory(enterprise=mine).user)
    rows = [CHARACTER_HEADER, [mine.credit_code, "小北", "服务型数字人", "", "", "", ""],
            [other.credit_code, "冒名", "服务型数字人", "", "商标注册", "T1", "2024-03-01"]]
    refused = upload(client, "characters", rows, language="en")
    assert refused.status_code == 400
    assert [(e["row"], e["column"], e["message"]) for e in refused.data["errors"]] == [
        (3, "统一社会信用代码", "No enterprise has this credit code.")]
    assert not DigitalHumanIp.objects.exists()
    # the enterprise's park reads its characters but does not keep them: refused, nothing written
    park_admin = token_client(ParkMembershipFactory(park=mine.park).user)
    by_park = upload(park_admin, "characters", rows[:2], language="en")
    assert by_park.status_code == 400, by_park.data
    assert [(e["row"], e["message"]) for e in by_park.data["errors"]] == [(2, "You may not add digital-human IP.")]
    assert not DigitalHumanIp.objects.exists()


def test_an_export_of_characters_imports_back_unchanged():
    enterprise = EnterpriseFactory()
    client = token_client(bureau_user())
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="小北", dh_type="service",
                                              launched_on=D(2024, 1, 10), description="导入不改")
    for kind, number, day in (("trademark", "T1", D(2024, 3, 1)), ("copyright", "C1", D(2024, 2, 1))):
        DigitalHumanRegistration.objects.create(character=character, kind=kind, number=number, registered_on=day)
    DigitalHumanIp.objects.create(enterprise=enterprise, name="京京", dh_type="performance")
    text = exported(client, "characters")
    lines = [line for line in csv.reader(io.StringIO(text)) if line and not line[0].startswith("#")]
    assert lines[0] == ["统一社会信用代码", "企业名称", *CHARACTER_HEADER[1:]]
    assert [line[2] + "|" + line[6] for line in lines[1:]] == ["京京|", "小北|C1", "小北|T1"]  # one row a registration
    history = DigitalHumanIp.history.count(), DigitalHumanRegistration.history.count()
    back = client.post(IMPORTS, {"kind": "characters", "file": SimpleUploadedFile("c.csv", text.encode("utf-8-sig"))},
                       format="multipart")
    assert back.status_code == 200 and back.data["unchanged"] == 2, back.data
    assert back.data["created"] == back.data["updated"] == 0
    assert (DigitalHumanIp.history.count(), DigitalHumanRegistration.history.count()) == history
    assert DigitalHumanIp.objects.get(name="小北").description == "导入不改"


# --- park services --------------------------------------------------------------------------------------------
def test_park_services_dry_run_then_written_then_unchanged():
    park = ParkFactory(name="中关村数字人园")
    client = token_client(ParkMembershipFactory(park=park).user)
    rows = [SERVICE_HEADER, ["中关村数字人园", "数字人主播培训", "人才培训", "2025-03-01", "", "010-12345678", ""],
            ["中关村数字人园", "入园租金减免", "园区政策", "2025-01-01", "2026-01-01", "", "否"]]
    dry = upload(client, "park_services", rows, dry_run=True)
    assert dry.status_code == 200 and dry.data["created"] == 2 and not dry.data["written"], dry.data
    assert not ParkService.objects.exists()
    assert upload(client, "park_services", rows).data["created"] == 2
    assert sorted(ParkService.objects.values_list("title", "kind", "offered_until", "public")) == [
        ("入园租金减免", "policy", D(2026, 1, 1), False), ("数字人主播培训", "training", None, True)]
    rows[1][4] = "2027-01-01"
    changed = upload(client, "park_services", rows)
    assert changed.data["updated"] == 1 and changed.data["unchanged"] == 1, changed.data


def test_a_bad_service_row_refuses_the_file_at_its_row_and_column():
    park = ParkFactory()
    client = token_client(bureau_user())
    rows = [SERVICE_HEADER, [park.name, "培训", "人才培训", "2025-03-01", "", "", ""],
            [park.name, "对接", "场景对接", "2025-03-01", "2025-02-01", "", ""],  # ends before it starts
            [park.name, "孵化", "孵化服务", "2025-03-01", "", "13812345678", ""],  # a personal mobile
            [park.name, "培训", "人才培训", "2025-03-01", "", "", ""]]  # row 2 again
    refused = upload(client, "park_services", rows, language="en")
    assert refused.status_code == 400 and not refused.data["written"]
    assert [(e["row"], e["column"]) for e in refused.data["errors"]] == [
        (3, "停止提供日期"), (4, "服务联系方式"), (5, "开始提供日期")], refused.data
    assert not ParkService.objects.exists()


def test_a_park_administrator_imports_only_their_own_parks_services():
    """The attack: a row naming another park is refused with the words of a park that does not exist, and the
    other park's service is not changed; the bureau imports any park's."""
    mine, theirs = ParkFactory(name="本园"), ParkFactory(name="他园")
    kept = ParkServiceFactory(park=theirs, title="孵化", offered_from=D(2024, 1, 1))
    client = token_client(ParkMembershipFactory(park=mine).user)
    rows = [SERVICE_HEADER, ["本园", "培训", "人才培训", "2025-03-01", "", "", ""],
            ["他园", "孵化", "孵化服务", "2024-01-01", "2024-06-01", "", ""],
            ["无此园", "孵化", "孵化服务", "2024-01-01", "", "", ""]]
    refused = upload(client, "park_services", rows, language="en")
    assert refused.status_code == 400
    messages = [(e["row"], e["column"], e["message"]) for e in refused.data["errors"]]
    assert messages == [(3, "园区名称", "No park you may see is called 他园."),
                        (4, "园区名称", "No park you may see is called 无此园.")]
    assert not ParkService.objects.filter(park=mine).exists()
    kept.refresh_from_db()
    assert kept.offered_until is None
    done = upload(token_client(bureau_user()), "park_services", rows[:3])
    assert done.data["created"] == 1 and done.data["updated"] == 1, done.data


def test_an_export_of_park_services_imports_back_unchanged():
    ParkServiceFactory(title="孵化", description="工位、辅导", public=False, offered_until=D(2026, 1, 1))
    ParkServiceFactory(kind="policy", title="租金减免", contact="")
    client = token_client(bureau_user())
    text = exported(client, "park_services")
    assert "园区名称,服务名称,服务类型" in text
    history = ParkService.history.count()
    back = client.post(IMPORTS, {"kind": "park_services",
                                 "file": SimpleUploadedFile("s.csv", text.encode("utf-8-sig"))}, format="multipart")
    assert back.status_code == 200 and back.data["unchanged"] == 2, back.data
    assert ParkService.history.count() == history


def test_a_park_administrator_imports_services_on_the_import_page(client):
    """The import page offers the park services to those who may add them, linked from the services page: a park
    administrator checks a file, then imports it; an enterprise user and district staff find no such page (404)."""
    park = ParkFactory(name="本园")
    client.force_login(ParkMembershipFactory(park=park).user)
    page = f"{reverse('board-import')}?kind=park_services"
    assert f'href="{page}"' in client.get(reverse("park-services")).content.decode()  # linked from the services
    shown = client.get(page, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert shown.status_code == 200 and "导入园区服务" in shown.content.decode()
    assert "imports/templates/park_services/" in shown.content.decode()
    text = "\n".join(",".join(row) for row in [SERVICE_HEADER, ["本园", "培训", "人才培训", "2025-03-01", "", "", ""]])
    upload_file = SimpleUploadedFile("s.csv", text.encode("utf-8-sig"))
    checked = client.post(page, {"file": upload_file, "dry_run": "1"})
    assert checked.status_code == 200 and checked.context["report"].created == 1
    assert not ParkService.objects.exists()
    done = client.post(page, {"checked": checked.context["checked"], "run": "1"})
    assert done.context["report"].written and ParkService.objects.get().park == park
    client.force_login(EnterpriseMembershipFactory().user)
    assert client.get(page).status_code == 404
    staff = UserFactory()  # district staff read the services but do not keep them: no link, no page
    DistrictMembership.objects.create(user=staff, district=park.district)
    client.force_login(staff)
    assert "service-import" not in client.get(reverse("park-services")).content.decode()
    assert client.get(page).status_code == 404


# Queries of an import request (token, the kind's lock, the rows' references and records, the writes), locked here
# as tests/budgets.py locks each endpoint's: the park services' writes are bulk, the same for 1 row or 10; each new
# character is one character_save (two savepoint statements; the character's check, insert and history row; its
# registrations read; each registration's checks, insert and history row), a cost per character.
SERVICE_QUERIES = {"new": 13, "unchanged": 9}
CHARACTER_QUERIES = {"base": 12, "per_character": 12, "unchanged": 11}


def test_the_query_costs_of_both_imports():
    enterprise, park = EnterpriseFactory(), ParkFactory()
    member, bureau = token_client(EnterpriseMembershipFactory(enterprise=enterprise).user), token_client(bureau_user())
    DigitalHumanIp.objects.create(enterprise=enterprise, name="已有", dh_type="service")  # the enterprise's records
    ParkServiceFactory(park=park)  # are read (and their scope asked) whatever the file holds
    for n in (1, 10):
        characters = [CHARACTER_HEADER] + [[enterprise.credit_code, f"角色{n}-{i}", "服务型数字人", "", "商标注册",
                                             f"T{n}-{i}", "2024-01-01"] for i in range(n)]
        services = [SERVICE_HEADER] + [[park.name, f"服务{n}-{i}", "人才培训", "2025-01-01", "", "", ""]
                                       for i in range(n)]
        counts = {}
        for name, client, kind, rows in (("characters", member, "characters", characters),
                                         ("services", bureau, "park_services", services)):
            for state in ("new", "unchanged"):
                with CaptureQueriesContext(connection) as queries:
                    response = upload(client, kind, rows)
                assert response.status_code == 200 and response.data["written"], response.data
                counts[name, state] = len(queries)
        assert counts["services", "new"] == SERVICE_QUERIES["new"], counts
        assert counts["services", "unchanged"] == SERVICE_QUERIES["unchanged"], counts
        assert counts["characters", "new"] == CHARACTER_QUERIES["base"] + n * CHARACTER_QUERIES["per_character"], counts
        assert counts["characters", "unchanged"] == CHARACTER_QUERIES["unchanged"], counts


@pytest.mark.parametrize(("kind", "fmt"), [("characters", "csv"), ("park_services", "xlsx")])
def test_both_kinds_export_as_file_jobs(kind, fmt):
    """An export job of either kind (a FileSubject choice) writes the register as the stream does, its total the
    rows written: a character's rows are its registrations (one when it has none)."""
    enterprise = EnterpriseFactory()
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="小北", dh_type="service")
    for number in ("T1", "T2"):
        DigitalHumanRegistration.objects.create(character=character, kind="trademark", number=number,
                                                registered_on=D(2024, 3, 1))
    DigitalHumanIp.objects.create(enterprise=enterprise, name="京京", dh_type="performance")
    ParkServiceFactory(), ParkServiceFactory()
    user = bureau_user()
    job = FileJob.objects.create(kind=FileJobKind.EXPORT, subject=kind, file_format=fmt, started_by=user)
    file_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == RunStatus.SUCCEEDED, job.error
    assert (job.total, job.processed) == ((3, 3) if kind == "characters" else (2, 2))
    assert job.file_name.startswith("虚拟角色-" if kind == "characters" else "园区服务-")
