"""What the enterprises app tells whom, through config.notifications: a filing returned or approved, each step of
a declaration, a round opened or closed, a publicity list out, an invitation to an existing account. Each service
calls one of these after its write (docs/notifications.md); the texts are written once per language. Each
notification links to the page its recipient opens about it; a round's notices, which may reach thousands, are sent
by a task after the commit, once per round, event and recipient."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from access.scoping import BUREAU_GROUP
from config.celery import task_send
from config.notifications.models import NotificationKind as Kind
from config.notifications.services import notify, remind

from .choices import DeclarationAction, DeclarationStatus, FilingStatus
from .models import DeclarationRound

logger = logging.getLogger(__name__)


# --- who -------------------------------------------------------------------------------------------------------
def enterprise_users(*enterprise_ids):
    """The active accounts of the enterprises' users."""
    return get_user_model().objects.filter(is_active=True, enterprise_memberships__enterprise__in=enterprise_ids
                                           ).distinct()


def district_staff(*district_ids):
    """The active accounts of the districts' staff."""
    return get_user_model().objects.filter(is_active=True, district_memberships__district__in=district_ids).distinct()


def park_admins(*park_ids):
    """The active accounts of the parks' administrators."""
    return get_user_model().objects.filter(is_active=True, park_memberships__park__in=park_ids).distinct()


def bureau_staff():
    """The active accounts of the bureau (its group, and superusers)."""
    return get_user_model().objects.filter(Q(is_superuser=True) | Q(groups__name=BUREAU_GROUP),
                                           is_active=True).distinct()


# --- filings ---------------------------------------------------------------------------------------------------
def filing_reviewed(filing) -> None:
    """Tell the enterprise's users their filing was returned (with the reason) or approved."""
    names = {"enterprise": filing.enterprise.name, "year": filing.year}
    if filing.status == FilingStatus.RETURNED:
        subject = lambda: _("%(enterprise)s: the filing for %(year)s was returned") % names  # noqa: E731
        body = lambda: _("Correct it and submit it again. Reason: %(reason)s") % {  # noqa: E731
            "reason": filing.return_reason}
    else:
        subject = lambda: _("%(enterprise)s: the filing for %(year)s was approved") % names  # noqa: E731
        body = lambda: _("Its figures are now frozen; a correction is a new revision.")  # noqa: E731
    notify(users=enterprise_users(filing.enterprise_id), kind=Kind.FILING, subject=subject, body=body,
           link=reverse("filing-edit", args=[filing.pk]))


# --- declarations ----------------------------------------------------------------------------------------------
def declaration_stepped(declaration, *, action: str, reason: str = "") -> None:
    """Tell the enterprise's users of a step of their declaration (linking to its page of theirs); on submit its
    district's staff too, on recommend the bureau (the next reviewer, linking to its review page)."""
    names = {"enterprise": declaration.enterprise.name, "round": declaration.round.name}
    reviewed = reverse("declaration-review", args=[declaration.pk])

    def subject():
        return _("%(enterprise)s, round %(round)s: %(step)s") % {**names, "step": DeclarationAction(action).label}

    def body():
        return (_("Reason: %(reason)s") % {"reason": reason}) if reason else ""

    notify(users=enterprise_users(declaration.enterprise_id), kind=Kind.DECLARATION, subject=subject, body=body,
           link=reverse("my-declaration", args=[declaration.pk]))
    if action == DeclarationAction.SUBMIT:
        notify(users=district_staff(declaration.district_id), kind=Kind.DECLARATION, link=reviewed,
               subject=lambda: _("A declaration awaits your district's review: %(enterprise)s, round %(round)s")
               % names)
    elif action == DeclarationAction.RECOMMEND:
        notify(users=bureau_staff(), kind=Kind.DECLARATION, link=reviewed,
               subject=lambda: _("A declaration awaits the city's review: %(enterprise)s, round %(round)s") % names)


# --- rounds: sent by a task after the commit (enterprises.tasks.round_notices), once per round, event, recipient --
OPENED, CLOSED, PUBLICITY = "opened", "closed", "publicity"
ROUND_NOTICES_TASK = "enterprises.round_notices"


def publicity_event(declaration_round) -> str:
    """The event of a round's publicity list at its present dates ("publicity:<starts>:<ends>"): moved dates are a
    new event, told again."""
    return f"{PUBLICITY}:{declaration_round.publicity_starts}:{declaration_round.publicity_ends}"


