"""Notifications against a real SMTP server (tests/mail.py): the events that notify whom (inbox rows, and mail after
the commit to those who want it), the reminders sent once however often the job runs, a mail server that is down
never undoing the step, and nobody reading another's notifications (API and pages)."""

import datetime
import logging
from decimal import Decimal

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.notifications.models import Notification, NotificationKind, NotificationPreference, Reminder
from config.notifications.services import notify, remind
from enterprises import declarations
from enterprises.choices import DeclarationStatus, FilingStatus, Tier
from enterprises.invitations import invitation_create
from enterprises.models import AnnualFiling, Declaration, DeclarationRound, EnterpriseMembership
from enterprises.notices import publicity_event, round_notices_send
from enterprises.reminders import reminders_send
from enterprises.services import filing_approve, filing_return, filing_submit
from enterprises.tasks import reminders, round_notices
from parks.models import DistrictMembership

from .conftest import token_client
from .factories import AnnualFilingFactory, TierDesignationFactory, UserFactory, approved_filing, bureau_user
from .mail import free_port
from .worlds import build_world

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ANSWERS = {"main_product": "数字人建模引擎", "market_position": "细分市场前三", "innovation": "自研驱动算法"}


@pytest.fixture
def place():
    """Two parks in two districts, an administrator each (with an address), an enterprise each with two users (with
    addresses), the first park's district staff, and the bureau."""
    w = build_world(parks=2, admins=1, enterprises=1, users=2, districts=2, local=True)
    for user in [*w.admins[0], *w.admins[1], *(m.user for m in w.members)]:
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
    staff = UserFactory(username="district_staff", email="staff@example.com")
    DistrictMembership.objects.create(user=staff, district=w.districts[0])
    w.staff, w.bureau = staff, bureau_user(username="bureau", email="bureau@example.com")
    return w


def users_of(w, park: int = 0) -> list:
    """The users of the park's enterprise."""
    return [m.user for m in w.members_of(w.enterprise(park))]


def submitted_filing(w, park: int = 0) -> AnnualFiling:
    """A filing of the park's enterprise, submitted by its first user."""
    filing = AnnualFilingFactory(enterprise=w.enterprise(park), year=2025)
    return filing_submit(filing=filing, user=users_of(w, park)[0])


# --- events ------------------------------------------------------------------------------------------------------
def test_a_returned_filing_reaches_the_inbox_and_the_smtp_server_in_chinese(place, smtp_server,
                                                                             django_capture_on_commit_callbacks):
    first, second = users_of(place)
    NotificationPreference.objects.create(user=second, email=False)  # the inbox only
    filing = submitted_filing(place)
    with django_capture_on_commit_callbacks(execute=True):
        filing_return(filing=filing, user=place.admin(0), reason="研发人员数与社保记录不符")
    [message] = smtp_server.wait_for(1)
    assert message.rcpt_tos == [first.email]
    name = place.enterprise(0).name
    assert message.subject.strip() == f"{name}：2025年度报表已退回"
    assert "研发人员数与社保记录不符" in message.body and f"/me/filings/{filing.pk}/" in message.body
    assert "was returned" in message.body  # the English follows the Chinese
    rows = Notification.objects.filter(kind=NotificationKind.FILING)
    assert sorted(rows.values_list("recipient__username", flat=True)) == sorted([first.username, second.username])
    assert {row.subject for row in rows} == {f"{name}：2025年度报表已退回"}
    assert rows[0].english["subject"] == f"{name}: the filing for 2025 was returned"
    assert not Notification.objects.filter(recipient__in=[place.admin(0), place.admin(1)]).exists()


def test_an_approved_filing_notifies_only_its_enterprise(place, smtp_server, django_capture_on_commit_callbacks):
    filing = submitted_filing(place)
    with django_capture_on_commit_callbacks(execute=True):
        filing_approve(filing=filing, user=place.admin(0))
    messages = smtp_server.wait_for(2)
    assert sorted(r for m in messages for r in m.rcpt_tos) == sorted(u.email for u in users_of(place))
    assert all(m.subject.strip().endswith("2025年度报表已审核通过") for m in messages)
    assert not Notification.objects.filter(recipient__in=users_of(place, 1)).exists()


