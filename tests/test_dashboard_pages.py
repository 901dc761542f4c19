"""The dashboard page and the filing self-service pages, server side: who gets which charts, scoping, and the
filing workflow through the services (the same pages in a real browser: tests/browser/)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import FilingStatus
from enterprises.forms import FILING_FIELDSETS, AnnualFilingForm
from enterprises.models import AnnualFiling, EnterpriseMembership
from parks.models import ParkMembership

from .factories import AnnualFilingFactory, EnterpriseFactory, UserFactory, approved_filing, bureau_user

pytestmark = pytest.mark.django_db


def config_of(response) -> dict:
    """The dashboard's script configuration, as the page embeds it."""
    html = response.content.decode()
    start = html.index('<script id="dashboard-config" type="application/json">') + len(
        '<script id="dashboard-config" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def member_of(enterprise):
    user = UserFactory()
    EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    return user


def test_home_and_sign_in_lead_to_the_dashboard(client):
    assert client.get("/").url == reverse("dashboard")
    assert client.get(reverse("dashboard")).url.startswith(reverse("login"))
    UserFactory(username="someone")
    response = client.post(reverse("login"), {"username": "someone", "password": "pw"})
    assert response.url == reverse("dashboard")


def test_each_role_gets_its_charts(client):
    enterprise = EnterpriseFactory()
    client.force_login(bureau_user())
    config = config_of(client.get(reverse("dashboard")))
    assert config["tierLevel"] == "district" and config["enterprises"] == []
    assert config["summaryYears"] == []  # no summary computed yet: the tier report is asked for no year

    park_admin = UserFactory(is_staff=True)
    ParkMembership.objects.create(user=park_admin, park=enterprise.park)
    client.force_login(park_admin)
    page = client.get(reverse("dashboard"))
    config = config_of(page)
    assert config["tierLevel"] == "park"
    assert config["reports"]["plan"] is None and config["reports"]["districts"] is None
    assert enterprise.park.name in page.content.decode()

    client.force_login(member_of(enterprise))
    page = client.get(reverse("dashboard"))
    config = config_of(page)
    assert [e["id"] for e in config["enterprises"]] == [enterprise.pk]
    assert config["enterprises"][0]["assessment"] == f"/api/v1/enterprises/{enterprise.pk}/assessment/"
    assert set(config["reports"].values()) == {None}
    assert 'data-chart="assessment"' in page.content.decode() and 'data-chart="plan"' not in page.content.decode()


def test_language_switch_is_on_every_page(client):
    assert 'id="language-select"' in client.get(reverse("login")).content.decode()
    client.force_login(member_of(EnterpriseFactory()))
    for url in (reverse("dashboard"), reverse("my-enterprises")):
        page = client.get(url, follow=True).content.decode()
        assert 'action="/i18n/setlang/"' in page and 'value="en"' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("dashboard")})
    assert response.url == reverse("dashboard")
    assert '<html lang="en">' in client.get(reverse("dashboard")).content.decode()


def test_the_filing_form_holds_every_figure_once_with_money_in_wan_yuan():
    names = [name for _legend, fields in FILING_FIELDSETS for name in fields]
    figures = [f.name for f in AnnualFiling._meta.concrete_fields if f.name not in AnnualFiling.workflow_fields]
    assert sorted(names) == sorted(figures) and len(names) == len(set(names))
    form = AnnualFilingForm()
    assert "万元" in str(form.fields["revenue"].label) and "万元" in str(form.fields["net_profit"].label)
    assert "万元" not in str(form.fields["staff"].label)


