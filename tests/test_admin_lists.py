"""Admin lists: the columns and filters park administrators and bureau staff work with, exports, review actions,
history pages and constant query counts, read through real requests as each role."""

import csv
import datetime
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from enterprises.choices import TIER_NAMES as TIER_SHORT
from enterprises.choices import DesignationStatus, FilingStatus, Tier
from enterprises.models import AnnualFiling, Declaration, DeclarationRound, Enterprise, FilingSeason, Objection, Tenancy
from enterprises.selectors import occupancy
from parks.models import DistrictMembership, Park, ParkService
from registry.choices import RunStatus
from registry.models import FileJob, PlanTask, ReportRun

from .evidence_files import evidence_row
from .factories import (
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    DistrictFactory,
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    LabFactory,
    ParkFactory,
    ParkMembershipFactory,
    ParkServiceFactory,
    PlanTargetFactory,
    PlatformFactory,
    SupportAwardFactory,
    TenancyFactory,
    TierDesignationFactory,
    UnitFactory,
    UserFactory,
    approved_filing,
    bureau_user,
    register_records,
)
from .report_tables import split_report
from .worlds import build_world

pytestmark = pytest.mark.django_db
APPS = {"parks", "enterprises", "registry"}
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def zh(text) -> str:
    """A message (or lazy string) as the admin shows it by default, in Chinese."""
    with translation.override("zh-hans"):
        return translation.gettext(str(text)) if isinstance(text, str) else str(text)


def changelist(model) -> str:
    """The changelist address of a model."""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def rows(response) -> list[list[str]]:
    """The changelist's result rows, each as the plain text of its cells."""
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [[" ".join(strip_tags(cell).split()) for cell in re.split(r"</t[dh]>", row)[:-1]]
            for row in body.split("</tr>") if row.strip()]


def row_of(response, text: str) -> list[str]:
    """The cells of the one result row that has a cell with a text."""
    found = [row for row in rows(response) if any(text in cell for cell in row)]
    assert len(found) == 1, (text, rows(response))
    return found[0]


def cell(response, text: str, column: str) -> str:
    """The text of one cell: of the row mentioning `text`, in the column named by list_display."""
    model_admin = response.context["cl"].model_admin
    columns = [name for name in response.context["cl"].list_display]
    row = row_of(response, text)
    assert len(row) == len(columns), (row, columns, model_admin)
    return row[columns.index(column)]


def shown(response) -> set[int]:
    """The primary keys of the rows a changelist shows."""
    return {obj.pk for obj in response.context["cl"].result_list}


def filter_choices(response, parameter: str) -> list[str] | None:
    """The records a changelist's related filter offers (by its query parameter); None if it is not shown."""
    for spec in response.context["cl"].filter_specs:
        if parameter in spec.expected_parameters():
            return sorted(str(label) for _pk, label in spec.lookup_choices)
    return None


