"""The district overview (and the dated reads the park report shares with it): figures per place, each an
aggregate over the records the user may see (a park administrator's cover their parks), a few queries whatever
the number of places. A tenant registered elsewhere counts in its park's occupancy and tenants, never with its
filings or designations."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Sum, Value
from psycopg.types.numeric import Int2

from access.compiled import CompiledQuery
from access.scoping import VIEW, sees_all
from config.as_of import as_of, changed_models, changed_since, changed_since_sql, end_of_day, recorded
from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.choices import Tier
from enterprises.models import AnnualFiling, Enterprise, Tenancy, TierDesignation
from enterprises.selectors import percent, tenancies_on
from parks.models import District, Park, Unit

from ..models import BenchmarkProject, FilingTotal, Lab, Platform
from ..place_models import PlaceDelta
from .cells import hide_small_cells
from .plan_progress import benchmark_projects_selected, labs_in_operation, platforms_in_operation
from .sql import quoted
from .totals import filing_totals

DISTRICT_MONEY = ("revenue", "digital_human_revenue")


def _by(queryset, key: str, **aggregates) -> dict:
    """Aggregates of a queryset grouped by one expression or field: key value -> {aggregate: value}."""
    return {row.pop("place"): row for row in queryset.order_by().values(place=F(key) if isinstance(key, str) else key)
            .annotate(**aggregates)}


def parks_on(parks, *, on: datetime.date):
    """The parks of a queryset that existed on a date (opened by then, or with no date recorded)."""
    return as_of(parks, on=on, dated=Park.existence)


def units_on(units, *, on: datetime.date):
    """The units of a queryset leasable on a date, each with `area_then`: its area as recorded by then."""
    return as_of(units, on=on).annotate(area_then=recorded(Unit, "area", on=on))


def let_area_then(*, on: datetime.date):
    """Expression over tenancies: their unit's area as recorded by the date."""
    return recorded(Unit, "area", on=on, ref="unit")


def park_district_then(*, on: datetime.date, ref: str = "park"):
    """Expression: the district of the park at `ref` as recorded by the date."""
    return recorded(Park, "district", on=on, ref=ref)


def enterprise_district_then(*, on: datetime.date, ref: str = "pk"):
    """Expression: the registered district of the enterprise at `ref` as recorded by the date."""
    return recorded(Enterprise, "district", on=on, ref=ref)


def _visible(model, *, user) -> Q:
    """Condition on a model's records: those the user may see (`restrict`); empty where the user sees them all, so
    that a query over every record counts the user's with a FILTER instead of a second scan."""
    if sees_all(user=user, models=[model]):
        return Q()
    return Q(pk__in=model.objects.restrict(user, VIEW).values("pk"))


def _filings_by_district(*, user, year: int) -> dict:
    """The year's approved filings per district filed in: count, revenue and digital-human revenue; read from the
    kept totals where the user sees every filing, else summed from the filings they may see."""
    totals = filing_totals(user=user, year=year)
    if totals is not None:
        return _by(totals, "district", n=Sum("filings"), revenue=Sum("revenue"),
                   digital_human_revenue=Sum("digital_human_revenue"))
    return _by(AnnualFiling.objects.current().filter(year=year).restrict(user, VIEW), "district",
               n=Count("pk"), revenue=Sum("revenue"), digital_human_revenue=Sum("digital_human_revenue"))


# The records counted by their park's district, else (no park) by their enterprise's, and that enterprise's path.
HOSTED = {"labs": "host", "platforms": "operator", "projects": "lead"}


def _hosted(*, user, year: int, on: datetime.date) -> dict:
    """The labs and platforms in operation and the benchmark projects selected on the date that the user may see."""
    return {"labs": labs_in_operation(on=on).restrict(user, VIEW),
            "platforms": platforms_in_operation(on=on).restrict(user, VIEW),
            "projects": benchmark_projects_selected(year=year, on=on).restrict(user, VIEW)}


