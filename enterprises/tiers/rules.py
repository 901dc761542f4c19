"""The shape of a rule set: criteria, scored indicators in blocks, score tables, tier rules, and the rule set.

A rule set is data: each tier's criteria are conditions of the expression algebra, so one definition gives both
the Python evaluation (with figures, thresholds and gaps) and the SQL expression for querysets (`met_expression`).
"""

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Expression
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import LADDER, Tier
from .conditions import ALWAYS, AnyOf, Condition, Flag, all_of, ge, le
from .expressions import Add, Expr, Field, Figure, Figures, Memo
from .measures import Ratio, share_at_least
from .results import (
    BlockResult,
    CriterionResult,
    IndicatorResult,
    ScoreResult,
    Text,
    TierResult,
    at_least,
    at_most,
    gap_message,
    margin_message,
    margin_of,
    margin_unit_of,
)

PERCENT = "%"
WAN = "万元"
YEARS = _("years")
MONTHS = _("months")
ITEMS = _("items")
POINTS = _("points")
YES = _("yes")


@dataclass(frozen=True)
class Criterion:
    """A condition a tier needs, with what to show: its figure, threshold text and unit, and its parts.

    `limit`: where the condition is the figure against one number, that number (`upper`: the figure must not
    exceed it), from which the result gives the margin; the condition alone decides pass or fail.
    """

    code: str
    label: Text
    condition: Condition
    threshold: Text
    figure: Figure | None = None
    unit: Text = ""
    parts: tuple["Criterion", ...] = ()
    limit: Decimal | int | None = None
    upper: bool = False

    def result(self, figures: Figures) -> CriterionResult:
        """The criterion on the figures, with its margin where it has a limit."""
        passed = self.condition.evaluate(figures)
        value = self.figure.figure(figures) if self.figure is not None else None
        parts = tuple(part.result(figures) for part in self.parts)
        gap = "" if passed else gap_message(
            self.label, value, self.unit, self.threshold, has_figure=self.figure is not None, parts=parts,
        )
        margin, margin_unit = None, ""
        if self.limit is not None and self.figure is not None:
            margin = margin_of(self.figure.precise(figures), self.limit, upper=self.upper, passed=passed)
            margin_unit = margin_unit_of(self.unit)
        return CriterionResult(
            self.code, self.label, value, self.unit, self.threshold, passed, gap, parts, self.limit, self.upper,
            margin, margin_unit if margin is not None else "",
            margin_message(margin, margin_unit, upper=self.upper),
        )


def minimum(code: str, label: Text, name: str, value, unit: Text = "") -> Criterion:
    """The figure `name` is at least `value`."""
    return Criterion(code, label, ge(Field(name), value), at_least(value, unit), Field(name), unit, limit=value)


def maximum(code: str, label: Text, name: str, value, unit: Text = "") -> Criterion:
    """The figure `name` is at most `value`."""
    return Criterion(code, label, le(Field(name), value), at_most(value, unit), Field(name), unit, limit=value,
                     upper=True)


def share_minimum(code: str, label: Text, part: str, whole: str, percent) -> Criterion:
    """part / whole is at least `percent` (by cross-multiplication; the figure is the ratio for display)."""
    condition = share_at_least(Field(part), Field(whole), percent)
    return Criterion(code, label, condition, at_least(percent, PERCENT), Ratio(Field(part), Field(whole)), PERCENT,
                     limit=percent)


def niche_minimum(years: int) -> Criterion:
    """Time in the niche market is at least `years` whole years, counted in months (23 months is not 2 years)."""
    months = years * 12
    threshold = format_lazy(_("≥ {months} months ({years} years)"), months=months, years=years)
    return Criterion("niche_months", _("Time in the niche market"), ge(Field("niche_months"), months), threshold,
                     Field("niche_months"), MONTHS, limit=months)


def required_flag(code: str, label: Text, name: str) -> Criterion:
    """The yes/no figure `name` is yes."""
    return Criterion(code, label, Flag(name), YES, Flag(name))


@dataclass(frozen=True)
class Indicator:
    """A scored indicator: its points expression (bands), maximum points, and the figure it reads."""

    code: str
    label: Text
    points: Expr
    maximum: int
    figure: Figure | None = None
    unit: Text = ""

    def result(self, figures: Figures) -> IndicatorResult:
        """The indicator's points on the figures."""
        value = self.figure.figure(figures) if self.figure is not None else None
        return IndicatorResult(self.code, self.label, value, self.unit, self.points.evaluate(figures), self.maximum)


@dataclass(frozen=True)
class Block:
    """A block of indicators (创新能力, 成长性, ...), with the minimum points a tier may require of it."""

    code: str
    label: Text
    indicators: tuple[Indicator, ...]
    minimum: int | None = None

    @property
    def points(self) -> Expr:
        """The block's points: the sum of its indicators."""
        return Add(tuple(indicator.points for indicator in self.indicators))

    @property
    def maximum(self) -> int:
        """The most points the block can give."""
        return sum(indicator.maximum for indicator in self.indicators)

    def passes(self) -> Condition:
        """The block reaches its minimum (always, when it has none)."""
        return ALWAYS if self.minimum is None else ge(self.points, self.minimum)

    def result(self, figures: Figures) -> BlockResult:
        """The block on the figures."""
        indicators = tuple(indicator.result(figures) for indicator in self.indicators)
        points = sum(indicator.points for indicator in indicators)
        passed = self.minimum is None or points >= self.minimum
        return BlockResult(self.code, self.label, points, self.maximum, self.minimum, passed, indicators)


