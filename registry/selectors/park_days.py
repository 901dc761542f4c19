"""The park report's figures read from the figures kept per park by day (registry.ParkDelta, migration registry 0027)
where they may answer: for a user who sees every unit and tenancy of the parks asked (the bureau, a park
administrator of them), on dates within the years kept, with no unit's area moved since. A figure on a date is the
sum of its changes up to it; a period's area-days are the figure's sum over its days, read from the same prefix sums
of each change and of each change times its day (docs/aggregates.md)."""

import datetime

from django.db import connections, router

from access.scoping import sees_all_of
from config.as_of import changed_since_sql
from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.models import Tenancy
from parks.models import Unit

from ..place_models import ParkDelta
from .places import kept_days
from .sql import quoted

DAY_ZERO = datetime.date(1, 1, 1)  # day number 0 of the `weighted` sums (migration registry 0027, DAY_NUMBER)
# What the kept path reads as recorded (the units' area): a move since the date or the period's end sends the
# report to the records.
PARKS_READ = ((Unit, "area"),)
# The parts of the one statement (`_statement`), its first column.
FIGURES_PART, CHANGED_PART = range(2)
# The kept figures read on the date and over the period, each as the name `_place_figures` gives it.
FIGURES = {"units": "units", "leasable": "area", "let": "let_area", "tenants": "tenants"}
PERIOD_FIGURES = {"leasable": "area_days", "let": "used"}
# The prefixes read (the changes strictly before each day): the day after the date, the period's start, the day
# after the period's end.
ON, START, STOP = range(3)