def _by_enterprise(*, user, on: datetime.date, hosted: dict, changed: frozenset) -> dict:
    """What is counted by an enterprise's registered district as recorded on the date, besides the enterprises
    themselves: those holding each tier on the date (each once however many designations of it) and the labs,
    platforms and projects without a park (by their enterprise). One query: the records are counted per enterprise
    first (a few thousand rows, a UNION ALL) and joined to the enterprises once (a join each cost a scan of the
    enterprises each)."""
    held = TierDesignation.objects.held_on(on).restrict(user, VIEW)
    owned = [held.values(owner=F("enterprise"), counted=F("tier")),  # (owner, what it counts as)
             *(hosted[name].filter(park__isnull=True).annotate(counted=Value(name)).values("counted", owner=F(path))
               for name, path in HOSTED.items())]
    parts, params = [], []
    for records in owned:  # per owner and what is counted, how many records
        try:
            sql, part_params = records.order_by().annotate(n=Count("pk")).query.sql_with_params()
        except EmptyResultSet:  # the user sees none of these records
            continue
        parts.append(f"SELECT {quoted('owner')}, {quoted('counted')}, {quoted('n')} FROM ({sql}) AS {quoted('part')}")
        params += part_params
    if not parts:
        return {}
    enterprises = Enterprise.objects.order_by().annotate(place=recorded(Enterprise, "district", on=on,
                                                                        changed=changed)).values("pk", "place")
    enterprises_sql, enterprises_params = enterprises.query.sql_with_params()
    u, e = quoted("u"), quoted("e")
    sql = (f"SELECT {e}.{quoted('place')}, {u}.{quoted('counted')}, COUNT(*), SUM({u}.{quoted('n')}) "
           f"FROM ({' UNION ALL '.join(parts)}) AS {u} JOIN ({enterprises_sql}) AS {e} "
           f"ON {e}.{quoted('pk')} = {u}.{quoted('owner')} GROUP BY 1, 2")
    figures = defaultdict(dict)
    with connections[enterprises.db].cursor() as cursor:
        cursor.execute(sql, [*params, *enterprises_params])
        for place, counted, owners, records in cursor.fetchall():
            # an enterprise holds a tier when it has any designation of it: the owners count, not the records
            figures[place][counted] = owners if counted in Tier.values else int(records)
    return figures


def _by_park(*, user, on: datetime.date, hosted: dict, changed: frozenset) -> dict:
    """Per park (its id): leasable area of the units leasable on the date (at their area recorded by then), and the
    labs, platforms and projects with a park, each of them one grouping by park without a join."""
    units = as_of(Unit.objects.restrict(user, VIEW), on=on)
    figures = {park: {"leasable": area} for park, area in units.order_by().values_list("park").annotate(
        area=Sum(recorded(Unit, "area", on=on, changed=changed)))}
    parked = [records.filter(park__isnull=False).order_by().annotate(counted=Value(name)).values("counted", "park")
              .annotate(n=Count("pk")) for name, records in hosted.items()]
    for row in parked[0].union(*parked[1:], all=True):
        figures.setdefault(row["park"], {})[row["counted"]] = row["n"]
    return figures


def _tenants(*, user, on: datetime.date, park_district: dict, changed: frozenset) -> list[tuple]:
    """(district, tenants, let area) of the tenancies on the date, in one scan of them: the tenants are distinct
    enterprises per district, so the district is joined in the query, from the parks' districts already read
    (`park_district`, park -> district as recorded on the date) rather than read again for each tenancy."""
    tenancies = tenancies_on(on=on).restrict(user, VIEW).order_by().values(
        "enterprise", "park", area=recorded(Unit, "area", on=on, ref="unit", changed=changed))
    try:
        sql, params = tenancies.query.sql_with_params()
    except EmptyResultSet:  # the user sees no tenancy
        return []
    t, m = quoted("t"), quoted("m")
    with connections[tenancies.db].cursor() as cursor:
        cursor.execute(f"SELECT {m}.{quoted('place')}, COUNT(DISTINCT {t}.{quoted('enterprise')}), "
                       f"SUM({t}.{quoted('area')}) FROM ({sql}) AS {t} JOIN UNNEST(%s::bigint[], %s::bigint[]) "
                       f"AS {m}({quoted('park')}, {quoted('place')}) ON {m}.{quoted('park')} = {t}.{quoted('park')} "
                       f"GROUP BY 1", [*params, list(park_district), list(park_district.values())])
        return cursor.fetchall()


# The figures kept by day (registry.PlaceDelta, migration registry 0023): the areas (m²), the rest counts; the
# benchmark projects are kept per year of the project (`projects:<year>`), a year's overview counting those up to it.
KEPT_AREAS = ("leasable", "let")
KEPT_DECADE = 10  # the years between two sums of every earlier change (migration registry 0023, DECADE)
KEPT_PROJECTS = "projects:"
KEPT_SOURCES = (Park, Unit, Enterprise, Tenancy, TierDesignation, Lab, Platform, BenchmarkProject)


