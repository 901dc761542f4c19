"""Every page each role opens, rendered in zh-hans, holds no English in its visible text.

The pages are listed per role at the top (`ROLE_PAGES`: URL names with a function of the world giving their
arguments); a new page is one line there. Staff roles also walk the admin: its index, and for every model whose
admin they may view, its changelist, one change page and its history. The visible text is what a reader sees: tags,
scripts, styles and comments stripped; the labels of buttons and options and the placeholders kept. A word of two
or more Latin letters is a leak unless it is on the allow-list: brand and format names, or the data's own values
(usernames, e-mail addresses, English names recorded for districts and enterprises)."""

import datetime
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from axes.models import AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from enterprises.models import (
    ComplianceFiling,
    Declaration,
    DeclarationRound,
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    FilingSeason,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)
from enterprises.register_forms import REGISTER_PAGES
from parks.models import District
from registry import seeding
from registry.models import FileJob, ReportRun
from registry.services import report_run_execute

from .factories import (
    AnnualFilingFactory,
    BenchmarkProjectFactory,
    LabFactory,
    PlatformFactory,
    TierDesignationFactory,
    approved_filing,
    bureau_user,
)
from .worlds import build_world

pytestmark = pytest.mark.django_db

# --- the pages of each role: URL name -> the arguments, from the world (add a page here) -------------------------
NO_ARGS = lambda w: []  # noqa: E731
ROLE_PAGES = {
    "anonymous": [("login", NO_ARGS), ("password_reset", NO_ARGS), ("password_reset_done", NO_ARGS)],
    "bureau": [("dashboard", NO_ARGS), ("password_change", NO_ARGS), ("password_change_done", NO_ARGS),
               ("invite", NO_ARGS), ("report-declarations", NO_ARGS), ("report-plan-board", NO_ARGS),
               ("report-support-funds", NO_ARGS), ("report-compliance-gaps", NO_ARGS),
               ("report-support-awards", NO_ARGS)],
    "park_admin": [("dashboard", NO_ARGS), ("password_change", NO_ARGS), ("invite", NO_ARGS),
                   ("report-declarations", NO_ARGS), ("report-plan-board", NO_ARGS), ("report-support-funds", NO_ARGS),
                   ("report-compliance-gaps", NO_ARGS), ("report-support-awards", NO_ARGS)],
    "enterprise_user": [("dashboard", NO_ARGS), ("my-enterprises", NO_ARGS), ("password_change", NO_ARGS),
                        ("enterprise-profile", lambda w: [w.enterprise.pk]),
                        ("filing-create", lambda w: [w.enterprise.pk]),
                        ("filing-edit", lambda w: [w.draft.pk]), ("filing-edit", lambda w: [w.approved.pk])],
}
# The enterprise's registers (branch regscreens): every register of the table, its list for its users and its park's
# administrator, its forms and the deletion's confirmation for its users.
for _register in REGISTER_PAGES:
    _slug = _register.slug
    ROLE_PAGES["park_admin"].append(("register-list", lambda w, slug=_slug: [w.enterprise.pk, slug]))
    ROLE_PAGES["enterprise_user"] += [
        ("register-list", lambda w, slug=_slug: [w.enterprise.pk, slug]),
        ("register-add", lambda w, slug=_slug: [w.enterprise.pk, slug]),
        ("register-edit", lambda w, slug=_slug: [w.enterprise.pk, slug, w.registers[slug].pk]),
        ("register-delete", lambda w, slug=_slug: [w.enterprise.pk, slug, w.registers[slug].pk]),
    ]
ADMIN_ROLES = {"bureau", "park_admin"}  # the roles that open the admin

