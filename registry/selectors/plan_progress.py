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

from django.core.exceptions import EmptyResultSet
from django.db import connections, models, router
from django.db.models import Q, Sum

from access.compiled import CompiledQuery
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


def _kept_changes_query(*, year: int, on: datetime.date) -> models.QuerySet:
    """The kept changes in operation summed per kind of record and category on a date (projects of the year or
    before): (record, category, n) rows."""
    return (InOperationChange.objects.filter(Q(year__isnull=True) | Q(year__lte=year),
                                             Q(day__isnull=True) | Q(day__lte=on))
            .order_by().values_list("record", "category").annotate(n=Sum("change")))


def kept_changes(*, user, year: int, on: datetime.date) -> models.QuerySet | None:
    """The read of the kept changes in operation (`_kept_changes_query`), or None where the user does not see every
    lab, platform and project (their figures are counted from the records they may see)."""
    if not sees_all(user=user, models=[Lab, Platform, BenchmarkProject]):
        return None
    return _kept_changes_query(year=year, on=on)


def _kept_counts(rows) -> dict[str, dict[str, int]]:
    """(record, category, n) rows of the kept changes as kind of record -> category -> records, zeros left out."""
    kept: dict[str, dict[str, int]] = {}
    for record, category, count in rows:
        if count:
            kept.setdefault(record, {})[category] = count
    return kept


def kept_in_operation(*, user, year: int, on: datetime.date) -> dict[str, dict[str, int]] | None:
    """Per kind of record (lab, platform, benchmark_project), its records in effect on a date per category (projects
    of the year or before), summed from the kept changes (registry.InOperationChange) in one query; None where the
    user does not see every lab, platform and project (their figures are counted from the records they may see)."""
    rows = kept_changes(user=user, year=year, on=on)
    return None if rows is None else _kept_counts(rows)


# The plan's reads (`_reads_sql`) are one statement of parts, each row of it (part, n, key, name, figure): a count or
# a record's id, a category or threshold's index (or a kind of record), a name (or a category), a figure or sum.
_ROW = "NULL::bigint, NULL::text, NULL::text, NULL::numeric"


# The type of each column a part's subquery names (`_subquery_sql`): what an empty one's NULLs are cast to.
_COLUMN_TYPES = {"id": "bigint", "n": "bigint", "figure": "numeric", "category": "text", "name": "text",
                 "record": "text"}