def test_enterprise_user_starts_fills_in_and_submits_a_filing(client):
    enterprise = EnterpriseFactory()
    user = member_of(enterprise)
    client.force_login(user)
    response = client.post(reverse("filing-create", args=[enterprise.pk]), {"year": 2025})
    filing = AnnualFiling.objects.get(enterprise=enterprise, year=2025)
    assert response.url == reverse("filing-edit", args=[filing.pk]) and filing.status == FilingStatus.DRAFT
    again = client.post(reverse("filing-create", args=[enterprise.pk]), {"year": 2025})
    assert again.status_code == 200 and str(filing.pk) in again.content.decode()  # "already has an open filing"

    form = {name: "" for name in AnnualFilingForm.Meta.fields}
    form.update(revenue="100", digital_human_revenue="200", sme_sector="software_it", product_field="other",
                rd_institution="none", digitalisation_level="0", local_score="0", ip_class1="0", ip_class2="0",
                ip_class1_self_developed="0", ip_class1_high_value="0", niche_months="0", ip_class1_applied="0")
    page = client.post(reverse("filing-edit", args=[filing.pk]), form)  # a part above its whole: a field error
    assert page.status_code == 200 and 'class="field has-error"' in page.content.decode()
    filing.refresh_from_db()
    assert filing.revenue is None

    form.update(digital_human_revenue="50", main_revenue="90", rd_expense="5", net_profit="1", staff="9",
                rd_staff="3", submit="")
    page = client.post(reverse("filing-edit", args=[filing.pk]), form)  # the debt ratio missing: saved only
    filing.refresh_from_db()
    assert page.status_code == 200 and filing.status == FilingStatus.DRAFT and filing.revenue == Decimal("100")
    assert 'id="id_debt_ratio"' in page.content.decode() and "has-error" in page.content.decode()

    form["debt_ratio"] = "30"
    assert client.post(reverse("filing-edit", args=[filing.pk]), form).status_code == 302
    filing.refresh_from_db()
    assert (filing.status, filing.submitted_by, filing.park) == (FilingStatus.SUBMITTED, user, enterprise.park)
    assert filing.history.first().history_source == "web"
    assert client.post(reverse("filing-edit", args=[filing.pk]), form).status_code == 403  # under review now


def test_a_returned_filing_shows_its_reason_and_is_resubmitted(client):
    enterprise = EnterpriseFactory()
    filing = AnnualFilingFactory(enterprise=enterprise, status=FilingStatus.RETURNED, submitted_at=timezone.now(),
                                 park=enterprise.park, district=enterprise.district, return_reason="请补充研发人员名单")
    client.force_login(member_of(enterprise))
    page = client.get(reverse("filing-edit", args=[filing.pk])).content.decode()
    assert "请补充研发人员名单" in page and 'name="submit"' in page
    assert "请补充研发人员名单" in client.get(reverse("dashboard")).content.decode()
    form = {name: "" if value is None else value for name, value in
            AnnualFilingForm(instance=filing).initial.items()}
    form = {name: value for name, value in form.items() if value is not False}
    form["submit"] = ""
    assert client.post(reverse("filing-edit", args=[filing.pk]), form).status_code == 302
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.return_reason == ""


def test_filing_pages_are_scoped(client):
    mine, theirs = EnterpriseFactory(), EnterpriseFactory()
    their_filing = approved_filing(enterprise=theirs)
    client.force_login(member_of(mine))
    assert client.get(reverse("filing-edit", args=[their_filing.pk])).status_code == 404
    assert client.post(reverse("filing-create", args=[theirs.pk]), {"year": 2025}).status_code == 404
    approved = approved_filing(enterprise=mine)
    page = client.get(reverse("filing-edit", args=[approved.pk])).content.decode()
    assert 'name="submit"' not in page and "disabled" in page  # approved: read-only

    park_admin = UserFactory(is_staff=True)  # reviews the park's filings, never files them
    ParkMembership.objects.create(user=park_admin, park=mine.park)
    draft = AnnualFilingFactory(enterprise=mine, year=2023)
    client.force_login(park_admin)
    assert client.post(reverse("filing-create", args=[mine.pk]), {"year": 2022}).status_code == 404
    assert client.get(reverse("filing-edit", args=[draft.pk])).status_code == 404  # a draft is the enterprise's
    assert client.get(reverse("filing-edit", args=[approved.pk])).status_code == 200
    assert client.post(reverse("filing-edit", args=[approved.pk]), {}).status_code == 403


def test_dashboard_offers_edit_only_on_editable_filings(client):
    enterprise = EnterpriseFactory()
    draft = AnnualFilingFactory(enterprise=enterprise, year=2024, status=FilingStatus.DRAFT)
    submitted = AnnualFilingFactory(enterprise=enterprise, year=2023, status=FilingStatus.SUBMITTED,
                                    park=enterprise.park, district=enterprise.district, submitted_at=timezone.now())
    client.force_login(member_of(enterprise))
    client.post("/i18n/setlang/", {"language": "en", "next": reverse("dashboard")})
    html = client.get(reverse("dashboard")).content.decode()

    def link_text(filing) -> str:
        """The words of the filing row's link on the dashboard."""
        row = html[html.index(f'data-filing="{filing.pk}"'):]
        link = row[row.index(reverse("filing-edit", args=[filing.pk])):]
        return link[link.index(">") + 1:link.index("</a>")]

    assert link_text(draft) == "Edit"  # a draft is editable
    assert link_text(submitted) == "View"  # under review: shown, not edited
