"""One name per tier (docs/screens-assessment.md): the pages, the admin, the exports and the API's display fields
name each tier by its one label (Tier's labels, the 2026 measures' official names), never by a second name (a short
name, the 2022 name of the base tier, a name without 企业)."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.choices import TIER_NAMES, FilingStatus, Tier
from enterprises.forms import AnnualFilingForm
from enterprises.selectors import reporting_year
from registry.api.overview import TIER_HEADERS
from registry.models import ReportRun
from registry.services import report_run_execute

from .factories import AnnualFilingFactory, TierDesignationFactory, approved_filing, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db

# Fragments of every other name a tier has had on a screen; what is left of a text once the one names are taken out
# must hold none of them.
SECOND_NAMES_ZH = ("创新型", "专精特新", "小巨人", "单项冠军")
SECOND_NAMES_EN = ("Innovative SME", "Innovative", "Single champion")


def one_names(language: str) -> list[str]:
    """Each tier's one name in a language, longest first."""
    with translation.override(language):
        return sorted((str(label) for label in TIER_NAMES.values()), key=len, reverse=True)


# Proper names that hold a tier's words without naming a tier: the Beijing Equity Exchange Center's board.
BOARD_NAMES = ("专精特新专板",)


def second_names(text: str, language: str = "zh-hans") -> list[str]:
    """The second names of tiers in a text: what of SECOND_NAMES is left once the one names are taken out."""
    for name in (*one_names(language), *BOARD_NAMES):
        text = text.replace(name, "")
    fragments = SECOND_NAMES_ZH if language == "zh-hans" else SECOND_NAMES_EN
    found = []
    for fragment in fragments:
        for match in re.finditer(re.escape(fragment), text):
            found.append(text[max(0, match.start() - 30):match.end() + 30])
    return found


def test_the_one_names_are_the_2026_measures_and_the_export_headers_use_them():
    with translation.override("zh-hans"):
        assert [str(TIER_NAMES[tier]) for tier in Tier] == [
            "科技和创新型中小企业", "专精特新中小企业", "专精特新“小巨人”企业", "制造业单项冠军企业"]
        assert TIER_HEADERS == [(tier.value, str(tier.label)) for tier in Tier]
    assert second_names("科技和创新型中小企业 与 专精特新“小巨人”企业") == []
    assert second_names("创新型中小企业") and second_names("小巨人") and second_names("专精特新“小巨人”")


@pytest.fixture
def scene():
    """An enterprise holding a designation of every tier, with approved filings of the reporting year and 2024 (one
    under each rule set), a draft and a submitted filing, its user; a tier summary of 2024 computed."""
    world = build_world(parks=1, enterprises=1, users=1)
    enterprise = world.enterprise()
    year = reporting_year()
    for tier in Tier:
        TierDesignationFactory(enterprise=enterprise, tier=tier, year=year, granted_on=datetime.date(year, 3, 1))
    approved_filing(enterprise=enterprise, year=year)
    approved_filing(enterprise=enterprise, year=2024, revenue=Decimal("30000"), rd_expense=Decimal("1500"))
    draft = AnnualFilingFactory(enterprise=enterprise, year=2023)
    submitted = AnnualFilingFactory(enterprise=enterprise, year=2022, status=FilingStatus.SUBMITTED,
                                    park=enterprise.park, district=enterprise.district, submitted_at=timezone.now())
    report_run_execute(run_id=ReportRun.objects.create(year=2024).pk)
    return world, enterprise, draft, submitted