@pytest.fixture
def world():
    """Two parks, each with an administrator, enterprises, tenancies, filings and designations."""
    names, short_names = ["我的园区", "别人的园区"], [["星辰数字人", "普通数字人"], ["别家数字人"]]
    world = build_world(admins=(0, 1), enterprises=(2, 1), park_kwargs=lambda p: {"name": names[p]},
                        enterprise_kwargs=lambda p, n: {"short_name": short_names[p][n]})
    (mine, theirs), ((star, plain), (other,)) = world.parks, world.enterprises
    # star holds 创新型 and 小巨人 today, and an expired 专精特新; plain and other hold nothing.
    TierDesignationFactory(enterprise=star, tier=Tier.INNOVATIVE, granted_on=TODAY - 400 * DAY, year=TODAY.year - 1)
    TierDesignationFactory(enterprise=star, tier=Tier.LITTLE_GIANT, granted_on=TODAY - 30 * DAY, year=TODAY.year)
    TierDesignationFactory(enterprise=star, tier=Tier.SPECIALISED, granted_on=TODAY - 2000 * DAY, year=2020)
    TierDesignationFactory(enterprise=other, tier=Tier.INNOVATIVE, granted_on=TODAY - 10 * DAY, year=TODAY.year)
    # Filings: star approved last year; plain submitted last year; other approved last year; last year's season
    # closed yesterday, so last year is the reporting year the filing-status filter reads.
    FilingSeason.objects.create(year=TODAY.year - 1, opens=datetime.date(TODAY.year, 1, 1), closes=TODAY - DAY)
    approved_filing(enterprise=star, year=TODAY.year - 2)
    approved_filing(enterprise=star, year=TODAY.year - 1)
    AnnualFilingFactory(enterprise=plain, year=TODAY.year - 1, status=FilingStatus.SUBMITTED, park=mine,
                        district=plain.district, submitted_at=timezone.now())
    approved_filing(enterprise=other, year=TODAY.year - 1)
    # Tenancies: star ends in 20 days, plain open-ended, an ended one of plain, other's ends in 45 days.
    soon = TenancyFactory(unit=UnitFactory(park=mine), enterprise=star, start=TODAY - 300 * DAY, end=TODAY + 20 * DAY)
    open_ended = TenancyFactory(unit=UnitFactory(park=mine), enterprise=plain, start=TODAY - 100 * DAY)
    ended = TenancyFactory(unit=UnitFactory(park=mine), enterprise=plain, start=TODAY - 300 * DAY,
                           end=TODAY - 5 * DAY)
    later = TenancyFactory(unit=UnitFactory(park=mine), enterprise=star, start=TODAY - 10 * DAY,
                           end=TODAY + 75 * DAY)
    elsewhere = TenancyFactory(unit=UnitFactory(park=theirs), enterprise=other, start=TODAY - 10 * DAY,
                               end=TODAY + 45 * DAY)
    park_admin = ParkMembershipFactory(park=mine, user=UserFactory(is_staff=True, username="parkadmin")).user
    ParkServiceFactory(park=mine, kind="scene_matching", offered_until=TODAY)  # branch parksvc: a service of each
    ParkServiceFactory(park=theirs)
    return {
        "mine": mine, "theirs": theirs, "star": star, "plain": plain, "other": other, "soon": soon,
        "open": open_ended, "ended": ended, "later": later, "elsewhere": elsewhere, "park_admin": park_admin,
        "bureau": bureau_user(is_staff=True),
    }


@pytest.fixture
def as_park_admin(client, world):
    """A client signed in as the administrator of "my" park."""
    client.force_login(world["park_admin"])
    return client


@pytest.fixture
def as_bureau(client, world):
    """A client signed in as bureau staff."""
    client.force_login(world["bureau"])
    return client


# --- enterprises ---------------------------------------------------------------------------------------------
def test_enterprise_list_shows_tiers_latest_filing_and_next_tenancy_end(as_park_admin, world):
    response = as_park_admin.get(changelist(Enterprise))
    assert response.status_code == 200
    # Tiers held today, highest first; the expired 专精特新 is not shown.
    little_giant, innovative = zh(TIER_SHORT[Tier.LITTLE_GIANT]), zh(TIER_SHORT[Tier.INNOVATIVE])
    assert cell(response, "星辰数字人", "tiers") == f"{little_giant}{innovative}"
    assert cell(response, "星辰数字人", "latest_filing") == f"{TODAY.year - 1} {zh(FilingStatus.APPROVED.label)}"
    assert cell(response, "普通数字人", "tiers") == "-"  # the admin's empty value
    assert cell(response, "普通数字人", "latest_filing") == f"{TODAY.year - 1} {zh(FilingStatus.SUBMITTED.label)}"
    # The next end is the earliest end still ahead (the ended tenancy and the open one do not count).
    with translation.override("zh-hans"):
        assert cell(response, "星辰数字人", "next_tenancy_end") == formats.localize(world["soon"].end)
    assert cell(response, "普通数字人", "next_tenancy_end") == "-"
    assert "别家数字人" not in response.content.decode()  # another park's enterprise
    star_row = next(row for row in response.content.decode().split("</tr>") if "星辰数字人" in row)
    assert 'class="badge badge-' in star_row and star_row.count("<span") == 3  # 2 tiers + 1 filing