def round_notices_queue(declaration_round, *, event: str) -> None:
    """Send the round's notices of the event (opened, closed, a publicity event) by the task once the caller's
    transaction commits (a rolled-back write tells nobody), sent as every job is (config.celery.task_send: a broker
    that is down or hung costs its sockets' timeouts); a broker that refuses is logged, the write stands."""
    round_id = declaration_round.pk

    def send():
        try:
            task_send(ROUND_NOTICES_TASK, args=[round_id, event])  # as every job is sent: one quick retry
        except Exception:  # noqa: BLE001 (the broker is down: the round stands; the task may be sent again)
            logger.exception("round notices of round %s (%s) not queued", round_id, event)

    transaction.on_commit(send)


def round_notices_send(*, round_id: int, event: str) -> int:
    """The task's fan-out: tell a round's opening or closing to every enterprise user and district staff member, or
    its publicity list to the listed enterprises and their districts' staff; each recipient once per round and event
    (a Reminder row each, so a retried or repeated task sends nothing twice); how many were told now."""
    declaration_round = DeclarationRound.objects.filter(pk=round_id).first()
    if declaration_round is None:
        return 0
    if event in (OPENED, CLOSED):
        return _round_announced(declaration_round, opened=event == OPENED)
    if event.startswith(PUBLICITY + ":"):
        if event != publicity_event(declaration_round):
            return 0  # the dates moved since: the newer event's task tells them
        return _publicity_announced(declaration_round, event=event)
    raise ValueError(f"unknown round event {event!r}")


def _round_announced(declaration_round, *, opened: bool) -> int:
    """Opened (its tier and window) or closed: enterprise users get their declarations page, district staff their
    review queue."""
    names = {"round": declaration_round.name, "opens": declaration_round.opens, "closes": declaration_round.closes}
    if opened:
        subject = lambda: _("Declaration round open: %(round)s") % names  # noqa: E731
        body = lambda: _("%(tier)s: declarations are taken from %(opens)s to %(closes)s.") % {  # noqa: E731
            **names, "tier": declaration_round.get_tier_display()}
    else:
        subject = lambda: _("Declaration round closed: %(round)s") % names  # noqa: E731
        body = lambda: _("The round takes no more declarations.")  # noqa: E731
    users = get_user_model().objects.filter(is_active=True).order_by("pk")
    told = {"subject_key": f"round:{declaration_round.pk}", "period_key": OPENED if opened else CLOSED,
            "kind": Kind.ROUND, "subject": subject, "body": body}
    return (len(remind(users=users.filter(enterprise_memberships__isnull=False).distinct(),
                       link=reverse("my-declarations"), **told))
            + len(remind(users=users.filter(district_memberships__isnull=False).distinct(),
                         link=reverse("declaration-review-queue"), **told)))


def _publicity_announced(declaration_round, *, event: str) -> int:
    """The list is out: each listed enterprise's users get their declaration's page (a user of two listed
    enterprises, the first declaration's), the districts' staff the public list. A few queries whatever the number
    listed: the users of every listed enterprise read at once, one reminder batch with each user's own link."""
    listed = list(declaration_round.declarations.filter(status=DeclarationStatus.PUBLICITY).order_by("pk")
                  .values_list("pk", "enterprise_id", "district_id"))
    names = {"round": declaration_round.name, "starts": declaration_round.publicity_starts,
             "ends": declaration_round.publicity_ends}
    told = {"subject_key": f"round:{declaration_round.pk}", "period_key": event, "kind": Kind.PUBLICITY,
            "subject": lambda: _("Publicity list out: round %(round)s") % names,
            "body": lambda: _("The list is published from %(starts)s to %(ends)s; written, signed objections are "
                              "taken until then.") % names}
    if not listed:
        return 0
    declaration_of = {}  # enterprise -> its first declaration listed
    for declaration_id, enterprise_id, _district in listed:
        declaration_of.setdefault(enterprise_id, declaration_id)
    users = list(enterprise_users(*declaration_of).annotate(
        first_declaration=Min("enterprise_memberships__enterprise__declarations", filter=Q(
            enterprise_memberships__enterprise__declarations__in=list(declaration_of.values())))).order_by("pk"))
    sent = len(remind(users=users, link=lambda user: reverse("my-declaration", args=[user.first_declaration]),
                      **told))
    return sent + len(remind(users=district_staff(*{d for _p, _e, d in listed}), link=reverse("publicity"), **told))


# --- invitations -----------------------------------------------------------------------------------------------
def invitation_given(invitation) -> None:
    """An existing account invited: a row in its inbox (its notice mail is the invitation's own, not sent twice)."""
    notify(users=[invitation.user], kind=Kind.INVITATION, mail=False,
           subject=lambda: _("You were given a membership: %(membership)s") % {
               "membership": invitation.membership_name})
