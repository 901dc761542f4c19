"""Reads of accounts: an invitation by its link's token, and the accounts a user may see in user management."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from parks.models import ParkMembership
from parks.scoping import BUREAU_GROUP, VIEW, user_scope

from .models import EnterpriseMembership, Invitation
from .models.invitation import token_hash


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries `token` (found by the token's hash), or None."""
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("user", "park", "enterprise").filter(token_hash=token_hash(token)).first()


def users_visible_to(*, user):
    """The accounts `user` may see: every account for the bureau; for a park administrator the members of the
    park and enterprise memberships they may see (restrict(user, VIEW)), never a bureau account."""
    accounts = get_user_model().objects.all()
    if user_scope(user).bureau:
        return accounts
    members = (Q(pk__in=ParkMembership.objects.restrict(user, VIEW).values("user"))
               | Q(pk__in=EnterpriseMembership.objects.restrict(user, VIEW).values("user")))
    bureau = Q(is_superuser=True) | Q(pk__in=get_user_model().objects.filter(groups__name=BUREAU_GROUP).values("pk"))
    return accounts.filter(members).exclude(bureau)
