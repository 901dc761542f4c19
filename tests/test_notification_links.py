"""Where a notification leads: each links to the page its recipient opens about it (the enterprise's own declaration
page, the review page for district and bureau staff, the filing, the lease board for a tenancy, none for an
invitation), the link answers 200 to its recipient and 404 to another scope, the inbox shows it and the e-mail
carries it in full; and a round's notices go out by a task on a real worker, once however often it runs."""

import time
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from config.celery import app
from config.notifications.models import Notification, NotificationKind, Reminder
from config.notifications.services import notify
from enterprises import declarations
from enterprises.choices import Tier
from enterprises.invitations import invitation_create
from enterprises.reminders import reminders_send
from enterprises.services import filing_return
from enterprises.tasks import round_notices
from parks.models import DistrictMembership

from .factories import TierDesignationFactory, UserFactory, approved_filing, bureau_user
from .test_notifications import ANSWERS, DAY, TODAY, place, submitted_filing, users_of  # noqa: F401 (a fixture)
from .worlds import build_world


def _round(w, name="2026年第四季度"):
    return declarations.round_open(
        user=w.bureau, name=name, tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
        opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)


@pytest.mark.django_db
def test_every_notification_links_to_a_page_its_recipient_opens(place, client, smtp_server,  # noqa: F811
                                                                django_capture_on_commit_callbacks):
    user, other = users_of(place)[0], users_of(place, 1)[0]
    declaration_round = _round(place)
    round_notices.apply(args=[declaration_round.pk, "opened"])
    declaration = declarations.declaration_create(
        user=user, declaration_round=declaration_round, enterprise=place.enterprise(0),
        filing=approved_filing(enterprise=place.enterprise(0), year=TODAY.year - 1), answers=ANSWERS)
    declarations.declaration_sign(user=user, declaration=declaration)
    with django_capture_on_commit_callbacks(execute=True):
        declarations.declaration_submit(user=user, declaration=declaration)
    declarations.declaration_recommend(user=place.staff, declaration=declaration)
    declarations.declaration_approve(user=place.bureau, declaration=declaration, score=Decimal(90))
    declarations.round_set_publicity(user=place.bureau, declaration_round=declaration_round,
                                     starts=TODAY + 12 * DAY, ends=TODAY + 18 * DAY)
    round_notices.apply(args=[declaration_round.pk, f"publicity:{TODAY + 12 * DAY}:{TODAY + 18 * DAY}"])
    filing = filing_return(filing=submitted_filing(place, 1), user=place.admin(1), reason="请补充社保记录")
    tenancy = place.let(enterprise=place.enterprise(0), start=TODAY - 300 * DAY, end=TODAY + 20 * DAY)
    TierDesignationFactory(enterprise=place.enterprise(0), granted_on=TODAY - 1000 * DAY,
                           year=(TODAY - 1000 * DAY).year)  # due for re-review
    reminders_send(today=TODAY)
    invited = users_of(place, 1)[1]  # given a membership of the first enterprise: not the one checked below
    invitation_create(inviter=place.bureau, username=invited.username, email="x@example.com",
                      enterprise=place.enterprise(0))

    mine = reverse("my-declaration", args=[declaration.pk])
    review = reverse("declaration-review", args=[declaration.pk])
    links = {(n.recipient_id, n.kind, n.link) for n in Notification.objects.all()}
    for member in users_of(place):
        assert {(member.pk, NotificationKind.DECLARATION, mine), (member.pk, NotificationKind.PUBLICITY, mine),
                (member.pk, NotificationKind.ROUND, reverse("my-declarations"))} <= links
    assert {(place.staff.pk, NotificationKind.DECLARATION, review),
            (place.staff.pk, NotificationKind.ROUND, reverse("declaration-review-queue")),
            (place.staff.pk, NotificationKind.PUBLICITY, reverse("publicity")),
            (place.bureau.pk, NotificationKind.DECLARATION, review),
            (other.pk, NotificationKind.FILING, reverse("filing-edit", args=[filing.pk])),
            (place.admin(0).pk, NotificationKind.TENANCY_REMINDER,
             f"{reverse('board')}?{urlencode({'park': place.parks[0].pk, 'q': tenancy.unit.label})}"),
            (invited.pk, NotificationKind.INVITATION, ""),
            (place.staff.pk, NotificationKind.RE_REVIEW_REMINDER, reverse("declaration-review-queue"))} <= links
    assert (user.pk, NotificationKind.RE_REVIEW_REMINDER, reverse("my-declarations")) in links
    # Nobody heard of a declaration outside their scope: the other enterprise's users were told of none.
    assert not Notification.objects.filter(recipient__in=users_of(place, 1), kind__in=[
        NotificationKind.DECLARATION, NotificationKind.PUBLICITY]).exists()

    # Each link, opened by its recipient, answers 200; the enterprise's link opened by another enterprise's user 404.
    opened = 0
    for notification in Notification.objects.exclude(link="").select_related("recipient"):
        client.force_login(notification.recipient)
        response = client.get(notification.link)
        assert response.status_code == 200, (notification.kind, notification.link, response.status_code)
        opened += 1
    assert opened == Notification.objects.exclude(kind=NotificationKind.INVITATION).count()
    client.force_login(other)
    assert client.get(mine).status_code == 404 and client.get(review).status_code == 403

    # The inbox shows the link; the e-mail carries it in full.
    client.force_login(place.staff)
    assert f'href="{review}"' in client.get(reverse("inbox")).content.decode()
    [staff_mail] = smtp_server.to(place.staff.email)
    assert settings.SITE_URL + review in staff_mail.body


