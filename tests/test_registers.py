"""The enterprise's own registers (docs/registers-enterprise.md): standards, IP, virtual characters, financing and
listings through the API, scoped per role; bad input as field errors; a character with its registrations written
whole or not at all; the filing prefilled from the registers, its differences warned, never refused; a hand-typed
filing's assessment unchanged; the plan board's indicators counted per role."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from access.scoping import VIEW
from config.amounts import money_display
from config.plan_board import INDICATORS, BoardScope
from enterprises.choices import FilingStatus, IpClass, StandardLevel
from enterprises.models import (
    AnnualFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    FinancingRound,
    IntellectualProperty,
    Listing,
    Standard,
)
from enterprises.register_selectors import register_figures
from enterprises.selectors import enterprise_assessment
from enterprises.services import filing_create
from parks.models import DistrictMembership

from .conftest import token_client as new_client
from .factories import (
    EnterpriseFactory,
    EnterpriseMembershipFactory,
    ParkFactory,
    ParkMembershipFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)

pytestmark = pytest.mark.django_db
YEAR = 2024
D = datetime.date


@pytest.fixture
def two():
    """Two enterprises in different parks and districts, a user of each, an administrator of E1's park and staff of
    E1's district."""
    e1, e2 = EnterpriseFactory(), EnterpriseFactory()
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=e1.district)
    return {
        "e1": e1, "e2": e2,
        "user1": EnterpriseMembershipFactory(enterprise=e1).user,
        "user2": EnterpriseMembershipFactory(enterprise=e2).user,
        "park_admin": ParkMembershipFactory(park=e1.park).user, "staff": staff, "bureau": bureau_user(),
    }


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


GRANTED = D(2023, 5, 1)


def ip(enterprise, type_="invention", number="ZL1", granted=GRANTED, **kwargs):
    """An IP item of the enterprise."""
    return IntellectualProperty.objects.create(enterprise=enterprise, type=type_, number=number,
                                               title="数字人驱动方法", granted_on=granted, **kwargs)


BODIES = {
    "standard": {"title": "虚拟数字人 通用技术要求", "number": "T/ZGCX 001-2024", "level": "zhongguancun",
                 "role": "lead", "status": "published", "approved_on": "2024-03-01", "published_on": "2024-04-01"},
    "intellectualproperty": {"type": "invention", "number": "ZL202310000001.1", "title": "数字人表情驱动方法",
                             "granted_on": "2024-06-01", "self_developed": True},
    "digitalhumanip": {"name": "小京", "dh_type": "performance", "registrations": [
        {"kind": "copyright", "number": "国作登字-2024-F-00000001", "registered_on": "2024-02-01"},
        {"kind": "trademark", "number": "第70000001号", "registered_on": "2024-05-01"}]},
    "financinground": {"closed_on": "2024-07-01", "amount": "3000.00", "round_name": "A轮", "lead_investor": "某资本",
                       "guided_fund": "high_tech"},
    "listing": {"board": "specialised", "stock_code": "100001", "listed_on": "2024-09-01"},
}
MODELS = {"standard": Standard, "intellectualproperty": IntellectualProperty, "digitalhumanip": DigitalHumanIp,
          "financinground": FinancingRound, "listing": Listing}


