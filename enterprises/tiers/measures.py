"""Ratios and growth rates for the tier criteria: conditions by cross-multiplication, and display figures.

A threshold on a ratio is never computed by division, so Python and PostgreSQL agree exactly at the edge:
`a / b * 100 >= t` is `a * 100 >= t * b AND b > 0`. The display figures (`Ratio`, `Growth`, ...) divide, in
Python only, to show "R&D share 2.40%"; they never decide a result.
"""

from dataclasses import dataclass
from decimal import Decimal

from config.rounding import half_up

from .conditions import AllOf, all_of, ge, gt
from .expressions import EXACT, Const, Expr, Figure, Mul, exact

HUNDRED = Decimal(100)


# --- ratios and growth, by cross-multiplication ------------------------------------------------------------


def share_at_least(part: Expr, whole: Expr, percent) -> AllOf:
    """part / whole * 100 >= percent, computed as part * 100 >= percent * whole AND whole > 0."""
    return all_of(ge(part * HUNDRED, exact(percent) * whole), gt(whole, 0))


def growth_at_least(current: Expr, previous: Expr, percent) -> AllOf:
    """(current / previous - 1) * 100 >= percent, as current * 100 >= (100 + percent) * previous AND previous > 0."""
    return all_of(ge(current * HUNDRED, (HUNDRED + exact(percent)) * previous), gt(previous, 0))


def mean_growth_at_least(m0: Expr, m1: Expr, m2: Expr, percent) -> AllOf:
    """Arithmetic mean of two annual growth rates ((m0/m1 - 1) + (m1/m2 - 1)) / 2 * 100 >= percent.

    m0 is the last year, m1 the year before, m2 two years before. Multiplied out by m1 * m2 > 0:
    (m0 * m2 + m1 * m1) * 100 >= (200 + 2 * percent) * m1 * m2 AND m1 > 0 AND m2 > 0.
    """
    factor = 2 * HUNDRED + 2 * exact(percent)
    return all_of(ge((m0 * m2 + m1 * m1) * HUNDRED, Mul((Const(factor), m1, m2))), gt(m1, 0), gt(m2, 0))


def compound_growth_at_least(current: Expr, base: Expr, percent, years: int) -> AllOf:
    """Compound annual growth over `years` >= percent: current >= (1 + percent/100) ** years * base AND base > 0."""
    factor = EXACT.power(EXACT.divide(HUNDRED + exact(percent), HUNDRED), years)  # 1.05 ** 2 = 1.1025, exactly
    return all_of(ge(current, factor * base), gt(base, 0))


# --- display figures (Python only) -------------------------------------------------------------------------


def _quantized(value: Decimal) -> Decimal:
    """A display value to two decimals, halves rounded up (the reports' one rule, config.rounding)."""
    return half_up(value)


def _rounded(value: Decimal | None) -> Decimal | None:
    """`_quantized`, None staying None."""
    return None if value is None else _quantized(value)


@dataclass(frozen=True)
class Ratio(Figure):
    """part / whole in percent, two decimals (None unless whole > 0)."""

    part: Expr
    whole: Expr

    def precise(self, figures):
        """part / whole in percent, unrounded, or None unless whole > 0."""
        part, whole = self.part.evaluate(figures), self.whole.evaluate(figures)
        if part is None or whole is None or whole <= 0:
            return None
        return exact(part) * HUNDRED / exact(whole)

    def figure(self, figures):
        """part / whole in percent, two decimals, or None unless whole > 0."""
        return _rounded(self.precise(figures))


@dataclass(frozen=True)
class Growth(Figure):
    """Growth from previous to current in percent, two decimals (None unless previous > 0)."""

    current: Expr
    previous: Expr

    def precise(self, figures):
        """The growth in percent, unrounded, or None unless previous > 0."""
        current, previous = self.current.evaluate(figures), self.previous.evaluate(figures)
        if current is None or previous is None or previous <= 0:
            return None
        return (exact(current) / exact(previous) - 1) * HUNDRED

    def figure(self, figures):
        """The growth in percent, two decimals, or None unless previous > 0."""
        return _rounded(self.precise(figures))


@dataclass(frozen=True)
class MeanGrowth(Figure):
    """Arithmetic mean of the two annual growth rates m2 -> m1 -> m0, in percent, two decimals."""

    m0: Expr
    m1: Expr
    m2: Expr

    def precise(self, figures):
        """The mean growth in percent, unrounded, or None unless both earlier years are > 0."""
        values = [self.m0.evaluate(figures), self.m1.evaluate(figures), self.m2.evaluate(figures)]
        if None in values or values[1] <= 0 or values[2] <= 0:
            return None
        m0, m1, m2 = map(exact, values)
        return ((m0 / m1 - 1) + (m1 / m2 - 1)) / 2 * HUNDRED

    def figure(self, figures):
        """The mean growth in percent, two decimals, or None unless both earlier years are > 0."""
        return _rounded(self.precise(figures))


@dataclass(frozen=True)
class CompoundGrowth(Figure):
    """Compound annual growth from base to current over `years`, in percent, two decimals."""

    current: Expr
    base: Expr
    years: int

    def precise(self, figures):
        """The compound growth in percent, unrounded, or None unless base > 0."""
        current, base = self.current.evaluate(figures), self.base.evaluate(figures)
        if current is None or base is None or base <= 0 or current < 0:
            return None
        ratio = exact(current) / exact(base)
        return (ratio ** (Decimal(1) / self.years) - 1) * HUNDRED

    def figure(self, figures):
        """The compound growth in percent, two decimals, or None unless base > 0."""
        return _rounded(self.precise(figures))


@dataclass(frozen=True)
class Quotient(Figure):
    """An expression divided by a number, two decimals (e.g. a two-year average)."""

    expr: Expr
    divisor: int

    def precise(self, figures):
        """The quotient, unrounded, or None when unknown."""
        value = self.expr.evaluate(figures)
        return None if value is None else exact(value) / self.divisor

    def figure(self, figures):
        """The quotient, two decimals, or None when unknown."""
        return _rounded(self.precise(figures))


@dataclass(frozen=True)
class ChoiceLabel(Figure):
    """The label of a choice figure ("Municipal"), None when unknown."""

    name: str
    choices: type

    def figure(self, figures):
        """The choice's label (the raw value if not a choice)."""
        value = figures.get(self.name)
        if value is None:
            return None
        try:
            return self.choices(value).label
        except ValueError:
            return value
