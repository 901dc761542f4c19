"""The printable declaration (申报书, docs/declarations-pdf.md): a declaration with evidence and steps rendered to PDF
by WeasyPrint, its text read back with pypdf (Chinese included) — title by the round's tier, the enterprise, the frozen
figures as the review page shows them, each criterion met or not, answers, commitment, evidence, steps, the
signatures block and the footer's page numbers and basis; an enterprise-typed name and answer printed as text; one
scope on the page and in the API, the declaration's detail's (every role gets the same answer on both)."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import unquote

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from enterprises import declarations as services
from enterprises.choices import EvidenceKind, Tier
from enterprises.declaration_print import TEMPLATE, print_context
from enterprises.evidence import evidence_add
from enterprises.models import Declaration, Enterprise
from enterprises.tiers import assess, get_rule_set
from parks.models import DistrictMembership

from .conftest import token_client
from .evidence_files import PDF, PNG, upload
from .factories import UserFactory, approved_filing, bureau_user
from .pdf_text import flat, pdf_fonts, pdf_text
from .worlds import build_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HOSTILE_NAME = '<script>alert("x")</script>=1+1数字人科技有限公司'
ANSWERS = {"main_product": "数字人实时驱动引擎", "market_position": "=1+1 <b>细分市场前三</b>",
           "innovation": "自研表情驱动算法，发明专利2项"}
EVIDENCE = (("发明专利证书.pdf", EvidenceKind.IP_PROOF, PDF), ("研发费用专项审计.png", EvidenceKind.RD_AUDIT, PNG))
RETURN_REASON = "请补充发明专利的证明材料"


@pytest.fixture
def w():
    """Two parks in two districts, an enterprise in each with a user and an approved filing, each district's staff,
    the bureau, each park's administrator, and an open 专精特新 round under the 2026 rule set."""
    world = build_world(parks=2, districts=2, admins=1, enterprises=1, users=1, local=True)
    staff = [UserFactory(username=f"district{i}") for i in range(2)]
    for user, district in zip(staff, world.districts, strict=True):
        DistrictMembership.objects.create(user=user, district=district)
    bureau = bureau_user(username="bureau")
    declaration_round = services.round_open(
        user=bureau, name="2026年第四季度", tier=Tier.SPECIALISED, rule_set="2026", cadence="quarterly",
        opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    enterprises = [world.enterprise(0), world.enterprise(1)]
    return {"enterprises": enterprises, "users": [m.user for m in world.members],
            "filings": [approved_filing(enterprise=e, year=TODAY.year - 1) for e in enterprises],
            "staff": staff, "bureau": bureau, "admin": world.admin(0), "admins": [world.admin(0), world.admin(1)],
            "round": declaration_round}


def declared(w, i=0) -> Declaration:
    """The i-th enterprise's declaration: submitted, returned by its district with a reason, two evidence files
    added, signed again and resubmitted (three steps)."""
    user = w["users"][i]
    declaration = services.declaration_create(user=user, declaration_round=w["round"], enterprise=w["enterprises"][i],
                                              filing=w["filings"][i], answers=ANSWERS)
    services.declaration_sign(user=user, declaration=declaration)
    services.declaration_submit(user=user, declaration=declaration)
    services.declaration_return(user=w["staff"][i], declaration=declaration, reason=RETURN_REASON)
    for name, kind, content in EVIDENCE:
        evidence_add(user=user, owner_name="declaration", owner=declaration, kind=kind, upload=upload(name, content))
    services.declaration_sign(user=user, declaration=declaration)
    return services.declaration_submit(user=user, declaration=declaration)


def amount(value: Decimal) -> str:
    """A money figure (万元) as the registry prints it: 亿元 from 10,000 万元 up, two decimals, halves up, grouped."""
    value = Decimal(value)
    if abs(value) >= 10000:
        return f"{(value / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,}亿元"
    return f"{value.quantize(Decimal('0.01'), ROUND_HALF_UP):,}万元"


def get_pdf(client, user, declaration):
    client.force_login(user)
    return client.get(reverse("declaration-pdf", args=[declaration.pk]))


def test_the_declaration_prints_with_its_figures_criteria_evidence_steps_and_signatures(client, w):
    Enterprise.objects.filter(pk=w["enterprises"][0].pk).update(name=HOSTILE_NAME)
    declaration = declared(w)
    enterprise, filing = Enterprise.objects.get(pk=w["enterprises"][0].pk), w["filings"][0]
    response = get_pdf(client, w["staff"][0], declaration)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;") and "北京市专精特新中小企业申报书-" in disposition
    assert "2026年第四季度.pdf" in disposition and '"' not in disposition.split("filename*=")[-1]
    text, pages = pdf_text(response.content)
    compact = flat(text)

    # in the Chinese font the stylesheet names, embedded
    fonts = pdf_fonts(response.content)
    assert fonts and all("WenQuanYi-Micro-Hei" in name for name in fonts), fonts

    # title by the round's tier; the round and the enterprise (its hostile name printed as text)
    assert "北京市专精特新中小企业申报书" in text and "2026年第四季度" in text
    assert flat(HOSTILE_NAME) in compact
    for value in (enterprise.credit_code, enterprise.district.name, enterprise.park.name):
        assert value in text

    # the frozen figures, as the reviewer's page shows them and as computed here, with the year they belong to
    client.force_login(w["staff"][0])
    page = client.get(reverse("declaration-review", args=[declaration.pk])).content.decode()
    shown = re.search(r'data-figure="revenue"><th scope="row">[^<]*</th><td[^>]*>([^<]+)</td>', page).group(1)
    assert shown == amount(filing.revenue) and flat(shown) in compact
    assert amount(filing.rd_expense) in text and f"{filing.year}年度" in text

    # every criterion of the declared tier under the round's rule set, with its result
    assessment = assess(figures=filing.figures(), held=set(), year=filing.year, rule_set=get_rule_set("2026"))
    tier = next(t for t in assessment.tiers if t.tier == Tier.SPECIALISED)
    assert tier.criteria, "the rule set has criteria for the tier"
    for criterion in tier.criteria:
        assert flat(str(criterion.label)) in compact
    met = sum(1 for c in tier.criteria if c.passed)
    assert compact.count("未达成") == len(tier.criteria) - met
    assert compact.count("已达成") == met
    assert ("符合条件" if tier.met else "不符合条件") in text

    # the answers (a formula-looking and a tag-looking answer printed as typed), the commitment
    assert "=1+1<b>细分市场前三</b>" in compact and "数字人实时驱动引擎" in text
    assert "郑重承诺" in text or "承诺" in text

    # the evidence list: name, kind, checksum and who uploaded each file
    for made in declaration.evidence.all():
        assert made.original_name in compact and flat(made.get_kind_display()) in compact
        assert made.sha256 in compact
    assert w["users"][0].username in text

    # the steps so far, with the return's reason
    assert declaration.steps.count() == 3 and RETURN_REASON in text and w["staff"][0].username in text

    # the signatures block and the opinion boxes
    for words in ("法定代表人签字", "单位盖章", "日期", "区级中小企业主管部门推荐意见", "市级主管部门审核意见"):
        assert words in compact

    # the footer: page numbers on each page, and the basis (year, as-of date, rule set)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"页码{number}/{pages}" in compact
    assert f"依据：{filing.year}年度数据，截至{datetime.date(filing.year, 12, 31):%Y-%m-%d}" in compact
    assert compact.count("依据：") == pages
    assert flat(str(get_rule_set("2026").name)) in compact


def test_enterprise_typed_text_is_escaped_in_the_html_that_is_printed(w):
    Enterprise.objects.filter(pk=w["enterprises"][0].pk).update(name=HOSTILE_NAME)
    declaration = declared(w)
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration.pk)
    html = render_to_string(TEMPLATE, print_context(user=w["bureau"], declaration=declaration))
    assert "<script>" not in html and "<b>细分市场前三</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;=1+1" in html and "=1+1 &lt;b&gt;" in html


