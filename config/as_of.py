"""What was true on a date: the one rule by which every dated report reads a record's status.

A model that a report reads as of a date declares a `Dated`: the field of the day it came into effect, the
field of the day it stopped, and (for a record with a status) which statuses are in effect and which ended it.
`as_of(queryset, on=day)` keeps the records in effect on that day, computed from those dates alone, so a status
changed today never changes the answer of an earlier day. `DatedModel` stamps the dates when the status
changes (today, unless given), so the change is dated the day it is recorded. A record back in effect after it
ended keeps the gap: its earlier end and the day it came back are added to its `gaps` (date ranges never in
effect), so a day inside the gap stays out of effect.

A field whose value changes in place (a unit's area, an enterprise's district, a park's district) is read as it was
on a date from the record's history (`recorded`): the value of the last change recorded by the end of that day.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField, DateRangeField
from django.core.exceptions import ValidationError
from django.db import models, router
from django.db.models import Case, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.compiled import CompiledQuery

from .constraints import ConstrainedModel


@dataclass(frozen=True)
class Dated:
    """How a model's records are in effect on a date.

    start: first day in effect (null: unknown, counted from the beginning, when `open_start`);
    end: first day no longer in effect (null: still in effect);
    last: last day in effect (inclusive), for a record that lapses on its own (a designation's validity);
    status: field whose `current` values are in effect while they last and whose `ended` values are in effect only
    before `end` (an ended record without its end date is never counted: when it ended is unknown); a record in
    any other status (planned, applied) is never in effect;
    stamp_start: whether a record changing into a `current` status without a start date starts today;
    start_of_status: whether the start is the status's own date (a project's selection), cleared when the record
    leaves the status;
    gaps: field of the earlier periods out of effect (an array of date ranges [end, back in effect)), kept when an
    ended record comes back into a current status (a lab reopened, an enterprise back in Beijing).
    """

    start: str | None = None
    end: str | None = None
    last: str | None = None
    status: str | None = None
    current: tuple = ()
    ended: tuple = ()
    open_start: bool = False
    stamp_start: bool = False
    start_of_status: bool = False
    gaps: str | None = None

    def condition(self, on: datetime.date) -> Q:
        """Condition on the model's rows: in effect on the date."""
        condition = Q()
        if self.start:
            started = Q(**{f"{self.start}__lte": on})
            condition &= started | Q(**{f"{self.start}__isnull": True}) if self.open_start else started
        if self.last:
            condition &= Q(**{f"{self.last}__gte": on})
        if self.gaps:
            condition &= ~Q(WithinAny(models.Value(on, output_field=models.DateField()), F(self.gaps)))
        if self.status is None:
            if self.end:
                condition &= Q(**{f"{self.end}__isnull": True}) | Q(**{f"{self.end}__gt": on})
            return condition
        status = Q(**{f"{self.status}__in": self.current})
        if self.ended:
            status |= Q(**{f"{self.status}__in": self.ended, f"{self.end}__gt": on})
        return condition & status

    def stamp(self, instance, previous) -> None:
        """Date a change of status the day it is recorded (today), unless its date was given: entering an ended
        status sets the end, entering a current one the start (where `stamp_start`); back in effect, the end
        is cleared."""
        if self.status is None:
            return
        status = getattr(instance, self.status)
        today = timezone.localdate()
        if status in self.ended and previous not in self.ended and previous is not NOT_LOADED:
            if getattr(instance, self.end) is None:
                setattr(instance, self.end, today)
        elif status in self.current and previous not in self.current and previous is not NOT_LOADED:
            if self.stamp_start and getattr(instance, self.start) is None:
                setattr(instance, self.start, today)
            if self.end and previous in self.ended:
                ended = getattr(instance, self.end)
                if self.gaps and ended is not None and ended < today:  # the gap [end, today) stays out of effect
                    setattr(instance, self.gaps, [*(getattr(instance, self.gaps) or []), (ended, today)])
                setattr(instance, self.end, None)
        elif status not in self.current and previous in self.current and self.start_of_status:
            setattr(instance, self.start, None)


