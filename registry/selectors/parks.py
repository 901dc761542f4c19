"""The park report: per park, units, occupancy and tenants on a date and over a period, tenancies ending and tenants
not filed. The figures are computed for the parks asked for only (a page of them, or every park for a download),
in a few queries whatever their number; each park's lists are read one park at a time (their own paged
endpoints), or for every park at once for a download."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.expressions import Exists, RawSQL

from access.compiled import CompiledQuery
from access.scoping import VIEW, scope_flag, sees_all
from config.as_of import end_of_day, recorded
from enterprises.choices import FILED_STATUSES, EnterpriseStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from enterprises.selectors import percent, tenancies_on
from parks.models import District, Park, Unit

from ..models import NotFiledYears
from .park_days import kept_place_figures, may_keep
from .places import park_district_then, parks_on
from .sql import column, quoted

ENDING_WINDOWS = (30, 60, 90)  # days ahead in which the park report counts and lists tenancies ending


def _overlap_days(start: datetime.date, stop: datetime.date) -> RawSQL:
    """SQL: the days a tenancy (the query's base table) holds its unit within [start, stop)."""
    end, begin = column(Tenancy, "end"), column(Tenancy, "start")
    return RawSQL(f"GREATEST(0, LEAST(COALESCE({end}, %s), %s) - GREATEST({begin}, %s))", (stop, stop, start),
                  output_field=IntegerField())


def _open_days(start: datetime.date, stop: datetime.date) -> RawSQL:
    """SQL: the days a unit (the query's base table) is leasable within [start, stop)."""
    closed, opened = column(Unit, "closed_on"), column(Unit, "opened_on")
    return RawSQL(f"GREATEST(0, LEAST(COALESCE({closed}, %s), %s) - GREATEST(COALESCE({opened}, %s), %s))",
                  (stop, stop, start, start), output_field=IntegerField())


def report_parks(*, user, on: datetime.date):
    """The parks of the park report: those the user may see that existed on the date, each with its district's
    name as recorded by then (`district_name_then`), by name."""
    return _report_parks(Park.objects.restrict(user, VIEW), on=on)


def _report_parks(parks, *, on: datetime.date):
    """`report_parks` of a queryset of parks."""
    return parks_on(parks, on=on).annotate(
        district_then=park_district_then(on=on, ref="pk")).annotate(district_name_then=Subquery(
            District.objects.filter(pk=OuterRef("district_then")).values("name")[:1])).order_by("name", "pk")


class ReportPark(NamedTuple):
    """A park of a page of the park report: what `park_figures` reads of it."""

    pk: int
    name: str
    district_name_then: str | None


def _park_page(parks, *, on: datetime.date):
    """The rows of `_report_parks` as (pk, name, district_name_then, how many parks in all: a window count)."""
    return _report_parks(parks, on=on).annotate(parks=Window(Count("pk"))).values_list(
        "pk", "name", "district_name_then", "parks")


_PARK_PAGE_DAY = datetime.date(3, 3, 3)  # a date no report asks for (the sentinel of `_compiled_park_page`)
_park_pages: list[CompiledQuery] = []


def _compiled_park_page() -> CompiledQuery:
    """`_park_page` of every park (the bureau's), compiled once per process from a date no report asks for and the
    first instant after it (the districts recorded by then), each replaced by the value asked for."""
    if not _park_pages:
        _park_pages.append(CompiledQuery(lambda on, end: _park_page(Park.objects.all(), on=on),
                                         sentinels=(_PARK_PAGE_DAY, end_of_day(_PARK_PAGE_DAY))))
    return _park_pages[0]


_park_lookups: list[CompiledQuery] = []


def report_park(*, user, on: datetime.date, park: int) -> ReportPark | None:
    """The park `park` as a row of `report_parks` (a `ReportPark`), or None where it is not in the user's report on
    the date: one query; for a user who sees every park compiled once per process (from a date no report asks for,
    the first instant after it and park -1), else built for the user."""
    if sees_all(user=user, models=(Park,)):
        if not _park_lookups:
            _park_lookups.append(CompiledQuery(
                lambda on, end, park: _report_parks(Park.objects.all(), on=on).filter(pk=park).values_list(
                    "pk", "name", "district_name_then"), sentinels=(_PARK_PAGE_DAY, end_of_day(_PARK_PAGE_DAY), -1)))
        rows = _park_lookups[0].rows(on, end_of_day(on), park, using=router.db_for_read(Park))
    else:
        rows = list(report_parks(user=user, on=on).filter(pk=park).values_list("pk", "name", "district_name_then"))
    return ReportPark(*rows[0]) if rows else None


class ReportParks:
    """The parks of the park report (`report_parks`) as a list to page (config.api.pagination.CountedPagePaginator):
    a page read with the number of parks in one query, as `ReportPark` rows; for a user who sees every park the
    query is compiled once per process (`_compiled_park_page`), else built for the user (their scope is its SQL)."""

    def __init__(self, *, user, on: datetime.date):
        self.user, self.on = user, on

    def read(self, offset: int, limit: int) -> tuple[list[ReportPark], int]:
        """The parks from `offset` (at most `limit`) and how many parks the list holds (0 where the page is empty)."""
        if sees_all(user=self.user, models=(Park,)):
            using = router.db_for_read(Park)
            sql, params = _compiled_park_page().sql(self.on, end_of_day(self.on), using=using)
            with connections[using].cursor() as cursor:
                cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*params, limit, offset])
                rows = cursor.fetchall()
        else:
            rows = list(_park_page(Park.objects.restrict(self.user, VIEW), on=self.on)[offset:offset + limit])
        return [ReportPark(*row[:3]) for row in rows], (rows[0][3] if rows else 0)

    def count(self) -> int:
        """How many parks the list holds (one query)."""
        return report_parks(user=self.user, on=self.on).count()

    def __len__(self) -> int:
        """How many parks the list holds: `count`."""
        return self.count()

    def __getitem__(self, index: slice) -> list[ReportPark]:
        """The parks of a slice (a page): `read`; none for an empty slice (a first page without parks)."""
        start = index.start or 0
        return self.read(start, index.stop - start)[0] if index.stop > start else []