@pytest.mark.parametrize("basename", list(BODIES))
def test_the_enterprise_files_its_own_and_the_others_see_them_by_role(two, basename):
    body = {**BODIES[basename], "enterprise": two["e1"].pk}
    created = token_client(two["user1"]).post(reverse(f"api:{basename}-list"), body, format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    detail = reverse(f"api:{basename}-detail", args=[pk])
    statuses = {role: token_client(two[role]).get(detail).status_code
                for role in ("user1", "user2", "park_admin", "staff", "bureau")}
    assert statuses == {"user1": 200, "user2": 404, "park_admin": 200, "staff": 200, "bureau": 200}
    # Only the enterprise (and the bureau) write: its park and district read; another enterprise's user is refused
    # the body naming E1 (it does not exist for them).
    assert token_client(two["park_admin"]).delete(detail).status_code == 403
    assert token_client(two["staff"]).delete(detail).status_code == 403
    assert token_client(two["user2"]).post(reverse(f"api:{basename}-list"), body, format="json").status_code == 400
    assert MODELS[basename].objects.count() == 1
    assert token_client(two["user1"]).delete(detail).status_code == 204
    assert not MODELS[basename].objects.exists()


def test_lists_hold_only_what_the_role_sees(two):
    ip(two["e1"]), ip(two["e2"], number="ZL2")
    url = reverse("api:intellectualproperty-list")
    counts = {role: token_client(two[role]).get(url).data["count"] for role in ("user1", "park_admin", "bureau")}
    assert counts == {"user1": 1, "park_admin": 1, "bureau": 2}


def test_the_class_follows_the_type_as_the_tier_rules_count_it(two):
    types = ("invention", "ic_layout", "software", "utility_model", "design")
    items = [ip(two["e1"], type_=t, number=t) for t in types]
    assert [item.ip_class for item in IntellectualProperty.objects.filter(pk__in=[i.pk for i in items])
            .order_by("pk")] == ["1", "1", "2", "2", "2"]


@pytest.mark.parametrize(("basename", "change", "field"), [
    ("standard", {"published_on": None}, "published_on"),
    ("standard", {"number": ""}, "number"),
    ("intellectualproperty", {"type": "software"}, "self_developed"),  # parts only of class-I items
    ("intellectualproperty", {"expires_on": "2024-01-01"}, "expires_on"),
    ("financinground", {"amount": "-1"}, "amount"),
    ("financinground", {"guided_fund": "某基金"}, "guided_fund"),
    ("listing", {"delisted_on": "2024-09-01"}, "delisted_on"),
    ("listing", {"listed_on": "2999-01-01"}, "listed_on"),
])
def test_bad_input_is_a_field_error_in_chinese_and_english(two, basename, change, field):
    body = {**BODIES[basename], "enterprise": two["e1"].pk, **change}
    client = token_client(two["user1"])
    answer = client.post(reverse(f"api:{basename}-list"), body, format="json")
    assert answer.status_code == 400 and field in answer.data, answer.data
    chinese = client.post(reverse(f"api:{basename}-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    message = str(chinese.data[field][0])
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    assert not MODELS[basename].objects.exists()


@pytest.mark.parametrize(("basename", "field"), [
    ("standard", "number"), ("intellectualproperty", "number"), ("listing", "listed_on"), ("digitalhumanip", "name"),
])
def test_a_record_the_enterprise_already_has_is_refused_on_its_field(two, basename, field):
    body = {**BODIES[basename], "enterprise": two["e1"].pk}
    client = token_client(two["user1"])
    assert client.post(reverse(f"api:{basename}-list"), body, format="json").status_code == 201
    again = client.post(reverse(f"api:{basename}-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert again.status_code == 400 and list(again.data) == [field], again.data
    message = str(again.data[field][0])
    assert any("\u4e00" <= char <= "\u9fff" for char in message), message
    assert MODELS[basename].objects.count() == 1


def test_a_character_and_its_registrations_are_written_whole_or_not_at_all(two):
    client = token_client(two["user1"])
    taken = DigitalHumanRegistration.objects.create(
        character=DigitalHumanIp.objects.create(enterprise=two["e1"], name="旧形象", dh_type="service"),
        kind="trademark", number="第1号", registered_on=D(2023, 1, 1))
    body = {**BODIES["digitalhumanip"], "enterprise": two["e1"].pk}
    body["registrations"] = [*body["registrations"], {"kind": taken.kind, "number": taken.number,
                                                      "registered_on": "2024-06-01"}]
    refused = client.post(reverse("api:digitalhumanip-list"), body, format="json")
    assert refused.status_code == 400 and "registrations" in refused.data
    assert DigitalHumanIp.objects.count() == 1 and DigitalHumanRegistration.objects.count() == 1
    created = client.post(reverse("api:digitalhumanip-list"), {**BODIES["digitalhumanip"], "enterprise": two["e1"].pk},
                          format="json")
    assert created.status_code == 201 and len(created.data["registrations"]) == 2
    # A write listing one registration keeps that one and removes the other.
    kept = BODIES["digitalhumanip"]["registrations"][:1]
    changed = client.patch(reverse("api:digitalhumanip-detail", args=[created.data["id"]]), {"registrations": kept},
                           format="json")
    assert changed.status_code == 200, changed.data
    assert [r["number"] for r in changed.data["registrations"]] == [kept[0]["number"]]


# --- the filing ------------------------------------------------------------------------------------------------
def registers_of(enterprise):
    """IP items around YEAR (in force in it or not), a standard published in it, equity and other rounds; returns
    the figures written out by hand from them."""
    ip(enterprise, "invention", "A", D(2020, 1, 1), self_developed=True, high_value=True)  # in force
    ip(enterprise, "invention", "B", D(2019, 1, 1), expires_on=D(2024, 1, 1))  # lapses on the year's first day: counts
    ip(enterprise, "invention", "C", D(2018, 1, 1), expires_on=D(2023, 12, 31))  # lapsed before: does not
    ip(enterprise, "ic_layout", "D", D(2024, 12, 31), applied=True)  # granted on the year's last day: counts
    ip(enterprise, "invention", "E", D(2025, 1, 1))  # granted after: does not
    ip(enterprise, "software", "F", D(2022, 3, 1))
    ip(enterprise, "design", "G", D(2024, 3, 1))
    Standard.objects.create(enterprise=enterprise, title="标准", number="GB/T 1-2024", level="national",
                            role="participating", status="published", published_on=D(2024, 5, 1))
    for day, amount, equity in ((D(2024, 3, 1), "1000.00", True), (D(2023, 3, 1), "500.00", True),
                                (D(2022, 3, 1), "200.00", True), (D(2021, 3, 1), "100.00", True),
                                (D(2024, 6, 1), "800.00", False), (D(2025, 1, 1), "50.00", True)):
        FinancingRound.objects.create(enterprise=enterprise, closed_on=day, amount=Decimal(amount), round_name="轮",
                                      equity=equity)
    return {"ip_class1": 3, "ip_class1_self_developed": 1, "ip_class1_high_value": 1, "ip_class1_applied": 1,
            "ip_class2": 2, "standard_drafting": True, "equity_financing_2y": Decimal("1500.00"),
            "equity_financing_3y": Decimal("1700.00")}


def test_the_figures_count_as_the_registers_querysets_do_in_every_year(two):
    """Around the year's edges (granted, lapsed, published in another year) the figures are the querysets' counts:
    valid_in, the class column and published_in, each defined once."""
    registers_of(two["e1"])
    Standard.objects.create(enterprise=two["e1"], title="旧标准", number="GB/T 2-2022", level="national",
                            role="lead", status="published", published_on=D(2022, 5, 1))
    items = IntellectualProperty.objects.filter(enterprise=two["e1"])
    for year in range(2017, 2027):
        figures = register_figures(user=two["bureau"], enterprise_id=two["e1"].pk, year=year).figures
        in_force = items.valid_in(year)
        assert (figures["ip_class1"], figures["ip_class2"]) == (
            in_force.filter(ip_class=IpClass.CLASS1).count(), in_force.filter(ip_class=IpClass.CLASS2).count()), year
        assert figures["ip_class1_applied"] == in_force.filter(ip_class=IpClass.CLASS1, applied=True).count(), year
        assert figures["standard_drafting"] == Standard.objects.filter(enterprise=two["e1"]).published_in(year)\
            .exists(), year


def test_a_new_filing_is_prefilled_from_the_registers(two):
    expected = registers_of(two["e1"])
    created = token_client(two["user1"]).post(reverse("api:annualfiling-list"),
                                              {"enterprise": two["e1"].pk, "year": YEAR}, format="json")
    assert created.status_code == 201, created.data
    filing = AnnualFiling.objects.get(pk=created.data["id"])
    assert {name: getattr(filing, name) for name in expected} == expected


def test_a_group_typed_by_hand_is_kept_and_the_rest_prefilled(two):
    expected = registers_of(two["e1"])
    filing = filing_create(enterprise=two["e1"], year=YEAR, figures={"ip_class1": 9}, user=two["user1"])
    assert (filing.ip_class1, filing.ip_class1_self_developed, filing.ip_class2) == (9, 0, 0)
    assert filing.equity_financing_2y == expected["equity_financing_2y"] and filing.standard_drafting


def test_without_records_nothing_is_prefilled(two):
    assert register_figures(user=two["user2"], enterprise_id=two["e2"].pk, year=YEAR).figures == {}
    filing = filing_create(enterprise=two["e2"], year=YEAR, figures={}, user=two["user2"])
    assert (filing.ip_class1, filing.ip_class2, filing.equity_financing_2y, filing.standard_drafting) == \
        (0, 0, None, False)


def test_the_filing_api_gives_the_registers_figures_and_the_differences(two):
    expected = registers_of(two["e1"])
    filing = filing_create(enterprise=two["e1"], year=YEAR, figures={"ip_class1": 9}, user=two["user1"])
    for role, status in (("user1", 200), ("user2", 404), ("bureau", 200)):
        assert token_client(two[role]).get(reverse("api:annualfiling-registers", args=[filing.pk])).status_code \
            == status
    answer = token_client(two["user1"]).get(reverse("api:annualfiling-registers", args=[filing.pk]),
                                            HTTP_ACCEPT_LANGUAGE="zh-hans").data
    assert answer["figures"]["ip_class1"] == expected["ip_class1"]
    assert answer["notes"]["ip_class1"] == "根据知识产权登记预填"
    # 9 typed against 3; the parts 0 against 1 each; class II 0 against 2
    assert answer["differences"] == {
        "ip_class1": {"filed": 9, "registers": 3}, "ip_class1_self_developed": {"filed": 0, "registers": 1},
        "ip_class1_high_value": {"filed": 0, "registers": 1}, "ip_class1_applied": {"filed": 0, "registers": 1},
        "ip_class2": {"filed": 0, "registers": 2}}


def test_the_registers_answer_writes_money_as_the_filing_does(two):
    """Amounts in 万元 in the rendered answer are the filing's strings with two decimals, never floats, in the
    figures and in the differences alike."""
    expected = registers_of(two["e1"])
    typed = {"equity_financing_2y": Decimal("1200"), "equity_financing_3y": Decimal("1700")}
    filing = filing_create(enterprise=two["e1"], year=YEAR, figures=dict(typed), user=two["user1"])
    client = token_client(two["user1"])
    answer = client.get(reverse("api:annualfiling-registers", args=[filing.pk])).json()
    shown = client.get(reverse("api:annualfiling-detail", args=[filing.pk])).json()
    for name in ("equity_financing_2y", "equity_financing_3y"):
        assert answer["figures"][name] == f"{expected[name]:.2f}"
        assert isinstance(shown[name], str) and shown[name] == f"{typed[name]:.2f}"  # the filing's own form
    assert answer["figures"]["ip_class1"] == expected["ip_class1"] and answer["figures"]["standard_drafting"] is True
    # 1200 typed against 1500.00 differs; 1700 typed equals the registers' 1700.00
    assert answer["differences"] == {"equity_financing_2y": {"filed": "1200.00", "registers": "1500.00"}}


def test_the_registers_answer_is_typed_in_the_schema():
    parts = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    figures = parts["RegisterFiguresValues"]["properties"]
    assert figures["equity_financing_2y"]["type"] == "string" and figures["equity_financing_2y"]["format"] == \
        "decimal"
    assert figures["ip_class1"]["type"] == "integer" and figures["standard_drafting"]["type"] == "boolean"
    money = parts["RegisterDifferences"]["properties"]["equity_financing_3y"]["$ref"].rsplit("/", 1)[-1]
    assert parts[money]["properties"]["registers"]["format"] == "decimal"


def test_a_former_park_reads_an_old_filing_but_not_the_registers_it_no_longer_sees(two):
    """The enterprise moved: its former park still reads the filing it reviewed, but not the records of the
    registers, whose rule reaches the enterprise's park now; the new park's administrator reads them."""
    expected = registers_of(two["e1"])
    filing = approved_filing(enterprise=two["e1"], year=YEAR)
    two["e1"].park = ParkFactory(district=two["e1"].district)
    two["e1"].save()
    new_admin = ParkMembershipFactory(park=two["e1"].park).user
    url = reverse("api:annualfiling-registers", args=[filing.pk])
    former = token_client(two["park_admin"]).get(url)
    assert former.status_code == 200  # the filing stamped with the former park
    assert not IntellectualProperty.objects.restrict(two["park_admin"], VIEW).exists()
    assert former.json()["figures"] == {} and former.json()["notes"] == {}
    assert former.json()["differences"] == {}
    assert token_client(new_admin).get(url).status_code == 404  # the filing is the former park's
    assert register_figures(user=new_admin, enterprise_id=two["e1"].pk, year=YEAR).figures == expected


def test_the_filing_page_notes_the_prefill_and_warns_but_saves_a_differing_figure(two, client):
    registers_of(two["e1"])
    client.force_login(two["user1"])
    with translation.override("zh-hans"):
        started = client.post(reverse("filing-create", args=[two["e1"].pk]), {"year": YEAR},
                              HTTP_ACCEPT_LANGUAGE="zh-hans")
        filing = AnnualFiling.objects.get(enterprise=two["e1"], year=YEAR)
        assert started.status_code == 302
        page = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert page.count("根据知识产权登记预填") == 5 and "根据融资登记预填" in page
        form = {name: ("" if value is None else value) for name, value in filing.figures().items()
                if not isinstance(value, bool)}
        form.update({name: "on" for name, value in filing.figures().items() if value is True})
        form["ip_class2"] = 7
        saved = client.post(reverse("filing-edit", args=[filing.pk]), form, HTTP_ACCEPT_LANGUAGE="zh-hans",
                            follow=True)
    filing.refresh_from_db()
    assert filing.ip_class2 == 7  # the enterprise's own figure stands
    text = saved.content.decode()
    assert "与企业登记信息不一致" in text and "登记信息为 2。" in text


def test_the_filing_page_warns_a_differing_amount_as_an_amount(two, client):
    expected = registers_of(two["e1"])
    filing = filing_create(enterprise=two["e1"], year=YEAR, figures={"equity_financing_2y": Decimal("1200")},
                           user=two["user1"])
    client.force_login(two["user1"])
    with translation.override("zh-hans"):
        page = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        shown = money_display(expected["equity_financing_2y"])
    assert shown.endswith("万元") and f"登记信息为 {shown}。" in page
    assert "登记信息为 1500.00。" not in page  # not the bare number


def test_the_assessment_of_a_hand_typed_filing_is_unchanged_by_the_registers(two):
    filing = approved_filing(enterprise=two["e1"], year=YEAR)
    before, _ = enterprise_assessment(enterprise=two["e1"], user=two["bureau"], year=YEAR)
    figures_before = filing.figures()
    registers_of(two["e1"])  # registers that disagree with every typed IP, standard and financing figure
    after, used = enterprise_assessment(enterprise=two["e1"], user=two["bureau"], year=YEAR)
    assert used.pk == filing.pk and AnnualFiling.objects.get(pk=filing.pk).figures() == figures_before
    assert after.as_dict() == before.as_dict()
    assert filing.status == FilingStatus.APPROVED


# --- the plan board ----------------------------------------------------------------------------------------------
def test_the_indicators_count_the_year_over_what_each_role_sees(two):
    e1, e2 = two["e1"], two["e2"]
    for enterprise, number in ((e1, "T/A 1-2024"), (e2, "T/A 1-2024"), (e2, "T/A 2-2024")):  # one standard shared
        Standard.objects.create(enterprise=enterprise, title="团标", number=number, level="group", role="lead",
                                status="published", published_on=D(2024, 3, 1))
    Standard.objects.create(enterprise=e1, title="国标", number="GB 9", level="national", role="lead",
                            status="published", published_on=D(2023, 3, 1))  # another year
    ip(e1, "invention", "P1", D(2024, 2, 1)), ip(e1, "design", "P2", D(2024, 3, 1))
    ip(e2, "software", "S1", D(2024, 4, 1))
    ip(e2, "invention", "P3", D(2023, 2, 1))  # another year
    for enterprise, name, kind, day in ((e1, "甲", "performance", D(2024, 1, 5)),
                                        (e2, "乙", "performance", D(2023, 1, 5)),  # another year
                                        (e2, "丙", "service", D(2024, 8, 5))):
        character = DigitalHumanIp.objects.create(enterprise=enterprise, name=name, dh_type=kind)
        DigitalHumanRegistration.objects.create(character=character, kind="copyright", number=name, registered_on=day)
    FinancingRound.objects.create(enterprise=e1, closed_on=D(2024, 5, 1), amount=Decimal("1200.50"), round_name="A",
                                  guided_fund="high_tech")
    FinancingRound.objects.create(enterprise=e2, closed_on=D(2024, 6, 1), amount=Decimal("300.00"), round_name="B")
    Listing.objects.create(enterprise=e2, board="specialised", listed_on=D(2024, 10, 1))
    Listing.objects.create(enterprise=e1, board="neeq", listed_on=D(2022, 10, 1))  # another year
    expected = {  # bureau (both), E1's user, E1's park administrator (E1 only)
        "standards-group": (2, 1, 1), "standards-national": (0, 0, 0), "patents-granted": (2, 2, 2),
        "invention-patents-granted": (1, 1, 1), "software-copyrights-registered": (1, 0, 0),
        "dh-ip-performance-registered": (1, 1, 1), "dh-ip-service-registered": (1, 0, 0),
        "financing-amount": (Decimal("1500.50"), Decimal("1200.50"), Decimal("1200.50")),
        "guided-fund-rounds": (1, 1, 1), "listings": (1, 0, 0), "specialised-board-listings": (1, 0, 0),
    }
    for code, figures in expected.items():
        got = tuple(INDICATORS[code].compute(YEAR, BoardScope(user=two[role], as_of=D(YEAR, 12, 31)))
                    for role in ("bureau", "user1", "park_admin"))
        assert got == figures, code
    assert {INDICATORS[code].task for code in expected} == {4, 5, 6, 8, 12}
    url = INDICATORS["guided-fund-rounds"].records_url(YEAR, D(YEAR, 12, 31))
    assert token_client(two["bureau"]).get(url).data["count"] == 1
    assert VIEW == "view"


def test_each_records_url_lists_what_its_figure_counts(two):
    """Followed as the bureau, each indicator's records list holds the records its figure counts (the amounts sum to
    the financing figure), for a year of records with others of other types, levels, boards and years beside."""
    e1, e2 = two["e1"], two["e2"]
    for enterprise, number, level, day in ((e1, "T/A 1", "group", D(2024, 3, 1)), (e2, "DB 2", "local", D(2024, 5, 1)),
                                           (e2, "GB 3", "national", D(2023, 5, 1))):
        Standard.objects.create(enterprise=enterprise, title="标准", number=number, level=level, role="lead",
                                status="published", published_on=day)
    for number, (type_, day) in enumerate((("invention", D(2024, 2, 1)), ("utility_model", D(2024, 3, 1)),
                                           ("design", D(2024, 4, 1)), ("software", D(2024, 5, 1)),
                                           ("software", D(2024, 6, 1)), ("invention", D(2023, 2, 1)))):
        ip(e1 if number % 2 else e2, type_, f"N{number}", day)
    for enterprise, name, kind, day in ((e1, "甲", "performance", D(2024, 1, 5)), (e2, "乙", "service", D(2024, 8, 5)),
                                        (e2, "丙", "service", D(2023, 8, 5))):
        character = DigitalHumanIp.objects.create(enterprise=enterprise, name=name, dh_type=kind)
        DigitalHumanRegistration.objects.create(character=character, kind="copyright", number=name, registered_on=day)
    for enterprise, day, amount, fund in ((e1, D(2024, 5, 1), "1200.50", "high_tech"), (e2, D(2024, 6, 1), "300", ""),
                                          (e2, D(2023, 6, 1), "99", "high_tech")):
        FinancingRound.objects.create(enterprise=enterprise, closed_on=day, amount=Decimal(amount),
                                      round_name=f"R{day.year}{day.month}", guided_fund=fund)
    Listing.objects.create(enterprise=e2, board="specialised", listed_on=D(2024, 10, 1))
    Listing.objects.create(enterprise=e1, board="neeq", listed_on=D(2024, 3, 1))
    Listing.objects.create(enterprise=e1, board="star", listed_on=D(2023, 3, 1))
    bureau, on = two["bureau"], D(YEAR, 12, 31)
    client = token_client(bureau)
    followed = 0
    for item in INDICATORS.values():
        if item.records_url is None:
            continue
        figure = item.compute(YEAR, BoardScope(user=bureau, as_of=on))
        listed = client.get(f"{item.records_url(YEAR, on)}&page_size=100")
        assert listed.status_code == 200, (item.code, listed.content)
        if item.unit == "yuan_10k":
            assert sum(Decimal(row["amount"]) for row in listed.data["results"]) == figure, item.code
        else:
            assert listed.data["count"] == figure, item.code
        followed += 1
    assert followed >= 16  # six standards' levels, two characters', three IP, two financing, two listings, units let
    assert INDICATORS["patents-granted"].compute(YEAR, BoardScope(user=bureau, as_of=on)) == 3


def test_the_standards_indicators_count_every_level_in_one_group(two):
    """Task 4's six figures (one per level, computed together by one GROUP BY): a level's figure is its standards
    published in the year, each number once, whichever enterprise drafted it, beside standards of other years."""
    for index, level in enumerate(StandardLevel.values):
        for k in range(index + 1):  # level i: i + 1 standards of the year
            for enterprise in (two["e1"], two["e2"]):  # the same standard drafted by two enterprises counts once
                Standard.objects.create(enterprise=enterprise, title="标准", number=f"{level}-{k}", level=level,
                                        role="lead", status="published", published_on=D(YEAR, 3, 1))
        Standard.objects.create(enterprise=two["e1"], title="往年标准", number=f"{level}-old", level=level, role="lead",
                                status="published", published_on=D(YEAR - 1, 3, 1))
    scope = BoardScope(user=two["bureau"], as_of=D(YEAR, 12, 31))
    assert {level: INDICATORS[f"standards-{level}"].compute(YEAR, scope) for level in StandardLevel.values} == {
        level: index + 1 for index, level in enumerate(StandardLevel.values)}