NOT_LOADED = object()


class WithinAny(models.Func):
    """SQL `date <@ ANY(ranges)`: the date falls inside one of an array of date ranges."""

    template = "(%(expressions)s))"
    arg_joiner = " <@ ANY("
    output_field = models.BooleanField()
    conditional = True


def gap_ranges(gaps) -> list[tuple[datetime.date, datetime.date]]:
    """A record's gaps as (first day out of effect, first day back in effect) pairs, whatever form they were read in."""
    return [(gap.lower, gap.upper) if hasattr(gap, "lower") else tuple(gap) for gap in gaps or []]


class DatedModel(ConstrainedModel):
    """A model read as of a date through its `dated` rule: remembers the status it was loaded with, and dates
    a change of it when saved (and when cleaned, so that validation sees the dates)."""

    dated: Dated

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Save with a change of status dated (see `Dated.stamp`)."""
        if not self._state.adding:
            self.dated.stamp(self, self._dated_previous())
        super().save(*args, **kwargs)
        self._dated_status = getattr(self, self.dated.status)

    @classmethod
    def from_db(cls, db, field_names, values):
        """The record, remembering the status it was read with."""
        instance = super().from_db(db, field_names, values)
        instance._dated_status = getattr(instance, cls.dated.status) if cls.dated.status in field_names \
            else NOT_LOADED
        return instance

    def clean(self):
        """Date a change of status (see `Dated.stamp`); a date kept only in some statuses, or an end before the
        start, is refused on its field."""
        super().clean()
        dated = self.dated
        if not self._state.adding:
            dated.stamp(self, self._dated_previous())
        status, errors = getattr(self, dated.status), {}
        start = getattr(self, dated.start) if dated.start else None
        end = getattr(self, dated.end) if dated.end else None
        if end is not None and status not in dated.ended:
            errors[dated.end] = _status_only(self, dated.ended)
        elif end is not None and start is not None and end <= start:
            errors[dated.end] = _("This date must come after %(field)s.") % {
                "field": self._meta.get_field(dated.start).verbose_name}
        if dated.start_of_status and start is not None and status not in dated.current:
            errors[dated.start] = _status_only(self, dated.current)
        if errors:
            raise ValidationError(errors)

    def _dated_previous(self):
        if self._state.adding:
            return None  # a new record: dated only when a date is given
        return getattr(self, "_dated_status", NOT_LOADED)


def gaps_field():
    """The earlier periods a record was out of effect (`Dated.gaps`): date ranges [end, back in effect), added when
    an ended record comes back; kept by the model, never edited."""
    return ArrayField(DateRangeField(), verbose_name=gettext_lazy("earlier gaps"), default=list, blank=True,
                      editable=False, help_text=gettext_lazy(
                          "Earlier periods out of effect: from the day it ended to the day it came back."))


def opened_on_field(help_text):
    """The first day a place (a park, a unit) counts in the reports: today unless given; empty on records of long
    standing whose first day is unknown (counted from the beginning)."""
    return models.DateField(gettext_lazy("opened on"), null=True, blank=True, default=timezone.localdate,
                            help_text=help_text)


def _status_only(record, statuses) -> str:
    """Message: the date is kept only in these statuses (named as the record's status field shows them)."""
    field = record._meta.get_field(record.dated.status)
    labels = dict(field.flatchoices) if field.choices else {True: _("yes")}
    return _("Only a record whose %(field)s is %(statuses)s has this date.") % {
        "field": field.verbose_name, "statuses": " / ".join(str(labels.get(s, s)) for s in statuses)}


def as_of(queryset, *, on: datetime.date, dated: Dated | None = None):
    """The records of a queryset in effect on a date, by their model's `dated` rule (or the one given, for a model
    dated in two ways: a park's existence and its featuring): the one place every dated report decides what was
    true on its date."""
    return queryset.filter((dated or queryset.model.dated).condition(on))


def end_of_day(on: datetime.date) -> datetime.datetime:
    """The first instant after a local day (the project's time zone): a change recorded before it was true that day."""
    return datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=ZoneInfo(settings.TIME_ZONE))


