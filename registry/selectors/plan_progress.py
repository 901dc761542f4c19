"""Plan progress: each target's goal, the actual figure from the records, the share met and the records behind it.

What each metric counts (the records behind the figure are exactly the rows the figure is computed from):
- industry scale: the digital-human revenue of the year's approved filings (summed in 万元, converted exactly to
  the target's unit by registry.targets); for a user who sees every filing, the count and sum are read from the
  totals kept per year (registry.FilingTotal), equal to summing the filings;
- enterprises over a revenue threshold: approved filings of the year whose revenue is above the threshold;
- labs / platforms: in operation on the date (`config.as_of`: established / launched by then, or with no date
  recorded, and active, or closed after the date); the platforms target is met only with a platform in each of
  the five domains the plan names;
- benchmark projects: selected or accepted by the date (or with no date of selection recorded), of the year or
  before;
  for a user who sees every lab, platform and project, these three are counted per category from the changes kept
  per day (registry.InOperationChange), equal to counting the records;
- featured parks: parks recognised as featured by the date (or with no date recorded).
What was true on the date is read from the records' dates alone, never from their status of today.
Every record set is scoped to what the user may see, so a park administrator's progress covers their parks.
"Met" compares the exact actual with the goal under the target's comparison (greater than, or at least); the
figures are rounded (half up) only where they are shown.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from access.scoping import VIEW, sees_all
from config.as_of import as_of
from enterprises.models import AnnualFiling
from enterprises.selectors import percent
from parks.models import Park

from ..choices import LabKind, PlatformDomain, ProjectField, TargetMetric
from ..models import BenchmarkProject, InOperationChange, Lab, PlanTarget, Platform
from ..targets import RECORD_UNIT, amount_convert, target_met
from .cells import hide_small_cells
from .totals import filing_totals

INLINE_RECORDS = 50  # records listed in the report row; the drill-down lists all of them


@dataclass(frozen=True)
class Metric:
    """How a target's metric is measured: its records, what is summed (None: counted), how a record reads."""

    kind: str
    records: Callable[[int, datetime.date], models.QuerySet]  # (year, date) -> the records, unscoped
    name: str  # the field (path) of a record's name
    summed: str | None = None  # money field (万元) summed over the records
    figure: str | None = None  # field shown beside each record
    over_threshold: bool = False  # only the records whose figure is above the target's threshold count
    breakdown: str | None = None
    choices: type[models.TextChoices] | None = None
    every_category: bool = False  # met only with at least one record in every category of the breakdown


def _filings(year: int):
    return AnnualFiling.objects.current().filter(year=year)


def labs_in_operation(*, on: datetime.date):
    """Labs and innovation centres in operation on a date (established by then, or with no date recorded)."""
    return as_of(Lab.objects.all(), on=on)


def platforms_in_operation(*, on: datetime.date):
    """Common technology platforms in operation on a date (launched by then, or with no date recorded)."""
    return as_of(Platform.objects.all(), on=on)


def benchmark_projects_selected(*, year: int, on: datetime.date):
    """Benchmark projects of the year or before, selected or accepted on a date."""
    return as_of(BenchmarkProject.objects.filter(year__lte=year), on=on)


def parks_featured(*, on: datetime.date):
    """Parks recognised as featured on a date."""
    return as_of(Park.objects.all(), on=on)


METRICS: dict[str, Metric] = {
    TargetMetric.INDUSTRY_SCALE: Metric(
        kind="filing", records=lambda year, on: _filings(year).filter(digital_human_revenue__gt=0),
        name="enterprise__name", summed="digital_human_revenue", figure="digital_human_revenue",
    ),
    TargetMetric.ENTERPRISES_OVER_REVENUE: Metric(
        kind="filing", records=lambda year, on: _filings(year), name="enterprise__name", figure="revenue",
        over_threshold=True,
    ),
    TargetMetric.LABS: Metric(
        kind="lab", records=lambda year, on: labs_in_operation(on=on), name="name", breakdown="kind",
        choices=LabKind,
    ),
    TargetMetric.PLATFORMS: Metric(
        kind="platform", records=lambda year, on: platforms_in_operation(on=on), name="name", breakdown="domain",
        choices=PlatformDomain, every_category=True,
    ),
    TargetMetric.BENCHMARK_PROJECTS: Metric(
        kind="benchmark_project", records=lambda year, on: benchmark_projects_selected(year=year, on=on),
        name="name", breakdown="field", choices=ProjectField,
    ),
    TargetMetric.FEATURED_PARKS: Metric(
        kind="park", records=lambda year, on: parks_featured(on=on), name="name",
    ),
}


