"""One declaration from draft to designation with its four actors, in the browser: the bureau opens a round; the
enterprise declares from its approved filing, checks its assessment under the round's rule set, signs the commitment
and submits; its district's staff return it with a reason, the enterprise changes and resubmits it, the district
recommends; the bureau approves with an expert score and sets the publicity dates to include today; the public
publicity page lists it; after publicity (its end moved to yesterday in the database) the bureau designates with a
certificate number; the enterprise sees it designated. Then the bureau's objection pages and a step's page without
JavaScript. The printable declaration (申报书) is downloaded by the district's staff and by the enterprise, and its
text read back. Screenshots at each step, axe on each page."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from enterprises import declarations as services
from enterprises.choices import DeclarationStatus, Tier
from enterprises.models import Declaration, DeclarationRound, Objection
from parks.models import DistrictMembership
from tests.factories import UserFactory
from tests.pdf_text import flat, pdf_text

from .conftest import assert_accessible, login, shots

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
S = DeclarationStatus


def step(page, name: str) -> None:
    """Screenshots of the step at both widths, and no serious accessibility violation."""
    shots(page, f"declaration-{name}")
    assert_accessible(page)


def submit_and_wait(page, selector: str) -> None:
    """Click a submit button and wait for the page the form leads to."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state()


def sign_and_submit(page) -> None:
    """Tick the commitment, sign it, then submit the declaration."""
    page.check("#id_agree")
    submit_and_wait(page, "#sign-button")
    assert page.locator("#commitment-signed").is_visible()
    submit_and_wait(page, "#submit-button")


def download_pdf(page) -> tuple[str, str]:
    """Follow the page's 「打印申报书 (PDF)」 link: the file's suggested name and its text without whitespace."""
    link = page.locator("#declaration-pdf")
    assert link.inner_text() == "打印申报书 (PDF)"
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, flat(pdf_text(Path(download.path()).read_bytes())[0])