def test_enterprise_filters(as_park_admin, world):
    star, plain = world["star"].pk, world["plain"].pk
    url = changelist(Enterprise)
    assert shown(as_park_admin.get(url, {"tier_held": Tier.LITTLE_GIANT})) == {star}
    assert shown(as_park_admin.get(url, {"tier_held": Tier.SPECIALISED})) == set()  # expired
    assert shown(as_park_admin.get(url, {"tier_held": "none"})) == {plain}
    assert shown(as_park_admin.get(url, {"filing_last_year": FilingStatus.APPROVED})) == {star}
    assert shown(as_park_admin.get(url, {"filing_last_year": FilingStatus.SUBMITTED})) == {plain}
    assert shown(as_park_admin.get(url, {"filing_last_year": "none"})) == set()
    assert shown(as_park_admin.get(url, {"park__id__exact": world["mine"].pk})) == {star, plain}
    assert shown(as_park_admin.get(url, {"district__id__exact": world["star"].district_id})) == {star}
    assert shown(as_park_admin.get(url, {"chain_position__exact": "application"})) == {star, plain}
    # The park filter offers only the administrator's parks.
    ParkMembershipFactory(park=ParkFactory(name="我的二园"), user=world["park_admin"])
    assert filter_choices(as_park_admin.get(url), "park__id__exact") == ["我的二园", "我的园区"]


def test_enterprise_filters_for_the_bureau(as_bureau, world):
    url = changelist(Enterprise)
    response = as_bureau.get(url, {"tier_held": Tier.INNOVATIVE})
    assert shown(response) == {world["star"].pk, world["other"].pk}
    assert shown(as_bureau.get(url, {"filing_last_year": FilingStatus.APPROVED})) == {world["star"].pk,
                                                                                     world["other"].pk}
    assert filter_choices(as_bureau.get(url), "park__id__exact") == ["别人的园区", "我的园区"]
    assert shown(as_bureau.get(url, {"park__id__exact": world["theirs"].pk})) == {world["other"].pk}


# --- tenancies -----------------------------------------------------------------------------------------------
def test_tenancy_list_days_left_and_end_filter(as_park_admin, world):
    url = changelist(Tenancy)
    response = as_park_admin.get(url)
    by_pk = {obj.pk: obj for obj in response.context["cl"].result_list}
    model_admin = admin.site._registry[Tenancy]
    assert model_admin.days_left(by_pk[world["soon"].pk]) == 20
    assert model_admin.days_left(by_pk[world["open"].pk]) is None
    assert model_admin.days_left(by_pk[world["ended"].pk]) == 0
    assert world["elsewhere"].pk not in by_pk
    assert "20" in row_of(response, str(world["soon"].unit).split()[-1])
    assert shown(as_park_admin.get(url, {"ends": "30"})) == {world["soon"].pk}
    assert shown(as_park_admin.get(url, {"ends": "60"})) == {world["soon"].pk}
    assert shown(as_park_admin.get(url, {"ends": "90"})) == {world["soon"].pk, world["later"].pk}
    assert shown(as_park_admin.get(url, {"ends": "open"})) == {world["open"].pk}
    assert shown(as_park_admin.get(url, {"ends": "ended"})) == {world["ended"].pk}
    assert filter_choices(as_park_admin.get(url), "park__id__exact") is None  # one park: nothing to choose
    ParkMembershipFactory(park=ParkFactory(name="我的二园"), user=world["park_admin"])
    assert filter_choices(as_park_admin.get(url), "park__id__exact") == ["我的二园", "我的园区"]
    assert "别人的园区" not in as_park_admin.get(url).content.decode()


def test_tenancy_end_filter_for_the_bureau(as_bureau, world):
    response = as_bureau.get(changelist(Tenancy), {"ends": "60"})
    assert shown(response) == {world["soon"].pk, world["elsewhere"].pk}
    assert filter_choices(response, "park__id__exact") == ["别人的园区", "我的园区"]


