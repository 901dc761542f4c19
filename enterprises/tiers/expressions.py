"""A tiny expression algebra for the tier criteria: every node evaluates in Python and compiles to the Django ORM.

Python and PostgreSQL must agree exactly at every edge, so:
- there is no division: a ratio or growth threshold is compared by cross-multiplication (`share_at_least`,
  `growth_at_least`, `mean_growth_at_least`, `compound_growth_at_least`);
- arithmetic is exact in both worlds: Python uses a Decimal context wide enough never to round (it traps
  Inexact), PostgreSQL multiplies `numeric` exactly; constants of ratio arithmetic are Decimals, so integer
  columns are promoted to numeric and never overflow;
- there is no three-valued logic: a comparison with an unknown operand (None / SQL NULL) is False in both, and
  every SQL condition is wrapped so it yields TRUE or FALSE, never NULL; so NOT, AND and OR agree too;
- arithmetic with an unknown operand is unknown in both (None / NULL); LEAST ignores unknowns, as PostgreSQL's.

Display figures (`Ratio`, `Growth`, ...) are Python only: they say "R&D share 2.40%" and never decide a result.
"""

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation
from functools import reduce
from typing import Any

from django.db.models import (
    BooleanField, Case, DecimalField, Expression, ExpressionWrapper, F, IntegerField, Q, Value, When,
)
from django.db.models.functions import Coalesce, Least
from django.db.models.lookups import Exact, GreaterThan, GreaterThanOrEqual, LessThan, LessThanOrEqual

Figures = Mapping[str, Any]
Number = Decimal | int
# Never rounds: amounts have at most 14 digits, and no product here has more than three factors.
EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, DivisionByZero])
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _number(value: Any) -> Number | None:
    """A figure as an exact number (floats through their shortest repr), None when unknown."""
    if value is None or isinstance(value, int | Decimal):
        return value
    return Decimal(str(value))


def _decimal(value: Number) -> Decimal:
    """An exact Decimal of an int or Decimal."""
    return value if isinstance(value, Decimal) else Decimal(value)


def _truth(condition) -> Expression:
    """A SQL condition that is TRUE or FALSE, never NULL (NULL counts as FALSE)."""
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _boolean(q: Q) -> Expression:
    """A Q of never-NULL conditions as a boolean expression."""
    return ExpressionWrapper(q, output_field=BooleanField())


# --- numbers -----------------------------------------------------------------------------------------------


class Expr:
    """A numeric node: `evaluate` in Python (None when unknown), `compile` to an ORM expression."""

    integral = False

    def evaluate(self, figures: Figures) -> Number | None:
        """The value on a mapping of figures (field name -> value, None when unknown)."""
        raise NotImplementedError

    def compile(self, prefix: str = "") -> Expression:
        """The ORM expression, with field names behind `prefix` (e.g. "filing__")."""
        raise NotImplementedError

    def figure(self, figures: Figures) -> Number | None:
        """The value to display: the value itself."""
        return self.evaluate(figures)

    def __add__(self, other) -> "Add":
        return Add((self, wrap(other)))

    def __radd__(self, other) -> "Add":
        return Add((wrap(other), self))

    def __mul__(self, other) -> "Mul":
        return Mul((self, wrap(other)))

    def __rmul__(self, other) -> "Mul":
        return Mul((wrap(other), self))


def wrap(value) -> Expr:
    """An Expr as is, a number as a constant."""
    return value if isinstance(value, Expr) else Const(value)


@dataclass(frozen=True)
class Field(Expr):
    """A figure by field name; `default` stands in for an unknown value (SQL COALESCE) when given."""

    name: str
    default: Number | None = None

    def evaluate(self, figures):
        value = _number(figures.get(self.name))
        return self.default if value is None else value

    def compile(self, prefix=""):
        field = F(f"{prefix}{self.name}")
        return field if self.default is None else Coalesce(field, Value(self.default))


@dataclass(frozen=True)
class Const(Expr):
    """A constant: an int (points, counts) or a Decimal (amounts, percents)."""

    value: Number

    @property
    def integral(self) -> bool:
        """Whether the constant is a whole number type."""
        return isinstance(self.value, int)

    def evaluate(self, figures):
        return self.value

    def compile(self, prefix=""):
        if isinstance(self.value, int):
            return Value(self.value, output_field=IntegerField())
        return Value(self.value, output_field=DecimalField())