def _owing(*, user, year: int, enterprises=None, filings=None):
    """The enterprises the user sees without a filing of the year submitted to the bureau among the filings the user
    may see (submitted, returned or approved); `enterprises` and `filings`, where given, are the querysets the user
    sees (every record, for the compiled queries of `TenantsNotFiled`)."""
    filings = AnnualFiling.objects.restrict(user, VIEW) if filings is None else filings
    filed = filings.filter(enterprise=OuterRef("pk"), year=year, status__in=FILED_STATUSES)
    return (Enterprise.objects.restrict(user, VIEW) if enterprises is None else enterprises).filter(~Exists(filed))


def _renting_in_year(*, user, year: int, tenancies=None):
    """The tenancies the user sees (`tenancies`, where given) that held their unit at any time during the year."""
    tenancies = Tenancy.objects.restrict(user, VIEW) if tenancies is None else tenancies
    return tenancies.filter(start__lt=datetime.date(year + 1, 1, 1)).exclude(end__lte=datetime.date(year, 1, 1))


def not_filed_rows(*, user, parks: list[int], year: int) -> list[tuple[int, int, str]]:
    """(park, enterprise, name) of the enterprises of each of the parks that have not filed for a year: registered
    with the park (and active), or renting in it at any time during the year, without a filing of the year
    submitted to the bureau (submitted, returned or approved) among those the user may see. Only the enterprises
    the user sees whole count (a park administrator: those registered with their park): whether a tenant
    registered elsewhere filed is not its letting park's business. One query (a UNION)."""
    return list(_not_filed(user=user, parks=parks, year=year, names=True))


def not_filed_counts(*, user, parks: list[int], year: int) -> dict[int, int]:
    """Per park (those with any), how many rows `not_filed_rows` holds, for a page that shows the counts only: read
    from the kept years not filed (registry.NotFiledYears: a few rows per park) where the user sees every
    enterprise, tenancy and filing (the bureau), else the same UNION without the names, counted by PostgreSQL. One
    query, on the database the report reads (the replica where there is one)."""
    if sees_all(user=user, models=(Enterprise, Tenancy, AnnualFiling)):
        using = router.db_for_read(NotFiledYears)
        return dict(_compiled_kept_not_filed(len(parks)).rows(year, *parks, using=using))
    rows = _not_filed(user=user, parks=parks, year=year, names=False)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(f"SELECT {quoted('park')}, COUNT(*) FROM ({sql}) AS {quoted('rows')} GROUP BY 1", params)
        return dict(cursor.fetchall())


