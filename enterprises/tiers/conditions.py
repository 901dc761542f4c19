"""Conditions of the expression algebra (comparisons, flags, choices, all/any/not) and point bands.

Each evaluates to True or False in Python, and compiles to an ORM boolean expression that is TRUE or FALSE,
never NULL: a comparison with an unknown operand is False in both worlds (see `expressions`).
"""

import operator
from dataclasses import dataclass
from functools import reduce

from django.conf import settings
from django.db.models import BooleanField, Case, Expression, ExpressionWrapper, IntegerField, Q, Value, When
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

from .expressions import Expr, Figure, Figures, wrap


def _truth(condition) -> Expression:
    """A SQL condition that is TRUE or FALSE, never NULL (NULL counts as FALSE)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _boolean(q: Q) -> Expression:
    """A Q of never-NULL conditions as a boolean expression."""
    return ExpressionWrapper(q, output_field=BooleanField())


class Condition(Figure):
    """A boolean node: `evaluate` gives True or False, `compile` a never-NULL ORM boolean expression."""

    def evaluate(self, figures: Figures) -> bool:
        """Whether the condition holds on the figures (an unknown figure never satisfies a comparison)."""
        raise NotImplementedError

    def compile(self, prefix: str = "") -> Expression:
        """The ORM boolean expression, TRUE exactly when `evaluate` is True."""
        raise NotImplementedError

    def figure(self, figures: Figures):
        """The value to display: whether the condition holds."""
        return self.evaluate(figures)

    def __and__(self, other) -> "AllOf":
        return AllOf((self, other))

    def __or__(self, other) -> "AnyOf":
        return AnyOf((self, other))

    def __invert__(self) -> "Not":
        return Not(self)


COMPARISONS = {
    ">=": (operator.ge, GreaterThanOrEqual),
    "<=": (operator.le, LessThanOrEqual),
    "==": (operator.eq, Exact),
    ">": (operator.gt, GreaterThan),
    "<": (operator.lt, LessThan),
}


@dataclass(frozen=True)
class Compare(Condition):
    """`left op right`; False when either side is unknown."""

    op: str
    left: Expr
    right: Expr

    def evaluate(self, figures):
        """left op right; False when either side is unknown."""
        left, right = self.left.evaluate(figures), self.right.evaluate(figures)
        return left is not None and right is not None and COMPARISONS[self.op][0](left, right)

    def compile(self, prefix=""):
        """The lookup, wrapped so NULL counts as FALSE."""
        lookup = COMPARISONS[self.op][1]
        return _truth(lookup(self.left.compile(prefix), self.right.compile(prefix)))


def ge(left, right) -> Compare:
    """left >= right."""
    return Compare(">=", wrap(left), wrap(right))


def le(left, right) -> Compare:
    """left <= right."""
    return Compare("<=", wrap(left), wrap(right))


def gt(left, right) -> Compare:
    """left > right."""
    return Compare(">", wrap(left), wrap(right))


def lt(left, right) -> Compare:
    """left < right."""
    return Compare("<", wrap(left), wrap(right))


def eq(left, right) -> Compare:
    """left == right."""
    return Compare("==", wrap(left), wrap(right))


@dataclass(frozen=True)
class Flag(Condition):
    """A boolean figure is true (unknown counts as false)."""

    name: str

    def evaluate(self, figures):
        """Whether the figure is True."""
        return figures.get(self.name) is True

    def compile(self, prefix=""):
        """field = TRUE, NULL counting as FALSE."""
        return _truth(Q(**{f"{prefix}{self.name}": True}))


@dataclass(frozen=True)
class OneOf(Condition):
    """A choice figure is one of the given values (unknown counts as not)."""

    name: str
    choices: tuple[str, ...]

    def evaluate(self, figures):
        """Whether the figure is one of the choices."""
        value = figures.get(self.name)
        return value is not None and value in self.choices

    def figure(self, figures):
        """The value to display: the choice itself."""
        return figures.get(self.name)

    def compile(self, prefix=""):
        """field IN (choices), NULL counting as FALSE."""
        return _truth(Q(**{f"{prefix}{self.name}__in": [str(choice) for choice in self.choices]}))


@dataclass(frozen=True)
class AllOf(Condition):
    """Every condition holds (True when there are none)."""

    conditions: tuple[Condition, ...]

    def evaluate(self, figures):
        """Whether every condition holds."""
        return all(condition.evaluate(figures) for condition in self.conditions)

    def compile(self, prefix=""):
        """The conditions joined by AND (TRUE when none)."""
        if not self.conditions:
            return Value(True, output_field=BooleanField())
        return _boolean(reduce(operator.and_, (Q(condition.compile(prefix)) for condition in self.conditions)))


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one condition holds (False when there are none)."""

    conditions: tuple[Condition, ...]

    def evaluate(self, figures):
        """Whether any condition holds."""
        return any(condition.evaluate(figures) for condition in self.conditions)

    def compile(self, prefix=""):
        """The conditions joined by OR (FALSE when none)."""
        if not self.conditions:
            return Value(False, output_field=BooleanField())
        return _boolean(reduce(operator.or_, (Q(condition.compile(prefix)) for condition in self.conditions)))


@dataclass(frozen=True)
class Not(Condition):
    """The condition does not hold."""

    condition: Condition

    def evaluate(self, figures):
        """Whether the condition does not hold."""
        return not self.condition.evaluate(figures)

    def compile(self, prefix=""):
        """NOT the condition (never NULL, as the condition is not)."""
        return _boolean(~Q(self.condition.compile(prefix)))


def all_of(*conditions: Condition) -> AllOf:
    """Every condition holds."""
    return AllOf(conditions)


def any_of(*conditions: Condition) -> AnyOf:
    """At least one condition holds."""
    return AnyOf(conditions)


ALWAYS = AllOf(())


@dataclass(frozen=True)
class BySetting(Condition):
    """`when_true` if the boolean setting `name` is on, else `when_false` (read at each evaluation and compile)."""

    name: str
    when_true: Condition
    when_false: Condition

    def chosen(self) -> Condition:
        """The condition the setting selects now."""
        return self.when_true if getattr(settings, self.name) else self.when_false

    def evaluate(self, figures):
        """Whether the selected condition holds."""
        return self.chosen().evaluate(figures)

    def compile(self, prefix=""):
        """The selected condition's expression."""
        return self.chosen().compile(prefix)


@dataclass(frozen=True)
class Bands(Expr):
    """Points of the first band whose condition holds, else `default` (SQL CASE WHEN ... ELSE default)."""

    bands: tuple[tuple[Condition, int], ...]
    default: int = 0
    integral = True

    def evaluate(self, figures):
        """The points of the first band that holds (memoised within one evaluation)."""
        memo = getattr(figures, "memo", None)
        if memo is not None and id(self) in memo:
            return memo[id(self)]
        points = next((points for condition, points in self.bands if condition.evaluate(figures)), self.default)
        if memo is not None:
            memo[id(self)] = points
        return points

    def compile(self, prefix=""):
        """CASE WHEN band THEN points ... ELSE default END."""
        whens = [When(condition.compile(prefix), then=Value(points)) for condition, points in self.bands]
        return Case(*whens, default=Value(self.default), output_field=IntegerField())


def bands(*pairs: tuple[Condition, int], default: int = 0) -> Bands:
    """Points by the first matching condition, from (condition, points) pairs."""
    return Bands(tuple(pairs), default)