@dataclass(frozen=True)
class _Arithmetic(Expr):
    """Terms combined by one operator; unknown when any term is unknown."""

    terms: tuple[Expr, ...]
    python = staticmethod(operator.add)
    exact = staticmethod(EXACT.add)

    @property
    def integral(self) -> bool:
        """Whether every term is a whole number type (so the result is one too)."""
        return all(term.integral for term in self.terms)

    def evaluate(self, figures):
        values = [term.evaluate(figures) for term in self.terms]
        if any(value is None for value in values):
            return None
        if all(isinstance(value, int) for value in values):
            return reduce(self.python, values)
        return reduce(self.exact, map(_decimal, values))

    def compile(self, prefix=""):
        expression = reduce(self.python, (term.compile(prefix) for term in self.terms))
        return ExpressionWrapper(expression, output_field=IntegerField() if self.integral else DecimalField())


class Add(_Arithmetic):
    """The sum of the terms (also a sum of points)."""


class Mul(_Arithmetic):
    """The product of the terms."""

    python = staticmethod(operator.mul)
    exact = staticmethod(EXACT.multiply)


@dataclass(frozen=True)
class Smallest(Expr):
    """The least of the terms, ignoring unknowns as PostgreSQL's LEAST does (a cap: `Smallest((x, Const(5)))`)."""

    terms: tuple[Expr, ...]

    @property
    def integral(self) -> bool:
        """Whether every term is a whole number type."""
        return all(term.integral for term in self.terms)

    def evaluate(self, figures):
        values = [value for term in self.terms if (value := term.evaluate(figures)) is not None]
        return min(values) if values else None

    def compile(self, prefix=""):
        output = IntegerField() if self.integral else DecimalField()
        return Least(*(term.compile(prefix) for term in self.terms), output_field=output)


def least(*terms) -> Smallest:
    """The least of the terms (numbers allowed): a cap on points."""
    return Smallest(tuple(wrap(term) for term in terms))


def total(*terms) -> Add:
    """The sum of the terms: a sum of points."""
    return Add(tuple(wrap(term) for term in terms))


# --- conditions --------------------------------------------------------------------------------------------


class Condition:
    """A boolean node: `evaluate` gives True or False, `compile` a never-NULL ORM boolean expression."""

    def evaluate(self, figures: Figures) -> bool:
        """Whether the condition holds on the figures (an unknown figure never satisfies a comparison)."""
        raise NotImplementedError

    def compile(self, prefix: str = "") -> Expression:
        """The ORM boolean expression, TRUE exactly when `evaluate` is True."""
        raise NotImplementedError

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
        left, right = self.left.evaluate(figures), self.right.evaluate(figures)
        return left is not None and right is not None and COMPARISONS[self.op][0](left, right)

    def compile(self, prefix=""):
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
        return figures.get(self.name) is True

    def compile(self, prefix=""):
        return _truth(Q(**{f"{prefix}{self.name}": True}))


@dataclass(frozen=True)
class OneOf(Condition):
    """A choice figure is one of the given values (unknown counts as not)."""

    name: str
    choices: tuple[str, ...]

    def evaluate(self, figures):
        value = figures.get(self.name)
        return value is not None and value in self.choices

    def compile(self, prefix=""):
        return _truth(Q(**{f"{prefix}{self.name}__in": [str(choice) for choice in self.choices]}))


