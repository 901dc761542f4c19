"""A tiny expression algebra for the tier criteria: every node evaluates in Python and compiles to the Django ORM.

This module holds the numbers (fields, constants, +, *, least); `conditions` the comparisons, all/any/not and
point bands; `measures` ratios and growth rates. Python and PostgreSQL must agree exactly at every edge, so:
- there is no division: a ratio or growth threshold is compared by cross-multiplication (`measures`);
- arithmetic is exact in both worlds: Python uses a Decimal context wide enough never to round (it traps
  Inexact), PostgreSQL multiplies `numeric` exactly; constants of ratio arithmetic are Decimals, so integer
  columns are promoted to numeric and never overflow;
- there is no three-valued logic: a comparison with an unknown operand (None / SQL NULL) is False in both, and
  every SQL condition is wrapped so it yields TRUE or FALSE, never NULL; so NOT, AND and OR agree too;
- arithmetic with an unknown operand is unknown in both (None / NULL); LEAST ignores unknowns, as PostgreSQL's.

Any node may also give a display `figure` (Python only, e.g. the ratio "2.40%"): it is shown next to a
criterion and never decides a result.
"""

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, Inexact, InvalidOperation
from functools import reduce
from typing import Any

from django.db.models import DecimalField, Expression, ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Coalesce, Least

Figures = Mapping[str, Any]
Number = Decimal | int
# Never rounds: amounts have at most 14 digits, and no product here has more than three factors.
EXACT = Context(prec=200, traps=[Inexact, InvalidOperation, DivisionByZero])


def _number(value: Any) -> Number | None:
    """A figure as an exact number (floats through their shortest repr), None when unknown."""
    if value is None or isinstance(value, int | Decimal):
        return value
    return Decimal(str(value))


def exact(value: Number) -> Decimal:
    """An exact Decimal of an int or Decimal."""
    return value if isinstance(value, Decimal) else Decimal(value)


class Memo(dict):
    """Figures with a memo of points already computed in one evaluation (a score is read by several criteria)."""

    def __init__(self, figures: Figures):
        super().__init__(figures)
        self.memo = {}


class Figure:
    """Something with a value to display next to a criterion (Python only; never deciding a result)."""

    def figure(self, figures: Figures):
        """The value to display, None when unknown or not computable."""
        raise NotImplementedError

    def precise(self, figures: Figures):
        """The value before it is rounded for display (a criterion's margin is worked out from it)."""
        return self.figure(figures)


class Expr(Figure):
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
        """The figure, or the default when unknown."""
        value = _number(figures.get(self.name))
        return self.default if value is None else value

    def compile(self, prefix=""):
        """F(prefix + name), coalesced with the default when given."""
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
        """The constant."""
        return self.value

    def compile(self, prefix=""):
        """The constant as an integer or numeric SQL value."""
        return Value(self.value, output_field=IntegerField() if self.integral else DecimalField())


@dataclass(frozen=True)
class _Arithmetic(Expr):
    """Terms combined by one operator; unknown when any term is unknown."""

    terms: tuple[Expr, ...]
    python_op = staticmethod(operator.add)
    exact_op = staticmethod(EXACT.add)

    @property
    def integral(self) -> bool:
        """Whether every term is a whole number type (so the result is one too)."""
        return all(term.integral for term in self.terms)

    def evaluate(self, figures):
        """The terms combined: ints as ints, otherwise exact Decimals; None when a term is unknown."""
        values = [term.evaluate(figures) for term in self.terms]
        if any(value is None for value in values):
            return None
        if all(isinstance(value, int) for value in values):
            return reduce(self.python_op, values)
        return reduce(self.exact_op, map(exact, values))

    def compile(self, prefix=""):
        """The terms combined in SQL (NULL when a term is NULL)."""
        expression = reduce(self.python_op, (term.compile(prefix) for term in self.terms))
        return ExpressionWrapper(expression, output_field=IntegerField() if self.integral else DecimalField())


class Add(_Arithmetic):
    """The sum of the terms (also a sum of points)."""


class Mul(_Arithmetic):
    """The product of the terms."""

    python_op = staticmethod(operator.mul)
    exact_op = staticmethod(EXACT.multiply)


@dataclass(frozen=True)
class Smallest(Expr):
    """The least of the terms, ignoring unknowns as PostgreSQL's LEAST does (a cap: `least(points, 5)`)."""

    terms: tuple[Expr, ...]

    @property
    def integral(self) -> bool:
        """Whether every term is a whole number type."""
        return all(term.integral for term in self.terms)

    def evaluate(self, figures):
        """The least known term; None when all are unknown."""
        values = [value for term in self.terms if (value := term.evaluate(figures)) is not None]
        return min(values) if values else None

    def compile(self, prefix=""):
        """SQL LEAST of the terms."""
        output = IntegerField() if self.integral else DecimalField()
        return Least(*(term.compile(prefix) for term in self.terms), output_field=output)


def least(*terms) -> Smallest:
    """The least of the terms (numbers allowed): a cap on points."""
    return Smallest(tuple(wrap(term) for term in terms))


def total(*terms) -> Add:
    """The sum of the terms: a sum of points."""
    return Add(tuple(wrap(term) for term in terms))