def _kept_not_filed(year: int, *parks: int):
    """(park, how many) of the kept years not filed of the parks that hold the year (`not_filed_counts`)."""
    kept = NotFiledYears.objects.filter(park__in=parks, years__holds=year).order_by().values("park")
    return kept.annotate(n=Count("*")).values_list("park", "n")  # COUNT(*): read from the index alone


_kept_not_filed_counts: dict[int, CompiledQuery] = {}


def _compiled_kept_not_filed(count: int) -> CompiledQuery:
    """`_kept_not_filed` of `count` parks compiled once per process: built from parks -1, -2... and the year
    -(count + 1) (values no report asks for, each distinct from the others), each replaced by the value asked for."""
    if count not in _kept_not_filed_counts:
        _kept_not_filed_counts[count] = CompiledQuery(
            _kept_not_filed, sentinels=(-(count + 1), *(-index for index in range(1, count + 1))))
    return _kept_not_filed_counts[count]


def _not_filed(*, user, parks: list[int], year: int, names: bool):
    """The UNION of `not_filed_rows`: (park, enterprise) of the enterprises registered with the parks and of their
    tenants owing the year's filing, each pair once, with the enterprise's name when `names`."""
    owing = _owing(user=user, year=year)
    registered = owing.filter(status=EnterpriseStatus.ACTIVE, park__in=parks).values_list(
        "park", "pk", *(["name"] if names else []))
    renting = (_renting_in_year(user=user, year=year).filter(park__in=parks, enterprise__in=owing)
               .values_list("park", "enterprise", *(["enterprise__name"] if names else [])))
    return registered.order_by().union(renting.order_by())


def tenants_not_filed(*, user, park: Park | int, year: int, everything: bool = False):
    """The enterprises of one park that have not filed for a year (the rows of `not_filed_rows` of that park), by
    name: a queryset to page. The park's enterprises are found by its indexes (registered with it, renting in it),
    then kept where they owe the filing. `everything`: of every enterprise, tenancy and filing, whoever the user
    (the compiled queries of `TenantsNotFiled`, for a user who sees them all)."""
    seen = {"enterprises": Enterprise.objects.all(), "filings": AnnualFiling.objects.all()} if everything else {}
    registered = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, park=park).order_by().values("pk")
    renting = _renting_in_year(user=user, year=year, **({"tenancies": Tenancy.objects.all()} if everything else {}))
    renting = renting.filter(park=park).order_by().values("enterprise")
    return _owing(user=user, year=year, **seen).filter(pk__in=registered.union(renting)).order_by("name", "pk")


def tenants_not_filed_list(*, user, park: int, year: int):
    """A park's tenants not filed as rows to page, {enterprise, name}: a `TenantsNotFiled` where the user sees every
    enterprise, tenancy and filing (the bureau), else the user's `tenants_not_filed` queryset."""
    if sees_all(user=user, models=(Enterprise, Tenancy, AnnualFiling)):
        return TenantsNotFiled(park=park, year=year)
    return tenants_not_filed(user=user, park=park, year=year).values("name", enterprise=F("pk"))


_not_filed_lists: list[CompiledQuery] = []