@dataclass
class Progress:
    """One target's progress: the exact actual figure in the target's unit, the records counted, the share met."""

    target: PlanTarget
    actual: Decimal | None
    counted: int
    records: list[dict] = field(default_factory=list)
    breakdown: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def share(self) -> Decimal | None:
        """The actual as a percentage of the goal, two decimals (None where the actual is hidden)."""
        if self.actual is None:
            return None
        return percent(self.actual, self.target.goal)

    @property
    def met(self) -> bool | None:
        """Whether the target is met (`registry.targets.target_met`: the goal's lower end reached under the
        target's comparison, and no required category missing); None where the actual is hidden."""
        return target_met(actual=self.actual, goal=self.target.goal, comparison=self.target.comparison,
                          missing=self.required_missing)

    @property
    def required_missing(self) -> list[str]:
        """The categories without a record that the target requires (empty unless its metric needs every one)."""
        return self.missing if METRICS[self.target.metric].every_category else []


def _records(*, metric: Metric, year: int, on: datetime.date, user, above: Decimal | None = None):
    """A metric's records for a year and date among those the user may see (with a figure above `above`, where
    given), largest figure first."""
    records = metric.records(year, on).restrict(user, VIEW)
    if above is not None:
        records = records.filter(**{f"{metric.figure}__gt": above})
    return records.order_by(*([f"-{metric.figure}", "pk"] if metric.figure else ["pk"]))


def _row_fields(metric: Metric) -> tuple[str, ...]:
    """What a record behind a figure is read as: its id, its name and its figure, where one is shown."""
    return ("pk", metric.name, metric.figure) if metric.figure else ("pk", metric.name)


def target_records(*, target: PlanTarget, year: int, on: datetime.date, user) -> models.QuerySet:
    """The records behind a target's figure for a year and date, among those the user may see, largest figure
    first, as (id, name[, figure]) rows (`record_row` reads them)."""
    metric = METRICS[target.metric]
    above = target.threshold if metric.over_threshold else None
    return _records(metric=metric, year=year, on=on, user=user, above=above).values_list(*_row_fields(metric))


def record_row(*, metric: Metric, record) -> dict:
    """A record behind a figure (a row of `target_records`) as a report row: its kind, id, name, and figure with
    its unit (万元), where one is shown."""
    return {"kind": metric.kind, "id": record[0], "name": record[1],
            "value": record[2] if metric.figure else None, "value_unit": RECORD_UNIT if metric.figure else None}


def _counted_by_category(metric: Metric) -> bool:
    """Whether a metric's figure is its records counted per category (labs, platforms, projects): the count is the
    sum of its breakdown."""
    return bool(metric.breakdown) and not metric.summed


def kept_in_operation(*, user, year: int, on: datetime.date) -> dict[str, dict[str, int]] | None:
    """Per kind of record (lab, platform, benchmark_project), its records in effect on a date per category (projects
    of the year or before), summed from the kept changes (registry.InOperationChange) in one query; None where the
    user does not see every lab, platform and project (their figures are counted from the records they may see)."""
    if not sees_all(user=user, models=[Lab, Platform, BenchmarkProject]):
        return None
    rows = (InOperationChange.objects.filter(Q(year__isnull=True) | Q(year__lte=year),
                                             Q(day__isnull=True) | Q(day__lte=on))
            .order_by().values_list("record", "category").annotate(n=Sum("change")))
    kept: dict[str, dict[str, int]] = {}
    for record, category, count in rows:
        if count:
            kept.setdefault(record, {})[category] = count
    return kept


