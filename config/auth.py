"""Sign-in and API tokens: usernames matched case-insensitively, tokens that expire and end at sign-out.

- `UsernameBackend` finds the account of a typed username whatever its case or Unicode form (`config.usernames`).
- `ExpiringTokenAuthentication` refuses (401) a DRF token older than `API_TOKEN_TTL`;
  `token_issue` gives a user a fresh token when theirs has expired; `token_revoke` ends it, which the API's
  logout endpoint and every sign-out of the site (the site's and the admin's pages) do.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_out
from django.db import router
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from access.compiled import CompiledQuery
from config.usernames import username_normalise


class UsernameBackend(ModelBackend):
    """Django's model backend, finding the account by its NFKC-normalised username in any case."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        """The active account whose username matches (case-insensitively) and whose password is right."""
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        name = username_normalise(username)
        user = user_model._default_manager.filter(**{f"{user_model.USERNAME_FIELD}__iexact": name}).first()
        if user is None:
            user_model().set_password(password)  # as long as a real check, so timing tells no name apart
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def token_lifetime() -> datetime.timedelta:
    """How long an API token is valid after it was issued (the API_TOKEN_TTL setting)."""
    return settings.API_TOKEN_TTL


def token_expires(token: Token) -> datetime.datetime:
    """When the token stops working."""
    return token.created + token_lifetime()


def token_expired(token: Token) -> bool:
    """Whether the token is past its lifetime."""
    return timezone.now() >= token_expires(token)


def token_issue(*, user) -> Token:
    """The user's API token: the current one while it is valid, a new one once it has expired."""
    Token.objects.filter(user=user, created__lte=timezone.now() - token_lifetime()).delete()
    token, _created = Token.objects.get_or_create(user=user)  # one per user: a concurrent twin is found, not doubled
    return token


def token_revoke(*, user) -> int:
    """End the user's API token (sign-out); returns how many were deleted."""
    if user is None or not getattr(user, "pk", None):
        return 0
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted


# The token-and-user query compiled once per process (a key no token has stands for the request's): building and
# compiling it through the ORM was most of the token's cost on every API request.
_token_compiled = CompiledQuery(lambda key: Token.objects.select_related("user").filter(key=key),
                                sentinels=("-no-token-has-this-key-",))


def token_with_user(key: str) -> Token | None:
    """The token of a key with its user read in the same query (as `select_related("user")` reads it), or None."""
    database = router.db_for_read(Token)
    rows = _token_compiled.rows(key, using=database)
    if not rows:
        return None
    token_fields = [field.attname for field in Token._meta.concrete_fields]
    user_model = get_user_model()
    token = Token.from_db(database, token_fields, rows[0][:len(token_fields)])
    token.user = user_model.from_db(database, [field.attname for field in user_model._meta.concrete_fields],
                                    rows[0][len(token_fields):])
    return token


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token older than API_TOKEN_TTL (401 with a message); the next
    request for a token replaces it (`token_issue`)."""

    def authenticate_credentials(self, key):
        token = token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("The token has expired; obtain a new one."))
        return token.user, token


@receiver(user_logged_out, dispatch_uid="config.auth.token_revoke_at_logout")
def token_revoke_at_logout(sender, request, user, **kwargs):
    """Signing out of the site (its page or the admin's) also ends the user's API token."""
    token_revoke(user=user)