# --- filings -------------------------------------------------------------------------------------------------
def test_filing_list_badges_and_filters(as_park_admin, world):
    url = changelist(AnnualFiling)
    response = as_park_admin.get(url)
    mine = set(AnnualFiling.objects.filter(park=world["mine"]).values_list("pk", flat=True))
    assert shown(response) == mine and len(mine) == 3
    assert zh(FilingStatus.SUBMITTED.label) in row_of(response, "普通数字人")
    submitted = AnnualFiling.objects.get(status=FilingStatus.SUBMITTED)
    assert shown(as_park_admin.get(url, {"status__exact": "submitted"})) == {submitted.pk}
    assert shown(as_park_admin.get(url, {"year__exact": TODAY.year - 2})) == {
        AnnualFiling.objects.get(enterprise=world["star"], year=TODAY.year - 2).pk}
    assert shown(as_park_admin.get(url, {"park__id__exact": world["mine"].pk})) == mine
    ParkMembershipFactory(park=ParkFactory(name="我的二园"), user=world["park_admin"])
    assert filter_choices(as_park_admin.get(url), "park__id__exact") == ["我的二园", "我的园区"]


def post_action(client, model, action: str, pks, **data):
    """Post a changelist action on the given rows."""
    return client.post(changelist(model), {"action": action, "_selected_action": list(pks), "index": 0, **data})


def test_return_with_reason_asks_then_returns_every_selected_filing(as_park_admin, world):
    second = AnnualFilingFactory(enterprise=world["star"], year=TODAY.year - 3, status=FilingStatus.SUBMITTED,
                                 park=world["mine"], submitted_at=timezone.now())
    first = AnnualFiling.objects.get(enterprise=world["plain"])
    approved = AnnualFiling.objects.get(enterprise=world["star"], year=TODAY.year - 1)
    foreign = AnnualFiling.objects.get(enterprise=world["other"])
    pks = [first.pk, second.pk, approved.pk, foreign.pk]
    page = post_action(as_park_admin, AnnualFiling, "return_selected", pks)
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    assert {f.pk for f in page.context["filings"]} == {first.pk, second.pk}
    assert page.context["skipped"] == 1  # the approved one; another park's filing is not even selected
    # An empty reason asks again.
    again = as_park_admin.post(changelist(AnnualFiling), {
        "action": "return_selected", "_selected_action": [first.pk, second.pk], "confirm": "yes", "reason": " "})
    assert again.status_code == 200 and again.context["form"].errors
    done = as_park_admin.post(changelist(AnnualFiling), {
        "action": "return_selected", "_selected_action": [first.pk, second.pk], "confirm": "yes",
        "reason": "研发费用与上年不符，请核对。"}, follow=True)
    assert done.status_code == 200
    for filing in (first, second):
        filing.refresh_from_db()
        assert filing.status == FilingStatus.RETURNED and filing.return_reason == "研发费用与上年不符，请核对。"
        assert filing.reviewed_by == world["park_admin"]
    assert "2" in " ".join(str(m) for m in done.context["messages"])
    foreign.refresh_from_db()
    assert foreign.status == FilingStatus.APPROVED


def test_return_with_reason_refuses_a_reviewer_of_their_own_enterprise(client, world):
    reviewer = world["bureau"]
    EnterpriseMembershipFactory(enterprise=world["plain"], user=reviewer)
    own = AnnualFiling.objects.get(enterprise=world["plain"])
    fine = AnnualFilingFactory(enterprise=world["star"], year=TODAY.year - 3, status=FilingStatus.SUBMITTED,
                               park=world["mine"], submitted_at=timezone.now())
    client.force_login(reviewer)
    done = client.post(changelist(AnnualFiling), {
        "action": "return_selected", "_selected_action": [own.pk, fine.pk], "confirm": "yes",
        "reason": "请补充材料"}, follow=True)
    text = " ".join(str(m) for m in done.context["messages"])
    assert str(own) in text
    # All or none: the other filing is not returned either.
    own.refresh_from_db(), fine.refresh_from_db()
    assert own.status == FilingStatus.SUBMITTED and fine.status == FilingStatus.SUBMITTED


