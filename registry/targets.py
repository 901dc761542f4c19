"""Plan targets' arithmetic: amounts converted between 万元 and 亿元 (the one place that does), whether an actual
figure meets a goal (on exact values, under the target's comparison), whether a target is met (`target_met`: the
one status rule the report, its export and the dashboard read), and the comparison a target's wording states."""

import re
from decimal import Decimal

from django.utils.translation import pgettext_lazy

from .choices import Comparison, TargetMetric, TargetUnit

RECORD_UNIT = TargetUnit.YUAN_10K  # the registry's money (filings' figures) is in 万元
IN_10K = {TargetUnit.YUAN_10K: Decimal(1), TargetUnit.YUAN_100M: Decimal(10000)}  # 万元 in one unit

# The measure word of a counted target, as the plan words it (docs/screens-copy.md): 家 for enterprises and for labs
# and innovation centres (校企联合实验室和企业技术创新中心10家), 个 for platforms, projects and parks.
MEASURE_WORDS = {
    TargetMetric.ENTERPRISES_OVER_REVENUE: pgettext_lazy("measure word", "enterprises"),
    TargetMetric.LABS: pgettext_lazy("measure word", "labs and centres"),
}
ITEMS = pgettext_lazy("measure word", "items")

GREATER_WORDS = re.compile(r"超过|突破|更多|多于|高于|大于")


def amount_convert(amount: Decimal, *, source: str = RECORD_UNIT, target: str) -> Decimal:
    """An amount in `source` money unit expressed in `target` money unit, exactly (no rounding); counts pass."""
    if source == target or target not in IN_10K:
        return Decimal(amount)
    return Decimal(amount) * IN_10K[source] / IN_10K[target]


def unit_name(*, unit: str, metric: str) -> str:
    """The name of a target's unit as pages and reports show it: the money unit (亿元, 万元), or for a count the
    measure word the plan uses for what is counted (家 or 个)."""
    if unit == TargetUnit.COUNT:
        return str(MEASURE_WORDS.get(metric, ITEMS))
    return str(TargetUnit(unit).label)


def goal_met(*, actual: Decimal, goal: Decimal, comparison: str) -> bool:
    """Whether an exact actual figure meets the goal: strictly above it (greater than) or at it or above."""
    if comparison == Comparison.GREATER:
        return actual > goal
    return actual >= goal


def target_met(*, actual: Decimal | None, goal: Decimal, comparison: str, missing=()) -> bool | None:
    """Whether a target is met: its exact actual meets the goal and no category it requires is missing (the
    platforms target needs a platform in each of the plan's five domains); None where the actual is hidden."""
    if actual is None:
        return None
    return goal_met(actual=actual, goal=goal, comparison=comparison) and not missing


def comparison_from_wording(*, title: str, metric: str) -> str:
    """The comparison a target's wording states: greater than for 超过 / 突破 / 更多 (and 多于, 高于, 大于) governing
    the goal, else at least (达到, 不少于, 以上, or a bare number). A target counting enterprises over a revenue
    threshold words the threshold with 超过 (营收超过50亿元的企业): its count goal is reached at the number named."""
    if metric == TargetMetric.ENTERPRISES_OVER_REVENUE:
        return Comparison.AT_LEAST
    return Comparison.GREATER if GREATER_WORDS.search(title) else Comparison.AT_LEAST