def _counted(*, user, year: int, on: datetime.date, changed: frozenset, park_district: dict) -> dict:
    """Per district, every figure of the overview but the parks and the filings, on the date, counted from the
    records the user may see (one scan per table); `park_district` is each park's district as recorded then."""
    hosted = _hosted(user=user, year=year, on=on)
    figures = defaultdict(lambda: defaultdict(int))
    for park, counts in _by_park(user=user, on=on, hosted=hosted, changed=changed).items():
        for name, value in counts.items():
            figures[park_district[park]][name] += value
    enterprises = as_of(Enterprise.objects.restrict(user, VIEW), on=on)
    for place, counts in _by(enterprises, recorded(Enterprise, "district", on=on, changed=changed),
                             enterprises=Count("pk")).items():
        figures[place]["enterprises"] = counts["enterprises"]
    for place, counts in _by_enterprise(user=user, on=on, hosted=hosted, changed=changed).items():
        for name, value in counts.items():
            figures[place][name] += value
    for place, tenants, let in _tenants(user=user, on=on, park_district=park_district, changed=changed):
        figures[place]["tenants"], figures[place]["let"] = tenants, let
    return figures


# What the overview reads as recorded on the date: the models whose change since the date sends it to the records.
PLACES_READ = ((Park, "district"), (Unit, "area"), (Enterprise, "district"))