# Words a Chinese page may hold: brand and format names, units, and the admin's own brand.
# "English" is the language switcher's name of English, in English, as every switcher names a language; ISO is
# a standard's name (ISO 9001); Control, Mac and Command are keys named in Django's own Chinese help text.
# Celery and beat name the job system the help texts of the job pages speak of; PDF, PNG, JPEG, Office, DOCX, DOC,
# XLS and MB name the file formats and the size limit of an evidence upload. GB (GB/T) is the prefix of the
# national standards' numbers, as a standard's number is written in Chinese too (the standards register's example).
ALLOWED = {"English", "ISO", "Control", "Mac", "Command", "Django", "Excel", "CSV", "XLSX", "API", "REST", "OpenAPI",
           "ECharts", "ID", "IP", "AI", "JSON", "URL", "https", "http", "www", "Celery", "beat",
           "PDF", "PNG", "JPEG", "Office", "DOCX", "DOC", "XLS", "MB", "GB"}
WORD = re.compile(r"(?<![A-Za-z0-9_@.])[A-Za-z]{2,}(?![A-Za-z0-9_@*])")  # a masked hash (ab****) is no word
EMAIL = re.compile(r"[\w.+-]+@[\w.-]+")
CODE = re.compile(r"\b[a-z0-9]+(?:-[a-z0-9]+)*-\d[a-z0-9-]*\b")  # codes like bj-dh-2025-industry-scale
# Pages left out, and why: django-axes' records name themselves in English in their __str__ (its own code).
SKIPPED = re.compile(r"^/admin/axes/[a-z]+/\d+/")