def test_review_actions_are_offered_to_reviewers_only(client, world):
    enterprise_staff = EnterpriseMembershipFactory(enterprise=world["star"], user=UserFactory(is_staff=True)).user
    client.force_login(enterprise_staff)
    actions = dict(client.get(changelist(AnnualFiling)).context["action_form"].fields["action"].choices)
    assert "return_selected" not in actions and "approve_selected" not in actions and "export_csv" in actions
    client.force_login(world["park_admin"])
    actions = dict(client.get(changelist(AnnualFiling)).context["action_form"].fields["action"].choices)
    assert {"return_selected", "approve_selected", "export_xlsx", "export_csv"} <= set(actions)


# --- designations and parks ----------------------------------------------------------------------------------
def test_designation_status_column_and_filter(as_bureau, world):
    enterprise = world["plain"]
    due = TierDesignationFactory(enterprise=enterprise, tier=Tier.INNOVATIVE, granted_on=TODAY - 1000 * DAY)
    revoked = TierDesignationFactory(enterprise=enterprise, tier=Tier.SPECIALISED, granted_on=TODAY - 100 * DAY,
                                     revoked_on=TODAY - DAY, revoke_reason="不再符合条件")
    url = reverse("admin:enterprises_tierdesignation_changelist")
    response = as_bureau.get(url)
    statuses = {d.pk: d.status_on() for d in response.context["cl"].result_list}
    assert statuses[due.pk] == DesignationStatus.DUE and statuses[revoked.pk] == DesignationStatus.REVOKED
    for status in DesignationStatus.values:
        expected = {pk for pk, value in statuses.items() if value == status}
        assert expected, status
        assert shown(as_bureau.get(url, {"status": status})) == expected
    assert zh(DesignationStatus.REVOKED.label) in row_of(as_bureau.get(url, {"status": "revoked"}), "普通数字人")
    assert zh(DesignationStatus.EXPIRED.label) in row_of(as_bureau.get(url, {"status": "expired"}), "星辰数字人")


def test_park_list_shows_occupancy_today(as_park_admin, world):
    mine = world["mine"]
    UnitFactory(park=mine, area=Decimal("300"))  # a unit never let
    response = as_park_admin.get(changelist(Park))
    assert shown(response) == {mine.pk}
    expected = occupancy(units=mine.units.all(), on=TODAY).rate
    assert expected == Decimal("42.86")  # three of four 100 m² units and the 300 m² one: 300 / 700
    model_admin = admin.site._registry[Park]
    assert model_admin.occupancy(response.context["cl"].result_list[0]) == expected
    assert "42.86" in row_of(response, "我的园区")


# --- exports -------------------------------------------------------------------------------------------------
def expected_table(client, model, pks):
    """The export the changelist should give for these rows: its column headers and the cells of each row."""
    response = client.get(changelist(model))
    model_admin, request = admin.site._registry[model], response.wsgi_request
    return model_admin.export_table(request, model_admin.get_queryset(request).filter(pk__in=pks))