class TenantsNotFiled:
    """A park's tenants not filed (`tenants_not_filed` of every enterprise, tenancy and filing) as a list to page:
    its count, its pages and all its rows read by queries compiled once per process and year (the year's parameter
    is a small integer the compiled query would not recognise as its sentinel) from park -1, replaced by the park
    asked for; the rows are {enterprise, name}, by name."""

    def __init__(self, *, park: int, year: int):
        self.park, self.year = park, year

    @staticmethod
    def _compiled() -> CompiledQuery:
        """The rows (id, name) of `tenants_not_filed` of every record, by name, compiled once per process."""
        if not _not_filed_lists:
            _not_filed_lists.append(CompiledQuery(
                lambda park, *, year: tenants_not_filed(user=None, park=park, year=year, everything=True)
                .values_list("pk", "name"), sentinels=(-1,)))
        return _not_filed_lists[0]

    def _rows(self, suffix: str, extra: list, *, around: str = "{}") -> list[tuple]:
        """The compiled query's rows, its SQL put in `around` and followed by `suffix` with the `extra` parameters."""
        using = router.db_for_read(Enterprise)
        sql, params = self._compiled().sql(self.park, using=using, key=(self.year,), year=self.year)
        with connections[using].cursor() as cursor:
            cursor.execute(around.format(sql) + suffix, [*params, *extra])
            return cursor.fetchall()

    def count(self) -> int:
        """How many tenants have not filed (one query)."""
        return self._rows("", [], around=f"SELECT COUNT(*) FROM ({{}}) AS {quoted('rows')}")[0][0]

    def __len__(self) -> int:
        """How many tenants have not filed: `count`."""
        return self.count()

    def __getitem__(self, index: slice) -> list[dict]:
        """The rows of a slice (a page), one query; none for an empty slice (a first page without rows)."""
        start = index.start or 0
        if index.stop <= start:
            return []
        return [{"enterprise": pk, "name": name}
                for pk, name in self._rows(" LIMIT %s OFFSET %s", [index.stop - start, start])]

    def __iter__(self):
        """Every row (a download), one query."""
        return iter([{"enterprise": pk, "name": name} for pk, name in self._rows("", [])])


def tenancies_ending(*, user, park: Park | int | None = None, on: datetime.date):
    """The tenancies holding their unit on the date that end within the longest window (90 days), soonest first,
    with their enterprise and unit: of one park (a queryset to page), or of every park the user sees."""
    horizon = on + datetime.timedelta(days=max(ENDING_WINDOWS))
    tenancies = tenancies_on(on=on).restrict(user, VIEW).filter(end__gt=on, end__lte=horizon)
    if park is not None:
        tenancies = tenancies.filter(park=park)
    return tenancies.select_related("enterprise", "unit").order_by("end", "pk")


def ending_row(tenancy: Tenancy, *, on: datetime.date) -> dict:
    """A tenancy ending as a report row: tenancy, enterprise, its name, the unit's label, the end and the days left."""
    return {"tenancy": tenancy.pk, "enterprise": tenancy.enterprise_id, "name": tenancy.enterprise.name,
            "unit": f"{tenancy.unit.building}-{tenancy.unit.floor}-{tenancy.unit.room}", "end": tenancy.end,
            "days": (tenancy.end - on).days, "label": f"{tenancy.enterprise.name} {tenancy.end.isoformat()}"}


def _seen(model, *, user) -> Expression:
    """Expression over a model's rows: whether the user may see the row (`restrict`); TRUE where they see them all;
    a park administrator's units asked by their own park column (`access.scoping.scope_flag`)."""
    return scope_flag(user=user, model=model, action=VIEW)


def _flag(condition: Q) -> ExpressionWrapper:
    """A condition as a boolean column of a query's rows."""
    return ExpressionWrapper(condition, output_field=BooleanField())


def _place_values(*, parks: list[int], on: datetime.date, start: datetime.date, end: datetime.date) -> tuple:
    """What the page's queries (`_place_queries`) are computed from, each value once: the date, the period's start,
    end and the day after it, the last day of each ending window, the first instant after the date and after the end
    (their areas recorded by then, `config.as_of.recorded`), then the parks."""
    windows = (on + datetime.timedelta(days=window) for window in ENDING_WINDOWS)
    return (on, start, end, end + datetime.timedelta(days=1), *windows, end_of_day(on), end_of_day(end), *parks)


def _place_queries(values: tuple, *, user=None) -> tuple:
    """The units of the parks (each with whether the user sees it, whether it is leasable on the date, its area as
    recorded by the date and by the end, its days leasable in the period) and the tenancies the user sees on the
    date or in the period (with whether each holds its unit on the date, its days in the period, whether it ends in
    each window), of `_place_values`; `user` None: one who sees every unit and tenancy (the bureau)."""
    on, start, end, stop, *rest = values
    windows, parks = rest[:len(ENDING_WINDOWS)], rest[len(ENDING_WINDOWS) + 2:]
    units = Unit.objects.filter(park__in=parks).order_by().values(
        "pk", "park", seen=Value(True) if user is None else _seen(Unit, user=user),
        leasable=_flag(Unit.dated.condition(on)), area_then=recorded(Unit, "area", on=on),
        area_end=recorded(Unit, "area", on=end), open_days=_open_days(start, stop))
    held = Tenancy.dated.condition(on)
    ending = {f"ending_{window}": _flag(Q(end__gt=on, end__lte=last))
              for window, last in zip(ENDING_WINDOWS, windows, strict=True)}
    tenancies = (Tenancy.objects.all() if user is None else Tenancy.objects.restrict(user, VIEW))
    tenancies = (tenancies.filter(park__in=parks).filter(held | Q(start__lt=stop) & ~Q(end__lte=start)).order_by()
                 .values("park", "unit", "enterprise", held=_flag(held), days=_overlap_days(start, stop), **ending))
    return units, tenancies