class VisibleText(HTMLParser):
    """The text a reader sees: text outside script, style, template, noscript and head, with buttons' values and
    placeholders (an <input type=hidden>'s value is not seen)."""

    HIDDEN = {"script", "style", "template", "noscript", "head", "svg"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "input" and (attrs.get("type") or "") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])
        if attrs.get("placeholder"):
            self.parts.append(attrs["placeholder"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The Latin words of a text that are not allowed, each with a little of its context."""
    text = CODE.sub(" ", EMAIL.sub(" ", text))
    return [f"{m.group()!r} in …{text[max(0, m.start() - 30):m.end() + 30]}…"
            for m in WORD.finditer(text) if m.group() not in allowed]


def data_words() -> set[str]:
    """The data's own Latin words: usernames, the English names recorded for districts, parks, enterprises, and the
    browser and path the sign-in log records (django-axes writes <unknown> where a request names none)."""
    values = list(get_user_model().objects.values_list("username", flat=True))
    values += [value for row in AccessLog.objects.values_list("user_agent", "path_info") for value in row]
    values += list(District.objects.values_list("name_en", flat=True))
    values += list(Enterprise.objects.values_list("name_en", flat=True))
    values += [job.worker for model in (ReportRun, FileJob) for job in model.objects.exclude(worker="")]  # host:pid
    return {word for value in values if value for word in re.findall(r"[A-Za-z]+", value)}


@pytest.fixture
def world():
    """Chinese-named parks, enterprises and records of every kind, with one account per role."""
    seeding.load_districts(tally=seeding.new_tally())
    seeding.load_plan_targets(tally=seeding.new_tally())
    made = build_world(parks=2, admins=1, enterprises=1, users=1, staff=True,
                       district=District.objects.get(code="110105"))
    enterprise = made.enterprise(0)
    made.let(enterprise=enterprise, start=datetime.date(2024, 1, 1))
    approved = approved_filing(enterprise=enterprise, year=2024)
    draft = AnnualFilingFactory(enterprise=enterprise, year=2025)
    TierDesignationFactory(enterprise=enterprise)
    LabFactory(host=enterprise, park=made.parks[0])
    PlatformFactory(operator=enterprise, park=made.parks[0])
    BenchmarkProjectFactory(lead=enterprise, park=made.parks[0])
    report_run_execute(run_id=ReportRun.objects.create(year=2024).pk)
    today = timezone.localdate()
    declaration_round = DeclarationRound.objects.create(  # a submitted declaration: the pipeline's table shown
        name="本年度创新型中小企业", tier="innovative", rule_set="2026", cadence="quarterly",
        opens=datetime.date(today.year, 1, 1), closes=datetime.date(today.year, 1, 2),
        review_starts=datetime.date(today.year, 1, 3))
    Declaration.objects.create(round=declaration_round, enterprise=enterprise, district=enterprise.district,
                               status="district_review")
    bureau = bureau_user(username="bureau", is_staff=True)
    FileJob.objects.create(kind="export", subject="enterprises", file_format="xlsx", started_by=bureau)
    FilingSeason.objects.create(year=2024, opens=datetime.date(2025, 1, 1), closes=datetime.date(2025, 5, 31))
    character = DigitalHumanIp.objects.create(enterprise=enterprise, name="小矩", dh_type="service")
    DigitalHumanRegistration.objects.create(character=character, kind="trademark", number="第1号",
                                            registered_on=datetime.date(2024, 1, 2))
    registers = {  # one record of each register, in Chinese (branch regscreens)
        "standards": Standard.objects.create(enterprise=enterprise, title="数字人 通用要求", level="group", role="lead",
                                             status="drafting"),
        "ip": IntellectualProperty.objects.create(enterprise=enterprise, type="invention", number="2024100000001",
                                                  title="驱动方法", granted_on=datetime.date(2024, 3, 1)),
        "characters": character,
        "financing": FinancingRound.objects.create(enterprise=enterprise, closed_on=datetime.date(2024, 4, 1),
                                                   amount=500, round_name="天使轮", guided_fund="high_tech"),
        "listings": Listing.objects.create(enterprise=enterprise, board="neeq", listed_on=datetime.date(2024, 5, 1)),
        "compliance": ComplianceFiling.objects.create(
            enterprise=enterprise, kind="deep_synthesis", number="网信算备1号", service_name="数字人播报服务",
            filed_on=datetime.date(2024, 6, 1)),
        "activities": IndustryActivity.objects.create(enterprise=enterprise, kind="joint_training", title="联合培养班",
                                                      partner="某大学", held_on=datetime.date(2024, 7, 1), people=20),
    }
    return SimpleNamespace(bureau=bureau, park_admin=made.admin(0), enterprise_user=made.members_of(enterprise)[0].user,
                           enterprise=enterprise, approved=approved, draft=draft, registers=registers)


def admin_pages(client) -> list[str]:
    """The admin pages the signed-in user opens: the index, and per model they may view its changelist, its
    first record's change page and that record's history."""
    request = client.get(reverse("admin:index")).wsgi_request
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_module_permission(request) or not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is None:
            continue
        for page in ("change", "history"):
            try:
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[first.pk]))
            except NoReverseMatch:
                pass
    return urls


def role_pages(role: str, world) -> list[str]:
    return [reverse(name, args=args(world)) for name, args in ROLE_PAGES[role]]


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_page_of_the_role_reads_in_chinese(client, world, role):
    if role != "anonymous":
        client.force_login(getattr(world, role))
    urls = role_pages(role, world) + (admin_pages(client) if role in ADMIN_ROLES else [])
    urls = [url for url in urls if not SKIPPED.match(url)]
    allowed = ALLOWED | data_words()
    leaks, seen = {}, set()
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)  # /me/ may lead on
        assert response.status_code == 200, (url, response.status_code)
        html = response.content.decode()
        assert '<html lang="zh-hans"' in html, url
        found = [word for word in english_words(visible_text(html), allowed) if word.split(" in ")[0] not in seen]
        seen |= {word.split(" in ")[0] for word in found}  # each word reported once, on the first page it is on
        if found:
            leaks[url] = found
    assert not leaks, "English left on zh-hans pages:\n" + "\n".join(
        f"{url}:\n  " + "\n  ".join(words) for url, words in leaks.items())


def test_the_check_finds_english():
    # The test can fail: an English word on a page is found, the data's own words and brand names are not.
    text = visible_text("<html><head><title>Title</title></head><body><p>仪表盘 Dashboard</p>"
                        "<script>var x = 'hidden';</script><input type=submit value='Save'>"
                        "<p>用户 bureau，Excel 导出，91110105MA01ABCD1X，420 m²</p></body></html>")
    assert [w.split(" in ")[0] for w in english_words(text, ALLOWED | {"bureau"})] == ["'Dashboard'", "'Save'"]
