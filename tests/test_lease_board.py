"""The lease board (租控表): status boundaries at 30/60/90 days, 租期至 (inclusive) against the stored exclusive end
in every screen and file, the unit's own label in the searches, letting a vacant unit and importing tenancies from
the board's pages, and the scope of each (another park's unit, enterprise or board: 404 or not a valid choice)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.choices import LeaseStatus
from enterprises.imports import export_queryset, export_rows, headers, read_table, table_import
from enterprises.imports.columns import TENANCY_COLUMNS, read_cell, write_cell
from enterprises.models import Tenancy, end_after, last_day_of
from enterprises.selectors import days_left, lease_board, lease_status

from .conftest import token_client
from .factories import EnterpriseFactory, EnterpriseMembershipFactory, TenancyFactory, UnitFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
BOARD, IMPORT = reverse("board"), reverse("board-import")
HEADER = ["统一社会信用代码", "园区", "楼栋", "楼层", "房间号", "起租日期", "租期至", "租金（元/m²/天）", "合同编号",
          "押金（元）", "免租期（月）"]


def ending(last_day: datetime.date) -> Tenancy:
    """An unsaved tenancy whose last day (租期至) is the one given."""
    return Tenancy(start=TODAY - 100 * DAY, end=end_after(last_day))


@pytest.fixture
def world():
    """Two parks, an administrator of each, an enterprise registered with each."""
    return build_world(parks=2, admins=1, enterprises=1)


@pytest.fixture
def as_admin(client, world):
    """The first park's administrator, signed in."""
    client.force_login(world.admin(0))
    return client


