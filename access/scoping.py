"""Roles and scopes: the one mechanism that says which records a user may see and what they may do with them.

Roles are data: bureau staff are the members of the `bureau` group (or superusers); district staff, park
administrators and enterprise users are memberships (user x district, user x park, user x enterprise), an account
holding any number of them. Each scoped model declares a `scope_rule` (a `Rule`): its paths to a district, a park
and an enterprise, and the actions each membership role may take on records reached through them.
`restrict(user, action)` on the model's queryset is the entry point every API view, admin page and report uses; a
record outside it does not exist for that user (404, absent from lists and counts).

What a tenancy grants is decided here once: nothing of the tenant's own record. A park administrator sees an
enterprise (its profile, filings, figures, designations, users, history) only when it is registered with their
park. A current or future tenant of their park (a tenancy whose end is after today, or open) shows its public
face only, `restrict(user, PUBLIC)`: its directory fields, beside its tenancies in the park; a former tenant shows
only its past tenancies. Related inputs of every serializer, admin form and import accept only the records
`input_choices` gives (the rest do not exist for the user), and memberships are given only as
`membership_grant_check` and `users_in_scope` allow.

This module is the base layer (docs/design-layers.md): it imports no domain app. Each app registers, from its own
code when it loads, its membership role (`register_membership`) and the scope paths its relations add to another
app's models (`register_paths`): the parks app never names the enterprises app.
"""

from dataclasses import dataclass, field, replace

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Case, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from .compiled import CompiledQuery

BUREAU_GROUP = "bureau"
VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_ACTIONS = frozenset({VIEW, ADD, CHANGE, DELETE})
REVIEW = "review"  # approve or return a filing: not implied by change
# See a record's public face (the directory's fields) in the scoped API: what a park grants its tenants.
PUBLIC = "public"
DISTRICT_ROLE, PARK_ROLE, ENTERPRISE_ROLE = "districts", "parks", "enterprises"
# The annotation `restrict(user, PUBLIC)` puts on each record: whether the user sees all of it (VIEW).
FULL_VIEW = "scope_full_view"

# Role name -> the membership model (user x district, user x park, user x enterprise) and its field naming what the
# user is a member of.
_membership_models: dict[str, tuple[type[models.Model], str]] = {}


def register_membership(role: str, *, model, field: str) -> None:
    """Register a membership role: the membership model (whose users `users_in_scope` offers) and the name of its
    foreign key to what its users are members of (a park, a district, an enterprise)."""
    _membership_models[role] = (model, field)


@dataclass(frozen=True)
class Rule:
    """How one model is scoped: paths from it to a district, a park and an enterprise, and each role's actions.

    `authenticated` lists what every signed-in user may do on every record (reference data: view);
    `owner_actions` what every signed-in user may do on the records their `owner` path leads to (their own jobs).
    `tenancies` are paths to the record's tenancies: a park administrator sees the public face (PUBLIC) of a
    record holding a current or future tenancy in their park, and nothing more (a `park` path is never a path
    through tenancies).
    """

    park: tuple[str, ...] = ()
    enterprise: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    district_staff: frozenset[str] = frozenset({VIEW})
    park_admin: frozenset[str] = frozenset({VIEW})
    enterprise_user: frozenset[str] = frozenset({VIEW})
    authenticated: frozenset[str] = frozenset()
    owner: tuple[str, ...] = ()
    owner_actions: frozenset[str] = frozenset()
    tenancies: tuple[str, ...] = ()


# Model -> its declared rule with the paths other apps added to it (their reverse relations to the model).
_extended: dict[type[models.Model], Rule] = {}


# Reference data (districts, filing seasons, plan targets): every signed-in user reads it, only the bureau writes it.
REFERENCE_DATA = Rule(authenticated=frozenset({VIEW}), park_admin=frozenset(), enterprise_user=frozenset())


@dataclass(frozen=True)
class UserScope:
    """What a user holds: the bureau role, and the ids of the districts, parks and enterprises they are members of."""

    bureau: bool
    parks: frozenset[int] = field(default_factory=frozenset)
    enterprises: frozenset[int] = field(default_factory=frozenset)
    districts: frozenset[int] = field(default_factory=frozenset)

    def ids(self, role: str) -> frozenset[int]:
        """The ids held in a membership role."""
        return {PARK_ROLE: self.parks, ENTERPRISE_ROLE: self.enterprises, DISTRICT_ROLE: self.districts}[role]


