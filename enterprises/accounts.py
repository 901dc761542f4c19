"""Reads of accounts: an invitation by its link's token (which accounts a user sees: access.scoping)."""

from .models import Invitation
from .models.invitation import token_hash


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation whose link carries `token` (found by the token's hash), or None."""
    if not token or len(token) > 128:
        return None
    return Invitation.objects.select_related("user", "park", "enterprise").filter(token_hash=token_hash(token)).first()