def kept_days(on: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The first days of the date's decade of the kept years, of its year and of its month: the bounds of the kept
    rows summed up to the date (`_kept`'s, and the park figures' in `park_days`)."""
    return (on.replace(year=on.year - (on.year - FIRST_YEAR) % KEPT_DECADE, month=1, day=1),
            on.replace(month=1, day=1), on.replace(day=1))


def _kept_rows(*, on: datetime.date, decade: datetime.date, january: datetime.date, month: datetime.date):
    """The kept changes summed per district and figure up to the date: (place, figure, total)."""
    rows = PlaceDelta.objects.filter(Q(grain="c", day=decade) | Q(grain="y", day__gte=decade, day__lt=january)
                                     | Q(grain="m", day__gte=january, day__lt=month)
                                     | Q(grain="d", day__gte=month, day__lte=on))
    return rows.order_by().values_list("place", "figure").annotate(total=Sum("delta"))


def _kept_figures(rows, *, year: int) -> dict:
    """Per district, the figures of the kept rows (place, figure, total): the areas as summed, the counts as
    integers, the benchmark projects of the year and before added up."""
    figures = defaultdict(lambda: defaultdict(int))
    for place, figure, total in rows:
        if figure.startswith(KEPT_PROJECTS):
            figures[place]["projects"] += int(total) if int(figure.removeprefix(KEPT_PROJECTS)) <= year else 0
        else:
            figures[place][figure] = total if figure in KEPT_AREAS else int(total)
    return figures


def _kept(*, user, year: int, on: datetime.date, changed: frozenset) -> dict | None:
    """Per district, every figure of the overview but the parks and the filings, on the date, from the figures kept
    by day: the sum of every change before its decade, its decade's earlier years, its year's earlier months and its
    month's days up to the date (a few thousand rows at most); None where they may not be read: the user does not
    see every record behind them, a park's or enterprise's district or a unit's area moved since the date (the kept days
    are those of the records' values of today), or the date is outside the years kept."""
    if changed or not _may_keep(user=user, on=on):
        return None
    decade, january, month = kept_days(on)
    return _kept_figures(_kept_rows(on=on, decade=decade, january=january, month=month), year=year)


def _may_keep(*, user, on: datetime.date) -> bool:
    """Whether the kept figures may answer the user on the date (before asking whether anything moved since)."""
    return FIRST_YEAR <= on.year <= LAST_YEAR and sees_all(user=user, models=KEPT_SOURCES)


# The parts of the bureau's one statement (`_bureau_read`), its first column.
PARKS_PART, KEPT_PART, FILED_PART, DISTRICT_PART, CHANGED_PART = range(5)


def _bureau_statement(on, decade, january, month, year, end, *, database: str) -> tuple[str, list]:
    """The bureau's overview in one statement (`end`, the end of the day `on`, is computed from it): the parks
    existing on the date per district, the kept figures' rows, the year's filing totals per district, the districts
    in their order and the models moved since the date, each part's rows marked by its first column."""
    parks = Park.objects.order_by().values(place=F("district")).annotate(
        n=Count("pk", filter=Park.existence.condition(on)))
    kept = _kept_rows(on=on, decade=decade, january=january, month=month)
    filed = FilingTotal.objects.filter(year=year).order_by().values(place=F("district")).annotate(
        n=Sum("filings"), revenue=Sum("revenue"), digital_human_revenue=Sum("digital_human_revenue"))
    districts = District.objects.order_by().values("pk", "code", "name")
    parts = [query.query.sql_with_params() for query in (parks, kept, filed, districts)]
    parts.append(changed_since_sql(PLACES_READ, on=on, using=database))
    # part, place, figure, number, revenue, digital-human revenue, code, name, order (typed in the first part: a
    # UNION takes each column's type from its first two parts, then the next)
    sql = " UNION ALL ".join([
        f"SELECT {PARKS_PART}, p.place::bigint, NULL::text, p.n::numeric, NULL::numeric, NULL::numeric, NULL::text, "
        f"NULL::text, NULL::bigint FROM ({parts[0][0]}) AS p",
        f"SELECT {KEPT_PART}, k.place, k.figure, k.total, NULL, NULL, NULL, NULL, NULL FROM ({parts[1][0]}) AS k",
        f"SELECT {FILED_PART}, f.place, NULL, f.n, f.revenue, f.digital_human_revenue, NULL, NULL, NULL "
        f"FROM ({parts[2][0]}) AS f",
        f"SELECT {DISTRICT_PART}, d.pk, NULL, NULL, NULL, NULL, d.code, d.name, ROW_NUMBER() OVER (ORDER BY d.code) "
        f"FROM ({parts[3][0]}) AS d",
        f"SELECT {CHANGED_PART}, c.model_index, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ({parts[4][0]}) AS c"])
    return sql, [param for _sql, params in parts for param in params]


# Dates and a year no report asks, in the place of those asked (the end of the date's day computed from it): the
# bureau's statement compiled once per process. The year is within a small integer's range (the year's field): a
# value outside it makes the ORM match nothing, which a compiled query would keep as "no rows" for every year; and
# it is the small integer the ORM sends for that field (psycopg's Int2), as is the year swapped in.
_ON, _DECADE, _JANUARY, _MONTH, _YEAR = (datetime.date(1, 2, 1), datetime.date(1, 2, 2), datetime.date(1, 2, 3),
                                         datetime.date(1, 2, 4), Int2(32_109))
_bureau_compiled = CompiledQuery(_bureau_statement, sentinels=(_ON, _DECADE, _JANUARY, _MONTH, _YEAR,
                                                               end_of_day(_ON)))


def _bureau_read(*, user, year: int, on: datetime.date):
    """The overview's figures read in one statement where the kept figures and the filings' totals may answer the
    user (the bureau) on the date: (figures per district, parks per district, filings per district, the districts
    in order), or (None, the models moved since the date) where something moved since, or None where the user or
    the date may not read them at all."""
    if not _may_keep(user=user, on=on) or filing_totals(user=user, year=year) is None:
        return None
    using = router.db_for_read(PlaceDelta)
    rows = _bureau_compiled.rows(on, *kept_days(on), Int2(year), end_of_day(on), using=using, database=using)
    changed = [place for part, place, *_rest in rows if part == CHANGED_PART]
    if changed:
        return None, changed_models(PLACES_READ, changed)
    parks, filed, districts = defaultdict(int), {}, []
    for part, place, _figure, number, revenue, digital_human_revenue, code, name, order in rows:
        if part == PARKS_PART:
            parks[place] = int(number)
        elif part == FILED_PART:
            filed[place] = {"n": int(number), "revenue": revenue, "digital_human_revenue": digital_human_revenue}
        elif part == DISTRICT_PART:
            districts.append((order, place, code, name))
    figures = _kept_figures(((place, figure, total) for part, place, figure, total, *_rest in rows
                             if part == KEPT_PART), year=year)
    return figures, parks, filed, [district[1:] for district in sorted(districts)]


def district_overview(*, user, year: int, on: datetime.date) -> list[dict]:
    """Per district of the city (every one, with zeros where nothing counts): parks, enterprises active on a date
    and registered there, tenants on the date, the year's approved revenue and digital-human revenue (by the
    district filed in; hidden outside the bureau under SMALL_CELL_MIN filings), enterprises holding each tier on
    the date, labs and platforms in operation and benchmark projects selected on the date (by their park's
    district, else their enterprise's), leasable and let area and occupancy on the date; what was true on the date
    is read by `config.as_of`: parks existing and units leasable then, with the area and the districts (of parks and
    enterprises) recorded by then. The bureau's figures with nothing changed since the date are read from the
    figures kept by day, in one statement with the parks, the filings' totals and the districts; the others counted
    from the records: docs/aggregates.md."""
    read = _bureau_read(user=user, year=year, on=on)
    if read is None or read[0] is None:
        changed = read[1] if read is not None else changed_since(PLACES_READ, on=on)
        read = _read_each(user=user, year=year, on=on, changed=changed)
    return overview_rows(read, user=user)


def overview_rows(read: tuple, *, user) -> list[dict]:
    """The overview's rows from what was read ((figures, parks, filings per district, the districts in order)):
    one per district, zeros where nothing counts, the money hidden in small cells outside the bureau."""
    figures, parks_counted, filed, districts = read
    for place, count in parks_counted.items():
        figures[place]["parks"] = count
    rows = []
    for pk, code, name in districts:  # every district of the city, zeros where nothing counts
        got, filings = figures.get(pk, {}), filed.get(pk, {})
        leasable, let = Decimal(got.get("leasable") or 0), Decimal(got.get("let") or 0)
        rows.append({
            "district": pk, "district_code": code, "district_name": name,
            "parks": got.get("parks", 0), "enterprises": got.get("enterprises", 0), "tenants": got.get("tenants", 0),
            "filed": filings.get("n", 0), "revenue": filings.get("revenue") or Decimal(0),
            "digital_human_revenue": filings.get("digital_human_revenue") or Decimal(0),
            **{f"designated_{tier}": got.get(tier, 0) for tier in Tier.values},
            "labs": got.get("labs", 0), "platforms": got.get("platforms", 0), "projects": got.get("projects", 0),
            "leasable_area": leasable, "let_area": let, "occupancy": percent(let, leasable),
        })
    return hide_small_cells(rows=rows, user=user, count="filed", money=DISTRICT_MONEY)


def _read_each(*, user, year: int, on: datetime.date, changed: frozenset) -> tuple:
    """The overview's figures read a query each (anyone but the bureau, or a date with a district or an area moved
    since): (figures per district, parks per district, filings per district, the districts in order)."""
    parks = Park.objects.annotate(
        place=recorded(Park, "district", on=on, changed=changed),
        counted=ExpressionWrapper(Park.existence.condition(on) & _visible(Park, user=user), BooleanField()))
    park_district, parks_counted = {}, defaultdict(int)
    for park, place, counted in parks.order_by().values_list("pk", "place", "counted"):
        park_district[park] = place
        parks_counted[place] += counted
    figures = _kept(user=user, year=year, on=on, changed=changed)
    if figures is None:
        figures = _counted(user=user, year=year, on=on, changed=changed, park_district=park_district)
    districts = list(District.objects.order_by("code").values_list("pk", "code", "name"))
    return figures, parks_counted, _filings_by_district(user=user, year=year), districts


def place_enterprises(*, user, on: datetime.date, kind: str, district: int | None = None,
                      park: int | None = None) -> list[dict]:
    """The enterprises behind a count of the district overview or the park report (the report centre's drill-down),
    read with the same expressions the counts use: `registered` (active on the date and registered in the district
    as recorded then) or `tenants` (holding a unit on the date in the district's parks, or in the park), each
    {id, name}, by name."""
    if kind == "registered":
        found = as_of(Enterprise.objects.restrict(user, VIEW), on=on).annotate(place=enterprise_district_then(on=on))
        found = found.filter(place=district) if district else found.filter(park=park)
        return list(found.order_by("name", "pk").values("id", "name"))
    tenancies = tenancies_on(on=on).restrict(user, VIEW).annotate(place=park_district_then(on=on))
    tenancies = tenancies.filter(place=district) if district else tenancies.filter(park=park)
    rows = tenancies.order_by().values("enterprise", "enterprise__name").distinct()
    return sorted(({"id": row["enterprise"], "name": row["enterprise__name"]} for row in rows),
                  key=lambda row: (row["name"], row["id"]))