_PLACE_SENTINELS = {"on": datetime.date(3, 3, 3), "start": datetime.date(1, 1, 1), "end": datetime.date(2, 2, 2)}
_places: dict[int, tuple[CompiledQuery, CompiledQuery]] = {}


def _compiled_places(count: int) -> tuple[CompiledQuery, CompiledQuery]:
    """The two parts of `_place_figures` for the bureau and `count` parks, compiled once per process: built from
    dates and parks no report asks for (parks -1, -2...; the years 1 to 3), each replaced by the value asked for."""
    if count not in _places:
        sentinel = _place_values(parks=[-index for index in range(1, count + 1)], **_PLACE_SENTINELS)
        _places[count] = (CompiledQuery(lambda *values: _place_queries(values)[0], sentinels=sentinel),
                          CompiledQuery(lambda *values: _place_queries(values)[1], sentinels=sentinel))
    return _places[count]


def _place_figures(*, user, parks: list[int], on: datetime.date, start: datetime.date, end: datetime.date) -> dict:
    """Per park of `parks` (with any unit or tenancy): its units leasable on the date (`units`) and their area as
    recorded by then (`area`), its units' area-days over the period start..end (`area_days`: each unit the days it
    was leasable, at its area recorded by the end), the area let on the date (`let_area`: the units of its tenancies
    holding them then, at that area), its tenants on the date (`tenants`), its tenancies ending in each window
    (`ending_30`...) and its let area-days over the period (`used`). Units count where the user sees them, tenancies
    where the user sees them (the unit of a tenancy seen counts its area whoever sees the unit). One query: the
    parks' units are read once (a CTE, each with its areas looked up once) and the tenancies on the date or in the
    period are read once and joined to them; a tenancy only in the period counts in `used` only, one held on the
    date but outside the period adds 0 days to it. For the bureau the two parts are compiled once per number of
    parks (`_compiled_places`), else built for the user."""
    values = _place_values(parks=parks, on=on, start=start, end=end)
    using = router.db_for_read(Unit)
    if sees_all(user=user, models=(Unit, Tenancy)):
        units_sql, units_params = _compiled_places(len(parks))[0].sql(*values, using=using)
        tenancies_sql, tenancies_params = _compiled_places(len(parks))[1].sql(*values, using=using)
    else:
        units, tenancies = _place_queries(values, user=user)
        units_sql, units_params = units.query.sql_with_params()
        tenancies_sql, tenancies_params = tenancies.query.sql_with_params()
    ending = [f"ending_{window}" for window in ENDING_WINDOWS]
    u, t, p, q = quoted("u"), quoted("t"), quoted("p"), quoted("q")
    park, held_, seen = quoted("park"), f"{t}.{quoted('held')}", f"{u}.{quoted('seen')}"
    counts = ", ".join(f"COUNT(*) FILTER (WHERE {held_} AND {t}.{quoted(name)}) AS {quoted(name)}" for name in ending)
    sql = (f"WITH {u} AS ({units_sql}), {t} AS ({tenancies_sql}) "
           f"SELECT * FROM (SELECT {u}.{park}, "
           f"COUNT(*) FILTER (WHERE {seen} AND {u}.{quoted('leasable')}) AS {quoted('units')}, "
           f"SUM({u}.{quoted('area_then')}) FILTER (WHERE {seen} AND {u}.{quoted('leasable')}) AS {quoted('area')}, "
           f"SUM({u}.{quoted('area_end')} * {u}.{quoted('open_days')}) FILTER (WHERE {seen}) AS {quoted('area_days')} "
           f"FROM {u} GROUP BY 1) AS {p} FULL JOIN (SELECT {t}.{park}, "
           f"SUM({u}.{quoted('area_then')}) FILTER (WHERE {held_}) AS {quoted('let_area')}, "
           f"COUNT(DISTINCT {t}.{quoted('enterprise')}) FILTER (WHERE {held_}) AS {quoted('tenants')}, {counts}, "
           f"SUM({u}.{quoted('area_end')} * {t}.{quoted('days')}) AS {quoted('used')} "
           f"FROM {t} JOIN {u} ON {u}.{quoted('pk')} = {t}.{quoted('unit')} GROUP BY 1) AS {q} USING ({park})")
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*units_params, *tenancies_params])
        names = [column.name for column in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:], strict=True)) for row in cursor.fetchall()}


