"""Invitations: bureau staff and park administrators give memberships in their own scope, by e-mail.

Inviting a NEW username creates the account with no usable password and mails a single-use link to the invited
address, and to it only; the link's token is stored as a hash, expires after INVITATION_TTL and works once.
Inviting an EXISTING account (its username in any case or Unicode form) only adds the membership: no credential
changes, no password link is sent (the account's own address gets a notice). An existing account still waiting
for its password (its link expired or lost) gets a fresh link, mailed to the account's OWN address, never to the
address the inviter typed. Nothing an inviter receives can set a password.
"""

import secrets
import smtplib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access.scoping import ADD, membership_grant_check
from config.usernames import username_normalise, username_validate
from parks.models import Park, ParkMembership

from .models import Enterprise, EnterpriseMembership, Invitation
from .models.invitation import token_hash
from .notices import invitation_given

MAIL_LANGUAGES = ("zh-hans", "en")  # each mail in Chinese, then in English


class MailNotSent(Exception):
    """The mail server did not take the invitation's mail; nothing of the invitation was kept."""


class InvitationGone(Exception):
    """The invitation's link was used already or has expired."""


def invitation_create(*, inviter, username: str, email: str, park: Park | None = None,
                      enterprise: Enterprise | None = None) -> Invitation:
    """Give the account named `username` a park or enterprise membership, if the inviter's roles allow it.

    A new account is created without a usable password and its link mailed to `email`; an existing one only
    gains the membership (park administrators are staff: they work in the admin). Raises ValidationError (bad
    input), PermissionDenied (outside the inviter's scope) or MailNotSent (nothing is kept then).
    """
    if (park is None) == (enterprise is None):
        raise ValidationError({"park": _("Name either a park or an enterprise.")})
    name = username_normalise(username)
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model.objects.select_for_update().filter(username__iexact=name).first()
        created = user is None
        if created:
            try:
                username_validate(name)
            except ValidationError as error:
                raise ValidationError({"username": error.messages}) from error
            user = user_model(username=name, email=email, is_staff=park is not None)
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError as error:  # the same name in another case, written at the same moment
                raise ValidationError({"username": _("This username is taken.")}) from error
        membership_grant_check(granter=inviter, user=user)
        if park is not None:
            membership, _new = ParkMembership.objects.get_or_create(user=user, park=park)
        else:
            membership, _new = EnterpriseMembership.objects.get_or_create(user=user, enterprise=enterprise)
        if not type(membership).objects.restrict(inviter, ADD).filter(pk=membership.pk).exists():
            raise PermissionDenied(_("You may not give memberships of this park or enterprise."))
        if park is not None and not user.is_staff:
            user.is_staff = True  # a park administrator works in the admin
            user.save(update_fields=["is_staff"])
        invitation = Invitation(email=email, inviter=inviter, user=user, park=park, enterprise=enterprise,
                                account_created=created)
        token = None
        if created or not user.has_usable_password():  # a new account, or one whose earlier link went unused
            token = secrets.token_urlsafe(32)
            invitation.token_hash = token_hash(token)
            invitation.expires = invitation.created + settings.INVITATION_TTL
        invitation.save()
        invitation_mail(invitation=invitation, token=token)
        if not created:
            invitation_given(invitation)  # an inbox row too (the notice above is its mail)
    return invitation


def invitation_link(*, token: str) -> str:
    """The absolute address of an invitation's set-password page (SITE_URL, never the request's host)."""
    return settings.SITE_URL + reverse("invitation-accept", args=[token])


def _in_languages(render) -> str:
    """A mail body rendered in each of MAIL_LANGUAGES, one after the other."""
    parts = []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            parts.append(render())
    return "\n\n----------------------------------------\n\n".join(parts)


def invitation_mail(*, invitation: Invitation, token: str | None) -> None:
    """Mail the invitation: its link to the invited address (new account) or to the account's own address (an
    account still waiting for its password), or a notice to the account's own address (an account with a password;
    no link that sets anything). Raises MailNotSent if the server refuses it."""
    user, inviter = invitation.user, invitation.inviter
    inviter_name = (inviter.get_full_name() or inviter.username) if inviter else _("The registry")
    expires = timezone.localtime(invitation.expires).strftime("%Y-%m-%d %H:%M") if invitation.expires else ""
    if token is not None:
        # A new account's link goes to the invited address; a waiting account's fresh link to its own address.
        recipient = invitation.email if invitation.account_created else user.email
        link = invitation_link(token=token)

        def render():
            return "\n\n".join([
                _("%(inviter)s has invited you to the Beijing digital-human industry registry as %(membership)s.")
                % {"inviter": inviter_name, "membership": invitation.membership_name},
                _("Your username: %(username)s") % {"username": user.username},
                _("Set your password with this link; it works once, until %(expires)s (Beijing time):")
                % {"expires": expires} + "\n" + link,
                _("If you did not expect this invitation, ignore this message: the account cannot be used "
                  "without this link."),
            ])
    else:
        recipient = user.email
        sign_in = settings.SITE_URL + reverse("login")

        def render():
            return "\n\n".join([
                _("%(inviter)s has made your account %(username)s %(membership)s in the Beijing digital-human "
                  "industry registry.") % {"inviter": inviter_name, "username": user.username,
                                            "membership": invitation.membership_name},
                _("Sign in as usual: %(link)s") % {"link": sign_in},
                _("Nothing about your password has changed."),
            ])
    if not recipient:
        return  # an existing account without an address: the membership is given, nobody to tell
    with translation.override(MAIL_LANGUAGES[0]):
        subject = _("Beijing digital-human industry registry: %(membership)s") % {
            "membership": invitation.membership_name}
    try:
        send_mail(subject, _in_languages(render), None, [recipient])
    except (smtplib.SMTPException, OSError) as error:
        raise MailNotSent(str(error)) from error


def invitation_accept(*, invitation: Invitation, password: str):
    """Set the invited user's password with an open invitation, which is then used. Returns the user.

    Raises InvitationGone if the link was used meanwhile or has expired, ValidationError for a weak password.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if not invitation.is_open():
            raise InvitationGone()
        user = invitation.user
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
        user.save(update_fields=["password"])
        now = timezone.now()
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        # One password per account: any other link of the same account ends with this one.
        Invitation.objects.filter(user=user, used_at__isnull=True, token_hash__isnull=False).update(used_at=now)
    return user