def changed_since(read, *, on: datetime.date) -> frozenset:
    """The models among `read` ((model, field) pairs: the fields a report reads as recorded) of which some record's
    field held at the end of a day another value than today's (one query): only those need their history to say
    what was true that day; for the others `recorded` reads today's column. A record changed since in other fields
    only (a profile edited), or entered since (it reads the value it was first recorded with), needs none. Read in
    the transaction of the report, it is true of every query of the report. Its SQL is compiled once per `read`
    (`changed_since_sql`)."""
    using = router.db_for_read(read[0][0])
    found = _changed_compiled.rows(on, end_of_day(on), using=using, key=tuple(read), read=tuple(read))
    return changed_models(read, [index for index, in found])


def changed_since_sql(read, *, on: datetime.date, using: str) -> tuple[str, list]:
    """The SQL of `changed_since` and its parameters (compiled once per `read`): a row (`model_index`, the index in
    `read` of a model changed since the date) per model changed, for a statement that reads more besides."""
    return _changed_compiled.sql(on, end_of_day(on), using=using, key=tuple(read), read=tuple(read))


def changed_models(read, indexes) -> frozenset:
    """The models of `read` named by the `model_index` values `changed_since_sql` read."""
    return frozenset(read[index][0] for index in indexes)


def _changed_marks(on: datetime.date, end: datetime.datetime, *, read: tuple):
    """The query of `changed_since` (`end`, the end of the day `on`, is the value its parameters are computed from)."""
    marks = []
    for index, (model, field) in enumerate(read):
        column = model._meta.get_field(field).attname
        since = model.history.model.objects.filter(history_date__gte=end).values("id")
        then = model._base_manager.filter(pk__in=since).annotate(then=recorded(model, field, on=on)).filter(
            ~Q(then=F(column)) | Q(then__isnull=True, **{f"{column}__isnull": False})
            | Q(then__isnull=False, **{f"{column}__isnull": True}))
        marks.append(then.order_by().annotate(model_index=models.Value(index)).values_list("model_index",
                                                                                            flat=True)[:1])
    return marks[0].union(*marks[1:], all=True) if len(marks) > 1 else marks[0]


# A date no report asks (and the end of that day), in the place of the date asked: changed_since's SQL compiled once.
_CHANGED_ON = datetime.date(1, 1, 3)
_changed_compiled = CompiledQuery(_changed_marks, sentinels=(_CHANGED_ON, end_of_day(_CHANGED_ON)))


def recorded(model, field: str, *, on: datetime.date, ref: str = "pk", output_field=None,
             changed: frozenset | None = None):
    """Expression: the value a field of a record had at the end of a day, read from the record's history (the last
    change recorded by then). `ref` is the outer query's path to the record (`pk`, or a foreign key such as `park`).
    A record whose history starts after the day reads the value it was first recorded with (it was entered late:
    its dates, not the day of entry, say whether it counts); one without history reads its value of today.
    `changed`, where given, is `changed_since(...)` of the same day: in a model outside it every record held the
    field's value of today at the end of the day, so every record reads its value of today, a plain column (which
    the planner can estimate and group by hashing), with no look-up of the history at all."""
    history = model.history.model
    column = model._meta.get_field(field).attname
    today = F(column) if ref == "pk" else F(f"{ref}__{column}")
    if changed is not None and model not in changed:
        return today
    end = end_of_day(on)
    rows = history.objects.filter(id=OuterRef(ref)).exclude(history_type="-").order_by()
    before = rows.filter(history_date__lt=end).order_by("-history_date", "-history_id")
    first = rows.order_by("history_date", "history_id")
    output_field = output_field or (models.IntegerField() if model._meta.get_field(field).is_relation
                                    else model._meta.get_field(field))
    then = Coalesce(Subquery(before.values(column)[:1]), Subquery(first.values(column)[:1]), today,
                    output_field=output_field)
    # A record with no change recorded after the day holds today the value it had then: only the records changed
    # since (a set PostgreSQL hashes once) read their history, row by row.
    changed = history.objects.filter(history_date__gte=end).values("id")
    return Case(When(**{f"{ref}__in": changed}, then=then), default=today, output_field=output_field)