def pages(client, world, enterprise, draft, submitted) -> dict[str, str]:
    """Every screen that names tiers, as the enterprise user and the bureau see them."""
    texts = {}
    client.force_login(world.members_of(enterprise)[0].user)
    profile = reverse("enterprise-profile", args=[enterprise.pk])
    texts["profile"] = client.get(profile).content.decode()
    texts["profile 2024"] = client.get(profile, {"year": 2024}).content.decode()
    texts["filing"] = client.get(reverse("filing-edit", args=[draft.pk])).content.decode()
    data = {name: "" if value is None else value for name, value in AnnualFilingForm(instance=draft).initial.items()
            if not isinstance(value, bool)}
    texts["preview"] = client.post(reverse("filing-preview", args=[draft.pk]), data).content.decode()
    assessment = client.get(reverse("api:enterprise-assessment", args=[enterprise.pk]), {"year": 2024}).json()
    texts["api assessment"] = json.dumps(assessment, ensure_ascii=False)

    client.force_login(bureau_user(is_staff=True))
    dashboard = client.get(reverse("dashboard")).content.decode()
    start = dashboard.index('<script id="dashboard-config" type="application/json">')
    config = json.loads(dashboard[dashboard.index(">", start) + 1:dashboard.index("</script>", start)])
    texts["dashboard"] = dashboard + json.dumps(config, ensure_ascii=False)
    for name in ("enterprises_enterprise_changelist", "enterprises_tierdesignation_changelist",
                 "enterprises_tierdesignation_add"):
        response = client.get(reverse(f"admin:{name}"))
        assert response.status_code == 200, name
        texts[f"admin {name}"] = response.content.decode()
    exported = client.post(reverse("admin:enterprises_enterprise_changelist"),
                           {"action": "export_csv", "_selected_action": [enterprise.pk], "index": 0})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    texts["enterprise export"] = exported.content.decode("utf-8-sig")
    summary = client.get(reverse("api:report-tier-summary"), {"year": 2024})
    assert summary.status_code == 200
    texts["tier summary API"] = json.dumps(summary.json(), ensure_ascii=False)
    summary_csv = client.get(reverse("api:report-tier-summary"), {"year": 2024, "format": "csv"})
    texts["tier summary CSV"] = summary_csv.content.decode("utf-8-sig")
    for name in ("report-tier-summary", "report-tier-candidates", "report-districts", "review-queue"):
        response = client.get(reverse(name), {"year": 2024} if name.startswith("report") else {})
        assert response.status_code == 200, name
        texts[f"page {name}"] = response.content.decode()
    review = client.get(reverse("review-filing", args=[submitted.pk]))
    assert review.status_code == 200
    texts["review filing"] = review.content.decode()
    return texts


def test_every_screen_names_each_tier_by_its_one_name(client, scene):
    with translation.override("zh-hans"):
        texts = pages(client, *scene)
    for screen, text in texts.items():
        assert second_names(text) == [], screen
    # and the names are there to be found: every tier by its one name on the enterprise's page and in the admin
    with translation.override("zh-hans"):
        for tier in Tier:
            assert str(tier.label) in texts["profile"], tier
            assert str(tier.label) in texts["admin enterprises_tierdesignation_changelist"], tier
        assert str(Tier.INNOVATIVE.label) in texts["api assessment"] and "科技和创新型中小企业" in texts["preview"]
    rows = list(csv.reader(io.StringIO(texts["tier summary CSV"])))
    assert any("科技和创新型中小企业" in row for row in rows)


def test_the_english_screens_have_no_second_name_either(client, scene):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        texts = pages(client, *scene)
        for screen in ("profile", "profile 2024", "filing", "preview", "api assessment"):
            assert second_names(texts[screen], "en") == [], screen
        assert str(Tier.INNOVATIVE.label) in texts["profile"]


def test_the_import_and_export_columns_name_tiers_by_their_one_name_and_read_the_former_header():
    from enterprises.imports.columns import COLUMNS
    from enterprises.imports.reading import _columns

    text = " ".join(f"{column.header} {column.note}" for columns in COLUMNS.values() for column in columns)
    assert second_names(text) == []
    # a file written before, with the header that named 小巨人 by its short name, still imports
    old, new = _columns("filings", ["统一社会信用代码", "年度", "满足小巨人创新直通条件"]), \
        _columns("filings", ["统一社会信用代码", "年度", "满足专精特新“小巨人”企业创新直通条件"])
    assert old[2].key == new[2].key == "innovation_fast_track"
