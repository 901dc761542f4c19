"""The declaration screens (docs/screens-declarations.md): each page per role through Django's whole request handler —
the enterprise's rounds, declaration, self-assessment under the round's rule set, signature and submission; the
district's and the bureau's queues and steps with their confirmation pages; the bureau's rounds and publicity pages;
the public list. Another district's (or enterprise's) declaration is 404, a page of another role 403, a refused
step shows the service's message and changes nothing, and bad input is a 400 with the field's message."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises import declarations as services
from enterprises.choices import DeclarationStatus, Tier
from enterprises.models import Declaration, DeclarationRound, Objection, TierDesignation
from parks.models import DistrictMembership

from .factories import UserFactory, approved_filing, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db
S = DeclarationStatus
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {"main_product": "数字人建模引擎", "market_position": "细分市场前三", "innovation": "自研驱动算法"}


@pytest.fixture
def w():
    """Two parks in two districts, an enterprise registered in each (in its park's district) with a user and an
    approved filing; each district's staff; the bureau; the first park's administrator; an open round."""
    world = build_world(parks=2, districts=2, admins=(1, 0), enterprises=1, users=1, local=True)
    staff = [UserFactory(username=f"district{i}") for i in range(2)]
    for user, district in zip(staff, world.districts, strict=True):
        DistrictMembership.objects.create(user=user, district=district)
    bureau = bureau_user(username="bureau")
    declaration_round = services.round_open(
        user=bureau, name="2026年第四季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
        opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    enterprises = [world.enterprise(0), world.enterprise(1)]
    return {"world": world, "enterprises": enterprises, "users": [m.user for m in world.members],
            "filings": [approved_filing(enterprise=e, year=TODAY.year - 1) for e in enterprises],
            "staff": staff, "bureau": bureau, "admin": world.admin(0), "round": declaration_round}


def declared(w, i=0, *, submit=True) -> Declaration:
    """The i-th enterprise's declaration, answered and signed (and submitted)."""
    declaration = services.declaration_create(user=w["users"][i], declaration_round=w["round"],
                                              enterprise=w["enterprises"][i], filing=w["filings"][i], answers=ANSWERS)
    services.declaration_sign(user=w["users"][i], declaration=declaration)
    return services.declaration_submit(user=w["users"][i], declaration=declaration) if submit else declaration


def as_user(client, user):
    client.force_login(user)
    return client


# --- the enterprise ---------------------------------------------------------------------------------------------
def test_enterprise_starts_fills_in_signs_and_submits(client, w):
    as_user(client, w["users"][0])
    page = client.get(reverse("my-declarations"))
    assert page.status_code == 200 and "2026年第四季度" in page.content.decode()
    response = client.post(reverse("declaration-start"), {"round": w["round"].pk, "enterprise": w["enterprises"][0].pk,
                                                          "filing": w["filings"][0].pk})
    declaration = Declaration.objects.get(enterprise=w["enterprises"][0])
    assert response.status_code == 302 and response.url == reverse("my-declaration", args=[declaration.pk])
    assert declaration.status == S.DRAFT and declaration.filing == w["filings"][0]
    page = client.get(response.url).content.decode()
    assert 'id="declaration-assessment"' in page and 'class="criterion' in page and "承诺" in page
    response = client.post(response.url, {"filing": w["filings"][0].pk, **ANSWERS})
    assert response.status_code == 302
    assert client.post(reverse("my-declaration-sign", args=[declaration.pk]), {"agree": "on"}).status_code == 302
    assert client.post(reverse("my-declaration-submit", args=[declaration.pk])).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == S.DISTRICT_REVIEW and declaration.commitment_signed_by == w["users"][0]
    page = client.get(reverse("my-declarations")).content.decode()
    assert 'data-status="district_review"' in page


def test_assessment_is_under_the_rounds_rule_set_on_the_chosen_filing(client, w):
    declaration = declared(w, submit=False)
    DeclarationRound.objects.filter(pk=w["round"].pk).update(rule_set="2022")
    as_user(client, w["users"][0])
    page = client.get(reverse("my-declaration-assessment", args=[declaration.pk]),
                      {"filing": w["filings"][0].pk}).content.decode()
    from enterprises.tiers import get_rule_set
    assert str(get_rule_set("2022").name) in page and f'data-tier="{Tier.INNOVATIVE}"' in page
    # a filing of another enterprise named in the query is not taken: the declaration's own is shown
    other = client.get(reverse("my-declaration-assessment", args=[declaration.pk]), {"filing": w["filings"][1].pk})
    assert str(w["filings"][0].year) in other.content.decode()


def test_submission_refused_by_the_service_shows_its_message_and_changes_nothing(client, w):
    declaration = services.declaration_create(user=w["users"][0], declaration_round=w["round"],
                                              enterprise=w["enterprises"][0], filing=w["filings"][0])
    as_user(client, w["users"][0])
    response = client.post(reverse("my-declaration-submit", args=[declaration.pk]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign the commitment before submitting." in [str(m) for m in response.context["messages"]]
    response = client.post(reverse("my-declaration-submit", args=[declaration.pk]), follow=True)
    assert "提交前请签署承诺书。" in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == S.DRAFT and not declaration.steps.exists()


def test_unticked_commitment_is_a_field_error(client, w):
    declaration = declared(w, submit=False)
    # a change unsigns (answers sent back as they were are no change, and keep the signature)
    services.declaration_update(user=w["users"][0], declaration=declaration,
                                answers={**ANSWERS, "innovation": "自研驱动算法（新版）"})
    as_user(client, w["users"][0])
    for language, message in (("en", "Tick the box to sign the commitment."), ("zh-hans", "请勾选确认后签署承诺书。")):
        response = client.post(reverse("my-declaration-sign", args=[declaration.pk]), {},
                                HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400 and message in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.commitment_signed_at is None


def test_start_with_another_enterprises_filing_is_refused(client, w):
    as_user(client, w["users"][0])
    data = {"round": w["round"].pk, "enterprise": w["enterprises"][0].pk, "filing": w["filings"][1].pk}
    response = client.post(reverse("declaration-start"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and not Declaration.objects.exists()
    # the other enterprise's filing is no input choice of this user: the form refuses it as no valid choice
    assert list(response.context["form"].errors) == ["filing"]


def test_start_refused_by_the_service_is_a_field_error(client, w):
    w["filings"].append(approved_filing(enterprise=w["enterprises"][0], year=TODAY.year - 2))
    declared(w, submit=False)
    as_user(client, w["users"][0])
    data = {"round": w["round"].pk, "enterprise": w["enterprises"][0].pk, "filing": w["filings"][2].pk}
    response = client.post(reverse("declaration-start"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This enterprise has already declared in this round." in response.content.decode()
    assert Declaration.objects.count() == 1


def test_another_enterprises_declaration_is_404(client, w):
    theirs = declared(w, 1, submit=False)
    as_user(client, w["users"][0])
    for name in ("my-declaration", "my-declaration-assessment"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("my-declaration-sign", "my-declaration-submit"):
        assert client.post(reverse(name, args=[theirs.pk]), {"agree": "on"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.DRAFT


def test_returned_declaration_shows_the_reason_and_is_resubmitted(client, w):
    declaration = declared(w)
    services.declaration_return(user=w["staff"][0], declaration=declaration, reason="请补充知识产权说明")
    as_user(client, w["users"][0])
    page = client.get(reverse("my-declaration", args=[declaration.pk])).content.decode()
    assert 'id="return-reason"' in page and "请补充知识产权说明" in page and 'id="declaration-form"' in page
    client.post(reverse("my-declaration", args=[declaration.pk]),
                {"filing": w["filings"][0].pk, **ANSWERS, "innovation": "已补充：发明专利三项"})
    client.post(reverse("my-declaration-sign", args=[declaration.pk]), {"agree": "on"})
    client.post(reverse("my-declaration-submit", args=[declaration.pk]))
    declaration.refresh_from_db()
    assert declaration.status == S.DISTRICT_REVIEW and declaration.answers["innovation"] == "已补充：发明专利三项"


# --- district staff and the bureau -----------------------------------------------------------------------------
def test_district_queue_holds_only_its_district_oldest_first(client, w):
    ours, theirs = declared(w, 0), declared(w, 1)
    as_user(client, w["staff"][0])
    page = client.get(reverse("declaration-review-queue"))
    assert list(page.context["declarations"]) == [ours]
    assert client.get(reverse("declaration-review", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("declaration-step", args=[theirs.pk, "recommend"])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.DISTRICT_REVIEW


@pytest.mark.parametrize("who", ["enterprise", "admin"])
def test_review_queue_is_403_to_enterprise_users_and_park_admins(client, w, who):
    declaration = declared(w)
    as_user(client, w["users"][0] if who == "enterprise" else w["admin"])
    assert client.get(reverse("declaration-review-queue")).status_code == 403
    assert client.get(reverse("declaration-review", args=[declaration.pk])).status_code == 403
    assert client.get(reverse("declaration-rounds")).status_code == 403


def test_district_recommends_and_the_bureau_approves(client, w):
    declaration = declared(w)
    as_user(client, w["staff"][0])
    page = client.get(reverse("declaration-review", args=[declaration.pk])).content.decode()
    assert 'id="recommend-dialog"' in page and 'id="declaration-figures"' in page and "数字人建模引擎" in page
    assert client.get(reverse("declaration-step", args=[declaration.pk, "recommend"])).status_code == 200
    assert client.post(reverse("declaration-step", args=[declaration.pk, "recommend"])).status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == S.CITY_REVIEW
    # the district may not approve: no offer on its page, and the service refuses (403)
    assert "approve-dialog" not in client.get(reverse("declaration-review", args=[declaration.pk])).content.decode()
    assert client.post(reverse("declaration-step", args=[declaration.pk, "approve"]),
                       {"score": "90"}).status_code == 403
    as_user(client, w["bureau"])
    assert list(client.get(reverse("declaration-review-queue")).context["declarations"]) == [declaration]
    response = client.post(reverse("declaration-step", args=[declaration.pk, "approve"]),
                           {"score": "88.5", "opinion": "专家组同意"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == S.PUBLICITY and declaration.city_score == Decimal("88.5")


REASON = ("State the reason.", "请说明理由。")
SCORE = ("Give the expert score, from 0 to 100.", "请填写专家评分（0至100分）。")


@pytest.mark.parametrize(("step", "data", "field", "messages"), [
    ("return", {"reason": " "}, "reason", REASON),
    ("reject", {}, "reason", REASON),
    ("approve", {"score": "120"}, "score", SCORE),
    ("approve", {}, "score", SCORE),
])
def test_bad_step_input_is_400_with_the_services_field_message(client, w, step, data, field, messages):
    english, chinese = messages
    declaration = declared(w)
    services.declaration_recommend(user=w["staff"][0], declaration=declaration)
    as_user(client, w["bureau"])
    response = client.post(reverse("declaration-step", args=[declaration.pk, step]), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.context["form"].errors[field] == [english]
    response = client.post(reverse("declaration-step", args=[declaration.pk, step]), data)
    assert response.status_code == 400 and response.context["form"].errors[field] == [chinese]
    declaration.refresh_from_db()
    assert declaration.status == S.CITY_REVIEW


def test_step_its_status_refuses_shows_the_services_message(client, w):
    declaration = declared(w)
    as_user(client, w["bureau"])
    response = client.post(reverse("declaration-step", args=[declaration.pk, "approve"]), {"score": "80"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("declaration-review", args=[declaration.pk])
    messages = [str(m) for m in response.context["messages"]]
    assert messages and all("approve" in m.lower() or "审核" in m or "批准" in m for m in messages)
    declaration.refresh_from_db()
    assert declaration.status == S.DISTRICT_REVIEW


# --- the bureau's rounds, publicity and designation ------------------------------------------------------------
def test_bureau_opens_closes_and_dates_rounds(client, w):
    as_user(client, w["bureau"])
    assert client.get(reverse("declaration-rounds")).status_code == 200
    response = client.post(reverse("declaration-rounds"), {
        "name": "2027年第一季度", "tier": Tier.INNOVATIVE, "rule_set": "2026", "cadence": "quarterly",
        "opens": TODAY, "closes": TODAY + 5 * DAY, "review_starts": TODAY + 3 * DAY})
    assert response.status_code == 400 and "__all__" in response.context["form"].errors
    assert not DeclarationRound.objects.filter(name="2027年第一季度").exists()
    response = client.post(reverse("declaration-rounds"), {
        "name": "2027年第一季度", "tier": Tier.INNOVATIVE, "rule_set": "2026", "cadence": "quarterly",
        "opens": TODAY, "closes": TODAY + 5 * DAY, "review_starts": TODAY + 6 * DAY})
    opened = DeclarationRound.objects.get(name="2027年第一季度")
    assert response.status_code == 302
    assert client.post(reverse("declaration-round-close", args=[opened.pk])).status_code == 302
    opened.refresh_from_db()
    assert opened.closed_at is not None
    response = client.post(reverse("declaration-round-dates", args=[opened.pk]),
                           {"starts": TODAY + 9 * DAY, "ends": TODAY + 7 * DAY})
    assert response.status_code == 400 and response.context["form"].errors
    response = client.post(reverse("declaration-round-dates", args=[opened.pk]),
                           {"starts": TODAY + 7 * DAY, "ends": TODAY + 11 * DAY})
    opened.refresh_from_db()
    assert response.status_code == 302 and opened.publicity_ends == TODAY + 11 * DAY


def test_district_staff_may_not_manage_rounds(client, w):
    as_user(client, w["staff"][0])
    assert client.get(reverse("declaration-rounds")).status_code == 403
    assert client.post(reverse("declaration-round-close", args=[w["round"].pk])).status_code == 403
    assert client.get(reverse("declaration-round-publicity", args=[w["round"].pk])).status_code == 403


def in_publicity(w, *, ended: bool) -> Declaration:
    """The first enterprise's declaration approved, its round's window past and publicity today (or ended)."""
    declaration = services.declaration_recommend(user=w["staff"][0], declaration=declared(w))
    services.declaration_approve(user=w["bureau"], declaration=declaration, score=Decimal(90))
    DeclarationRound.objects.filter(pk=w["round"].pk).update(
        opens=TODAY - 30 * DAY, closes=TODAY - 21 * DAY, review_starts=TODAY - 20 * DAY,
        publicity_starts=TODAY - 6 * DAY, publicity_ends=TODAY - DAY if ended else TODAY + 2 * DAY)
    return declaration


def test_public_list_shows_the_declarations_in_publicity_today_without_sign_in(client, w):
    declared(w, 1)  # in district review: not listed
    declaration = in_publicity(w, ended=False)
    page = client.get(reverse("publicity"))
    assert page.status_code == 200 and list(page.context["declarations"]) == [declaration]
    text = page.content.decode()
    assert w["enterprises"][0].name in text and w["enterprises"][1].name not in text
    assert 'id="objection-notice"' in text
    DeclarationRound.objects.filter(pk=w["round"].pk).update(publicity_ends=TODAY - DAY)
    assert list(client.get(reverse("publicity")).context["declarations"]) == []


def test_objection_recorded_decided_then_designation(client, w):
    declaration = in_publicity(w, ended=True)
    as_user(client, w["bureau"])
    url = reverse("declaration-objection", args=[declaration.pk])
    response = client.post(url, {"received_on": TODAY - 2 * DAY, "objector": "", "text": "数据不实"})
    assert response.status_code == 400 and response.context["form"].errors["objector"]
    client.post(url, {"received_on": TODAY - 2 * DAY, "objector": "张三", "text": "数据不实"})
    objection = Objection.objects.get(declaration=declaration)
    page = client.get(reverse("declaration-round-publicity", args=[w["round"].pk])).content.decode()
    assert "张三" in page and "数据不实" in page
    # designation waits for the decision: the service's message, nothing written
    response = client.post(reverse("declaration-step", args=[declaration.pk, "designate"]),
                           {"certificate_number": "京创新2026-0001"}, follow=True)
    assert [str(m) for m in response.context["messages"]] and not TierDesignation.objects.filter(
        certificate_number="京创新2026-0001").exists()
    decide = reverse("declaration-objection-decide", args=[objection.pk])
    assert client.post(decide, {"upheld": "no", "reason": ""}).status_code == 400
    assert client.post(decide, {"upheld": "no", "reason": "经核实数据属实"}).status_code == 302
    response = client.post(reverse("declaration-step", args=[declaration.pk, "designate"]),
                           {"certificate_number": "京创新2026-0001"})
    assert response.status_code == 302
    declaration.refresh_from_db()
    assert declaration.status == S.DESIGNATED and declaration.designation.certificate_number == "京创新2026-0001"
    as_user(client, w["users"][0])
    page = client.get(reverse("my-declaration", args=[declaration.pk])).content.decode()
    assert 'id="designation"' in page and "京创新2026-0001" in page


def test_another_districts_staff_cannot_reach_objections(client, w):
    declaration = in_publicity(w, ended=False)
    as_user(client, w["staff"][1])
    assert client.get(reverse("declaration-review", args=[declaration.pk])).status_code == 404
    assert client.post(reverse("declaration-objection", args=[declaration.pk]), {}).status_code == 403


@pytest.mark.parametrize(("who", "target"), [("enterprise", "my-declarations"), ("staff", "declaration-review-queue"),
                                             ("bureau", "declaration-review-queue")])
def test_nav_link_leads_to_the_page_of_the_role(client, w, who, target):
    user = {"enterprise": w["users"][0], "staff": w["staff"][0], "bureau": w["bureau"]}[who]
    as_user(client, user)
    page = client.get(reverse("my-enterprises"), follow=True).content.decode()
    assert 'id="nav-declarations"' in page
    response = client.get(reverse("declarations-home"))
    assert response.status_code == 302 and response.url == reverse(target)


def test_park_admin_has_no_declarations_link(client, w):
    as_user(client, w["admin"])
    assert client.get(reverse("declarations-home")).status_code == 403


@pytest.mark.parametrize(("status_steps", "step"), [((), "recommend"), ((), "return"), ((), "reject"),
                                                    (("recommend",), "approve")])
def test_each_step_has_its_page_without_javascript(client, w, status_steps, step):
    declaration = declared(w)
    if status_steps:
        services.declaration_recommend(user=w["staff"][0], declaration=declaration)
    as_user(client, w["bureau"])
    response = client.get(reverse("declaration-step", args=[declaration.pk, step]))
    assert response.status_code == 200 and 'id="step-form"' in response.content.decode()
    assert client.get(reverse("declaration-step", args=[declaration.pk, "unknown"])).status_code == 404


def test_pages_read_in_english_too(client, w):
    declaration = declared(w)
    as_user(client, w["users"][0])
    page = client.get(reverse("my-declaration", args=[declaration.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "In district review" in page and "Steps" in page and "区级审核中" not in page
    page = client.get(reverse("publicity"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anonymous objections are not accepted." in page
    page = client.get(reverse("publicity")).content.decode()
    assert "匿名异议不予受理" in page and "拟认定名单" in page



def test_saving_the_form_unchanged_keeps_the_signature_and_says_so(client, w):
    """A save that changes nothing keeps the signed commitment and says so; a change asks for a new signature."""
    declaration = declared(w, submit=False)
    as_user(client, w["users"][0])
    address = reverse("my-declaration", args=[declaration.pk])
    kept = client.post(address, {"filing": w["filings"][0].pk, **ANSWERS}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Nothing changed; the signed commitment stands." in kept.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).commitment_signed_at is not None
    changed = client.post(address, {"filing": w["filings"][0].pk, **ANSWERS, "innovation": "改"}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign the commitment again before submitting." in changed.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).commitment_signed_at is None