@dataclass(frozen=True)
class ScoreTable:
    """A score table: blocks of indicators and the total a tier needs (with any block minimums)."""

    code: str
    blocks: tuple[Block, ...]
    pass_mark: int

    @property
    def total(self) -> Expr:
        """The total points."""
        return Add(tuple(block.points for block in self.blocks))

    @property
    def maximum(self) -> int:
        """The most points the table can give."""
        return sum(block.maximum for block in self.blocks)

    def passes(self) -> Condition:
        """The total reaches the pass mark and every block its minimum."""
        return all_of(ge(self.total, self.pass_mark), *(block.passes() for block in self.blocks if block.minimum))

    def threshold(self) -> Text:
        """The requirement as text: "≥ 60 points (创新能力 ≥ 20, ...)"."""
        text = at_least(self.pass_mark, POINTS)
        minimums = [
            format_lazy("{} {}", block.label, at_least(block.minimum)) for block in self.blocks if block.minimum
        ]
        if minimums:
            text = format_lazy("{} ({})", text, format_lazy(", ".join(["{}"] * len(minimums)), *minimums))
        return text

    def result(self, figures: Figures) -> ScoreResult:
        """The table on the figures."""
        blocks = tuple(block.result(figures) for block in self.blocks)
        total = sum(block.points for block in blocks)
        passed = total >= self.pass_mark and all(block.passed for block in blocks)
        return ScoreResult(total, self.maximum, self.pass_mark, passed, blocks)


def score_criterion(code: str, label: Text, table: ScoreTable, direct: tuple[Criterion, ...] = ()) -> Criterion:
    """The score passes, or (where the tier has them) one direct-qualification condition holds."""
    threshold = table.threshold()
    condition = table.passes()
    if direct:
        threshold = format_lazy(_("{score}, or one direct qualification"), score=threshold)
        condition = condition | AnyOf(tuple(criterion.condition for criterion in direct))
    # A margin of points only where the pass mark alone decides (no block minimums, no direct qualification).
    simple = not direct and not any(block.minimum for block in table.blocks)
    return Criterion(code, label, condition, threshold, table.total, POINTS,
                     limit=table.pass_mark if simple else None)


@dataclass(frozen=True)
class TierRule:
    """A tier's rule: criteria that must all hold; its direct conditions and score table, shown for detail."""

    tier: Tier
    criteria: tuple[Criterion, ...]
    direct: tuple[Criterion, ...] = ()
    score: ScoreTable | None = None

    @property
    def name(self) -> Text:
        """The tier's one name (its label: the same under every rule set, docs/screens-assessment.md)."""
        return Tier(self.tier).label

    @property
    def condition(self) -> Condition:
        """Every criterion holds."""
        return all_of(*(criterion.condition for criterion in self.criteria))

    def result(self, figures: Figures, *, below_held: bool) -> TierResult:
        """The tier on the figures; obtainable when met and the tier below is held (`below_held`)."""
        criteria = tuple(criterion.result(figures) for criterion in self.criteria)
        met = all(criterion.passed for criterion in criteria)
        direct = tuple(criterion.result(figures) for criterion in self.direct)
        score = self.score.result(figures) if self.score else None
        return TierResult(self.tier, self.name, met, met and below_held, criteria, direct, score)


def normalise_held(held: Collection[str]) -> tuple[Tier, ...]:
    """The held tiers as Tier members in ladder order (then others); ValueError for an unknown code."""
    try:
        tiers = {Tier(code) for code in held}
    except ValueError as error:
        raise ValueError(f"Unknown tier in held: {error}") from None
    return tuple(tier for tier in Tier if tier in tiers)


def held_rungs(held: Collection[str]) -> set[Tier]:
    """Ladder tiers held for the ladder's purpose: every rung at or below the highest held one."""
    indexes = [LADDER.index(tier) for tier in normalise_held(held) if tier in LADDER]
    return set(LADDER[: max(indexes) + 1]) if indexes else set()


@dataclass(frozen=True)
class RuleSet:
    """A versioned set of tier rules ("2022", "2026"), applying to filings from `first_filing_year` on."""

    code: str
    name: Text
    first_filing_year: int
    rules: tuple[TierRule, ...] = ()

    def rule(self, tier: str) -> TierRule:
        """The rule of a ladder tier; ValueError for a tier the rule set does not assess (单项冠军)."""
        for rule in self.rules:
            if rule.tier == tier:
                return rule
        raise ValueError(f"Rule set {self.code} has no criteria for tier {str(tier)!r}.")

    def evaluate(self, figures: Figures, held: Collection[str] = ()) -> dict[Tier, TierResult]:
        """Every ladder tier on the figures, in ladder order; `held` decides what is obtainable now."""
        rungs = held_rungs(held)
        figures = Memo(figures)
        results = {}
        for rule in self.rules:
            index = LADDER.index(rule.tier)
            results[rule.tier] = rule.result(figures, below_held=index == 0 or LADDER[index - 1] in rungs)
        return results

    def met_expression(self, tier: str, prefix: str = "") -> Expression:
        """A boolean ORM expression, TRUE exactly when `evaluate` says the tier's criteria are met.

        `prefix` reaches the filing's fields through a relation, e.g. "filing__" with a FilteredRelation.
        """
        return self.rule(tier).condition.compile(prefix)