def dates_from_history(cursor, *, table: str, history: str, status: str, column: str, statuses: tuple) -> int:
    """Fill a date column from the history (a migration's step): for each row of `table` now in one of `statuses`
    with the column empty, the local date of the recorded change that brought it into its present run of those
    statuses. A row created in them keeps it empty (when that happened is unknown). Returns the rows filled."""
    inside = f'"{status}" IN ({", ".join(["%s"] * len(statuses))})'
    cursor.execute(f"""
        WITH changes AS (
            SELECT id, history_date, history_type, {inside} AS inside,
                   LAG({inside}) OVER (PARTITION BY id ORDER BY history_date, history_id) AS was_inside
            FROM "{history}" WHERE history_type IN ('+', '~')
        ), entered AS (
            SELECT DISTINCT ON (id) id, history_date, history_type FROM changes
            WHERE inside AND was_inside IS DISTINCT FROM TRUE
            ORDER BY id, history_date DESC
        )
        UPDATE "{table}" AS t SET "{column}" = (entered.history_date AT TIME ZONE %s)::date
        FROM entered
        WHERE t.id = entered.id AND entered.history_type = '~' AND t."{column}" IS NULL AND t.{inside}
    """, [*statuses, *statuses, settings.TIME_ZONE, *statuses])
    return cursor.rowcount


def gaps_from_history(cursor, *, table: str, history: str, status: str, end: str, gaps: str, current: tuple,
                      ended: tuple) -> int:
    """Fill a gaps column from the history (a migration's step): every recorded change from an `ended` status back
    into a `current` one adds the range [the end, the local day of the change), the end being the end date recorded
    before it, else the local day of the change into the ended status; a range that would be empty is left out.
    Rows whose gaps are already filled are left alone. Returns the rows filled."""
    inside = f'"{status}" IN ({", ".join(["%s"] * len(current))})'
    out = f'"{status}" IN ({", ".join(["%s"] * len(ended))})'
    cursor.execute(f"""
        WITH changes AS (
            SELECT id, history_id, (history_date AT TIME ZONE %s)::date AS day, {inside} AS inside, {out} AS out,
                   LAG({out}) OVER w AS was_out, LAG("{end}") OVER w AS ended
            FROM "{history}" WHERE history_type IN ('+', '~')
            WINDOW w AS (PARTITION BY id ORDER BY history_date, history_id)
        ), periods AS (
            SELECT back.id, back.day AS until, COALESCE(back.ended, (
                SELECT MAX(gone.day) FROM changes AS gone
                WHERE gone.id = back.id AND gone.out AND gone.was_out IS DISTINCT FROM TRUE
                  AND (gone.day, gone.history_id) < (back.day, back.history_id))) AS since
            FROM changes AS back WHERE back.inside AND back.was_out
        ), filled AS (
            SELECT id, array_agg(daterange(since, until) ORDER BY since) AS gaps FROM periods
            WHERE since IS NOT NULL AND since < until GROUP BY id
        )
        UPDATE "{table}" AS t SET "{gaps}" = filled.gaps FROM filled
        WHERE t.id = filled.id AND t."{gaps}" = '{{}}'
    """, [settings.TIME_ZONE, *current, *ended, *ended])
    return cursor.rowcount