@dataclass(frozen=True)
class AllOf(Condition):
    """Every condition holds (True when there are none)."""

    conditions: tuple[Condition, ...]

    def evaluate(self, figures):
        return all(condition.evaluate(figures) for condition in self.conditions)

    def compile(self, prefix=""):
        if not self.conditions:
            return Value(True, output_field=BooleanField())
        return _boolean(reduce(operator.and_, (Q(condition.compile(prefix)) for condition in self.conditions)))


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one condition holds (False when there are none)."""

    conditions: tuple[Condition, ...]

    def evaluate(self, figures):
        return any(condition.evaluate(figures) for condition in self.conditions)

    def compile(self, prefix=""):
        if not self.conditions:
            return Value(False, output_field=BooleanField())
        return _boolean(reduce(operator.or_, (Q(condition.compile(prefix)) for condition in self.conditions)))


@dataclass(frozen=True)
class Not(Condition):
    """The condition does not hold."""

    condition: Condition

    def evaluate(self, figures):
        return not self.condition.evaluate(figures)

    def compile(self, prefix=""):
        return _boolean(~Q(self.condition.compile(prefix)))


def all_of(*conditions: Condition) -> AllOf:
    """Every condition holds."""
    return AllOf(conditions)


def any_of(*conditions: Condition) -> AnyOf:
    """At least one condition holds."""
    return AnyOf(conditions)


ALWAYS = AllOf(())


@dataclass(frozen=True)
class Bands(Expr):
    """Points of the first band whose condition holds, else `default` (SQL CASE WHEN ... ELSE default)."""

    bands: tuple[tuple[Condition, int], ...]
    default: int = 0
    integral = True

    def evaluate(self, figures):
        for condition, points in self.bands:
            if condition.evaluate(figures):
                return points
        return self.default

    def compile(self, prefix=""):
        whens = [When(condition.compile(prefix), then=Value(points)) for condition, points in self.bands]
        return Case(*whens, default=Value(self.default), output_field=IntegerField())


def bands(*pairs: tuple[Condition, int], default: int = 0) -> Bands:
    """Points by the first matching condition, from (condition, points) pairs."""
    return Bands(tuple(pairs), default)


# --- ratios and growth, by cross-multiplication ------------------------------------------------------------


def share_at_least(part: Expr, whole: Expr, percent) -> AllOf:
    """part / whole * 100 >= percent, computed as part * 100 >= percent * whole AND whole > 0."""
    return all_of(ge(part * HUNDRED, _decimal(percent) * whole), gt(whole, 0))


def growth_at_least(current: Expr, previous: Expr, percent) -> AllOf:
    """(current / previous - 1) * 100 >= percent, as current * 100 >= (100 + percent) * previous AND previous > 0."""
    return all_of(ge(current * HUNDRED, (HUNDRED + _decimal(percent)) * previous), gt(previous, 0))


def mean_growth_at_least(m0: Expr, m1: Expr, m2: Expr, percent) -> AllOf:
    """Arithmetic mean of two annual growth rates ((m0/m1 - 1) + (m1/m2 - 1)) / 2 * 100 >= percent.

    m0 is the last year, m1 the year before, m2 two years before. Multiplied out by m1 * m2 > 0:
    (m0 * m2 + m1 * m1) * 100 >= (200 + 2 * percent) * m1 * m2 AND m1 > 0 AND m2 > 0.
    """
    factor = 2 * HUNDRED + 2 * _decimal(percent)
    return all_of(ge((m0 * m2 + m1 * m1) * HUNDRED, Mul((Const(factor), m1, m2))), gt(m1, 0), gt(m2, 0))


def compound_growth_at_least(current: Expr, base: Expr, percent, years: int) -> AllOf:
    """Compound annual growth over `years` >= percent: current >= (1 + percent/100) ** years * base AND base > 0."""
    factor = ((HUNDRED + _decimal(percent)) / HUNDRED) ** years  # exact: e.g. 1.05 ** 2 = 1.1025
    return all_of(ge(current, Decimal(factor) * base), gt(base, 0))


# --- display figures (Python only) -------------------------------------------------------------------------


def _quantized(value: Decimal) -> Decimal:
    """A display value to two decimals."""
    return value.quantize(CENT)


class Figure:
    """A value to display next to a criterion; Python only, never deciding a result."""

    def figure(self, figures: Figures) -> Number | bool | None:
        """The value to display, None when it cannot be computed."""
        raise NotImplementedError


@dataclass(frozen=True)
class Ratio(Figure):
    """part / whole in percent, two decimals (None unless whole > 0)."""

    part: Expr
    whole: Expr

    def figure(self, figures):
        part, whole = self.part.evaluate(figures), self.whole.evaluate(figures)
        if part is None or whole is None or whole <= 0:
            return None
        return _quantized(_decimal(part) * HUNDRED / _decimal(whole))


@dataclass(frozen=True)
class Growth(Figure):
    """Growth from previous to current in percent, two decimals (None unless previous > 0)."""

    current: Expr
    previous: Expr

    def figure(self, figures):
        current, previous = self.current.evaluate(figures), self.previous.evaluate(figures)
        if current is None or previous is None or previous <= 0:
            return None
        return _quantized((_decimal(current) / _decimal(previous) - 1) * HUNDRED)


@dataclass(frozen=True)
class MeanGrowth(Figure):
    """Arithmetic mean of the two annual growth rates m2 -> m1 -> m0, in percent, two decimals."""

    m0: Expr
    m1: Expr
    m2: Expr

    def figure(self, figures):
        values = [self.m0.evaluate(figures), self.m1.evaluate(figures), self.m2.evaluate(figures)]
        if None in values or values[1] <= 0 or values[2] <= 0:
            return None
        m0, m1, m2 = map(_decimal, values)
        return _quantized(((m0 / m1 - 1) + (m1 / m2 - 1)) / 2 * HUNDRED)


@dataclass(frozen=True)
class CompoundGrowth(Figure):
    """Compound annual growth from base to current over `years`, in percent, two decimals."""

    current: Expr
    base: Expr
    years: int

    def figure(self, figures):
        current, base = self.current.evaluate(figures), self.base.evaluate(figures)
        if current is None or base is None or base <= 0 or current < 0:
            return None
        ratio = _decimal(current) / _decimal(base)
        return _quantized((ratio ** (Decimal(1) / self.years) - 1) * HUNDRED)


@dataclass(frozen=True)
class Quotient(Figure):
    """An expression divided by a number, two decimals (e.g. a two-year average)."""

    expr: Expr
    divisor: int

    def figure(self, figures):
        value = self.expr.evaluate(figures)
        return None if value is None else _quantized(_decimal(value) / self.divisor)
