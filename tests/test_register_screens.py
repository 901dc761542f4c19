"""The pages of an enterprise's own registers (我的登记, docs/registers-enterprise.md): its users add, change and
delete records through the forms, which write as the API writes (the model's validation with the enterprise, a
character and its registrations together or not at all), field by field in Chinese and English; the enterprise's
park administrators, district staff and the bureau (which keeps them in the admin and the API) read
them here and may write nothing (403); another park's enterprise, a tenant
registered elsewhere and a record of another enterprise under this one's address do not exist for them (404)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import (
    AnnualFiling,
    ComplianceFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    FinancingRound,
    IndustryActivity,
    Listing,
    Standard,
)
from enterprises.register_forms import REGISTER_PAGES
from enterprises.services import filing_submit
from parks.models import DistrictMembership

from .factories import AnnualFilingFactory, EnterpriseMembershipFactory, UserFactory, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
D = datetime.date
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture
def place():
    """Two parks with one registered enterprise each (a user of each, an administrator of each park), the staff of
    the first enterprise's district, and a tenant of the first park registered with the second."""
    made = build_world(parks=2, admins=1, enterprises=1, users=1)
    mine, theirs = made.enterprise(0), made.enterprise(1)
    made.let(enterprise=theirs, park=0, start=D(2024, 1, 1))  # a current tenant of park 0, registered with park 1
    staff = UserFactory()
    DistrictMembership.objects.create(user=staff, district=mine.district)
    return {"made": made, "mine": mine, "theirs": theirs, "user": made.members_of(mine)[0].user,
            "other_user": made.members_of(theirs)[0].user, "admin": made.admin(0), "other_admin": made.admin(1),
            "staff": staff}


def url(name, enterprise, slug=None, record=None):
    args = [enterprise.pk] + ([slug] if slug else []) + ([record.pk] if record else [])
    return reverse(name, args=args)


def standard(enterprise, **kwargs):
    return Standard.objects.create(enterprise=enterprise, **{
        "title": "数字人 通用要求", "level": "group", "role": "lead", "status": "drafting", **kwargs})