def park_figures(*, user, parks: list[Park], on: datetime.date, start: datetime.date, end: datetime.date,
                 year: int, lists: bool = False) -> list[dict]:
    """Per park of `parks` (rows of `report_parks`, in their order): units and leasable area, let area, occupancy and
    tenants on a date; let area-days and occupancy over the period start..end (both days included); tenancies ending
    in the next 30 / 60 / 90 days; the enterprises of the park that have not filed for the year (not_filed_rows;
    only counted, by not_filed_counts, without `lists`). Units leasable on the date, with their area as recorded by
    then (`config.as_of`); over the period, each unit counts the days it was leasable, at its area recorded by the
    period's end. Only the parks given are read. The figures are read from those kept per park by day
    (`park_days.kept_place_figures`, one statement) where they may answer (a user who sees every unit and tenancy of
    the parks: the bureau, their park administrator; the dates within the years kept, no unit's area moved since the
    earlier of the date and the end: that statement finds it, and the counted query follows), else counted
    (`_place_figures`). With `lists`, each row also lists its tenancies ending (`ending`) and tenants not filed
    (`not_filed`)."""
    ids = [park.pk for park in parks]
    if not ids:
        return []
    figures = None
    if may_keep(user=user, parks=ids, on=on, start=start, end=end):
        figures = kept_place_figures(parks=ids, on=on, start=start, end=end, windows=ENDING_WINDOWS)
    if figures is None:
        figures = _place_figures(user=user, parks=ids, on=on, start=start, end=end)
    not_filed, ending_lists = defaultdict(list), defaultdict(list)
    if lists:
        for park_id, enterprise_id, name in sorted(not_filed_rows(user=user, parks=ids, year=year),
                                                   key=lambda row: (row[0], row[2], row[1])):
            not_filed[park_id].append({"enterprise": enterprise_id, "name": name, "label": name})
        for tenancy in tenancies_ending(user=user, on=on).filter(park__in=ids):
            ending_lists[tenancy.park_id].append(ending_row(tenancy, on=on))
        not_filed_count = Counter({park: len(rows) for park, rows in not_filed.items()})
    else:  # the counts only (a page of the report): counted by the database, no list built
        not_filed_count = Counter(not_filed_counts(user=user, parks=ids, year=year))
    rows = []
    for park in parks:
        counted = figures.get(park.pk, {})
        leasable, let_area = Decimal(counted.get("area") or 0), Decimal(counted.get("let_area") or 0)
        used, leasable_days_of = Decimal(counted.get("used") or 0), Decimal(counted.get("area_days") or 0)
        row = {
            "park_id": park.pk, "park_name": park.name, "district_name": park.district_name_then,
            "units": counted.get("units") or 0, "leasable_area": leasable, "let_area": let_area,
            "occupancy": percent(let_area, leasable), "tenants": counted.get("tenants") or 0,
            "area_days": used, "leasable_area_days": leasable_days_of,
            "period_occupancy": percent(used, leasable_days_of),
            **{f"ending_{window}": counted.get(f"ending_{window}") or 0 for window in ENDING_WINDOWS},
            "not_filed_year": year, "not_filed_count": not_filed_count[park.pk],
        }
        if lists:
            row |= {"ending": ending_lists[park.pk], "not_filed": not_filed[park.pk]}
        rows.append(row)
    return rows


def park_report(*, user, on: datetime.date, start: datetime.date, end: datetime.date, year: int) -> list[dict]:
    """The park report of every park the user sees (`park_figures` with the lists): what a download holds."""
    return park_figures(user=user, parks=list(report_parks(user=user, on=on)), on=on, start=start, end=end,
                        year=year, lists=True)
