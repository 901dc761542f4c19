"""The district overview (and the dated reads the park report shares with it): figures per place, each an
aggregate over the records the user may see (a park administrator's cover their parks), a few queries whatever
the number of places. A tenant registered elsewhere counts in its park's occupancy and tenants, never with its
filings or designations."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Sum

from access.scoping import VIEW
from config.as_of import as_of, recorded
from enterprises.choices import Tier
from enterprises.models import AnnualFiling, Enterprise, TierDesignation
from enterprises.selectors import percent, tenancies_on
from parks.models import District, Park, Unit

from .cells import hide_small_cells
from .plan_progress import benchmark_projects_selected, labs_in_operation, platforms_in_operation
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


def _by_park_else(records, *, on: datetime.date, owner: str) -> dict:
    """Records counted per district: their park's as recorded by the date, else (no park) their enterprise's at
    `owner` as recorded then. One query in two branches (UNION ALL): only the records without a park join their
    enterprise, where one grouping by COALESCE(park's, enterprise's) joined every enterprise."""
    parked = records.filter(park__isnull=False).order_by().values(place=park_district_then(on=on))
    unparked = records.filter(park__isnull=True).order_by().values(place=enterprise_district_then(on=on, ref=owner))
    counts = defaultdict(int)
    for row in parked.annotate(n=Count("pk")).union(unparked.annotate(n=Count("pk")), all=True):
        counts[row["place"]] += row["n"]
    return {place: {"n": n} for place, n in counts.items()}


def _filings_by_district(*, user, year: int) -> dict:
    """The year's approved filings per district filed in: count, revenue and digital-human revenue; read from the
    kept totals where the user sees every filing, else summed from the filings they may see."""
    totals = filing_totals(user=user, year=year)
    if totals is not None:
        return _by(totals, "district", n=Sum("filings"), revenue=Sum("revenue"),
                   digital_human_revenue=Sum("digital_human_revenue"))
    return _by(AnnualFiling.objects.current().filter(year=year).restrict(user, VIEW), "district",
               n=Count("pk"), revenue=Sum("revenue"), digital_human_revenue=Sum("digital_human_revenue"))


def district_overview(*, user, year: int, on: datetime.date) -> list[dict]:
    """Per district of the city (every one, with zeros where nothing counts): parks, enterprises active on a date
    and registered there, tenants on the date, the year's approved revenue and digital-human revenue (by the
    district filed in; hidden outside the bureau under SMALL_CELL_MIN filings), enterprises holding each tier on
    the date, labs and platforms in operation and benchmark projects selected on the date (by their park's
    district, else their enterprise's), leasable and let area and occupancy on the date; what was true on the date
    is read by `config.as_of`: parks existing and units leasable then, with the area and the districts (of parks and
    enterprises) recorded by then."""
    visible = {name: model.objects.restrict(user, VIEW) for name, model in (
        ("parks", Park), ("enterprises", Enterprise), ("units", Unit))}
    tenancies = tenancies_on(on=on).restrict(user, VIEW)
    park_district = park_district_then(on=on)
    figures = {
        "parks": _by(parks_on(visible["parks"], on=on), park_district_then(on=on, ref="pk"), n=Count("pk")),
        "enterprises": _by(as_of(visible["enterprises"], on=on), enterprise_district_then(on=on), n=Count("pk")),
        # tenants and let area: one scan of the tenancies on the date
        "tenants": _by(tenancies, park_district, n=Count("enterprise", distinct=True), area=Sum(let_area_then(on=on))),
        "filings": _filings_by_district(user=user, year=year),
        "labs": _by_park_else(labs_in_operation(on=on).restrict(user, VIEW), on=on, owner="host"),
        "platforms": _by_park_else(platforms_in_operation(on=on).restrict(user, VIEW), on=on, owner="operator"),
        "projects": _by_park_else(benchmark_projects_selected(year=year, on=on).restrict(user, VIEW), on=on,
                                  owner="lead"),
        "leasable": _by(units_on(visible["units"], on=on), park_district, area=Sum("area_then")),
    }
    tiers = defaultdict(dict)
    held = (TierDesignation.objects.held_on(on).restrict(user, VIEW).order_by()
            .values("tier", place=enterprise_district_then(on=on, ref="enterprise")))
    for row in held.annotate(n=Count("enterprise", distinct=True)):
        tiers[row["place"]][row["tier"]] = row["n"]
    rows = []
    for district in District.objects.order_by("code"):  # every district of the city, zeros where nothing counts
        def get(name, key="n", district=district):
            return figures[name].get(district.pk, {}).get(key) or 0
        filings = figures["filings"].get(district.pk, {})
        leasable, let = Decimal(get("leasable", "area")), Decimal(get("tenants", "area"))
        rows.append({
            "district": district.pk, "district_code": district.code, "district_name": district.name,
            "parks": get("parks"), "enterprises": get("enterprises"), "tenants": get("tenants"),
            "filed": filings.get("n", 0), "revenue": filings.get("revenue") or Decimal(0),
            "digital_human_revenue": filings.get("digital_human_revenue") or Decimal(0),
            **{f"designated_{tier}": tiers[district.pk].get(tier, 0) for tier in Tier.values},
            "labs": get("labs"), "platforms": get("platforms"), "projects": get("projects"),
            "leasable_area": leasable, "let_area": let, "occupancy": percent(let, leasable),
        })
    return hide_small_cells(rows=rows, user=user, count="filed", money=DISTRICT_MONEY)


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