def test_every_role_gets_the_same_answer_from_the_page_and_the_api(client, w):
    """One selector (printable_declaration, the detail's VIEW scope) answers both paths: a park administrator of
    the enterprise's park prints it on both, as its enterprise, district and the bureau do; everyone else 404s."""
    declaration = declared(w)
    path = reverse("api:declaration-pdf", args=[declaration.pk])
    roles = {"bureau": (w["bureau"], 200), "its enterprise": (w["users"][0], 200), "its park": (w["admin"], 200),
             "its district": (w["staff"][0], 200), "another enterprise": (w["users"][1], 404),
             "another park": (w["admins"][1], 404), "another district": (w["staff"][1], 404),
             "no role": (UserFactory(), 404)}
    for role, (user, status) in roles.items():
        page, api = get_pdf(client, user, declaration), token_client(user).get(path)
        assert (page.status_code, api.status_code) == (status, status), role
        if status == 200:
            assert page.content.startswith(b"%PDF-") and api.content.startswith(b"%PDF-"), role
            assert page["Content-Disposition"] == api["Content-Disposition"], role
    client.logout()
    response = client.get(reverse("declaration-pdf", args=[declaration.pk]))
    assert response.status_code == 302 and reverse("login") in response.url
    assert APIClient().get(path).status_code == 401


def test_the_api_answers_json_errors_and_the_pdf_when_asked_for_it(w):
    declaration = declared(w)
    path = reverse("api:declaration-pdf", args=[declaration.pk])
    bureau, other_user = token_client(w["bureau"]), token_client(w["users"][1])
    response = bureau.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "北京市专精特新中小企业申报书" in pdf_text(response.content)[0]
    # a client asking for application/pdf gets it; outside its scope the 404 is still JSON
    asked = bureau.get(path, HTTP_ACCEPT="application/pdf")
    assert asked.status_code == 200 and asked.content.startswith(b"%PDF-")
    refused = other_user.get(path, HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404 and refused["Content-Type"] == "application/json" and "detail" in refused.json()
    assert bureau.get(path.replace(str(declaration.pk), "x1")).status_code == 404  # not an id: nothing found


def test_a_draft_without_a_filing_prints_what_it_lacks(client, w):
    declaration = services.declaration_create(user=w["users"][0], declaration_round=w["round"],
                                              enterprise=w["enterprises"][0])
    response = get_pdf(client, w["users"][0], declaration)
    text = pdf_text(response.content)[0]
    assert response.status_code == 200 and "尚未选择已审核的年报" in text and "尚未签署" in text
    assert "尚无已审核的年报" in text and "草稿" in text


def test_every_declaration_page_links_the_pdf(client, w):
    declaration = declared(w)
    link = f'href="{reverse("declaration-pdf", args=[declaration.pk])}"'
    for user, page in ((w["users"][0], "my-declaration"), (w["staff"][0], "declaration-review"),
                       (w["bureau"], "declaration-review")):
        client.force_login(user)
        html = client.get(reverse(page, args=[declaration.pk])).content.decode()
        assert link in html and "打印申报书 (PDF)" in html
