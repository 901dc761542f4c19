"""What the enterprises app tells whom, through config.notifications: a filing returned or approved, each step of
a declaration, a round opened or closed, a publicity list out, an invitation to an existing account. Each service
calls one of these after its write (docs/notifications.md); the texts are written once per language."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from access.scoping import BUREAU_GROUP
from config.notifications.models import NotificationKind as Kind
from config.notifications.services import notify

from .choices import DeclarationAction, DeclarationStatus, FilingStatus


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
    """Tell the enterprise's users of a step of their declaration; on submit its district's staff too, on
    recommend the bureau (the next reviewer)."""
    names = {"enterprise": declaration.enterprise.name, "round": declaration.round.name}
    link = reverse("api:declaration-detail", args=[declaration.pk])

    def subject():
        return _("%(enterprise)s, round %(round)s: %(step)s") % {**names, "step": DeclarationAction(action).label}

    def body():
        return (_("Reason: %(reason)s") % {"reason": reason}) if reason else ""

    notify(users=enterprise_users(declaration.enterprise_id), kind=Kind.DECLARATION, subject=subject, body=body,
           link=link)
    if action == DeclarationAction.SUBMIT:
        notify(users=district_staff(declaration.district_id), kind=Kind.DECLARATION, link=link,
               subject=lambda: _("A declaration awaits your district's review: %(enterprise)s, round %(round)s")
               % names)
    elif action == DeclarationAction.RECOMMEND:
        notify(users=bureau_staff(), kind=Kind.DECLARATION, link=link,
               subject=lambda: _("A declaration awaits the city's review: %(enterprise)s, round %(round)s") % names)


def round_announced(declaration_round, *, opened: bool) -> None:
    """Tell every enterprise user and the district staff that a round opened (its tier and window) or closed."""
    names = {"round": declaration_round.name, "opens": declaration_round.opens, "closes": declaration_round.closes}
    if opened:
        subject = lambda: _("Declaration round open: %(round)s") % names  # noqa: E731
        body = lambda: _("%(tier)s: declarations are taken from %(opens)s to %(closes)s.") % {  # noqa: E731
            **names, "tier": declaration_round.get_tier_display()}
    else:
        subject = lambda: _("Declaration round closed: %(round)s") % names  # noqa: E731
        body = lambda: _("The round takes no more declarations.")  # noqa: E731
    users = get_user_model().objects.filter(Q(enterprise_memberships__isnull=False)
                                            | Q(district_memberships__isnull=False), is_active=True).distinct()
    notify(users=users, kind=Kind.ROUND, subject=subject, body=body,
           link=reverse("api:declarationround-detail", args=[declaration_round.pk]))


def publicity_announced(declaration_round) -> None:
    """Tell the enterprises on a round's publicity list, and their districts' staff, that the list is out."""
    listed = list(declaration_round.declarations.filter(status=DeclarationStatus.PUBLICITY)
                  .values_list("enterprise_id", "district_id"))
    if not listed or declaration_round.publicity_starts is None:
        return
    names = {"round": declaration_round.name, "starts": declaration_round.publicity_starts,
             "ends": declaration_round.publicity_ends}
    users = [*enterprise_users(*{e for e, _d in listed}), *district_staff(*{d for _e, d in listed})]
    notify(users=users, kind=Kind.PUBLICITY, link=reverse("api:publicity-list"),
           subject=lambda: _("Publicity list out: round %(round)s") % names,
           body=lambda: _("The list is published from %(starts)s to %(ends)s; written, signed objections are taken "
                          "until then.") % names)


# --- invitations -----------------------------------------------------------------------------------------------
def invitation_given(invitation) -> None:
    """An existing account invited: a row in its inbox (its notice mail is the invitation's own, not sent twice)."""
    notify(users=[invitation.user], kind=Kind.INVITATION, mail=False,
           subject=lambda: _("You were given a membership: %(membership)s") % {
               "membership": invitation.membership_name})