def _metric_totals(*, metric_key: str, records, thresholds: list, user, year: int,
                   kept: dict | None = None) -> tuple[dict, dict | None]:
    """The count (and sum) of a metric's records, per threshold of its targets (None: the one figure of a metric
    without one), in one query; and the records per category where the metric has a breakdown (counted by
    category: read from `kept`, `kept_in_operation`'s answer, where given)."""
    metric = METRICS[metric_key]
    if _counted_by_category(metric):  # one scan: the records per category, which add up to the count
        if kept is not None:
            counts = kept.get(metric.kind, {})
        else:
            counts = dict(records.order_by().values_list(metric.breakdown).annotate(n=Count("pk")))
        return {None: {"counted": sum(counts.values())}}, counts
    counts = None
    if metric.breakdown:
        counts = dict(records.order_by().values_list(metric.breakdown).annotate(n=Count("pk")))
    if metric_key == TargetMetric.INDUSTRY_SCALE and (kept := filing_totals(user=user, year=year)) is not None:
        return {None: kept.aggregate(counted=Coalesce(Sum("digital_human_filings"), 0),
                                     summed=Sum("digital_human_revenue"))}, counts
    if metric.over_threshold:  # the records above the lowest threshold, counted above each one
        figures = records.order_by().aggregate(**{f"over_{index}": Count("pk", filter=Q(**{
            f"{metric.figure}__gt": threshold})) for index, threshold in enumerate(thresholds)})
        return {threshold: {"counted": figures[f"over_{index}"]} for index, threshold in enumerate(thresholds)}, counts
    return {None: records.order_by().aggregate(
        counted=Count("pk"), **({"summed": Sum(metric.summed)} if metric.summed else {}))}, counts


def _metric_progress(*, metric_key: str, targets: list[PlanTarget], year: int, on: datetime.date,
                     user, kept: dict | None = None) -> list[Progress]:
    """The progress of every target of one metric: one count (a target over a threshold: one count of each
    threshold) and one read of the first records, whatever the number of targets.

    The records above a higher threshold are the first of those above the lowest one (both are read largest
    figure first), so each target's first records are the lowest threshold's first records above its own."""
    metric = METRICS[metric_key]
    thresholds = sorted({target.threshold for target in targets}) if metric.over_threshold else [None]
    records = _records(metric=metric, year=year, on=on, user=user, above=thresholds[0])
    totals, counts = _metric_totals(metric_key=metric_key, records=records, thresholds=thresholds, user=user,
                                    year=year, kept=kept)
    first = list(records.values_list(*_row_fields(metric))[:INLINE_RECORDS])
    rows = []
    for target in targets:
        threshold = target.threshold if metric.over_threshold else None
        figures = totals[threshold]
        if metric.summed:
            actual = amount_convert(figures["summed"] or Decimal(0), source=RECORD_UNIT, target=target.unit)
        else:
            actual = Decimal(figures["counted"])
        progress = Progress(target=target, actual=actual, counted=figures["counted"])
        progress.records = [record_row(metric=metric, record=record) for record in first
                            if threshold is None or record[2] > threshold]
        if counts is not None:
            progress.breakdown = [{"key": key, "name": str(label), "count": counts.get(key, 0)}
                                  for key, label in metric.choices.choices]
            progress.missing = [item["name"] for item in progress.breakdown if not item["count"]]
        rows.append(progress)
    return rows


def plan_progress(*, user, year: int, on: datetime.date, plan: str | None = None) -> list[Progress]:
    """Every target's progress (of one plan, if named) for a year and as of a date, scoped to the user; money
    figures over fewer than SMALL_CELL_MIN records are hidden from users outside the bureau. The targets of one
    metric share its reads (`_metric_progress`); the metrics counted by category share one read of the kept
    changes, where the user sees every record (`kept_in_operation`)."""
    targets = PlanTarget.objects.restrict(user, VIEW)
    if plan:
        targets = targets.filter(plan=plan)
    targets = list(targets)
    by_metric: dict[str, list[PlanTarget]] = {}
    for target in targets:
        by_metric.setdefault(target.metric, []).append(target)
    kept = kept_in_operation(user=user, year=year, on=on) \
        if any(_counted_by_category(METRICS[metric_key]) for metric_key in by_metric) else None
    progress = {row.target.pk: row for metric_key, group in by_metric.items()
                for row in _metric_progress(metric_key=metric_key, targets=group, year=year, on=on, user=user,
                                            kept=kept)}
    rows = [progress[target.pk] for target in targets]
    summed = [row for row in rows if METRICS[row.target.metric].summed]
    hide_small_cells(rows=summed, user=user, count="counted", money=("actual",))
    return rows
