"""What an assessment says: results per criterion, score indicator, block, tier, and the assessment itself.

Frozen dataclasses; `as_dict()` gives JSON-ready values (Decimals as strings, lazy texts as str, tiers as codes).
Texts stay lazy until then, so they come out in the language active when they are shown.
"""

from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal

from django.utils.functional import Promise, lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from config.amounts import YI_IN_10K, money_display
from config.rounding import half_up

from ..choices import Tier

Text = str | Promise
# Units written right after the number ("3%", "1000万元", and any Chinese unit: "420人", "4年"); other units follow
# a space ("4 years"). Decided when the text is shown, in the language then active (docs/screens-copy.md).
TIGHT_UNITS = ("", "%", "万元")
PERCENT_POINTS = _("percentage points")  # a margin of a criterion in %
SMALLEST = Decimal("0.01")  # the least shortfall a margin shows


def _with_unit(value, unit) -> str:
    unit = str(unit)
    tight = unit in TIGHT_UNITS or "\u3400" <= unit[:1] <= "\u9fff"
    return f"{value}{unit}" if tight else f"{value} {unit}"


with_unit = lazy(_with_unit, str)


def _join(*texts) -> str:
    """Texts joined by "; " (lazily, through `joined`)."""
    return "; ".join(str(text) for text in texts)


joined = lazy(_join, str)

# The texts of the results, made plain in `as_dict`: a gettext_lazy text is translated once per language and
# message (each translation through Django reads the active language anew: a third of an assessment request went
# there); a text built lazily from other texts (format_lazy, with_unit, joined) by its own function, over its parts
# made plain the same way. Any other lazy text (one may read a setting) is str() as before.
_GETTEXT_LAZY = type(_("text"))
_BUILT = {type(format_lazy("")): lambda format_string, *args, **kwargs: format_string.format(*args, **kwargs),
          type(with_unit("", "")): _with_unit, type(joined()): _join}
_translated: dict[tuple[str | None, str], str] = {}


def _text(value: Promise, language: str | None) -> str:
    """A lazy text in `language` (the active one), as str(value) gives it."""
    kind = type(value)
    if kind is _GETTEXT_LAZY and not value._kw:
        key = (language, value._args[0])
        text = _translated.get(key)
        if text is None:
            if len(_translated) > 10_000:  # messages are the code's own, so this never fills; bounded anyway
                _translated.clear()
            text = _translated[key] = str(value)
        return text
    build = _BUILT.get(kind)
    if build is None:
        return str(value)
    return build(*(_text(arg, language) if isinstance(arg, Promise) else arg for arg in value._args),
                 **{name: _text(arg, language) if isinstance(arg, Promise) else arg
                    for name, arg in value._kw.items()})


_AS_IS = frozenset({str, int, bool, float, type(None)})
_field_names: dict[type, tuple[str, ...]] = {}


def _plain(value, language: str | None):
    """A JSON-ready copy of a result value, its texts in `language` (the active one)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is tuple or kind is list:
        return [_plain(item, language) for item in value]
    if isinstance(value, Promise):
        return _text(value, language)
    if isinstance(value, _Result):
        names = _field_names.get(kind)
        if names is None:
            names = _field_names[kind] = tuple(field.name for field in fields(value))
        return {name: _plain(getattr(value, name), language) for name in names}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Tier):
        return value.value
    if isinstance(value, tuple | list):  # a subclass (the exact types are taken above)
        return [_plain(item, language) for item in value]
    if is_dataclass(value):
        return value.as_dict()
    return value


class _Result:
    """Mixin: `as_dict()` of a frozen dataclass."""

    def as_dict(self) -> dict:
        """The result as JSON-ready values, its texts in the active language."""
        return _plain(self, get_language())


def show(value, unit: Text = "") -> Text:
    """A figure for people: "2.40%", "4 years", "yes"; "unknown" when None."""
    if value is None:
        return _("unknown")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return with_unit(value, unit)


def show_amount(value, unit: Text = "") -> Text:
    """A figure for people, as `show`, with an amount in 万元 of 1亿元 or more shown in 亿元 ("1.20亿元") by the one
    money rule (config.amounts), in the language of the page that shows it."""
    if unit == "万元" and isinstance(value, int | Decimal) and not isinstance(value, bool) \
            and abs(value) >= YI_IN_10K:
        return lazy(money_display, str)(value)
    return show(value, unit)


def margin_of(figure, limit, *, upper: bool, passed: bool):
    """How far a figure is from its threshold: positive when it clears it, negative when it falls short (None when
    either is unknown). An upper limit (≤) counts the other way. Worked out from the unrounded figure and rounded half
    up to two decimals as every figure shown (config.rounding); the rule's exact comparison (`passed`) decides the
    sign: a refused figure never shows a margin of 0 or more (a hair short is -0.01), a passed one never less than 0."""
    if figure is None or limit is None or isinstance(figure, bool):
        return None
    margin = (limit - figure) if upper else (figure - limit)
    if isinstance(margin, int):
        return margin
    margin = half_up(margin)
    if not passed and margin >= 0:
        margin = -SMALLEST
    if passed and margin < 0:  # a display figure inexact at the edge (a root); the exact rule passed it
        margin = Decimal("0.00")
    return margin


def margin_unit_of(unit: Text) -> Text:
    """The unit of a margin: percentage points for a criterion in %, else the criterion's unit."""
    return PERCENT_POINTS if unit == "%" else unit


