"""Reads of the filing review screen: the queue of submitted filings a reviewer may review, a filing's figures beside
the previous year's approved filing, the ratios the tier rules read, and the assessment of the filing's figures.

Every read goes through `restrict(user, action)`: the queue through REVIEW, the previous year's filing and the held
tiers through VIEW (docs/screens-review.md).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, DecimalField, IntegerField, PositiveIntegerField, PositiveSmallIntegerField
from django.utils.translation import gettext_lazy as _

from access.scoping import REVIEW, VIEW
from config.amounts import money_display
from config.rounding import half_up

from .choices import FilingStatus
from .models import AnnualFiling, TierDesignation
from .selectors import tier_reference_date
from .tiers import assess, rule_set_for
from .tiers.measures import CompoundGrowth, Growth, MeanGrowth, Ratio
from .tiers.results import show

# The display figures of the tier engine that are ratios or growth rates (in %), shown on the review screen.
RATIO_FIGURES = (Ratio, Growth, MeanGrowth, CompoundGrowth)


def review_queue(*, user, year: int | None = None, park=None):
    """The submitted filings the user may review, oldest submission first, with what the queue shows."""
    filings = (AnnualFiling.objects.restrict(user, REVIEW).filter(status=FilingStatus.SUBMITTED)
               .select_related("enterprise", "park", "submitted_by").order_by("submitted_at", "pk"))
    if year is not None:
        filings = filings.filter(year=year)
    if park is not None:
        filings = filings.filter(park=park)
    return filings


def review_count(*, user) -> int:
    """How many submitted filings await the user's review (the navigation's count)."""
    return review_queue(user=user).count()


def review_years(*, user) -> list[int]:
    """The years of the filings in the user's queue, newest first (the queue's year filter)."""
    return sorted(set(review_queue(user=user).order_by().values_list("year", flat=True).distinct()), reverse=True)


def previous_approved(*, filing: AnnualFiling, user) -> AnnualFiling | None:
    """The enterprise's approved filing of the year before the filing's, if the user may see it."""
    return (AnnualFiling.objects.current().filter(enterprise_id=filing.enterprise_id, year=filing.year - 1)
            .restrict(user, VIEW).first())


def amount_text(value) -> str:
    """An amount in 万元 for the reviewer's comparison, by the one money rule (config.amounts, in the page's
    language); a dash for none."""
    return money_display(value) if value is not None else "—"


@dataclass(frozen=True)
class Comparison:
    """One figure of a filing beside the previous year's: the values shown, the change and the change in percent."""

    name: str
    label: str
    current: str
    previous: str
    change: str = ""
    change_percent: str = ""
    direction: str = ""  # "up", "down" or "" (none, or not a number)
    numeric: bool = True  # a number (compared) rather than a yes/no or a choice


def _signed(value: Decimal, unit: str = "") -> str:
    """A change with its sign: "+1,200.00万元", "-3.50"."""
    return f"{'+' if value > 0 else ''}{value:,}{unit}"


def _compare_numbers(current, previous, *, money: bool, points: bool = False):
    """(change, change in percent, direction) of two numbers; empty where either is unknown."""
    if current is None or previous is None:
        return "", "", ""
    delta = Decimal(current) - Decimal(previous)
    direction = "up" if delta > 0 else "down" if delta < 0 else ""
    if money:
        change = amount_text(delta)
        change = change if delta <= 0 else f"+{change}"
    else:
        change = _signed(half_up(delta) if points or delta != delta.to_integral() else delta)
    percent = _signed(half_up(delta * 100 / Decimal(previous)), "%") if previous and not points else ""
    return change, percent, direction


def _shown(field, value) -> str:
    """A figure as the review screen prints it."""
    if value is None:
        return "—"
    if isinstance(field, BooleanField):
        return str(_("yes") if value else _("no"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, DecimalField) and field.max_digits == 14:  # money (万元)
        return amount_text(value)
    if isinstance(field, DecimalField):
        return f"{half_up(value)}%"
    return f"{value:,}"


NUMBER_FIELDS = (DecimalField, IntegerField, PositiveIntegerField, PositiveSmallIntegerField)


def figure_comparison(*, filing: AnnualFiling, previous: AnnualFiling | None) -> list[Comparison]:
    """Every figure of the filing beside the previous year's approved filing (numbers with their change)."""
    rows = []
    for name in AnnualFiling.figure_names():
        field = AnnualFiling._meta.get_field(name)
        current, before = getattr(filing, name), getattr(previous, name) if previous else None
        change = ("", "", "")
        numeric = isinstance(field, NUMBER_FIELDS) and not field.choices
        if numeric and previous is not None:
            money = isinstance(field, DecimalField) and field.max_digits == 14
            change = _compare_numbers(current, before, money=money,
                                      points=isinstance(field, DecimalField) and not money)
        rows.append(Comparison(name, str(field.verbose_name), _shown(field, current),
                               _shown(field, before) if previous else "—", *change, numeric=numeric))
    return rows


def rule_set_ratios(rule_set) -> list[tuple]:
    """The ratios and growth rates a rule set's criteria and score indicators read, each once, with the label of
    the first criterion or indicator that reads it: (label, display figure)."""
    found = []

    def visit(label, figure):
        if isinstance(figure, RATIO_FIGURES) and all(figure != seen for _label, seen in found):
            found.append((label, figure))

    def criteria(items):
        for criterion in items:
            visit(criterion.label, criterion.figure)
            criteria(criterion.parts)

    for rule in rule_set.rules:
        criteria(rule.criteria)
        criteria(rule.direct)
        for block in rule.score.blocks if rule.score else ():
            for indicator in block.indicators:
                visit(indicator.label, indicator.figure)
    return found


@dataclass(frozen=True)
class RatioRow:
    """A ratio the tier rules read, on the filing and on the previous year's approved filing, in %."""

    label: str
    current: Decimal | None
    previous: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """The change in percentage points (None where either is unknown)."""
        return None if self.current is None or self.previous is None else self.current - self.previous


def ratio_comparison(*, filing: AnnualFiling, previous: AnnualFiling | None, rule_set) -> list[RatioRow]:
    """The ratios of the filing's rule set on its figures and on the previous year's approved filing's."""
    now, before = filing.figures(), previous.figures() if previous else None
    return [RatioRow(str(label), figure.figure(now), figure.figure(before) if before else None)
            for label, figure in rule_set_ratios(rule_set)]


def filing_assessment(*, filing: AnnualFiling, user):
    """The enterprise's tiers on this filing's figures under the rule set of the filing's year, with the tiers it
    holds on the year's reference date among the designations the user may see."""
    held = set(TierDesignation.objects.held_on(tier_reference_date(filing.year))
               .filter(enterprise_id=filing.enterprise_id).restrict(user, VIEW).values_list("tier", flat=True))
    return assess(figures=filing.figures(), held=held, year=filing.year, rule_set=rule_set_for(filing.year))


@dataclass(frozen=True)
class CriterionRow:
    """A criterion of a tier as the review screen prints it."""

    label: str
    figure: str
    threshold: str
    passed: bool


def assessment_rows(assessment) -> list[tuple]:
    """Each tier of an assessment with its state (held, met, not met) and its criteria printed: (tier, rows)."""
    return [(tier, [CriterionRow(str(c.label), "—" if c.figure is None else str(show(c.figure, c.unit)),
                                 str(c.threshold), c.passed) for c in tier.criteria])
            for tier in assessment.tiers]
