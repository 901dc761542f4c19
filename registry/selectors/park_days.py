"""The park report's figures read from the figures kept per park by day (registry.ParkDelta, migration registry
0027) where they may answer: for the bureau, on dates within the years kept, with no unit's area moved since. A
figure on a date is the sum of its changes up to it; a period's area-days are the figure's sum over its days, read
from the same prefix sums of each change and of each change times its day (docs/aggregates.md)."""

import datetime
from decimal import Decimal

from django.db import connections, router

from access.scoping import sees_all
from config.as_of import changed_since_sql
from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.models import Tenancy
from parks.models import Unit

from ..place_models import ParkDelta
from .sql import quoted

KEPT_DECADE = 10  # the years between two sums of every earlier change (migration registry 0023, DECADE)
DAY_ZERO = datetime.date(1, 1, 1)  # day number 0 of the `weighted` sums (migration registry 0027, DAY_NUMBER)
# What the kept path reads as recorded (the units' area): a move since the date or the period's end sends the
# report to the records.
PARKS_READ = ((Unit, "area"),)
# The parts of the one statement (`_statement`), its first column.
KEPT_PART, ENDING_PART, CHANGED_PART = range(3)
# The prefixes read (the changes strictly before each day): the day after the date, the period's start, the day
# after the period's end.
ON, START, STOP = range(3)


def _before(day: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date, datetime.date]:
    """The bounds of the kept rows of every change strictly before a day: the first days of its decade of the kept
    years, of its year and of its month, and the day itself."""
    return (day.replace(year=day.year - (day.year - FIRST_YEAR) % KEPT_DECADE, month=1, day=1),
            day.replace(month=1, day=1), day.replace(day=1), day)


def _statement(windows: tuple[int, ...], *, using: str) -> str:
    """The SQL of the page's kept figures in one statement, its rows marked by their first column: per prefix (a
    VALUES row: its number and bounds), park and figure, the sums of the kept changes and of their `weighted`; per
    park, its tenancies held on the date ending within each window (counted from the tenancies, by their park and
    end); and `changed_since`'s rows (a model whose field moved since the date). Its parameters: the bounds of the
    three prefixes, the parks (an array), the date, the last day of each window, the parks again, the date and the
    last day of the longest window, then `changed_since_sql`'s."""
    d, t, x = quoted("d"), quoted("t"), quoted("x")
    park, day, grain, end, start = (quoted(name) for name in ("park", "day", "grain", "end", "start"))
    assert len(windows) == 3, "the statement's rows hold three counts"
    bounds = ", ".join(f"({prefix}, %s::date, %s::date, %s::date, %s::date)" for prefix in (ON, START, STOP))
    counts = ", ".join(f"(COUNT(*) FILTER (WHERE {t}.{end} <= %s))::numeric" for _window in windows)
    changed, _params = changed_since_sql(PARKS_READ, on=DAY_ZERO, using=using)
    return " UNION ALL ".join([
        f"(SELECT {KEPT_PART} AS part, {x}.k AS k, {d}.{park} AS park, {d}.{quoted('figure')}::text AS figure, "
        f"SUM({d}.{quoted('delta')})::numeric AS a, SUM({d}.{quoted('weighted')})::numeric AS b, NULL::numeric AS c "
        f"FROM (VALUES {bounds}) AS {x}(k, decade, january, month, stop) CROSS JOIN LATERAL ("
        + " UNION ALL ".join(
            f"SELECT {park}, {quoted('figure')}, {quoted('delta')}, {quoted('weighted')} "
            f"FROM {quoted(ParkDelta._meta.db_table)} WHERE {park} = ANY(%s::bigint[]) AND {grain} = '{kind}' "
            f"AND {day} >= {x}.{first} AND {day} < {x}.{last}"
            for kind, first, last in (("y", "decade", "january"), ("m", "january", "month"), ("d", "month", "stop")))
        + f" UNION ALL SELECT {park}, {quoted('figure')}, {quoted('delta')}, {quoted('weighted')} "
        f"FROM {quoted(ParkDelta._meta.db_table)} WHERE {park} = ANY(%s::bigint[]) AND {grain} = 'c' "
        f"AND {day} = {x}.decade) AS {d} GROUP BY 2, 3, 4)",
        f"(SELECT {ENDING_PART}, NULL, {t}.{quoted('park_id')}, NULL, {counts} "
        f"FROM {quoted(Tenancy._meta.db_table)} AS {t} WHERE {t}.{quoted('park_id')} = ANY(%s::bigint[]) "
        f"AND {t}.{start} <= %s AND {t}.{end} > %s AND {t}.{end} <= %s GROUP BY 3)",
        f"(SELECT {CHANGED_PART}, {quoted('c')}.{quoted('model_index')}, NULL, NULL, NULL, NULL, NULL "
        f"FROM ({changed}) AS {quoted('c')})"])


