"""The admin as a clerk uses it: business segments ticked by their Chinese names (no codes typed), and an
enterprise's page summing up its filings, designations and users, each row linked and only within the clerk's
scope; another park's enterprise stays out of reach."""

from urllib.parse import parse_qsl, urlencode

import pytest
from django.urls import reverse
from django.utils import translation

from enterprises.choices import Segment

from .factories import (
    AnnualFilingFactory,
    TierDesignationFactory,
    approved_filing,
    bureau_user,
)
from .html_forms import page_forms, post_back
from .worlds import build_world

pytestmark = pytest.mark.django_db


def change_url(enterprise) -> str:
    return reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])


def test_segments_are_ticked_by_their_chinese_names(client):
    enterprise = build_world(parks=1, admins=0, enterprises=1).enterprise()
    client.force_login(bureau_user(is_staff=True))
    page = client.get(change_url(enterprise)).content.decode()
    with translation.override("zh-hans"):
        labels = [str(label) for label in Segment.labels]
    for label in labels:  # every segment offered as a checkbox with its Chinese label
        assert f"{label}</label>" in page
    assert 'type="checkbox" name="segments" value="modelling"' in page
    # Tick 建模 and 渲染 (modelling is already ticked by the factory) and save.
    body = [(k, v) for k, v in parse_qsl(post_back(page), keep_blank_values=True) if k != "segments"]
    body += [("segments", Segment.MODELLING), ("segments", Segment.RENDERING), ("_save", "保存")]
    response = client.post(change_url(enterprise), urlencode(body), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302, response.content.decode()[:3000]
    enterprise.refresh_from_db()
    assert enterprise.segments == [Segment.MODELLING, Segment.RENDERING]


def test_a_made_up_segment_is_refused_with_a_field_message(client):
    enterprise = build_world(parks=1, admins=0, enterprises=1).enterprise()
    client.force_login(bureau_user(is_staff=True))
    page = client.get(change_url(enterprise)).content.decode()
    body = [(k, v) for k, v in parse_qsl(post_back(page), keep_blank_values=True) if k != "segments"]
    body += [("segments", "建模,渲染"), ("_save", "保存")]
    response = client.post(change_url(enterprise), urlencode(body), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["segments"]
    assert len(errors) == 1 and "建模,渲染" in errors[0] and "有效" in errors[0]
    enterprise.refresh_from_db()
    assert enterprise.segments == [Segment.MODELLING]


def test_the_enterprise_page_sums_up_filings_designations_and_users_in_scope(client):
    world = build_world(parks=2, admins=1, enterprises=1, users=1, staff=True)
    mine, theirs = world.enterprise(0), world.enterprise(1)
    filing = approved_filing(enterprise=mine, year=2024)
    draft = AnnualFilingFactory(enterprise=mine, year=2025)  # the enterprise's own work, not the park's to see
    designation = TierDesignationFactory(enterprise=mine, batch="2024年第一批")
    member = world.members_of(mine)[0]
    approved_filing(enterprise=theirs, year=2023)
    client.force_login(world.admin(0))
    page = client.get(change_url(mine)).content.decode()
    # Each summary row links to its own page; nothing there can be edited or deleted.
    assert reverse("admin:enterprises_annualfiling_change", args=[filing.pk]) in page
    assert reverse("admin:enterprises_annualfiling_change", args=[draft.pk]) not in page
    assert reverse("admin:enterprises_tierdesignation_change", args=[designation.pk]) in page
    assert member.user.username in page and "2024年第一批" in page
    form = next(f for f in page_forms(page) if f["attrs"].get("id") == "enterprise_form")
    names = {attrs.get("name") for kind, attrs, _ in form["controls"] if kind != "select"} | {
        attrs.name for kind, attrs, _ in form["controls"] if kind == "select"}
    assert not {n for n in names if n and n.startswith(("filings-", "designations-", "memberships-"))
                and not n.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"))
                and not n.endswith("-id") and not n.endswith("-enterprise")}
    # The other park's enterprise (and so its filings) is out of reach: the admin's "does not exist" redirect.
    assert client.get(change_url(theirs)).status_code == 302
    assert client.get(reverse("admin:enterprises_annualfiling_change",
                              args=[theirs.filings.get().pk])).status_code == 302


def test_the_bureau_sees_every_row_of_the_summary(client):
    world = build_world(parks=1, admins=0, enterprises=1, users=2)
    enterprise = world.enterprise()
    draft = AnnualFilingFactory(enterprise=enterprise, year=2025)
    client.force_login(bureau_user(is_staff=True))
    page = client.get(change_url(enterprise)).content.decode()
    assert reverse("admin:enterprises_annualfiling_change", args=[draft.pk]) in page
    assert all(m.user.username in page for m in world.members_of(enterprise))