@pytest.mark.parametrize("model", [Enterprise, Tenancy, AnnualFiling, ParkService])
def test_exports_write_the_rows_the_user_may_see(as_park_admin, world, model):
    visible = list(model.objects.restrict(world["park_admin"]).values_list("pk", flat=True))
    hidden = list(model.objects.exclude(pk__in=visible).values_list("pk", flat=True))
    assert visible and hidden
    xlsx = post_action(as_park_admin, model, "export_xlsx", visible + hidden)
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    block, table = split_report([list(row) for row in sheet.iter_rows(values_only=True)])
    assert "导出人" in block and sheet.freeze_panes == "A" + str(len(block) + 3)
    written_csv = post_action(as_park_admin, model, "export_csv", visible + hidden)
    assert written_csv["Content-Type"].startswith("text/csv")
    csv_table = list(csv.reader(io.StringIO(written_csv.content.decode("utf-8-sig"))))
    model_admin = admin.site._registry[model]
    headers = [zh(admin.utils.label_for_field(name, model, model_admin)) for name in
               model_admin.export_columns(None)]
    assert table[0] == headers and csv_table[0] == headers
    assert len(table) == len(csv_table) == len(visible) + 1
    expected = expected_table(as_park_admin, model, visible)
    assert len(expected) == len(table)

    def same(cell, value):
        if isinstance(value, datetime.datetime | datetime.date) and not isinstance(cell, str):
            return cell == datetime.datetime.combine(value, datetime.time()) if type(value) is datetime.date \
                else cell == value
        return cell == value or str(cell) == str(value) or (cell in (None, "") and value in (None, ""))

    for written, wanted in zip(table[1:], expected[1:], strict=True):
        assert all(same(c, v) for c, v in zip(written, wanted, strict=True)), (written, wanted)
    for written, wanted in zip(csv_table[1:], expected[1:], strict=True):
        assert written == ["" if v is None else str(v) for v in wanted]


def test_enterprise_export_writes_badges_as_text(as_park_admin, world):
    response = post_action(as_park_admin, Enterprise, "export_csv", [world["star"].pk, world["other"].pk])
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(table) == 2  # the other park's enterprise is not written
    header, row = table
    record = dict(zip(header, row, strict=True))
    tiers = f"{zh(TIER_SHORT[Tier.LITTLE_GIANT])}、{zh(TIER_SHORT[Tier.INNOVATIVE])}"
    assert record[zh(gettext_lazy("tiers held"))] == tiers
    assert record[zh(gettext_lazy("latest filing"))] == f"{TODAY.year - 1} {zh(FilingStatus.APPROVED.label)}"
    assert record[zh(gettext_lazy("next tenancy end"))] == str(world["soon"].end)
    assert record[zh(Enterprise._meta.get_field("name").verbose_name)] == world["star"].name
    assert "<" not in ",".join(row)


def test_every_scoped_changelist_offers_the_exports(as_bureau, world):
    make_one_of_each(world["mine"], world["star"])
    ReportRun.objects.create(year=2024)
    FileJob.objects.create(kind="export", subject="enterprises", file_format="xlsx", started_by=world["bureau"])
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        response = as_bureau.get(changelist(model))
        actions = dict(response.context["action_form"].fields["action"].choices)
        assert {"export_xlsx", "export_csv"} <= set(actions), model
        exported = post_action(as_bureau, model, "export_csv", model.objects.values_list("pk", flat=True)[:5],
                               select_across=1)
        assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv"), model
        table = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert len(table) == 1 + model_admin.get_queryset(response.wsgi_request).count(), model


# --- history -------------------------------------------------------------------------------------------------
def history_models():
    """The registered models of the project's apps that keep a history."""
    return [model for model in admin.site._registry
            if model._meta.app_label in APPS and getattr(model._meta, "simple_history_manager_attribute", None)]


def make_one_of_each(park, enterprise):
    """A record of every registered model, in a park and of an enterprise."""
    LabFactory(park=park, host=enterprise), PlatformFactory(park=park, operator=enterprise)
    BenchmarkProjectFactory(park=park, lead=enterprise), PlanTargetFactory()
    PlanTask.objects.create(plan=f"测试计划{PlanTask.objects.count()}", number=1, title="测试任务")
    SupportAwardFactory(enterprise=enterprise)
    register_records(enterprise)  # a record of each of the enterprise's own registers
    ParkServiceFactory(park=park)  # branch parksvc
    EnterpriseMembershipFactory(enterprise=enterprise)
    DistrictMembership.objects.create(user=UserFactory(), district=park.district)
    declaration_round = DeclarationRound.objects.create(
        name=f"第{DeclarationRound.objects.count() + 1}轮", tier="innovative", rule_set="2026", cadence="monthly",
        opens=TODAY, closes=TODAY, review_starts=TODAY + DAY)
    declaration = Declaration.objects.create(round=declaration_round, enterprise=enterprise,
                                             district=enterprise.district, status="publicity")
    Objection.objects.create(declaration=declaration, received_on=TODAY, objector="张某", text="测试异议")
    evidence_row(declaration=declaration)
    year = 2000 + FilingSeason.objects.count()
    FilingSeason.objects.create(year=year, opens=datetime.date(year + 1, 1, 1), closes=datetime.date(year + 1, 5, 31))