def margin_message(margin, unit: Text, *, upper: bool) -> Text:
    """A margin in words: "0.60 percentage points short", "300万元 above the threshold", "2 points over the limit"."""
    if margin is None:
        return ""
    if margin == 0:
        return _("exactly at the threshold")
    amount = show_amount(abs(margin), unit)
    if upper:
        return format_lazy(_("{amount} under the limit") if margin > 0 else _("{amount} over the limit"),
                           amount=amount)
    return format_lazy(_("{amount} above the threshold") if margin > 0 else _("{amount} short"), amount=amount)


def at_least(value, unit: Text = "") -> Text:
    """A threshold "≥ value unit"."""
    return format_lazy("≥ {}", show(value, unit))


def at_most(value, unit: Text = "") -> Text:
    """A threshold "≤ value unit"."""
    return format_lazy("≤ {}", show(value, unit))


def gap_message(label: Text, figure, unit: Text, threshold: Text, *, has_figure: bool, parts=()) -> Text:
    """What a failing criterion lacks: "R&D share of revenue 2.40%, needs ≥ 3%"."""
    if has_figure:
        message = format_lazy(
            _("{label} {figure}, needs {threshold}"), label=label, figure=show(figure, unit), threshold=threshold,
        )
    else:
        message = format_lazy(_("{label}: needs {threshold}"), label=label, threshold=threshold)
    failing = [part.gap for part in parts if not part.passed]
    if failing:
        message = format_lazy(_("{message} ({details})"), message=message, details=joined(*failing))
    return message


@dataclass(frozen=True)
class CriterionResult(_Result):
    """One condition of a tier on the figures: the figure, the threshold, pass or fail, and the gap if failed.

    Where the criterion is one figure against one number (`limit`), also the margin: how far the figure clears
    (positive) or misses (negative) it, in `margin_unit`, and the same in words (`margin_text`). A criterion of
    alternatives (revenue or financing), of a choice or a yes/no has no margin (None, "").
    """

    code: str
    label: Text
    figure: Decimal | int | bool | Text | None
    unit: Text
    threshold: Text
    passed: bool
    gap: Text
    parts: tuple["CriterionResult", ...] = ()
    limit: Decimal | int | None = None
    upper: bool = False
    margin: Decimal | int | None = None
    margin_unit: Text = ""
    margin_text: Text = ""

    @property
    def figure_text(self) -> Text:
        """The figure for people, with its unit (amounts of 1亿元 or more in 亿元)."""
        return show_amount(self.figure, self.unit)


@dataclass(frozen=True)
class IndicatorResult(_Result):
    """One scored indicator: the figure it reads and the points it gives."""

    code: str
    label: Text
    figure: Decimal | int | bool | Text | None
    unit: Text
    points: int
    maximum: int


@dataclass(frozen=True)
class BlockResult(_Result):
    """A block of indicators: its points, maximum and minimum (where the tier sets one)."""

    code: str
    label: Text
    points: int
    maximum: int
    minimum: int | None
    passed: bool
    indicators: tuple[IndicatorResult, ...]


@dataclass(frozen=True)
class ScoreResult(_Result):
    """A score table on the figures: total, pass mark, whether it passes (block minimums included), blocks."""

    total: int
    maximum: int
    pass_mark: int
    passed: bool
    blocks: tuple[BlockResult, ...]


@dataclass(frozen=True)
class TierResult(_Result):
    """One tier on the figures: met (every criterion holds), obtainable now (met, and the tier below held)."""

    tier: Tier
    label: Text
    met: bool
    obtainable: bool
    criteria: tuple[CriterionResult, ...]
    direct: tuple[CriterionResult, ...] = ()
    score: ScoreResult | None = None

    @property
    def failing(self) -> tuple[CriterionResult, ...]:
        """The criteria that do not hold."""
        return tuple(criterion for criterion in self.criteria if not criterion.passed)


@dataclass(frozen=True)
class Assessment(_Result):
    """An enterprise's tiers under one rule set: what it meets, what it can obtain now, and what it lacks next."""

    rule_set: str
    rule_set_name: Text
    year: int | None
    held: tuple[Tier, ...]
    tiers: tuple[TierResult, ...]
    highest_met: Tier | None
    highest_obtainable: Tier | None
    next_tier: Tier | None
    gaps: tuple[Text, ...]
    # The reading of 以下 at the SME limits this assessment used (the SME_LIMITS_INCLUDE_BOUNDARY setting).
    sme_limits_include_boundary: bool = True

    def tier(self, tier: str) -> TierResult:
        """The result of one tier."""
        for result in self.tiers:
            if result.tier == tier:
                return result
        raise KeyError(tier)