def character_post(**kwargs) -> dict:
    """A character's form as posted: its fields and the registrations' rows (management form included)."""
    rows = kwargs.pop("rows", [])
    body = {"name": "小矩", "dh_type": "service", "launched_on": "2024-05-01", "description": "",
            "registrations-TOTAL_FORMS": str(len(rows)), "registrations-INITIAL_FORMS": kwargs.pop("initial", "0"),
            "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "1000", **kwargs}
    for i, row in enumerate(rows):
        body.update({f"registrations-{i}-{name}": value for name, value in row.items()})
    return body


def test_the_register_page_lists_each_register_as_a_tab(client, place):
    standard(place["mine"], number="T/BJ 1-2024")
    standard(place["theirs"], title="别家的标准")
    client.force_login(place["user"])
    page = client.get(url("registers", place["mine"]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我的登记 · 标准" in page and "T/BJ 1-2024" in page and "别家的标准" not in page
    for register in REGISTER_PAGES:  # the table drives the tabs: every register has its tab and its page
        assert f'data-register="{register.slug}"' in page
        assert client.get(url("register-list", place["mine"], register.slug)).status_code == 200
        assert client.get(url("register-add", place["mine"], register.slug)).status_code == 200
    assert client.get(url("register-list", place["mine"], "nothing")).status_code == 404


def test_an_enterprise_user_adds_edits_and_deletes_a_standard(client, place):
    client.force_login(place["user"])
    add = url("register-add", place["mine"], "standards")
    response = client.post(add, {"title": "虚拟人 服务规范", "number": "", "level": "national", "role": "lead",
                                 "status": "drafting", "co_drafters": "甲公司\r\n乙公司"})
    assert response.status_code == 302 and response.url == url("register-list", place["mine"], "standards")
    record = Standard.objects.get(enterprise=place["mine"])
    assert (record.title, record.co_drafters) == ("虚拟人 服务规范", "甲公司\n乙公司")
    edit = url("register-edit", place["mine"], "standards", record)
    body = {"title": "虚拟人 服务规范", "number": "GB/T 1-2025", "level": "national", "role": "lead",
            "status": "published", "published_on": "2025-03-01", "co_drafters": "甲公司\r\n乙公司"}
    assert client.post(edit, body).status_code == 302
    record.refresh_from_db()
    assert (record.status, record.published_on, record.number) == ("published", D(2025, 3, 1), "GB/T 1-2025")
    history = record.history.count()
    assert client.post(edit, body).status_code == 302  # saved unchanged: nothing written
    assert record.history.count() == history
    assert client.get(url("register-delete", place["mine"], "standards", record)).status_code == 200  # confirm
    assert client.post(url("register-delete", place["mine"], "standards", record)).status_code == 302
    assert not Standard.objects.filter(pk=record.pk).exists()


def test_an_enterprise_user_records_a_compliance_filing_and_an_activity_on_their_pages(client, place):
    """The compliance filings and industry activities are entries of the same table: added through their forms, an
    algorithm filing without its number refused on the number, in Chinese, with nothing written."""
    client.force_login(place["user"])
    add = url("register-add", place["mine"], "compliance")
    filing = {"kind": "deep_synthesis", "service_name": "数字人播报服务", "number": "", "filed_on": "2024-06-01"}
    refused = client.post(add, filing, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200
    assert "算法备案须填写备案编号。" in str(refused.context["form"].errors["number"])
    assert not ComplianceFiling.objects.exists()
    assert client.post(add, {**filing, "number": "网信算备110108000000000000001号"}).status_code == 302
    assert ComplianceFiling.objects.get(enterprise=place["mine"]).number == "网信算备110108000000000000001号"
    activity = {"kind": "joint_training", "title": "数字人建模联合培养班", "partner": "某大学", "held_on": "2024-07-01",
                "people": "30", "notes": ""}
    assert client.post(url("register-add", place["mine"], "activities"), activity).status_code == 302
    assert IndustryActivity.objects.get(enterprise=place["mine"]).people == 30
    page = client.get(url("register-list", place["mine"], "activities"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "数字人建模联合培养班" in page.content.decode()


@pytest.mark.parametrize(("language", "message"), [
    ("zh-hans", "日期不能晚于今天"), ("en", "The date cannot be in the future."),
])
def test_bad_input_is_refused_on_its_field_in_chinese_and_english(client, place, language, message):
    client.force_login(place["user"])
    response = client.post(url("register-add", place["mine"], "financing"), {
        "closed_on": TOMORROW.isoformat(), "amount": "500", "round_name": "A轮", "equity": "on"},
        HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["closed_on"])
    assert not FinancingRound.objects.exists()


def test_a_record_the_enterprise_already_holds_is_refused_as_the_api_refuses_it(client, place):
    FinancingRound.objects.create(enterprise=place["mine"], closed_on=D(2024, 3, 1), amount=100, round_name="A轮")
    client.force_login(place["user"])
    response = client.post(url("register-add", place["mine"], "financing"), {
        "closed_on": "2024-03-01", "amount": "200", "round_name": "A轮", "equity": "on"},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "该融资轮次已登记。" in str(response.context["form"].errors["round_name"])  # on its field, as the API's 400
    assert FinancingRound.objects.count() == 1
    Listing.objects.create(enterprise=place["theirs"], board="neeq", listed_on=D(2024, 1, 2))
    response = client.post(url("register-add", place["mine"], "listings"), {"board": "neeq",
                                                                            "listed_on": "2024-01-02"})
    assert response.status_code == 302  # another enterprise's listing is no obstacle: the key holds the enterprise
    response = client.post(url("register-add", place["mine"], "listings"), {"board": "neeq",
                                                                            "listed_on": "2024-01-02"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200  # its own again: on the day listed, where the API and the import name it
    assert "This listing is already recorded." in str(response.context["form"].errors["listed_on"])
    assert Listing.objects.filter(enterprise=place["mine"]).count() == 1


def test_a_form_never_writes_a_field_it_did_not_show(client, place):
    client.force_login(place["user"])
    response = client.post(url("register-add", place["mine"], "listings"), {
        "board": "neeq", "listed_on": "2024-01-02", "enterprise": place["theirs"].pk, "created": "2000-01-01"})
    assert response.status_code == 302
    listing = Listing.objects.get()
    assert listing.enterprise == place["mine"] and listing.created.year > 2000
    item = {"type": "software", "number": "2024SR1", "title": "驱动软件", "granted_on": "2024-02-01"}
    assert client.post(url("register-add", place["mine"], "ip"), item).status_code == 302
    ip = place["mine"].ip_items.get()
    assert ip.ip_class == "2"
    assert client.post(url("register-edit", place["mine"], "ip", ip), {**item, "ip_class": "1"}).status_code == 302
    ip.refresh_from_db()
    assert ip.ip_class == "2"


def test_a_character_is_written_with_its_registrations_or_not_at_all(client, place):
    client.force_login(place["user"])
    add = url("register-add", place["mine"], "characters")
    rows = [{"kind": "trademark", "number": "TM-1", "registered_on": "2024-06-01"},
            {"kind": "copyright", "number": "国作登字-1", "registered_on": TOMORROW.isoformat()}]
    response = client.post(add, character_post(rows=rows), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200  # one bad registration refuses the character too
    formset = response.context["form"].registrations
    assert "日期不能晚于今天" in str(formset.forms[1].errors["registered_on"]) and not formset.forms[0].errors
    assert not DigitalHumanIp.objects.exists() and not DigitalHumanRegistration.objects.exists()
    twice = [rows[0], rows[0]]
    response = client.post(add, character_post(rows=twice), HTTP_ACCEPT_LANGUAGE="en")
    assert "A registration is listed twice." in str(response.context["form"].registrations.forms[1].errors["number"])
    rows[1]["registered_on"] = "2024-07-01"
    assert client.post(add, character_post(rows=[*rows, {"kind": "", "number": "", "registered_on": ""}])
                       ).status_code == 302  # an empty row is left out
    character = DigitalHumanIp.objects.get()
    assert sorted(character.registrations.values_list("number", flat=True)) == ["TM-1", "国作登字-1"]
    # Edited: the first removed (ticked), the second kept, a third added.
    edit = url("register-edit", place["mine"], "characters", character)
    shown = client.get(edit).context["form"].registrations
    assert [f.initial["number"] for f in shown.initial_forms] == ["TM-1", "国作登字-1"]
    rows = [{**rows[0], "DELETE": "on"}, rows[1], {"kind": "design", "number": "ZL-9", "registered_on": "2024-08-01"}]
    assert client.post(edit, character_post(rows=rows, initial="2")).status_code == 302
    assert sorted(character.registrations.values_list("number", flat=True)) == ["ZL-9", "国作登字-1"]
    # A number another character holds: refused on its row, nothing changed.
    other = DigitalHumanIp.objects.create(enterprise=place["theirs"], name="别家", dh_type="performance")
    DigitalHumanRegistration.objects.create(character=other, kind="trademark", number="TM-X",
                                            registered_on=D(2024, 1, 1))
    rows = [rows[1], rows[2], {"kind": "trademark", "number": "TM-X", "registered_on": "2024-09-01"}]
    response = client.post(edit, character_post(rows=rows, initial="2", name="改名"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response.context["form"].registrations.forms[2].errors
    character.refresh_from_db()
    assert character.name == "小矩" and character.registrations.count() == 2


def test_a_long_register_is_paged(client, place):
    for n in range(23):
        standard(place["mine"], title=f"标准{n:02d}")
    client.force_login(place["user"])
    first = client.get(url("register-list", place["mine"], "standards"))
    second = client.get(url("register-list", place["mine"], "standards") + "?page=2")
    assert len(first.context["rows"]) == 20 and len(second.context["rows"]) == 3
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in second.content.decode()


@pytest.mark.parametrize("reader", ["admin", "staff", "bureau"])
def test_the_park_and_the_district_read_the_registers_and_write_nothing(client, place, reader):
    record = standard(place["mine"], title="园区可见的标准")
    account = bureau_user() if reader == "bureau" else place[reader]
    client.force_login(account)
    page = client.get(url("register-list", place["mine"], "standards"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "园区可见的标准" in page.content.decode()
    assert not page.context["editable"] and "只读" in page.content.decode()
    assert 'id="register-add"' not in page.content.decode()
    assert client.get(url("register-add", place["mine"], "standards")).status_code == 403
    assert client.post(url("register-add", place["mine"], "standards"), {
        "title": "园区写入", "level": "group", "role": "lead", "status": "drafting"}).status_code == 403
    assert client.post(url("register-edit", place["mine"], "standards", record), {
        "title": "改", "level": "group", "role": "lead", "status": "drafting"}).status_code == 403
    assert client.post(url("register-delete", place["mine"], "standards", record)).status_code == 403
    record.refresh_from_db()
    assert record.title == "园区可见的标准" and Standard.objects.count() == 1


def test_attack_another_parks_enterprise_and_a_tenant_registered_elsewhere_are_404(client, place):
    """A park administrator asks for the registers of another park's enterprise, and of their own park's tenant
    registered with another park (whose public face only they see): neither exists for them, nor do its records."""
    record = standard(place["theirs"], title="别家的标准")
    for account in (place["admin"], place["user"]):  # place["theirs"] is a tenant of the admin's park
        client.force_login(account)
        for address in (url("registers", place["theirs"]), url("register-list", place["theirs"], "standards"),
                        url("register-add", place["theirs"], "standards"),
                        url("register-edit", place["theirs"], "standards", record),
                        url("register-delete", place["theirs"], "standards", record)):
            assert client.get(address).status_code == 404, (account, address)
            assert client.post(address, {"title": "攻"}).status_code == 404, (account, address)
    record.refresh_from_db()
    assert record.title == "别家的标准"


def test_attack_a_record_of_another_enterprise_under_ones_own_address_is_404(client, place):
    """An enterprise user edits and deletes another enterprise's record through their own enterprise's address."""
    theirs = standard(place["theirs"], title="别家的标准")
    EnterpriseMembershipFactory(enterprise=place["mine"], user=place["other_user"])  # a user of both
    client.force_login(place["user"])
    for name in ("register-edit", "register-delete"):
        address = url(name, place["mine"], "standards", theirs)
        assert client.get(address).status_code == 404
        assert client.post(address, {"title": "攻", "level": "group", "role": "lead",
                                     "status": "drafting"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "别家的标准" and Standard.objects.count() == 1


def test_the_profile_the_filing_the_admin_and_the_review_link_to_the_registers(client, place):
    client.force_login(place["user"])
    registers = url("registers", place["mine"])
    profile = client.get(reverse("enterprise-profile", args=[place["mine"].pk]),
                         HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'href="{registers}">我的登记</a>' in profile
    filing = AnnualFiling.objects.create(enterprise=place["mine"], year=2024)
    page = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "register-prefill-note" not in page  # no register holds a record: nothing is prefilled
    FinancingRound.objects.create(enterprise=place["mine"], closed_on=D(2024, 3, 1), amount=100, round_name="A轮")
    page = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "部分数据根据企业登记信息预填" in page and f'href="{registers}"' in page
    place["admin"].is_staff = True
    place["admin"].save()
    client.force_login(place["admin"])  # the park administrator reaches them from the enterprise's profile
    profile = client.get(reverse("enterprise-profile", args=[place["mine"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "企业登记信息" in profile.content.decode() and f'href="{registers}"' in profile.content.decode()
    # and from its page in the admin, where park administrators and the bureau keep the enterprises
    change = client.get(reverse("admin:enterprises_enterprise_change", args=[place["mine"].pk]),
                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert change.status_code == 200 and f'href="{registers}"' in change.content.decode()
    # and from the filing they review
    submitted = filing_submit(filing=AnnualFilingFactory(enterprise=place["mine"], year=2023), user=place["user"])
    review = client.get(reverse("review-filing", args=[submitted.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert review.status_code == 200 and f'href="{registers}">企业登记信息</a>' in review.content.decode()
