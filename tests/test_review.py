"""The filing review screen (/review/): a park administrator reviews only the filings submitted in its park, the
bureau every one, an enterprise user none; approval needs its confirmation, a return its reason; both go through
the services the API calls (docs/screens-review.md)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from config.amounts import money_display
from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling
from enterprises.review_selectors import amount_text, rule_set_ratios
from enterprises.services import filing_submit
from enterprises.tiers import rule_set_for

from .factories import AnnualFilingFactory, EnterpriseMembershipFactory, approved_filing, bureau_user
from .worlds import build_world

pytestmark = pytest.mark.django_db


def submitted(enterprise, *, year=2024, **figures) -> AnnualFiling:
    """A filing of the enterprise submitted through the service by a user of it."""
    member = EnterpriseMembershipFactory(enterprise=enterprise).user
    return filing_submit(filing=AnnualFilingFactory(enterprise=enterprise, year=year, **figures), user=member)


@pytest.fixture
def world():
    """Two parks, each with an administrator and two registered enterprises with a user each."""
    return build_world(parks=2, admins=1, enterprises=2, users=1)


def page(client, user, name, *args, **kwargs):
    """GET a review page as the user."""
    client.force_login(user)
    return client.get(reverse(name, args=args), **kwargs)


def test_the_queue_holds_the_parks_submitted_filings_oldest_first_and_the_nav_counts_them(client, world):
    first = submitted(world.enterprise(0, 0))
    second = submitted(world.enterprise(0, 1), year=2023)
    AnnualFiling.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    approved_filing(enterprise=world.enterprise(0, 0), year=2022)
    AnnualFilingFactory(enterprise=world.enterprise(0, 1), year=2022)  # a draft
    theirs = submitted(world.enterprise(1, 0))
    response = page(client, world.admin(0), "review-queue")
    assert response.status_code == 200
    assert [f.pk for f in response.context["filings"]] == [first.pk, second.pk]
    html = response.content.decode()
    assert world.enterprise(0, 0).name in html and world.enterprise(1, 0).name not in html
    assert '<span class="nav-count" id="nav-review-count">2</span>' in html
    assert f'href="{reverse("review-filing", args=[theirs.pk])}"' not in html
    bureau = page(client, bureau_user(), "review-queue")
    assert [f.pk for f in bureau.context["filings"]] == [first.pk, second.pk, theirs.pk]


def test_the_queue_filters_by_year_and_park_and_refuses_a_bad_year(client, world):
    ours, older, theirs = (submitted(world.enterprise(0, 0)), submitted(world.enterprise(0, 1), year=2023),
                           submitted(world.enterprise(1, 0)))
    bureau = bureau_user()
    client.force_login(bureau)
    by_year = client.get(reverse("review-queue"), {"year": 2023})
    assert [f.pk for f in by_year.context["filings"]] == [older.pk]
    by_park = client.get(reverse("review-queue"), {"park": world.parks[1].pk})
    assert [f.pk for f in by_park.context["filings"]] == [theirs.pk]
    bad = client.get(reverse("review-queue"), {"year": "1800"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and "greater than or equal to" in str(bad.context["form"].errors["year"])
    bad_zh = client.get(reverse("review-queue"), {"year": "abc"})
    assert bad_zh.status_code == 400 and "请输入整数" in str(bad_zh.context["form"].errors["year"])
    assert ours.pk not in [f.pk for f in by_park.context["filings"]]
    # A park administrator cannot even name another park in the filter.
    client.force_login(world.admin(0))
    other = client.get(reverse("review-queue"), {"park": world.parks[1].pk})
    assert other.status_code == 400 and "park" in other.context["form"].errors


def test_another_parks_filing_does_not_exist_for_a_park_administrator(client, world):
    theirs = submitted(world.enterprise(1, 0))
    client.force_login(world.admin(0))
    assert client.get(reverse("review-filing", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("review-approve", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("review-approve", args=[theirs.pk]), {"confirmed": "on"}).status_code == 404
    assert client.post(reverse("review-return", args=[theirs.pk]), {"reason": "不对"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FilingStatus.SUBMITTED


def test_an_enterprise_user_reviews_nothing(client, world):
    filing = submitted(world.enterprise(0, 0))
    member = world.members_of(world.enterprise(0, 0))[0].user
    client.force_login(member)
    assert client.get(reverse("review-queue")).status_code == 403
    assert client.get(reverse("review-filing", args=[filing.pk])).status_code == 403
    assert client.post(reverse("review-approve", args=[filing.pk]), {"confirmed": "on"}).status_code == 403
    assert client.post(reverse("review-return", args=[filing.pk]), {"reason": "x"}).status_code == 403
    assert 'id="nav-review"' not in client.get(reverse("my-enterprises"), follow=True).content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_approval_without_its_confirmation_does_nothing(client, world):
    filing = submitted(world.enterprise(0, 0))
    client.force_login(world.admin(0))
    url = reverse("review-approve", args=[filing.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "冻结" in confirm.content.decode()
    refused = client.post(url, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert refused.context["form"].errors["confirmed"] == ["Confirm the approval: an approved filing is frozen."]
    assert client.post(url, {}).context["form"].errors["confirmed"] == ["请确认审核通过：审核通过的年报将被冻结。"]
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED and filing.reviewed_at is None
    done = client.post(url, {"confirmed": "on"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("review-queue")
    filing.refresh_from_db()
    assert (filing.status, filing.reviewed_by) == (FilingStatus.APPROVED, world.admin(0))
    assert "已审核通过并冻结" in done.content.decode()


def test_a_return_needs_its_reason_and_the_enterprise_reads_it(client, world):
    filing = submitted(world.enterprise(0, 0))
    client.force_login(world.admin(0))
    url = reverse("review-return", args=[filing.pk])
    messages = (("en", "State the reason for returning the filing."), ("zh-hans", "请填写退回年报的原因。"))
    for language, message in messages:
        refused = client.post(url, {"reason": "   "}, HTTP_ACCEPT_LANGUAGE=language)
        assert refused.status_code == 400
        assert refused.context["return_form"].errors["reason"] == [message]
        assert 'id="reason-errors"' in refused.content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    done = client.post(url, {"reason": "研发费用与上年差异过大，请核对。"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("review-queue")
    filing.refresh_from_db()
    assert (filing.status, filing.return_reason) == (FilingStatus.RETURNED, "研发费用与上年差异过大，请核对。")
    member = world.members_of(world.enterprise(0, 0))[0].user
    client.force_login(member)
    assert "研发费用与上年差异过大" in client.get(reverse("filing-edit", args=[filing.pk])).content.decode()


def test_a_filing_reviewed_meanwhile_shows_the_services_message(client, world):
    filing = submitted(world.enterprise(0, 0))
    bureau = bureau_user()
    client.force_login(bureau)
    client.post(reverse("review-approve", args=[filing.pk]), {"confirmed": "on"})
    client.force_login(world.admin(0))
    response = client.post(reverse("review-return", args=[filing.pk]), {"reason": "迟了"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == reverse("review-filing", args=[filing.pk])
    html = response.content.decode()
    assert "Only a submitted filing can be returned." in html and 'id="review-closed"' in html
    assert 'id="approve-button"' not in html
    assert client.get(reverse("review-approve", args=[filing.pk])).url == reverse("review-filing", args=[filing.pk])
    approve = client.post(reverse("review-approve", args=[filing.pk]), {"confirmed": "on"}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    assert "Only a submitted filing can be approved." in approve.content.decode()
    filing.refresh_from_db()
    assert (filing.status, filing.reviewed_by) == (FilingStatus.APPROVED, bureau)


def test_a_reviewer_who_files_for_the_enterprise_is_refused_with_the_services_message(client, world):
    filing = submitted(world.enterprise(0, 0))
    EnterpriseMembershipFactory(enterprise=world.enterprise(0, 0), user=world.admin(0))
    client.force_login(world.admin(0))
    response = client.post(reverse("review-approve", args=[filing.pk]), {"confirmed": "on"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert "You may not review a filing of your own enterprise." in response.content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_the_filing_page_compares_with_the_previous_year_and_shows_ratios_and_assessment(client, world):
    enterprise = world.enterprise(0, 0)
    approved_filing(enterprise=enterprise, year=2023, revenue=Decimal("9600"), rd_expense=Decimal("480"))
    filing = submitted(enterprise, revenue=Decimal("12000"), rd_expense=Decimal("600"))
    response = page(client, world.admin(0), "review-filing", filing.pk, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    rows = {row.name: row for row in response.context["figures"]}
    # The amounts follow the page's language (config.amounts): English units under English.
    assert (rows["revenue"].current, rows["revenue"].previous) == ("1.20 hundred million yuan",
                                                                   "9,600.00 ten thousand yuan")
    assert (rows["revenue"].change, rows["revenue"].change_percent) == ("+2,400.00 ten thousand yuan", "+25.00%")
    assert (rows["staff"].change, rows["staff"].change_percent) == ("0", "0.00%")
    ratios = {row.label: row for row in response.context["ratios"]}
    rd = ratios["R&D share of revenue"]
    assert (rd.current, rd.previous, rd.change) == (Decimal("5.00"), Decimal("5.00"), Decimal("0.00"))
    assert len(ratios) == len(rule_set_ratios(rule_set_for(2024)))
    tiers = response.context["tiers"]
    assert [tier.tier for tier, _criteria in tiers] == [r.tier for r in rule_set_for(2024).rules]
    html = response.content.decode()
    assert 'id="approve-dialog"' in html and 'id="return-form"' in html
    assert "Compared with the approved filing of 2023" in html


def test_without_a_previous_approved_filing_the_page_says_so(client, world):
    filing = submitted(world.enterprise(0, 0))
    response = page(client, world.admin(0), "review-filing", filing.pk, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["previous"] is None
    assert "No approved filing of 2023 to compare with." in response.content.decode()
    assert all(row.change == "" for row in response.context["figures"])


def test_the_admins_filing_page_links_to_the_review_screen_while_submitted(client):
    world = build_world(parks=1, admins=1, enterprises=1, users=1, staff=True)
    filing = submitted(world.enterprise(0, 0))
    approved = approved_filing(enterprise=world.enterprise(0, 0), year=2023)
    client.force_login(world.admin(0))
    html = client.get(reverse("admin:enterprises_annualfiling_change", args=[filing.pk])).content.decode()
    assert f'href="{reverse("review-filing", args=[filing.pk])}"' in html
    html = client.get(reverse("admin:enterprises_annualfiling_change", args=[approved.pk])).content.decode()
    assert str(approved) in html  # the approved filing's own page, shown
    assert 'id="review-link"' not in html, html[html.find('review-link') - 300:][:600]


def test_amounts_from_one_yi_up_are_shown_in_yi_in_the_pages_language():
    with translation.override("zh-hans"):
        assert amount_text(Decimal("9999.99")) == "9999.99万元"
        assert amount_text(Decimal("10000")) == "1.00亿元"
        assert amount_text(Decimal("-25000")) == "-2.50亿元"
        assert amount_text(None) == "—"
    with translation.override("en"):
        assert amount_text(Decimal("9999.99")) == "9,999.99 ten thousand yuan"
        assert amount_text(Decimal("-25000")) == "-2.50 hundred million yuan"
    # One rule: the review screen's amount is the one every other page shows.
    for value in (Decimal("0.005"), Decimal("9999.995"), Decimal("123456.785")):
        assert amount_text(value) == money_display(value)
