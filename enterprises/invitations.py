"""Invitations: bureau staff and park administrators create accounts and memberships in their own scope."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from parks.models import Park, ParkMembership
from parks.scoping import ADD, membership_grant_check

from .models import Enterprise, EnterpriseMembership


@dataclass(frozen=True)
class Invitation:
    """An account invited into a membership, and what it needs to set its own password (None if it has one)."""

    user: object
    membership: ParkMembership | EnterpriseMembership
    uid: str | None
    token: str | None


def invitation_create(*, inviter, username: str, email: str, park: Park | None = None,
                      enterprise: Enterprise | None = None) -> Invitation:
    """Create (or find) the account and give it the membership, if the inviter's roles allow that membership.

    Park administrator accounts are staff (they work in the admin). A new account has no usable password
    until its user sets one with the returned uid and token (`invitation_accept`).
    """
    if (park is None) == (enterprise is None):
        raise ValidationError({"park": _("Name either a park or an enterprise.")})
    user_model = get_user_model()
    with transaction.atomic():
        user, created = user_model.objects.get_or_create(username=username, defaults={"email": email})
        membership_grant_check(granter=inviter, user=user)
        if created:
            user.set_unusable_password()
        if park is not None:
            user.is_staff = True
        user.save()
        if park is not None:
            membership, _created = ParkMembership.objects.get_or_create(user=user, park=park)
        else:
            membership, _created = EnterpriseMembership.objects.get_or_create(user=user, enterprise=enterprise)
        if not type(membership).objects.restrict(inviter, ADD).filter(pk=membership.pk).exists():
            raise PermissionDenied(_("You may not give memberships of this park or enterprise."))
    if user.has_usable_password():
        return Invitation(user, membership, None, None)
    return Invitation(user, membership, urlsafe_base64_encode(force_bytes(user.pk)),
                      default_token_generator.make_token(user))


def invitation_accept(*, uid: str, token: str, password: str):
    """Set an invited user's own password; the token then stops working. Returns the user."""
    user_model = get_user_model()
    try:
        user = user_model.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))))
    except (ValueError, TypeError, OverflowError, user_model.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ValidationError({"token": _("This invitation link is invalid or has been used.")})
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    user.set_password(password)
    user.save()
    return user