def test_one_declaration_from_draft_to_designation(page, world):
    staff = UserFactory(username="district_staff")
    DistrictMembership.objects.create(user=staff, district=world.ours.district)
    filing = world.ours.filings.get(year=2024)

    # 1. The bureau opens a round on its rounds page.
    login(page, "bureau", "/declarations/")
    assert page.url.endswith("/declarations/review/")
    page.click("#rounds-link")
    page.wait_for_load_state()
    page.fill("#id_name", "2026年第四季度")
    page.select_option("#id_tier", Tier.INNOVATIVE)
    page.select_option("#id_rule_set", "2026")
    page.select_option("#id_cadence", "quarterly")
    page.fill("#id_opens", (TODAY - 5 * DAY).isoformat())
    page.fill("#id_closes", (TODAY + 10 * DAY).isoformat())
    page.fill("#id_review_starts", (TODAY + 11 * DAY).isoformat())
    submit_and_wait(page, "#round-open")
    declaration_round = DeclarationRound.objects.get(name="2026年第四季度")
    assert "已开放" in page.locator(".messages").inner_text()
    step(page, "01-bureau-round-opened")

    # 2. The enterprise follows 「申报」 to its page, starts a declaration from its approved 2024 filing.
    login(page, "enterprise_user", "/")
    page.click("#nav-declarations")
    page.wait_for_load_state()
    assert page.url.endswith("/declarations/mine/") and page.locator("#nav-declarations").inner_text() == "申报"
    card = page.locator(f'.round-card[data-round="{declaration_round.pk}"]')
    assert "2026年第四季度" in card.inner_text()
    step(page, "02-enterprise-rounds")
    card.locator(f"#id_filing_{declaration_round.pk}").select_option(str(filing.pk))
    with page.expect_navigation():
        card.locator("button[type=submit]").click()
    declaration = Declaration.objects.get(round=declaration_round, enterprise=world.ours)
    assert page.url.endswith(f"/declarations/{declaration.pk}/")
    assert page.locator("#declaration-status").get_attribute("data-status") == S.DRAFT

    # 3. Answers, and the self-assessment under the round's rule set (each criterion met or not).
    page.fill("#id_main_product", "数字人实时驱动引擎，占营业收入72%")
    page.fill("#id_market_position", "虚拟主播细分市场国内前三")
    page.fill("#id_innovation", "自研表情驱动算法，发明专利2项")
    submit_and_wait(page, "#declaration-save")
    assessment = page.locator("#declaration-assessment")
    assert "2026" in assessment.inner_text() and assessment.locator("td.criterion").count() > 0
    assert page.locator(f'.review-tier[data-tier="{Tier.INNOVATIVE}"]').count() == 1
    step(page, "03-enterprise-answers-assessment")
    # the filing select asks for the assessment again (htmx) without leaving the page
    with page.expect_response(lambda r: "/assessment/" in r.url):
        page.select_option("#id_filing", str(filing.pk))
    assert page.locator("#declaration-assessment td.criterion").count() > 0

    # 4. Sign the commitment (承诺书) and submit.
    assert "郑重承诺" in page.locator("#commitment-text").inner_text()
    page.check("#id_agree")
    submit_and_wait(page, "#sign-button")
    step(page, "04-enterprise-signed")
    submit_and_wait(page, "#submit-button")
    assert page.locator("#declaration-status").get_attribute("data-status") == S.DISTRICT_REVIEW
    assert page.locator('#declaration-steps tr[data-action="submit"]').count() == 1
    step(page, "05-enterprise-submitted")

    # 5. The district's staff: the queue, the declaration, a return with a reason through the dialog.
    login(page, "district_staff", "/")
    page.click("#nav-declarations")
    page.wait_for_load_state()
    assert page.url.endswith("/declarations/review/")
    assert page.locator("#declaration-queue tbody tr").count() == 1
    step(page, "06-district-queue")
    page.click(f'#declaration-queue tr[data-declaration="{declaration.pk}"] a')
    page.wait_for_load_state()
    assert page.locator('#declaration-figures tr[data-figure="revenue"]').count() == 1
    assert "数字人实时驱动引擎" in page.locator(".answers").inner_text()
    step(page, "07-district-declaration")
    # the printable declaration (申报书): its name, the enterprise, the answers, the return's step and the signatures
    name, text = download_pdf(page)
    assert name.startswith("北京市科技和创新型中小企业申报书-") and name.endswith("2026年第四季度.pdf")
    assert "北京市科技和创新型中小企业申报书" in text and flat(world.ours.name) in text
    assert "数字人实时驱动引擎" in text and "法定代表人签字" in text and "区级中小企业主管部门推荐意见" in text
    page.click("#return-button")
    dialog = page.locator("#return-dialog")
    assert dialog.is_visible()
    dialog.locator("textarea[name=reason]").fill("请补充发明专利的证明材料说明")
    step(page, "08-district-return-dialog")
    submit_and_wait(page, "#return-confirm")
    declaration.refresh_from_db()
    assert declaration.status == S.RETURNED

    # 6. The enterprise reads the reason, changes its answer, signs again and resubmits.
    login(page, "enterprise_user", f"/declarations/{declaration.pk}/")
    page.goto(f"{page.live_url}/declarations/{declaration.pk}/")
    assert "请补充发明专利的证明材料说明" in page.locator("#return-reason").inner_text()
    step(page, "09-enterprise-returned")
    page.fill("#id_innovation", "自研表情驱动算法，发明专利2项（证书号见附件）")
    submit_and_wait(page, "#declaration-save")
    sign_and_submit(page)
    assert page.locator("#declaration-status").get_attribute("data-status") == S.DISTRICT_REVIEW
    step(page, "10-enterprise-resubmitted")

    # 7. The district recommends (confirmed in the dialog).
    login(page, "district_staff", f"/declarations/review/{declaration.pk}/")
    page.goto(f"{page.live_url}/declarations/review/{declaration.pk}/")
    page.click("#recommend-button")
    assert page.locator("#recommend-dialog").is_visible()
    step(page, "11-district-recommend-dialog")
    submit_and_wait(page, "#recommend-confirm")
    declaration.refresh_from_db()
    assert declaration.status == S.CITY_REVIEW
    step(page, "12-district-recommended")

    # 8. The bureau approves with the expert score.
    login(page, "bureau", "/declarations/review/")
    page.goto(f"{page.live_url}/declarations/review/")
    page.click(f'#declaration-queue tr[data-declaration="{declaration.pk}"] a')
    page.wait_for_load_state()
    page.click("#approve-button")
    dialog = page.locator("#approve-dialog")
    dialog.locator("input[name=score]").fill("86.5")
    dialog.locator("textarea[name=opinion]").fill("专家组同意推荐")
    step(page, "13-bureau-approve-dialog")
    submit_and_wait(page, "#approve-confirm")
    declaration.refresh_from_db()
    assert declaration.status == S.PUBLICITY and str(declaration.city_score) == "86.50"

    # 9. Review has begun (the window is past: the round's dates moved in the database, as time would), and the
    #    bureau sets the publicity dates to include today on the rounds page.
    DeclarationRound.objects.filter(pk=declaration_round.pk).update(
        opens=TODAY - 30 * DAY, closes=TODAY - 21 * DAY, review_starts=TODAY - 20 * DAY)
    page.goto(f"{page.live_url}/declarations/rounds/")
    dates = page.locator(f'#round-{declaration_round.pk} .publicity-form')
    dates.locator("input[name=starts]").fill(TODAY.isoformat())
    dates.locator("input[name=ends]").fill((TODAY + 4 * DAY).isoformat())
    with page.expect_navigation():
        dates.locator("button[type=submit]").click()
    declaration_round.refresh_from_db()
    assert declaration_round.publicity_starts == TODAY and declaration_round.publicity_ends == TODAY + 4 * DAY
    step(page, "14-bureau-publicity-dates")

    # 10. The public list, signed out.
    page.context.clear_cookies()
    page.goto(f"{page.live_url}/publicity/")
    row = page.locator(f'#publicity-list tr[data-declaration="{declaration.pk}"]')
    assert world.ours.name in row.inner_text() and "创新型" in row.inner_text()
    assert world.ours.district.name in row.inner_text()
    assert "匿名异议不予受理" in page.locator("#objection-notice").inner_text()
    step(page, "15-public-publicity")

    # 11. Publicity over (its end moved to yesterday in the database): the bureau designates.
    DeclarationRound.objects.filter(pk=declaration_round.pk).update(publicity_starts=TODAY - 6 * DAY,
                                                                    publicity_ends=TODAY - DAY)
    login(page, "bureau", f"/declarations/rounds/{declaration_round.pk}/publicity/")
    page.goto(f"{page.live_url}/declarations/rounds/{declaration_round.pk}/publicity/")
    card = page.locator(f"#publicity-{declaration.pk}")
    assert "未收到异议" in card.inner_text()
    step(page, "16-bureau-publicity-page")
    card.locator("input[name=certificate_number]").fill("京创新2026-0001")
    with page.expect_navigation():
        card.locator(".designate-form button[type=submit]").click()
    declaration.refresh_from_db()
    assert declaration.status == S.DESIGNATED and declaration.designation.certificate_number == "京创新2026-0001"
    assert page.locator(f"#publicity-{declaration.pk} [data-status]").get_attribute("data-status") == S.DESIGNATED
    step(page, "17-bureau-designated")

    # 12. The enterprise sees it designated, with the designation.
    login(page, "enterprise_user", "/declarations/mine/")
    page.goto(f"{page.live_url}/declarations/mine/")
    assert page.locator(f'#my-declarations tr[data-declaration="{declaration.pk}"]').get_attribute(
        "data-status") == S.DESIGNATED
    step(page, "18-enterprise-list-designated")
    page.goto(f"{page.live_url}/declarations/{declaration.pk}/")
    assert "京创新2026-0001" in page.locator("#designation").inner_text()
    assert page.locator('#declaration-steps tr[data-action="designate"]').count() == 1
    step(page, "19-enterprise-designated")
    # its printed declaration carries every step so far, the return's reason among them
    _name, text = download_pdf(page)
    assert "请补充发明专利的证明材料说明" in text and "页码1/" in text