def _wait(condition, seconds: float = 30) -> bool:
    """Poll until the condition holds (a worker's work is seen through the database) or the time is out."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_round_notices_go_out_by_a_task_on_a_real_worker_once_however_often_it_runs():
    w = build_world(parks=2, admins=1, enterprises=2, users=2, districts=2, local=True)
    staff = UserFactory(username="district_staff_w")
    DistrictMembership.objects.create(user=staff, district=w.districts[1])
    w.bureau = bureau_user(username="bureau_w")
    told = 2 * 2 * 2 + 1  # two users of each of the two enterprises of two parks, and the district's staff
    declaration_round = _round(w)  # committed at once: the task is on the queue, nobody is told in the request
    assert not Notification.objects.filter(kind=NotificationKind.ROUND).exists()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert _wait(lambda: Notification.objects.filter(kind=NotificationKind.ROUND).count() == told)
        # The task again (a retry, a redelivery): every recipient's Reminder row is there, nobody is told twice.
        assert round_notices.delay(declaration_round.pk, "opened").get(timeout=20) == 0
        declarations.round_close(user=w.bureau, declaration_round=declaration_round)
        assert _wait(lambda: Notification.objects.filter(kind=NotificationKind.ROUND).count() == 2 * told)
    assert Notification.objects.filter(kind=NotificationKind.ROUND).count() == 2 * told
    assert Reminder.objects.filter(kind=NotificationKind.ROUND, subject_key=f"round:{declaration_round.pk}",
                                   period_key="opened").count() == told
    assert set(Notification.objects.filter(recipient=staff).values_list("link", flat=True)) == {
        reverse("declaration-review-queue")}


@pytest.mark.django_db
def test_the_bells_dropdown_loads_the_newest_as_links_only_when_opened(place, client):  # noqa: F811
    mine, theirs = users_of(place)[0], users_of(place, 1)[0]
    for n in range(7):
        notify(users=[mine], kind=NotificationKind.FILING, subject=f"第{n}条", link=f"/me/filings/{n}/")
    notify(users=[mine], kind=NotificationKind.INVITATION, subject="邀请")  # no link: plain text
    notify(users=[theirs], kind=NotificationKind.FILING, subject="别人的", link="/me/filings/99/")
    client.force_login(mine)
    page = client.get(reverse("inbox-preferences")).content.decode()
    latest = reverse("inbox-latest")
    assert f'hx-get="{latest}" hx-trigger="toggle once"' in page and "第6条" not in page  # loaded when opened
    dropdown = client.get(latest, HTTP_HX_REQUEST="true").content.decode()
    assert dropdown.count("data-notification=") == 5  # the five newest
    assert "邀请" in dropdown and 'href="/me/filings/6/">第6条</a>' in dropdown and "第2条" not in dropdown
    assert "别人的" not in dropdown and f'href="{reverse("inbox")}"' in dropdown
    client.logout()
    assert client.get(latest).status_code == 302  # to sign in