NOBODY = UserScope(bureau=False)


def user_scope(user) -> UserScope:
    """The user's roles, read once per user object (a request's user keeps it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    cached = getattr(user, "_scope", None)
    if cached is None:
        held = {} if user.is_superuser else _held(user)
        bureau = user.is_superuser or BUREAU_GROUP in held
        cached = UserScope(bureau, *(frozenset() if bureau else held.get(role, frozenset())
                                     for role in (PARK_ROLE, ENTERPRISE_ROLE, DISTRICT_ROLE)))
        user._scope = cached
    return cached


def _held_query(user_pk):
    """The one query of what a user holds: (id, role) rows of the bureau group (as BUREAU_GROUP) and of each
    membership role."""
    role = models.CharField()
    groups = get_user_model().groups.through._default_manager.filter(user_id=user_pk, group__name=BUREAU_GROUP)
    parts = [groups.order_by().annotate(role=Value(BUREAU_GROUP, output_field=role)).values_list("group_id", "role")]
    for name, (model, to) in _membership_models.items():
        parts.append(model._default_manager.filter(user_id=user_pk).order_by()
                     .annotate(role=Value(name, output_field=role)).values_list(f"{to}_id", "role"))
    return parts[0].union(*parts[1:], all=True)


# The held query compiled once for the roles registered (a user id no account has stands for the user's): building
# and compiling its union was most of the roles' cost on every request.
_held_compiled = CompiledQuery(_held_query, sentinels=(-918_273_645,))


def _held(user) -> dict[str, frozenset[int]]:
    """What a user holds, in one query: the bureau group (as BUREAU_GROUP) and the ids of each membership role."""
    database = get_user_model().groups.through._default_manager.db
    held: dict[str, set[int]] = {}
    for pk, name in _held_compiled.rows(user.pk, using=database, key=tuple(_membership_models)):
        held.setdefault(name, set()).add(pk)
    return {name: frozenset(ids) for name, ids in held.items()}


def register_paths(model, *, park: tuple[str, ...] = (), enterprise: tuple[str, ...] = (),
                   district: tuple[str, ...] = (), tenancies: tuple[str, ...] = ()) -> None:
    """Add paths to a model's declared rule from the app that owns them (its reverse relations to the model), so the
    model's own app need not name that app: e.g. the enterprises app adds a park's path to the enterprises
    registered with it. Registering the same paths twice adds them once."""
    rule = rule_of(model)
    _extended[model] = replace(rule, **{name: getattr(rule, name) + tuple(p for p in paths if p not in
                                                                          getattr(rule, name))
                                        for name, paths in (("park", park), ("enterprise", enterprise),
                                                            ("district", district), ("tenancies", tenancies))})


def rule_of(model) -> Rule:
    """The scope rule of a model: the one it declares, with the paths other apps registered for it."""
    extended = _extended.get(model)
    return model.scope_rule if extended is None else extended


def grants(*, user, model, action: str) -> bool:
    """Whether the user may take an action on some record of the model (for add, and 403 against 404)."""
    scope, rule = user_scope(user), rule_of(model)
    if scope.bureau:
        return True
    if not user or not user.is_authenticated:
        return False
    if action == PUBLIC:
        return grants(user=user, model=model, action=VIEW) or (bool(scope.parks) and bool(rule.tenancies))
    return (
        action in rule.authenticated
        or (action in rule.owner_actions and bool(rule.owner))
        or (action in rule.park_admin and bool(scope.parks) and bool(rule.park))
        or (action in rule.enterprise_user and bool(scope.enterprises) and bool(rule.enterprise))
        or (action in rule.district_staff and bool(scope.districts) and bool(rule.district))
    )


def tenant_condition(*, path: str, parks, on=None) -> Q:
    """Condition on records holding a tenancy (at `path`) in one of the parks that is current or future on a date
    (default today): its end (the first day no longer let) after that day, or open. A former tenancy grants
    nothing."""
    on = on or timezone.localdate()
    return Q(**{f"{path}__park__in": parks}) & (Q(**{f"{path}__end__isnull": True}) | Q(**{f"{path}__end__gt": on}))


def scope_filter(*, user, model, action: str, prefix: str = "") -> Q | None:
    """The condition on the model's records for the user and action; None means every record.

    `prefix` puts the condition on a relation of another model (e.g. "filings__" from an enterprise) instead.
    PUBLIC is VIEW, and for park administrators also the records holding a current or future tenancy in their park.
    """
    scope, rule = user_scope(user), rule_of(model)
    signed_in = user is not None and user.is_authenticated
    if scope.bureau or (signed_in and (VIEW if action == PUBLIC else action) in rule.authenticated):
        return None
    condition = Q(pk__in=[])
    if action == PUBLIC:
        condition = scope_filter(user=user, model=model, action=VIEW, prefix=prefix)
        if scope.parks:
            for path in rule.tenancies:
                condition |= tenant_condition(path=f"{prefix}{path}", parks=scope.parks)
        return condition
    for role, actions, paths in ((PARK_ROLE, rule.park_admin, rule.park),
                                 (ENTERPRISE_ROLE, rule.enterprise_user, rule.enterprise),
                                 (DISTRICT_ROLE, rule.district_staff, rule.district)):
        ids = scope.ids(role)
        if action in actions and ids:
            for path in paths:
                condition |= Q(**{f"{prefix}{path}__in": ids})
    if action in rule.owner_actions and signed_in:
        for path in rule.owner:
            condition |= Q(**{f"{prefix}{path}": user.pk})
    return condition


def view_implies(*, user, model, action: str) -> bool:
    """Whether every record of the model the user sees whole (VIEW) is one they may take the action on, known
    without a query: the action's condition is the view's (none for the bureau), as a park administrator's review
    of the filings of their parks is. A record read through `restrict(user, VIEW)` then needs no second look-up."""
    if action == VIEW:
        return True
    return scope_filter(user=user, model=model, action=action) == scope_filter(user=user, model=model, action=VIEW)


def scope_flag(*, user, model, action: str = VIEW):
    """Expression over the model's records: whether the user may take the action on each (TRUE where they may on
    every record). A condition on the record's own columns is asked of the record itself, `CASE WHEN … THEN true
    ELSE false END`, no subquery; any other is `pk IN (the records in scope)`, one hashed subplan for the query.
    Both are true or false, never NULL."""
    condition = scope_filter(user=user, model=model, action=action)
    if condition is None:
        return Value(True)
    if _own_columns(model, condition):
        return Case(When(condition, then=Value(True)), default=Value(False))
    return ExpressionWrapper(Q(pk__in=model._base_manager.filter(condition).values("pk")),
                             output_field=models.BooleanField())


def sees_all(*, user, models, action: str = VIEW) -> bool:
    """Whether the user may take the action on every record of each of the models (the bureau, for VIEW): where a
    figure kept over every record (the registry's kept totals) may be read in place of the records they may see."""
    return all(scope_filter(user=user, model=model, action=action) is None for model in models)


def sees_all_of(*, user, models, field: str, values, action: str = VIEW) -> bool:
    """Whether the user may take the action on every record of each of the models whose `field` holds one of
    `values` (every unit and tenancy of some parks, for a park administrator of them all), known without a query:
    they may on every record, or their condition admits every record whose `field` is in a set holding all the
    values (one of the terms it joins with OR, `field__in`). Any other condition answers no."""
    wanted = set(values)
    for model in models:
        condition = scope_filter(user=user, model=model, action=action)
        if condition is None:
            continue
        if condition.negated or (len(condition.children) > 1 and condition.connector != Q.OR):
            return False
        if not any(isinstance(term, tuple) and term[0] == f"{field}__in" and wanted <= set(term[1])
                   for term in condition.children):
            return False
    return True


class RestrictedQuerySet(models.QuerySet):
    """QuerySet with `restrict(user, action)`: the records the user may take the action on."""

    def restrict(self, user, action: str = VIEW):
        """Keep only the records the user may take the action on (a subquery, so no duplicates).

        PUBLIC also annotates each record with FULL_VIEW: whether the user sees all of it (VIEW) or its public
        face only (a tenant's), asked of that record alone: an `IN` over the records seen, in the select list,
        made PostgreSQL read every record of the table for each page or lookup (docs/speed-writes.md)."""
        condition = scope_filter(user=user, model=self.model, action=action)
        if condition is None:
            restricted = self
        elif _own_columns(self.model, condition):
            restricted = self.filter(condition)
        else:
            restricted = self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))
        if action == PUBLIC:
            full = scope_filter(user=user, model=self.model, action=VIEW)
            if full is None:
                flag = Value(True)
            elif _own_columns(self.model, full):
                flag = Case(When(full, then=Value(True)), default=Value(False))
            else:
                flag = Exists(self.model._base_manager.filter(full, pk=OuterRef("pk")))
            restricted = restricted.annotate(**{FULL_VIEW: flag})
        return restricted


def _own_columns(model, condition: Q) -> bool:
    """Whether a scope condition compares only the model's own columns with given values (every path one field of
    the model, no relation crossed): it is then asked of each record directly, no subquery needed and no duplicate
    possible. A condition naming nothing (no membership gives the action) is not one."""
    if not condition.children:
        return False
    for child in condition.children:
        if isinstance(child, Q):
            if not _own_columns(model, child):
                return False
            continue
        name, _, lookup = child[0].partition("__")
        if lookup not in ("", "in", "exact") or hasattr(child[1], "resolve_expression"):
            return False
        if name != "pk":
            try:
                field_ = model._meta.get_field(name)
            except FieldDoesNotExist:
                return False
            if not field_.concrete or field_.many_to_many or field_.one_to_many:
                return False
    return True


def in_scope(*, user, record, action: str = VIEW) -> bool:
    """Whether the user may take the action on this record (one query; none for the bureau)."""
    if user_scope(user).bureau:
        return True
    return type(record).objects.restrict(user, action).filter(pk=record.pk).exists()


def full_view(*, user, record) -> bool:
    """Whether the user sees all of a record, not only its public face: from the FULL_VIEW annotation of
    `restrict(user, PUBLIC)` when the record carries it, else asked of the database."""
    flag = getattr(record, FULL_VIEW, None)
    return in_scope(user=user, record=record, action=VIEW) if flag is None else bool(flag)


def users_in_scope(*, user, action: str = ADD):
    """The accounts a user may see (VIEW) or name in a membership (ADD): the bureau, every account; anyone else, the
    accounts holding a membership they may take the action on (a park administrator: the members of their park and
    of the enterprises registered with it; to give a membership, the users of those enterprises, not their fellow
    administrators, who could then file what they approve), never bureau staff or superusers, and never themselves
    but to see."""
    accounts = get_user_model()._default_manager.all()
    scope = user_scope(user)
    if scope.bureau:
        return accounts
    if scope is NOBODY:
        return accounts.none()
    held = Q(pk__in=[])
    for model, _field in _membership_models.values():
        held |= Q(pk__in=model.objects.restrict(user, action).values("user"))
    bureau = Q(is_superuser=True) | Q(pk__in=accounts.filter(groups__name=BUREAU_GROUP).values("pk"))
    found = accounts.filter(held).exclude(bureau)
    return found if action == VIEW else found.exclude(pk=user.pk)


def input_choices(*, user, queryset, action: str = VIEW):
    """The records of a queryset a user may name in an input (a related field of a serializer, an admin form or
    an import): those in their scope for the action (accounts: `users_in_scope`); the rest do not exist for them."""
    if queryset.model is get_user_model():
        return queryset.filter(pk__in=users_in_scope(user=user).values("pk"))
    if hasattr(queryset, "restrict"):
        return queryset.restrict(user, action)
    return queryset


def membership_grant_check(*, granter, user) -> None:
    """Refuse a membership the granter may not give, whatever the page or endpoint: to oneself (it would widen the
    giver's own scope) or to a bureau or superuser account, by anyone but the bureau. Whether the park or
    enterprise is the granter's to give is the membership model's ADD scope (checked on the saved record)."""
    if user_scope(granter).bureau:
        return
    if granter.pk == user.pk:
        raise PermissionDenied(_("You may not give a membership to yourself."))
    if user.is_superuser or user.groups.filter(name=BUREAU_GROUP).exists():
        raise PermissionDenied(_("You may not give a membership to a bureau account."))