def test_every_declaration_step_tells_the_enterprise_and_the_next_reviewer(place, smtp_server,
                                                                            django_capture_on_commit_callbacks):
    user = users_of(place)[0]
    with django_capture_on_commit_callbacks() as queued:
        declaration_round = declarations.round_open(
            user=place.bureau, name="2026年第四季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
            opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    # The request only queues the round's notices (one callback sending the task after the commit); the task tells.
    assert len(queued) == 1 and not Notification.objects.filter(kind=NotificationKind.ROUND).exists()
    with django_capture_on_commit_callbacks(execute=True):
        round_notices.apply(args=[declaration_round.pk, "opened"])
    opened = Notification.objects.filter(kind=NotificationKind.ROUND)
    # Every enterprise user and the district staff; not the park administrators, not the bureau.
    assert set(opened.values_list("recipient", flat=True)) == {
        *(u.pk for u in users_of(place) + users_of(place, 1)), place.staff.pk}
    assert opened.first().subject == "申报批次已开放：2026年第四季度"
    smtp_server.wait_for(5)
    smtp_server.messages.clear()

    declaration = declarations.declaration_create(
        user=user, declaration_round=declaration_round, enterprise=place.enterprise(0),
        filing=approved_filing(enterprise=place.enterprise(0), year=TODAY.year - 1), answers=ANSWERS)
    declarations.declaration_sign(user=user, declaration=declaration)
    with django_capture_on_commit_callbacks(execute=True):
        declarations.declaration_submit(user=user, declaration=declaration)
    messages = smtp_server.wait_for(3)
    assert sorted(r for m in messages for r in m.rcpt_tos) == sorted([*(u.email for u in users_of(place)),
                                                                       place.staff.email])
    staff_mail = smtp_server.to(place.staff.email)[0]
    assert staff_mail.subject.strip() == f"有申报待本区审核：{place.enterprise(0).name}（2026年第四季度批次）"
    with django_capture_on_commit_callbacks(execute=True):
        declarations.declaration_recommend(user=place.staff, declaration=declaration)
    smtp_server.wait_for(6)
    assert smtp_server.to(place.bureau.email)[0].subject.strip().startswith("有申报待市级审核")
    with django_capture_on_commit_callbacks(execute=True):
        declarations.declaration_return(user=place.bureau, declaration=declaration, reason="补充研发费用专项审计")
    returned = Notification.objects.filter(recipient=user, kind=NotificationKind.DECLARATION).first()
    assert "已退回" in returned.subject or "Returned" in returned.english["subject"]
    assert "补充研发费用专项审计" in returned.body
    # The enterprise's users heard of each of the three steps; the other park's enterprise of none.
    assert Notification.objects.filter(recipient=user, kind=NotificationKind.DECLARATION).count() == 3
    assert not Notification.objects.filter(recipient__in=users_of(place, 1),
                                           kind=NotificationKind.DECLARATION).exists()


def test_the_publicity_list_out_reaches_the_listed_enterprise_and_its_district(place):
    declaration_round = declarations.round_open(
        user=place.bureau, name="2026年第三季度", tier=Tier.INNOVATIVE, rule_set="2026", cadence="quarterly",
        opens=TODAY - 10 * DAY, closes=TODAY + 10 * DAY, review_starts=TODAY + 11 * DAY)
    user = users_of(place)[0]
    declaration = declarations.declaration_create(
        user=user, declaration_round=declaration_round, enterprise=place.enterprise(0),
        filing=approved_filing(enterprise=place.enterprise(0), year=TODAY.year - 1), answers=ANSWERS)
    declarations.declaration_sign(user=user, declaration=declaration)
    declarations.declaration_submit(user=user, declaration=declaration)
    declarations.declaration_recommend(user=place.staff, declaration=declaration)
    declarations.declaration_approve(user=place.bureau, declaration=declaration, score=Decimal(88))
    declarations.round_set_publicity(user=place.bureau, declaration_round=declaration_round,
                                     starts=TODAY + 12 * DAY, ends=TODAY + 18 * DAY)
    assert not Notification.objects.filter(kind=NotificationKind.PUBLICITY).exists()  # the task tells, not the request
    event = f"publicity:{TODAY + 12 * DAY}:{TODAY + 18 * DAY}"
    assert round_notices.apply(args=[declaration_round.pk, "publicity:2000-01-01:2000-01-02"]).get() == 0  # moved
    assert round_notices.apply(args=[declaration_round.pk, event]).get() == 3
    assert round_notices.apply(args=[declaration_round.pk, event]).get() == 0  # a retried task tells nobody again
    listed = Notification.objects.filter(kind=NotificationKind.PUBLICITY)
    assert set(listed.values_list("recipient", flat=True)) == {*(u.pk for u in users_of(place)), place.staff.pk}
    assert listed.first().subject == "公示名单已发布：2026年第三季度批次"


def test_an_existing_account_invited_gets_an_inbox_row_and_one_mail(place, smtp_server):
    invitee = users_of(place, 1)[0]
    invitation = invitation_create(inviter=place.bureau, username=invitee.username, email="typed@example.com",
                                   enterprise=place.enterprise(0))
    [row] = Notification.objects.filter(recipient=invitee, kind=NotificationKind.INVITATION)
    assert row.subject == f"您已获得新的身份：{invitation.membership_name}"
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [[invitee.email]]  # the invitation's own notice only


# --- reminders ---------------------------------------------------------------------------------------------------
def test_the_reminder_job_run_twice_sends_once(place, smtp_server, django_capture_on_commit_callbacks):
    """A tenancy ending in 30 days (to the park's administrator) and a designation due for re-review (to the
    enterprise's users and its district's staff): the second run finds every Reminder row and sends nothing."""
    tenancy = place.let(enterprise=place.enterprise(0), start=TODAY - 300 * DAY, end=TODAY + 20 * DAY)
    place.let(enterprise=place.enterprise(1), park=1, start=TODAY - 300 * DAY, end=TODAY + 60 * DAY)  # not yet
    designation = TierDesignationFactory(enterprise=place.enterprise(0), granted_on=TODAY - 1000 * DAY,
                                         year=(TODAY - 1000 * DAY).year)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(today=TODAY)
    assert (first["tenancies_ending"], first["re_reviews"]) == (1, 3)
    smtp_server.wait_for(4)
    with django_capture_on_commit_callbacks(execute=True):
        again = reminders_send(today=TODAY)
    assert (again["tenancies_ending"], again["re_reviews"]) == (0, 0)
    assert Reminder.objects.filter(kind__in=["tenancy_reminder", "re_review_reminder"]).count() == 4
    assert Notification.objects.filter(kind__in=["tenancy_reminder", "re_review_reminder"]).count() == 4
    assert len(smtp_server.messages) == 4
    [to_admin] = smtp_server.to(place.admin(0).email)
    last_day = tenancy.end - DAY
    assert to_admin.subject.strip() == f"{place.parks[0].name}：{place.enterprise(0).name}的租约将于{last_day}到期"
    assert smtp_server.to(place.staff.email)[0].subject.strip().endswith("需进行复核")
    assert Reminder.objects.filter(subject_key=f"designation:{designation.pk}").count() == 3


def test_filing_season_reminders_are_weekly_in_its_last_month(place, smtp_server, django_capture_on_commit_callbacks):
    """The default season of 2025 closes on 2026-05-31: nothing on 1 May, the enterprise not filed and its park's
    administrator on 2 and 3 May once, again the next week; a submitted filing ends its reminders."""
    AnnualFilingFactory(enterprise=place.enterprise(1), year=2025, status=FilingStatus.SUBMITTED,
                        submitted_at=timezone.now(), park=place.parks[1], district=place.enterprise(1).district)
    assert reminders_send(today=datetime.date(2026, 5, 1))["filing_season"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=datetime.date(2026, 5, 4))["filing_season"] == 3  # two users, one admin
        assert reminders_send(today=datetime.date(2026, 5, 5))["filing_season"] == 0  # the same week
    messages = smtp_server.wait_for(3)
    assert sorted(r for m in messages for r in m.rcpt_tos) == sorted(
        [*(u.email for u in users_of(place)), place.admin(0).email])
    [to_admin] = smtp_server.to(place.admin(0).email)
    assert to_admin.subject.strip() == f"{place.parks[0].name}：1家企业尚未报送2025年度报表（2026-05-31截止）"
    assert place.enterprise(0).name in to_admin.body
    assert reminders_send(today=datetime.date(2026, 5, 11))["filing_season"] == 3  # the next week
    assert reminders_send(today=datetime.date(2026, 6, 1))["filing_season"] == 0  # the season has closed


def test_the_publicity_notices_cost_the_same_for_one_and_for_five_listed(smtp_server, settings,
                                                                          django_capture_on_commit_callbacks):
    """One listed enterprise or five (a user each, with an address): the same queries; each user's notification and
    mail link their own declaration's page, a user of two listed enterprises the first's, the staff the list."""
    w = build_world(parks=1, admins=0, enterprises=5, users=1, districts=1, local=True)
    for member in w.members:
        member.user.email = f"{member.user.username}@example.com"
        member.user.save(update_fields=["email"])
    staff = UserFactory(username="district_staff", email="district_staff@example.com")
    DistrictMembership.objects.create(user=staff, district=w.districts[0])
    EnterpriseMembership.objects.create(user=w.members[4].user, enterprise=w.enterprise(0, 3))  # of two listed
    counted, links = [], {}
    for listed in (w.enterprises[0][:1], w.enterprises[0]):
        declaration_round = DeclarationRound.objects.create(
            name=f"公示{len(listed)}", tier=Tier.INNOVATIVE, rule_set="2026", cadence="monthly", opens=TODAY - 60 * DAY,
            closes=TODAY - 40 * DAY, review_starts=TODAY - 39 * DAY, publicity_starts=TODAY, publicity_ends=TODAY + DAY)
        declared = {enterprise.pk: Declaration.objects.create(
            round=declaration_round, enterprise=enterprise, district=enterprise.district,
            status=DeclarationStatus.PUBLICITY).pk for enterprise in listed}
        smtp_server.messages.clear()
        with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
            told = round_notices_send(round_id=declaration_round.pk, event=publicity_event(declaration_round))
        assert told == len(listed) + 1
        counted.append(len(queries))
        links = dict(Notification.objects.filter(subject__contains=declaration_round.name)
                     .values_list("recipient__username", "link"))
        mailed = {message.rcpt_tos[0].split("@")[0]: message.body for message in smtp_server.wait_for(told)}
        assert sorted(mailed) == sorted(links)
        assert all(f"{settings.SITE_URL}{links[name]}" in mailed[name] for name in links)
    assert counted[0] == counted[1]
    first = {m.user.username: reverse("my-declaration", args=[declared[m.enterprise_id]]) for m in w.members}
    first[w.members[4].user.username] = reverse("my-declaration", args=[declared[w.enterprise(0, 3).pk]])
    assert links == {**first, staff.username: reverse("publicity")}


def test_remind_claims_each_recipient_once_however_it_is_called(place):
    users = users_of(place)
    assert remind(users=users[:1], kind="tenancy_reminder", subject_key="x", period_key="p", subject="甲") == users[:1]
    assert remind(users=users, kind="tenancy_reminder", subject_key="x", period_key="p", subject="甲") == users[1:]
    assert remind(users=users, kind="tenancy_reminder", subject_key="x", period_key="p", subject="甲") == []
    assert Notification.objects.count() == 2


# --- mail down -----------------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_a_mail_server_down_does_not_undo_the_step(settings, caplog):
    """The filing is returned through the API on a committing database; the mail server refuses connections: the
    answer is 200, the return and the inbox rows are kept, the failure is logged."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    w = build_world(parks=1, admins=1, enterprises=1, users=1)
    member = w.members[0].user
    member.email = "member@example.com"
    member.save(update_fields=["email"])
    filing = filing_submit(filing=AnnualFilingFactory(enterprise=w.enterprise(), year=2025), user=member)
    with caplog.at_level(logging.ERROR, logger="config.notifications.services"):
        response = token_client(w.admin()).post(reverse("api:annualfiling-return", args=[filing.pk]),
                                                {"reason": "数据有误"}, format="json")
    assert response.status_code == 200, response.data
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert Notification.objects.filter(recipient=member, kind=NotificationKind.FILING).count() == 1
    assert "notification mail failed" in caplog.text


def test_notify_sends_no_mail_to_an_account_without_an_address(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user, user, None], kind="filing", subject="测试")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert django_mail.outbox == []


# --- the API: your own only ----------------------------------------------------------------------------------------
def test_the_api_answers_only_your_own_notifications(place):
    mine, theirs = users_of(place)[0], users_of(place, 1)[0]
    [own] = notify(users=[mine], kind="filing", subject="我的通知")
    [other] = notify(users=[theirs], kind="filing", subject="别人的通知")
    client = token_client(mine)
    listed = client.get(reverse("api:notification-list")).data
    assert [n["id"] for n in listed["results"]] == [own.pk] and listed["results"][0]["subject"] == "我的通知"
    assert client.get(reverse("api:notification-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("api:notification-read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    # The bureau reads nobody's inbox but its own.
    assert token_client(place.bureau).get(reverse("api:notification-detail", args=[own.pk])).status_code == 404
    read = client.post(reverse("api:notification-read", args=[own.pk]))
    assert read.status_code == 200 and read.data["read_at"] is not None
    assert client.get(reverse("api:notification-list"), {"unread": "true"}).data["count"] == 0
    bad = client.get(reverse("api:notification-list"), {"unread": "maybe"})
    assert bad.status_code == 400 and "unread" in bad.data


def test_the_api_marks_all_read_and_refuses_anonymous(place):
    mine = users_of(place)[0]
    notify(users=[mine], kind="filing", subject="一")
    notify(users=[mine], kind="filing", subject="二")
    [untouched] = notify(users=[users_of(place, 1)[0]], kind="filing", subject="三")
    client = token_client(mine)
    assert client.post(reverse("api:notification-read-all")).data == {"marked": 2}
    assert Notification.objects.filter(recipient=mine, read_at__isnull=True).count() == 0
    untouched.refresh_from_db()
    assert untouched.read_at is None
    assert client.__class__().get(reverse("api:notification-list")).status_code == 401
    english = client.get(reverse("api:notification-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


# --- the pages -----------------------------------------------------------------------------------------------------
def test_the_inbox_page_shows_your_own_and_marks_read_by_htmx(place, client):
    mine, theirs = users_of(place)[0], users_of(place, 1)[0]
    [own] = notify(users=[mine], kind="filing", subject="我的通知", body="正文")
    [other] = notify(users=[theirs], kind="filing", subject="别人的通知")
    client.force_login(mine)
    page = client.get(reverse("inbox"))
    text = page.content.decode()
    assert page.status_code == 200 and "我的通知" in text and "别人的通知" not in text
    assert '<span class="nav-count" id="bell-count">1' in text
    assert client.post(reverse("inbox-read", args=[other.pk])).status_code == 404
    answer = client.post(reverse("inbox-read", args=[own.pk]), HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert answer.status_code == 200 and f'id="notification-{own.pk}"' in body
    assert 'hx-swap-oob="true">0' in body and "标为已读" not in body
    other.refresh_from_db()
    assert other.read_at is None
    notify(users=[mine], kind="filing", subject="再一条")
    assert client.post(reverse("inbox-read-all")).status_code == 302
    assert not Notification.objects.filter(recipient=mine, read_at__isnull=True).exists()


def test_the_preferences_form_saves_and_refuses_a_bad_choice_in_both_languages(place, client):
    user = users_of(place)[0]
    client.force_login(user)
    assert client.post(reverse("inbox-preferences"), {"delivery": "inbox"}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email is False
    bad = client.post(reverse("inbox-preferences"), {"delivery": "pigeon"})
    assert bad.status_code == 400 and "请选择接收通知的方式。" in bad.content.decode()
    english = client.post(reverse("inbox-preferences"), {"delivery": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and "Choose how you receive notifications." in english.content.decode()
    assert client.post(reverse("inbox-preferences"), {"delivery": "email"}).status_code == 302
    assert NotificationPreference.objects.get(user=user).email is True


def test_the_bell_costs_one_query_and_none_signed_out(place, client):
    user = users_of(place)[0]
    notify(users=[user], kind="filing", subject="一")
    client.force_login(user)
    profile = reverse("enterprise-profile", args=[place.enterprise(0).pk])
    client.get(profile)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        page = client.get(profile)
    bell = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert page.status_code == 200 and len(bell) == 1 and 'id="bell-count">1' in page.content.decode()
    client.logout()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("login"))
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]


def test_the_api_list_costs_the_same_for_one_and_for_fifty(place):
    user = users_of(place)[0]
    client = token_client(user)
    notify(users=[user], kind="filing", subject="一")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("api:notification-list")).status_code == 200
        counts.append(len(queries.captured_queries))
        for n in range(49):
            notify(users=[user], kind="filing", subject=f"第{n}条")
    assert counts[0] == counts[1]


def test_beat_runs_the_reminders_task_daily(place, settings):
    assert settings.CELERY_BEAT_SCHEDULE["reminders"]["task"] == reminders.name == "enterprises.reminders"
    place.let(enterprise=place.enterprise(0), start=TODAY - 300 * DAY, end=TODAY + 5 * DAY)
    assert reminders.apply().get()["tenancies_ending"] == 1
    assert reminders.apply().get()["tenancies_ending"] == 0