def _subquery_sql(queryset, columns: str) -> tuple[str, tuple]:
    """A queryset's SQL and parameters, its columns named `columns` (an alias list, in the order of its values);
    one that matches nothing (the ORM's EmptyResultSet: a user no role lets see the records) as a query of no rows
    with those columns, each NULL of its column's type (an untyped NULL is text: `figure > threshold` and
    `SUM(figure)` would be refused)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        nothing = ", ".join(f"NULL::{_COLUMN_TYPES[name.strip()]}" for name in columns.split(","))
        sql, params = f"SELECT {nothing} WHERE false", ()
    return f"({sql}) AS s({columns})", tuple(params)


def _metric_parts(*, metric_key: str, thresholds: list, year: int, on: datetime.date, user, kept: bool,
                  inline: int) -> list[tuple[str, tuple]]:
    """The parts (SELECTs of `_ROW`'s shape, without their part number) of one metric's reads: its totals (a count
    and sum; a count above each threshold; or its records per category, unless `kept` read them), then its first
    `inline` records, largest figure first."""
    metric = METRICS[metric_key]
    records = _records(metric=metric, year=year, on=on, user=user, above=thresholds[0])
    unordered = records.order_by()
    parts = []
    if metric.breakdown and not (kept and _counted_by_category(metric)):
        source, params = _subquery_sql(unordered.values_list("pk", metric.breakdown), "id, category")
        parts.append((f"COUNT(*)::bigint, s.category::text, NULL::text, NULL::numeric FROM {source} "
                      f"GROUP BY s.category", params))
    if _counted_by_category(metric):
        pass  # the count is the breakdown's sum
    elif metric_key == TargetMetric.INDUSTRY_SCALE and (totals := filing_totals(user=user, year=year)) is not None:
        source, params = _subquery_sql(totals.order_by().values_list("digital_human_filings",
                                                                     "digital_human_revenue"), "n, figure")
        parts.append((f"COALESCE(SUM(s.n), 0)::bigint, NULL::text, NULL::text, SUM(s.figure)::numeric "
                      f"FROM {source}", params))
    elif metric.over_threshold:  # one row per threshold: its index and the records above it
        source, params = _subquery_sql(unordered.values_list("pk", metric.figure), "id, figure")
        counts = ", ".join(f"COUNT(*) FILTER (WHERE s.figure > %s) AS c{index}" for index in range(len(thresholds)))
        values = ", ".join(f"(c.c{index}, '{index}')" for index in range(len(thresholds)))
        parts.append((f"t.n::bigint, t.k::text, NULL::text, NULL::numeric FROM (SELECT {counts} FROM {source}) AS c "
                      f"CROSS JOIN LATERAL (VALUES {values}) AS t(n, k)", (*thresholds, *params)))
    else:
        source, params = _subquery_sql(unordered.values_list("pk", metric.summed or "pk"), "id, figure")
        summed = "SUM(s.figure)::numeric" if metric.summed else "NULL::numeric"
        parts.append((f"COUNT(*)::bigint, NULL::text, NULL::text, {summed} FROM {source}", params))
    figure = "s.figure::numeric" if metric.figure else "NULL::numeric"
    source, params = _subquery_sql(records.values_list(*_row_fields(metric))[:inline],
                                   "id, name, figure" if metric.figure else "id, name")
    parts.append((f"s.id::bigint, NULL::text, s.name::text, {figure} FROM {source}", params))
    return parts


def _reads_sql(year: int, on: datetime.date, *thresholds, user, shape: tuple) -> tuple[str, tuple]:
    """SQL and parameters of every read of the plan's targets in one statement (UNION ALL of parts, each row led by
    its part's number): the kept changes in operation where `shape` says they are read, then each metric's parts
    (`_metric_parts`). `shape` is ((metric, number of thresholds), ...), whether the kept changes are read, and the
    records listed inline; `thresholds` are the metrics' thresholds in that order, each metric's ascending."""
    metrics, kept, inline = shape
    parts = []
    if kept:
        source, params = _subquery_sql(kept_changes(user=user, year=year, on=on), "record, category, n")
        parts.append((f"s.n::bigint, s.record::text, s.category::text, NULL::numeric FROM {source}", params))
    remaining = list(thresholds)
    for metric_key, count in metrics:
        own, remaining = (remaining[:count], remaining[count:]) if count else ([None], remaining)
        parts.extend(_metric_parts(metric_key=metric_key, thresholds=own, year=year, on=on, user=user, kept=kept,
                                   inline=inline))
    sql = " UNION ALL ".join(f"(SELECT {index} AS part, {select})" for index, (select, _) in enumerate(parts))
    return sql, tuple(param for _, params in parts for param in params)


# The bureau's statement compiled once per process and shape (access.compiled): a year, a date and thresholds no
# target has stand for the request's (the year within a small integer's range: the ORM compiles a lookup of a value
# outside its field's range to no condition or none at all).
_YEAR, _ON = 32_101, datetime.date(1, 1, 5)
_compiled_reads: dict[int, CompiledQuery] = {}


def _compiled(count: int) -> CompiledQuery:
    """The plan's one statement compiled for `count` thresholds in all (negative ones, two decimals, as stored)."""
    if count not in _compiled_reads:
        sentinels = (_YEAR, _ON, *(-Decimal(index) - Decimal("0.01") for index in range(1, count + 1)))
        _compiled_reads[count] = CompiledQuery(_reads_sql, sentinels=sentinels)
    return _compiled_reads[count]


def _sees_every_record(user) -> bool:
    """Whether the user sees every record any metric reads (the bureau): their statement does not depend on them."""
    return sees_all(user=user, models=[AnnualFiling, Lab, Platform, BenchmarkProject, Park])


def _read_parts(*, user, year: int, on: datetime.date, shape: tuple, thresholds: list) -> list[list[tuple]]:
    """The rows of each part of the plan's one statement (`_reads_sql`), in its parts' order; records listed in
    their order (largest figure first, then by id)."""
    using = router.db_for_read(PlanTarget)
    if _sees_every_record(user):
        sql, params = _compiled(len(thresholds)).sql(year, on, *thresholds, using=using, key=shape, user=user,
                                                     shape=shape)
    else:
        sql, params = _reads_sql(year, on, *thresholds, user=user, shape=shape)
    parts: list[list[tuple]] = []
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        for part, *row in cursor.fetchall():
            while len(parts) <= part:
                parts.append([])
            parts[part].append(tuple(row))
    return parts


def _in_order(rows: list[tuple], *, figure: bool) -> list[tuple]:
    """A records part's rows as `target_records` orders them: largest figure first (none first), then by id."""
    if not figure:
        return sorted(rows, key=lambda row: row[0])
    return sorted(rows, key=lambda row: (row[3] is not None, -(row[3] or 0), row[0]))


def _progress(*, metric_key: str, targets: list[PlanTarget], thresholds: list, parts: list,
              kept: dict | None) -> list[Progress]:
    """The progress of every target of one metric from its parts' rows (`_metric_parts`, in their order; `kept`:
    the kept changes' counts, where read).

    The records above a higher threshold are the first of those above the lowest one (both are read largest
    figure first), so each target's first records are the lowest threshold's first records above its own."""
    metric = METRICS[metric_key]
    parts = list(parts)
    counts = None
    if metric.breakdown:
        counts = kept.get(metric.kind, {}) if kept is not None and _counted_by_category(metric) else \
            {category: n for n, category, _name, _figure in parts.pop(0)}
    if _counted_by_category(metric):
        totals = {None: {"counted": sum(counts.values())}}
    elif metric.over_threshold:
        by_index = {int(key): n for n, key, _name, _figure in parts.pop(0)}
        totals = {threshold: {"counted": by_index[index]} for index, threshold in enumerate(thresholds)}
    else:
        ((counted, _key, _name, summed),) = parts.pop(0)
        totals = {None: {"counted": counted, "summed": summed}}
    first = [(pk, name, figure) if metric.figure else (pk, name)
             for pk, _key, name, figure in _in_order(parts.pop(0), figure=bool(metric.figure))]
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


def _parts_count(shape: tuple) -> int:
    """How many parts the plan's statement of this shape has (`_reads_sql`)."""
    metrics, kept, _inline = shape
    return kept + sum(_parts_of(metric_key=metric_key, kept=kept) for metric_key, _count in metrics)


def _parts_of(*, metric_key: str, kept: bool) -> int:
    """How many parts of the statement one metric's reads are (`_metric_parts`)."""
    metric = METRICS[metric_key]
    return 1 + (not _counted_by_category(metric)) + bool(metric.breakdown and not (kept and
                                                                                   _counted_by_category(metric)))


def plan_progress(*, user, year: int, on: datetime.date, plan: str | None = None) -> list[Progress]:
    """Every target's progress (of one plan, if named) for a year and as of a date, scoped to the user; money
    figures over fewer than SMALL_CELL_MIN records are hidden from users outside the bureau. Every figure and first
    record of every metric is read by one statement (`_reads_sql`; the bureau's compiled once per process and
    shape); the targets of one metric share its parts, and the metrics counted by category share one read of the
    kept changes, where the user sees every record (`kept_changes`)."""
    targets = PlanTarget.objects.restrict(user, VIEW)
    if plan:
        targets = targets.filter(plan=plan)
    targets = list(targets)
    by_metric: dict[str, list[PlanTarget]] = {}
    for target in targets:
        by_metric.setdefault(target.metric, []).append(target)
    if not by_metric:
        return []
    kept = any(_counted_by_category(METRICS[metric_key]) for metric_key in by_metric) and \
        kept_changes(user=user, year=year, on=on) is not None
    thresholds = {metric_key: sorted({target.threshold for target in group})
                  for metric_key, group in by_metric.items() if METRICS[metric_key].over_threshold}
    shape = (tuple((metric_key, len(thresholds.get(metric_key, ()))) for metric_key in by_metric), kept,
             INLINE_RECORDS)
    parts = _read_parts(user=user, year=year, on=on, shape=shape,
                        thresholds=[value for metric_key in by_metric for value in thresholds.get(metric_key, ())])
    parts += [[] for _ in range(_parts_count(shape) - len(parts))]  # the last parts may have read no row
    kept_counts = None
    if kept:
        kept_counts = _kept_counts((record, category, n) for n, record, category, _figure in parts.pop(0))
    progress = {}
    for metric_key, group in by_metric.items():
        count = _parts_of(metric_key=metric_key, kept=kept)
        own, parts = parts[:count], parts[count:]
        for row in _progress(metric_key=metric_key, targets=group, thresholds=thresholds.get(metric_key, [None]),
                             parts=own, kept=kept_counts):
            progress[row.target.pk] = row
    rows = [progress[target.pk] for target in targets]
    summed = [row for row in rows if METRICS[row.target.metric].summed]
    hide_small_cells(rows=summed, user=user, count="counted", money=("actual",))
    return rows