def test_objection_recorded_and_decided_and_steps_without_javascript(page, world):
    """The bureau's objection pages and a step's confirmation page (the way without JavaScript), each accessible."""
    staff = UserFactory(username="district_staff")
    DistrictMembership.objects.create(user=staff, district=world.ours.district)
    bureau, user = world.bureau, world.enterprise_user
    declaration_round = services.round_open(
        user=bureau, name="2026年第四季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
        opens=TODAY - 5 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    declaration = services.declaration_create(
        user=user, declaration_round=declaration_round, enterprise=world.ours,
        filing=world.ours.filings.get(year=2024),
        answers={"main_product": "数字人引擎", "market_position": "前三", "innovation": "自研"})
    services.declaration_sign(user=user, declaration=declaration)
    services.declaration_submit(user=user, declaration=declaration)
    services.declaration_recommend(user=staff, declaration=declaration)

    # The approval's own page, as a browser without JavaScript reaches it from the review page's link.
    login(page, "bureau", f"/declarations/review/{declaration.pk}/approve/")
    page.goto(f"{page.live_url}/declarations/review/{declaration.pk}/approve/")
    page.fill("#id_score", "91")
    step(page, "21-bureau-approve-page")
    submit_and_wait(page, "#step-confirm")
    declaration.refresh_from_db()
    assert declaration.status == S.PUBLICITY

    # An objection recorded on its page, then decided (not upheld) on its page.
    DeclarationRound.objects.filter(pk=declaration_round.pk).update(
        opens=TODAY - 30 * DAY, closes=TODAY - 21 * DAY, review_starts=TODAY - 20 * DAY,
        publicity_starts=TODAY - 2 * DAY, publicity_ends=TODAY + 2 * DAY)
    page.goto(f"{page.live_url}/declarations/rounds/{declaration_round.pk}/publicity/")
    page.click(f"#publicity-{declaration.pk} a.button")
    page.wait_for_load_state()
    page.fill("#id_received_on", TODAY.isoformat())
    page.fill("#id_objector", "某科技有限公司（盖章）")
    page.fill("#id_text", "该企业研发人员数量与实际不符")
    step(page, "22-bureau-objection-form")
    submit_and_wait(page, "#page-submit")
    objection = Objection.objects.get(declaration=declaration)
    assert "该企业研发人员数量与实际不符" in page.locator(f"#publicity-{declaration.pk}").inner_text()
    step(page, "23-bureau-objection-recorded")
    page.click(f'li[data-objection="{objection.pk}"] a')
    page.wait_for_load_state()
    page.select_option("#id_upheld", "no")
    page.fill("#id_reason", "经核实，研发人员数量与社保记录一致")
    step(page, "24-bureau-objection-decide")
    submit_and_wait(page, "#page-submit")
    objection.refresh_from_db()
    declaration.refresh_from_db()
    assert objection.upheld is False and declaration.status == S.PUBLICITY and declaration.city_score == Decimal(91)
    assert "异议不成立" in page.locator(f"#publicity-{declaration.pk}").inner_text()
    step(page, "25-bureau-objection-decided")