_statements: dict[tuple, str] = {}


def may_keep(*, user, on: datetime.date, start: datetime.date, end: datetime.date) -> bool:
    """Whether the kept figures may answer the user (before asking whether a unit's area moved since): the user
    sees every unit and tenancy (the bureau) and the date and the period lie within the years kept."""
    return (all(FIRST_YEAR <= day.year <= LAST_YEAR for day in (on, start, end))
            and sees_all(user=user, models=(Unit, Tenancy)))


def _integral(sums: dict, weighted: dict, prefix: int, stop: datetime.date) -> Decimal:
    """A figure's sum over every day before `stop` from its prefix sums before it: stop's number times the sum of
    the changes, less the sum of each change times its day."""
    return (stop - DAY_ZERO).days * sums.get(prefix, Decimal(0)) - weighted.get(prefix, Decimal(0))


def kept_place_figures(*, parks: list[int], on: datetime.date, start: datetime.date, end: datetime.date,
                       windows: tuple[int, int, int]) -> dict | None:
    """Per park of `parks` (with any figure), the figures of `_place_figures` read from the kept figures and the
    tenancies ending, in one statement: on the date the sums of the changes up to it; over the period the
    figure's sum over its days (area-days: `leasable`, `used`: `let`), the integral before the day after the end
    less the one before the start; or None where a unit's area moved since the earlier of the date and the end (the
    kept days are those of today's areas). The caller has asked `may_keep`."""
    using = router.db_for_read(ParkDelta)
    key = (using, windows)
    if key not in _statements:
        _statements[key] = _statement(windows, using=using)
    day = datetime.timedelta(days=1)
    stop = end + day
    prefixes = [_before(first) for first in (on + day, start, stop)]
    lasts = [on + datetime.timedelta(days=window) for window in windows]
    _sql, changed_params = changed_since_sql(PARKS_READ, on=min(on, end), using=using)
    params = [value for bounds in prefixes for value in bounds]
    params += [parks, parks, parks, parks, *lasts, parks, on, on, max(lasts), *changed_params]
    with connections[using].cursor() as cursor:
        cursor.execute(_statements[key], params)
        rows = cursor.fetchall()
    if any(part == CHANGED_PART for part, *_rest in rows):
        return None
    sums, weighted, figures = {}, {}, {}
    for part, prefix, park, figure, a, b, c in rows:
        if part == KEPT_PART:
            sums.setdefault((park, figure), {})[prefix] = a
            weighted.setdefault((park, figure), {})[prefix] = b
        else:
            figures.setdefault(park, {}).update({f"ending_{window}": int(count)
                                                 for window, count in zip(windows, (a, b, c), strict=True)})
    for (park, figure), by_prefix in sums.items():
        got = figures.setdefault(park, {})
        on_date = by_prefix.get(ON, Decimal(0))
        if figure in ("units", "tenants"):
            got[figure] = int(on_date)
        else:
            got["area" if figure == "leasable" else "let_area"] = on_date
            days = (_integral(by_prefix, weighted[(park, figure)], STOP, stop)
                    - _integral(by_prefix, weighted[(park, figure)], START, start))
            got["area_days" if figure == "leasable" else "used"] = days
    return figures