def _before(day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """The bounds of the kept rows of every change strictly before a day: the first days of its decade of the kept
    years, of its year and of its month (`places.kept_days`), and the day itself."""
    return (*kept_days(day), day)


def _statement(windows: tuple[int, ...], *, using: str) -> str:
    """The SQL of the page's kept figures in one statement, its rows marked by their first column: per park (a row
    of `FIGURES`), the sums of its kept changes before the day after the date, and the period's area-days: over
    the kept rows before the day after the end, its number times each change less the change's `weighted`, less
    the same before the start (a VALUES row per prefix: its sign in the period's sum, its day's number, whether it
    is read and its rows' bounds); joined to its tenancies held on the date ending within each window (counted
    from the tenancies, by their park and end); then `changed_since`'s rows (the index of a model whose field
    moved since the date, in the second column). Its parameters: each prefix's sign, day number, whether it is
    read and bounds, the parks (an array, once per grain), the last day of each window, the parks, the date, the
    date and the last day of the longest window, then `changed_since_sql`'s."""
    d, t, x, k, e = (quoted(name) for name in ("d", "t", "x", "k", "e"))
    park, day, grain, end, start, figure = (quoted(name) for name in ("park", "day", "grain", "end", "start", "figure"))
    bounds = ", ".join(f"({prefix}, %s::integer, %s::integer, %s::boolean, %s::date, %s::date, %s::date, %s::date)"
                       for prefix in (ON, START, STOP))
    # A scan of a prefix not read (`live`), or of an empty range of days (a start on the first of a month), is
    # skipped by its condition on the prefix alone, before the index is read.
    scans = [(kind, f"{x}.live AND {x}.{first} < {x}.{last} AND {day} >= {x}.{first} AND {day} < {x}.{last}")
             for kind, first, last in (("y", "decade", "january"), ("m", "january", "month"), ("d", "month", "stop"))]
    rows = " UNION ALL ".join(
        f"SELECT {park}, {figure}, {quoted('delta')}, {quoted('weighted')} FROM {quoted(ParkDelta._meta.db_table)} "
        f"WHERE {park} = ANY(%s::bigint[]) AND {grain} = '{kind}' AND {bounded}"
        for kind, bounded in [*scans, ("c", f"{x}.live AND {day} = {x}.decade")])
    on_date = ", ".join(f"SUM({d}.{quoted('delta')}) FILTER (WHERE {x}.k = {ON} AND {d}.{figure} = '{name}') "
                        f"AS {quoted(column)}" for name, column in FIGURES.items())
    period = ", ".join(f"SUM({x}.sign * ({x}.n * {d}.{quoted('delta')} - {d}.{quoted('weighted')})) "
                       f"FILTER (WHERE {d}.{figure} = '{name}') AS {quoted(column)}"
                       for name, column in PERIOD_FIGURES.items())
    ending = ", ".join(f"COUNT(*) FILTER (WHERE {t}.{end} <= %s) AS {quoted(f'ending_{window}')}"
                       for window in windows)
    columns = _columns(windows)
    changed, _params = changed_since_sql(PARKS_READ, on=DAY_ZERO, using=using)
    return (f"WITH {k} AS (SELECT {d}.{park}, {on_date}, {period} "
            f"FROM (VALUES {bounds}) AS {x}(k, sign, n, live, decade, january, month, stop) "
            f"CROSS JOIN LATERAL ({rows}) AS {d} GROUP BY 1), "
            f"{e} AS (SELECT {t}.{quoted('park_id')} AS {park}, {ending} FROM {quoted(Tenancy._meta.db_table)} AS {t} "
            f"WHERE {t}.{quoted('park_id')} = ANY(%s::bigint[]) AND {t}.{start} <= %s AND {t}.{end} > %s "
            f"AND {t}.{end} <= %s GROUP BY 1) "
            f"SELECT {FIGURES_PART} AS part, {park}::bigint, "
            + ", ".join(f"{quoted(column)}::numeric" for column in columns)
            + f" FROM {k} FULL JOIN {e} USING ({park}) UNION ALL "
            f"SELECT {CHANGED_PART}, {quoted('c')}.{quoted('model_index')}, " + ", ".join("NULL" for _ in columns)
            + f" FROM ({changed}) AS {quoted('c')}")


_statements: dict[tuple, str] = {}


def _columns(windows: tuple[int, ...]) -> list[str]:
    """The figures of a row of the statement, in its order (after its part and park)."""
    return [*FIGURES.values(), *PERIOD_FIGURES.values(), *(f"ending_{window}" for window in windows)]


def may_keep(*, user, parks: list[int], on: datetime.date, start: datetime.date, end: datetime.date) -> bool:
    """Whether the kept figures of the parks may answer the user (before asking whether a unit's area moved since):
    the user sees every unit and tenancy of those parks (the bureau; a park administrator of them all:
    `access.scoping.sees_all_of`), and the date and the period lie within the years kept."""
    return (all(FIRST_YEAR <= day.year <= LAST_YEAR for day in (on, start, end))
            and sees_all_of(user=user, models=(Unit, Tenancy), field="park", values=parks))


def kept_place_figures(*, parks: list[int], on: datetime.date, start: datetime.date, end: datetime.date,
                       windows: tuple[int, ...]) -> dict | None:
    """Per park of `parks` (with any figure), the figures of `_place_figures` read from the kept figures and the
    tenancies ending, in one statement (`_statement`): on the date the sums of the changes up to it; over the
    period a figure's sum over its days (`area_days` of `leasable`, `used` of `let`): its sum over the days before
    the day after the end less its sum over the days before the start, each D's number times the sum of the
    changes before D less the sum of their `weighted`; or None where a unit's area moved since the earlier of the
    date and the end (the kept days are those of today's areas). The caller has asked `may_keep`."""
    using = router.db_for_read(ParkDelta)
    key = (using, windows)
    if key not in _statements:
        _statements[key] = _statement(windows, using=using)
    day = datetime.timedelta(days=1)
    stop = end + day
    lasts = [on + datetime.timedelta(days=window) for window in windows]
    _sql, changed_params = changed_since_sql(PARKS_READ, on=min(on, end), using=using)
    # The day after the date is the day after the end where the period ends on the date (the default): that prefix
    # is read once, counted in the period's sum with the sign of the end's.
    once = stop == on + day
    prefixes = ((on + day, 1 if once else 0, True), (start, -1, True), (stop, 1, not once))
    params = [value for first, sign, live in prefixes
              for value in (sign, (first - DAY_ZERO).days, live, *_before(first))]
    params += [parks] * 4 + [*lasts, parks, on, on, max(lasts), *changed_params]
    with connections[using].cursor() as cursor:
        cursor.execute(_statements[key], params)
        names = [column.name for column in cursor.description][2:]
        rows = cursor.fetchall()
    if any(part == CHANGED_PART for part, *_rest in rows):
        return None
    counts = {"units", "tenants", *(f"ending_{window}" for window in windows)}
    return {park: {name: (int(value) if name in counts else value) if value is not None else None
                   for name, value in zip(names, values, strict=True)} for _part, park, *values in rows}
