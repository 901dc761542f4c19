"""Roles and scopes: the one mechanism that says which records a user may see and what they may do with them.

Roles are data: bureau staff are the members of the `bureau` group (or superusers); park administrators and
enterprise users are memberships (user x park, user x enterprise), an account holding any number of them.
Each scoped model declares a `scope_rule` (a `Rule`): its paths to a park and to an enterprise, and the
actions each membership role may take on records reached through them. `restrict(user, action)` on the
model's queryset is the entry point every API view, admin page and report uses; a record outside it does
not exist for that user (404, absent from lists and counts).

This module is the base layer: the enterprises app registers its membership (`register_membership`) when it
loads, so parks never imports it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

BUREAU_GROUP = "bureau"
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})
REVIEW = "review"  # approve or return a filing: not implied by change
PARK_ROLE, ENTERPRISE_ROLE = "parks", "enterprises"

# Role name -> function giving the ids a user holds memberships of (parks, enterprises).
_memberships: dict[str, Callable[[object], frozenset[int]]] = {}


def register_membership(role: str, ids_of: Callable[[object], frozenset[int]]) -> None:
    """Register a membership role: a function from a user to the ids of the records they are a member of."""
    _memberships[role] = ids_of


@dataclass(frozen=True)
class Rule:
    """How one model is scoped: paths from it to a park and to an enterprise, and each role's actions.

    `authenticated` lists what every signed-in user may do on every record (reference data: view);
    `owner_actions` what every signed-in user may do on the records their `owner` path leads to (their own jobs).
    """

    park: tuple[str, ...] = ()
    enterprise: tuple[str, ...] = ()
    park_admin: frozenset[str] = frozenset({VIEW})
    enterprise_user: frozenset[str] = frozenset({VIEW})
    authenticated: frozenset[str] = frozenset()
    owner: tuple[str, ...] = ()
    owner_actions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UserScope:
    """What a user holds: the bureau role, and the ids of the parks and enterprises they are members of."""

    bureau: bool
    parks: frozenset[int] = field(default_factory=frozenset)
    enterprises: frozenset[int] = field(default_factory=frozenset)

    def ids(self, role: str) -> frozenset[int]:
        """The ids held in a membership role."""
        return self.parks if role == PARK_ROLE else self.enterprises


NOBODY = UserScope(bureau=False)


def user_scope(user) -> UserScope:
    """The user's roles, read once per user object (a request's user keeps it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_scope", None)
    if cached is None:
        bureau = user.is_superuser or user.groups.filter(name=BUREAU_GROUP).exists()
        held = {} if bureau else {role: ids_of(user) for role, ids_of in _memberships.items()}
        cached = UserScope(bureau, held.get(PARK_ROLE, frozenset()), held.get(ENTERPRISE_ROLE, frozenset()))
        user._scope = cached
    return cached


def rule_of(model) -> Rule:
    """The scope rule a model declares."""
    return model.scope_rule


def grants(*, user, model, action: str) -> bool:
    """Whether the user may take an action on some record of the model (for add, and 403 against 404)."""
    scope, rule = user_scope(user), rule_of(model)
    if scope.bureau:
        return True
    if not user or not user.is_authenticated:
        return False
    return (
        action in rule.authenticated
        or (action in rule.owner_actions and bool(rule.owner))
        or (action in rule.park_admin and bool(scope.parks) and bool(rule.park))
        or (action in rule.enterprise_user and bool(scope.enterprises) and bool(rule.enterprise))
    )


def scope_filter(*, user, model, action: str) -> Q | None:
    """The condition on the model's records for the user and action; None means every record."""
    scope, rule = user_scope(user), rule_of(model)
    if scope.bureau or (user is not None and user.is_authenticated and action in rule.authenticated):
        return None
    condition = Q(pk__in=[])
    for role, actions, paths in ((PARK_ROLE, rule.park_admin, rule.park),
                                 (ENTERPRISE_ROLE, rule.enterprise_user, rule.enterprise)):
        ids = scope.ids(role)
        if action in actions and ids:
            for path in paths:
                condition |= Q(**{f"{path}__in": ids})
    if action in rule.owner_actions and user is not None and user.is_authenticated:
        for path in rule.owner:
            condition |= Q(**{path: user.pk})
    return condition


class RestrictedQuerySet(models.QuerySet):
    """QuerySet with `restrict(user, action)`: the records the user may take the action on."""

    def restrict(self, user, action: str = VIEW):
        """Keep only the records the user may take the action on (a subquery, so no duplicates)."""
        condition = scope_filter(user=user, model=self.model, action=action)
        if condition is None:
            return self
        return self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))


def membership_grant_check(*, granter, user) -> None:
    """Refuse a membership given to oneself by anyone but the bureau (it would widen the giver's own scope)."""
    if granter.pk == user.pk and not user_scope(granter).bureau:
        raise PermissionDenied(_("You may not give a membership to yourself."))