@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_history_pages_open_for_every_model(client, world, role):
    make_one_of_each(world["mine"], world["star"])
    user = world[role]
    client.force_login(user)
    models = history_models()
    assert len(models) >= 12
    opened = set()
    for model in models:
        obj = model.objects.restrict(user).order_by("pk").first()
        if obj is None:
            continue
        opts = model._meta
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert page.status_code == 200, model
        assert f'href="{history}"' in page.content.decode(), model  # the History button
        assert client.get(history).status_code == 200, model
        opened.add(model.__name__)
    expected = {"District", "Park", "Unit", "ParkMembership", "Enterprise", "Tenancy", "AnnualFiling",
                "TierDesignation", "Lab", "Platform", "BenchmarkProject"}
    if role == "bureau":
        expected |= {"PlanTarget", "EnterpriseMembership"}
    assert opened >= expected


# --- query counts --------------------------------------------------------------------------------------------
def populate(count: int, park_admin) -> None:
    """`count` rows of every changelist, each in a new park kept by `park_admin` (file jobs: theirs)."""
    for _ in range(count):
        park = ParkFactory()
        ParkMembershipFactory(park=park, user=park_admin)
        enterprise = EnterpriseFactory(park=park)
        TenancyFactory(unit=UnitFactory(park=park), enterprise=enterprise, start=TODAY - 10 * DAY,
                       end=TODAY + 40 * DAY)
        approved_filing(enterprise=enterprise, year=TODAY.year - 1)
        TierDesignationFactory(enterprise=enterprise, granted_on=TODAY - 100 * DAY)
        TierDesignationFactory(enterprise=enterprise, tier=Tier.LITTLE_GIANT, granted_on=TODAY - 50 * DAY)
        make_one_of_each(park, enterprise)
        DistrictFactory()
        year = 2000 + ReportRun.objects.count()
        ReportRun.objects.create(year=year, status=RunStatus.SUCCEEDED, finished=timezone.now(), rows=3)
        FileJob.objects.create(kind="export", subject="enterprises", file_format="xlsx", started_by=park_admin)


def count_queries(client, url) -> int:
    """The queries a page takes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_changelist_query_counts_do_not_grow_with_the_rows(client, role, django_assert_max_num_queries):
    park_admin = UserFactory(is_staff=True)
    user = bureau_user(is_staff=True) if role == "bureau" else park_admin
    client.force_login(user)
    populate(2, park_admin)
    urls = [changelist(model) for model in admin.site._registry if model._meta.app_label in APPS
            and admin.site._registry[model].has_view_permission(SimpleNamespace(user=user))]
    assert len(urls) >= 10
    for url in urls:
        count_queries(client, url)  # warm up (content types, sessions)
    few = {url: count_queries(client, url) for url in urls}
    export = {"action": "export_xlsx", "select_across": 1, "index": 0}
    exported = [changelist(model) for model in (Enterprise, Tenancy, AnnualFiling, Park)]
    few_export = {}
    for url in exported:
        pk = client.get(url).context["cl"].result_list[0].pk
        with CaptureQueriesContext(connection) as queries:
            assert client.post(url, {**export, "_selected_action": [pk]}).status_code == 200
        few_export[url] = len(queries)
    populate(18, park_admin)
    for url in urls:
        with django_assert_max_num_queries(few[url], info=url):
            response = client.get(url)
        assert len(response.context["cl"].result_list) >= 20, url
    for url in exported:  # an export of every row, too
        pk = client.get(url).context["cl"].result_list[0].pk
        with django_assert_max_num_queries(few_export[url], info=url):
            response = client.post(url, {**export, "_selected_action": [pk]})
        assert len(load_workbook(io.BytesIO(response.content)).active["A"]) >= 21, url