def csv_file(rows, name="tenancies.csv") -> SimpleUploadedFile:
    """Rows as an uploaded CSV (UTF-8 with a byte-order mark, as Excel writes it)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv")


# --- status and days left ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("days", "status"), [
    (0, LeaseStatus.ENDING_30),  # the last day is today: 1 day left
    (29, LeaseStatus.ENDING_30),  # 30 days left
    (30, LeaseStatus.ENDING_60),
    (59, LeaseStatus.ENDING_60),
    (60, LeaseStatus.ENDING_90),
    (89, LeaseStatus.ENDING_90),
    (90, LeaseStatus.LET),
])
def test_status_boundaries_at_30_60_and_90_days(days, status):
    tenancy = ending(TODAY + days * DAY)
    assert days_left(end=tenancy.end, on=TODAY) == days + 1
    assert lease_status(tenancy=tenancy, on=TODAY) == status


def test_open_ended_is_let_and_no_tenancy_is_vacant():
    assert lease_status(tenancy=Tenancy(start=TODAY, end=None), on=TODAY) == LeaseStatus.LET
    assert lease_status(tenancy=None, on=TODAY) == LeaseStatus.VACANT
    assert days_left(end=None, on=TODAY) is None


# --- 租期至: inclusive in screens and files, exclusive in the record ---------------------------------------------
def test_last_day_and_end_convert_both_ways():
    last = datetime.date(2027, 2, 28)
    assert end_after(last) == datetime.date(2027, 3, 1) and last_day_of(datetime.date(2027, 3, 1)) == last
    assert end_after(None) is None and last_day_of(None) is None
    column = next(c for c in TENANCY_COLUMNS if c.header == "租期至")
    assert read_cell(column, "2026-12-31") == datetime.date(2027, 1, 1)  # the file's last day, the record's end
    assert write_cell(column, datetime.date(2027, 1, 1)) == datetime.date(2026, 12, 31)
    assert str(Tenancy(enterprise=EnterpriseFactory.build(short_name="光境"), unit=UnitFactory.build(),
                       start=datetime.date(2026, 12, 15), end=datetime.date(2027, 3, 1))).endswith(
        "2026-12-15–2027-02-28")


def test_api_keeps_the_exclusive_end_and_adds_last_day(world):
    tenancy = world.let(enterprise=world.enterprise(0), start=datetime.date(2026, 1, 1), end=datetime.date(2027, 1, 1))
    api = token_client(world.admin(0))
    data = api.get(reverse("api:tenancy-detail", args=[tenancy.pk])).json()
    assert data["end"] == "2027-01-01" and data["last_day"] == "2026-12-31"
    body = {"unit": UnitFactory(park=world.parks[0]).pk, "enterprise": world.enterprise(0).pk, "start": "2026-01-01",
            "end": "2026-07-01", "last_day": "2030-01-01", "contract_number": "HT-1", "deposit": "1000.00",
            "rent_free_months": 2}
    created = api.post(reverse("api:tenancy-list"), body, format="json").json()
    assert created["last_day"] == "2026-06-30"  # read-only: the end decides it and created["deposit"] == "1000.00"
    assert created["contract_number"] == "HT-1" and created["rent_free_months"] == 2


def test_import_reads_last_day_and_export_writes_it(world):
    park, unit = world.parks[0], UnitFactory(park=world.parks[0], building="C座", floor="5", room="501")
    tenant = world.enterprise(0)
    rows = [HEADER, [tenant.credit_code, park.name, "C座", "5", "501", "2026-01-01", "2026-12-31", "3.50", "HT-2026-01",
                     "12000", "3"]]
    content = csv_file(rows).read()
    report = table_import(table=read_table(kind="tenancies", content=content, file_name="t.csv"), user=world.admin(0))
    assert report.written and report.created == 1, report.errors
    tenancy = Tenancy.objects.get(unit=unit)
    assert tenancy.end == datetime.date(2027, 1, 1) and tenancy.last_day == datetime.date(2026, 12, 31)
    assert (tenancy.contract_number, tenancy.deposit, tenancy.rent_free_months) == ("HT-2026-01", Decimal("12000"), 3)
    exported = dict(zip(headers("tenancies"), next(export_rows(
        kind="tenancies", queryset=export_queryset(kind="tenancies", user=world.admin(0)))), strict=True))
    assert exported["租期至"] == datetime.date(2026, 12, 31) and "退租日期" not in exported
    assert exported["合同编号"] == "HT-2026-01" and exported["免租期（月）"] == 3
    # Imported again unchanged: the export's 租期至 is read back to the same end.
    again = table_import(table=read_table(kind="tenancies", content=content, file_name="t.csv"), user=world.admin(0))
    assert again.unchanged == 1 and again.created == again.updated == 0


def test_an_old_file_with_the_exclusive_column_is_still_read(world):
    park, tenant = world.parks[0], world.enterprise(0)
    UnitFactory(park=park, building="A", floor="2", room="201")
    rows = [["统一社会信用代码", "园区", "楼栋", "楼层", "房间号", "起租日期", "退租日期"],
            [tenant.credit_code, park.name, "A", "2", "201", "2026-01-01", "2027-01-01"]]
    table = read_table(kind="tenancies", content=csv_file(rows).read(), file_name="old.csv")
    assert table_import(table=table, user=world.admin(0)).written
    assert Tenancy.objects.get(unit__room="201").end == datetime.date(2027, 1, 1)  # 退租日期: the first day not let
    by_name = [["credit_code", "park", "building", "floor", "room", "start", "end"], rows[1]]
    table = read_table(kind="tenancies", content=csv_file(by_name).read(), file_name="api.csv")
    assert table_import(table=table, user=world.admin(0)).unchanged == 1  # `end`, the API's name: exclusive too
    both = [[*rows[0], "租期至"], [*rows[1], "2026-12-31"]]
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        read_table(kind="tenancies", content=csv_file(both).read(), file_name="both.csv")
    assert refused.value.message_dict["file"] == ["Column 租期至 appears twice."]


def test_template_has_last_day_and_the_contract_columns(as_admin):
    response = as_admin.get(reverse("api:import-template", args=["tenancies"]), {"format": "csv"})
    header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert "租期至" in header and "退租日期" not in header
    assert {"合同编号", "押金（元）", "免租期（月）"} <= set(header)


# --- the unit's own label ------------------------------------------------------------------------------------
def test_units_are_found_by_their_own_label_in_the_api_admin_and_board(world):
    park = world.parks[0]
    wanted = UnitFactory(park=park, building="C座", floor="5", room="501")
    UnitFactory(park=park, building="C座", floor="5", room="502")
    UnitFactory(park=park, building="B座", floor="5", room="501")
    admin = world.admin(0)
    admin.is_staff = True
    admin.save()
    api = token_client(admin)
    for text in ("C座-5-501", "c座 5 501", "C座－5－501"):
        found = api.get(reverse("api:unit-list"), {"q": text}).json()["results"]
        assert [u["id"] for u in found] == [wanted.pk], text
    tenancy = TenancyFactory(unit=wanted, enterprise=world.enterprise(0))
    client = Client()
    client.force_login(admin)
    units = client.get(reverse("admin:parks_unit_changelist"), {"q": "C座-5-501"})
    assert [u.pk for u in units.context["cl"].result_list] == [wanted.pk]
    tenancies = client.get(reverse("admin:enterprises_tenancy_changelist"), {"q": "C座-5-501"})
    assert [t.pk for t in tenancies.context["cl"].result_list] == [tenancy.pk]
    board = lease_board(user=admin, park=park, on=TODAY, q="C座-5-501")
    assert [row.unit.pk for _b, floors in board.buildings for _f, rows in floors for row in rows] == [wanted.pk]


# --- the board -----------------------------------------------------------------------------------------------
def test_board_groups_units_by_building_and_floor_with_status_tenant_and_last_day(as_admin, world):
    park = world.parks[0]
    vacant = UnitFactory(park=park, building="A座", floor="10", room="1001")
    soon = TenancyFactory(unit=UnitFactory(park=park, building="A座", floor="2", room="201"),
                          enterprise=world.enterprise(0), start=TODAY - 300 * DAY, end=TODAY + 10 * DAY)
    TenancyFactory(unit=UnitFactory(park=park, building="B座", floor="1", room="101"), enterprise=world.enterprise(0),
                   start=TODAY - 10 * DAY)
    UnitFactory(park=world.parks[1], building="Z座")  # another park's: never on this board
    response = as_admin.get(BOARD, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    board = response.context["board"]
    assert [(name, [floor for floor, _rows in floors]) for name, floors in board.buildings] == [
        ("A座", ["2", "10"]), ("B座", ["1"])]
    assert board.counts[LeaseStatus.VACANT] == 1 and board.counts[LeaseStatus.ENDING_30] == 1
    assert board.counts[LeaseStatus.LET] == 1
    page = response.content.decode()
    assert "租控表" in page and "Z座" not in page
    assert (TODAY + 9 * DAY).isoformat() in page and soon.end.isoformat() not in page  # 租期至, the last day
    assert reverse("board-let", args=[vacant.pk]) in page
    only_vacant = as_admin.get(BOARD, {"status": "vacant"}).context["board"]
    assert [row.unit.pk for _b, floors in only_vacant.buildings for _f, rows in floors for row in rows] == [vacant.pk]
    assert as_admin.get(BOARD, {"building": "B座"}).context["board"].shown == 1


def test_board_nav_link_for_park_administrators_and_bureau_only(client, world):
    member = EnterpriseMembershipFactory(enterprise=world.enterprise(0)).user
    client.force_login(member)
    assert client.get(reverse("my-enterprises"), follow=True).content.decode().count(f'href="{BOARD}"') == 0
    assert client.get(BOARD).status_code == 403
    client.force_login(world.admin(0))
    assert f'href="{BOARD}"' in client.get(reverse("my-enterprises"), follow=True).content.decode()


def test_board_of_another_park_is_404_and_the_bureau_picks_any_park(as_admin, client, world):
    assert as_admin.get(BOARD, {"park": world.parks[1].pk}).status_code == 404
    assert as_admin.get(BOARD, {"park": "x"}).status_code == 404
    client.force_login(bureau_user())
    response = client.get(BOARD, {"park": world.parks[1].pk})
    assert response.status_code == 200 and response.context["board"].park == world.parks[1]
    assert 'id="board-park"' in response.content.decode()  # several parks: the picker


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(BOARD).status_code == 302


# --- letting a vacant unit -----------------------------------------------------------------------------------
def let(client, unit, **fields):
    body = {"enterprise": "", "start": "2026-03-01", "last_day": "", "rent": "", "contract_number": "",
            "deposit": "", "rent_free_months": "", **fields}
    return client.post(reverse("board-let", args=[unit.pk]), body, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_letting_a_vacant_unit_saves_the_tenancy_with_its_terms(as_admin, world):
    unit = UnitFactory(park=world.parks[0])
    response = let(as_admin, unit, enterprise=world.enterprise(0).pk, last_day="2028-02-29", rent="4.20",
                   contract_number="HT-88", deposit="25000", rent_free_months="2")
    assert response.status_code == 302
    tenancy = Tenancy.objects.get(unit=unit)
    assert tenancy.end == datetime.date(2028, 3, 1) and tenancy.last_day == datetime.date(2028, 2, 29)
    assert (tenancy.contract_number, tenancy.deposit, tenancy.rent_free_months) == ("HT-88", Decimal("25000"), 2)
    assert tenancy.history.get().history_user == world.admin(0)


def test_letting_shows_the_services_overlap_message_and_field_errors(as_admin, world):
    held = world.let(enterprise=world.enterprise(0), start=datetime.date(2026, 1, 1), end=datetime.date(2027, 1, 1))
    response = let(as_admin, held.unit, enterprise=world.enterprise(0).pk, start="2026-06-01")
    assert response.status_code == 200 and Tenancy.objects.count() == 1
    assert response.context["form"].errors["start"] == [
        f"该空间单元已于 2026-01-01 至 2026-12-31 出租给 {held.enterprise}（租赁记录 {held.pk}）。"]  # 租期至
    response = let(as_admin, UnitFactory(park=world.parks[0]), enterprise=world.enterprise(0).pk,
                   start="2026-06-01", last_day="2026-05-31", deposit="-1")
    errors = response.context["form"].errors
    assert response.status_code == 200 and {"last_day", "deposit"} <= set(errors)
    response = let(as_admin, UnitFactory(park=world.parks[0]), start="2026-06-01")
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors


def test_letting_another_parks_unit_or_to_another_parks_enterprise_is_refused(as_admin, world):
    theirs = UnitFactory(park=world.parks[1])
    assert as_admin.get(reverse("board-let", args=[theirs.pk])).status_code == 404
    assert let(as_admin, theirs, enterprise=world.enterprise(0).pk).status_code == 404
    mine = UnitFactory(park=world.parks[0])
    response = let(as_admin, mine, enterprise=world.enterprise(1).pk)  # registered with the other park
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors
    assert not Tenancy.objects.exists()


# --- the import form -----------------------------------------------------------------------------------------
def test_import_dry_run_shows_row_errors_and_writes_nothing_then_imports(as_admin, world):
    park, tenant = world.parks[0], world.enterprise(0)
    UnitFactory(park=park, building="C座", floor="5", room="501")
    bad = [HEADER, [tenant.credit_code, park.name, "C座", "5", "501", "2026-01-01", "2026-12-31", "3.50", "", "", ""],
           [tenant.credit_code, park.name, "C座", "5", "999", "2026-01-01", "", "", "", "", ""]]
    response = as_admin.post(IMPORT, {"file": csv_file(bad), "dry_run": "1"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and not Tenancy.objects.exists()
    [error] = response.context["report"].errors
    assert (error.row, error.column) == (3, "房间号")
    page = response.content.decode()
    assert 'id="row-errors"' in page and "房间号" in page and "C座-5-999" in page
    response = as_admin.post(IMPORT, {"file": csv_file(bad)})  # the real run, a row still bad: nothing written
    assert response.status_code == 200 and not Tenancy.objects.exists()
    good = bad[:2]
    response = as_admin.post(IMPORT, {"file": csv_file(good), "dry_run": "1"})
    assert response.status_code == 200 and response.context["report"].created == 1 and not Tenancy.objects.exists()
    checked = response.context["checked"]
    assert checked and f'value="{checked}"' in response.content.decode()
    client_of_the_other_park = Client()
    client_of_the_other_park.force_login(world.admin(1))
    response = client_of_the_other_park.post(IMPORT, {"checked": checked, "run": "1"})  # held for its checker only
    assert response.context["report"] is None and response.context["file_errors"] and not Tenancy.objects.exists()
    response = as_admin.post(IMPORT, {"checked": checked, "run": "1"})  # the checked file, not uploaded again
    assert response.status_code == 200 and response.context["report"].written
    assert Tenancy.objects.get().last_day == datetime.date(2026, 12, 31)
    assert as_admin.post(IMPORT, {"checked": checked, "run": "1"}).context["report"] is None  # imported: let go


def test_import_of_another_parks_unit_is_refused_and_a_bad_file_is_a_field_error(as_admin, world):
    other, tenant = world.parks[1], world.enterprise(0)
    UnitFactory(park=other, building="A", floor="1", room="101")
    rows = [HEADER, [tenant.credit_code, other.name, "A", "1", "101", "2026-01-01", "", "", "", "", ""]]
    response = as_admin.post(IMPORT, {"file": csv_file(rows)})
    assert response.status_code == 200 and not Tenancy.objects.exists()
    assert response.context["report"].errors[0].column == "园区"
    response = as_admin.post(IMPORT, {"file": SimpleUploadedFile("x.txt", b"hello")}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Upload an .xlsx or .csv file." in response.content.decode()
    response = as_admin.post(IMPORT, {"file": SimpleUploadedFile("x.txt", b"hello")}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "xlsx" in response.content.decode()
    assert as_admin.post(IMPORT, {}, HTTP_ACCEPT_LANGUAGE="zh-hans").context["file_errors"] == ["请选择要导入的文件。"]


# --- the admin's tenancy form and list -----------------------------------------------------------------------
def test_admin_tenancy_form_takes_the_last_day_and_the_list_shows_it(admin_client):
    unit, enterprise = UnitFactory(), EnterpriseFactory()
    response = admin_client.post(reverse("admin:enterprises_tenancy_add"), {
        "unit": unit.pk, "enterprise": enterprise.pk, "start": "2026-01-01", "last_day": "2026-12-31",
        "contract_number": "HT-9", "deposit": "500", "rent_free_months": "1", "rent": "3.00",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    tenancy = Tenancy.objects.get()
    assert tenancy.end == datetime.date(2027, 1, 1)
    change = admin_client.get(reverse("admin:enterprises_tenancy_change", args=[tenancy.pk])).content.decode()
    assert 'value="2026-12-31"' in change and 'name="end"' not in change
    listing = admin_client.get(reverse("admin:enterprises_tenancy_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = listing.content.decode()
    assert "剩余天数" in page and "租金" in page and "租期至" in page and "2026-12-31" in page


def test_the_board_reads_the_same_queries_whatever_the_number_of_units(world, django_assert_num_queries):
    park, admin = world.parks[0], world.admin(0)
    lease_board(user=admin, park=park, on=TODAY)
    for floor in range(3):
        world.let(enterprise=world.enterprise(0), start=TODAY - 10 * DAY, end=TODAY + (floor * 40 + 5) * DAY)
        UnitFactory(park=park, floor=str(floor))
    with django_assert_num_queries(3):  # buildings, units, tenancies (the user's roles read once before)
        small = lease_board(user=admin, park=park, on=TODAY)
    for floor in range(12):
        world.let(enterprise=world.enterprise(0), start=TODAY - 10 * DAY)
        UnitFactory(park=park, floor=str(floor))
    with django_assert_num_queries(3):
        large = lease_board(user=admin, park=park, on=TODAY)
    assert (small.shown, large.shown) == (6, 30)


def test_the_board_in_english(as_admin, world):
    UnitFactory(park=world.parks[0], building="C座", floor="5", room="501")
    page = as_admin.get(BOARD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lease board" in page and "ending within 30 days" in page and ">Let<" in page and "Floor 5" in page
    page = as_admin.get(IMPORT, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Check only (dry run)" in page and "Download the tenancy template (XLSX)" in page
