"""The district overview and the park report: figures per place, each an aggregate over the records the user
may see (a park administrator's cover their parks), a few queries whatever the number of places. A tenant
registered elsewhere counts in its park's occupancy and tenants, never with its filings or designations."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, OuterRef, Sum
from django.db.models.expressions import Exists, RawSQL
from django.db.models.functions import Coalesce

from config.as_of import as_of
from enterprises.choices import FILED_STATUSES, EnterpriseStatus, Tier
from enterprises.models import AnnualFiling, Enterprise, Tenancy, TierDesignation
from enterprises.selectors import percent, tenancies_on
from parks.models import District, Park, Unit
from parks.scoping import VIEW

from .cells import hide_small_cells
from .plan_progress import benchmark_projects_selected, labs_in_operation, platforms_in_operation

ENDING_WINDOWS = (30, 60, 90)  # days ahead in which the park report lists tenancies ending
DISTRICT_MONEY = ("revenue", "digital_human_revenue")


def _by(queryset, key: str, **aggregates) -> dict:
    """Aggregates of a queryset grouped by one expression or field: key value -> {aggregate: value}."""
    return {row.pop("place"): row for row in queryset.order_by().values(place=F(key) if isinstance(key, str) else key)
            .annotate(**aggregates)}


def district_overview(*, user, year: int, on: datetime.date) -> list[dict]:
    """Per district of the city (every one, with zeros where nothing counts): parks, enterprises active on a date
    and registered there, tenants on the date, the year's approved revenue and digital-human revenue (by the
    district filed in; hidden outside the bureau under SMALL_CELL_MIN filings), enterprises holding each tier on
    the date, labs and platforms in operation and benchmark projects selected on the date (by their park's
    district, else their enterprise's), leasable and let area and occupancy on the date; what was true on the date
    is read by `config.as_of`."""
    visible = {name: model.objects.restrict(user, VIEW) for name, model in (
        ("parks", Park), ("enterprises", Enterprise), ("units", Unit))}
    tenancies = tenancies_on(on=on).restrict(user, VIEW)
    figures = {
        "parks": _by(visible["parks"], "district", n=Count("pk")),
        "enterprises": _by(as_of(visible["enterprises"], on=on), "district", n=Count("pk")),
        "tenants": _by(tenancies, "park__district", n=Count("enterprise", distinct=True)),
        "filings": _by(AnnualFiling.objects.current().filter(year=year).restrict(user, VIEW), "district",
                       n=Count("pk"), revenue=Sum("revenue"), digital_human_revenue=Sum("digital_human_revenue")),
        "labs": _by(labs_in_operation(on=on).restrict(user, VIEW), Coalesce("park__district", "host__district"),
                    n=Count("pk")),
        "platforms": _by(platforms_in_operation(on=on).restrict(user, VIEW),
                         Coalesce("park__district", "operator__district"), n=Count("pk")),
        "projects": _by(benchmark_projects_selected(year=year, on=on).restrict(user, VIEW),
                        Coalesce("park__district", "lead__district"), n=Count("pk")),
        "leasable": _by(visible["units"], "park__district", area=Sum("area")),
        "let": _by(tenancies, "park__district", area=Sum("unit__area")),
    }
    tiers = defaultdict(dict)
    held = TierDesignation.objects.held_on(on).restrict(user, VIEW).order_by().values("enterprise__district", "tier")
    for row in held.annotate(n=Count("enterprise", distinct=True)):
        tiers[row["enterprise__district"]][row["tier"]] = row["n"]
    rows = []
    for district in District.objects.order_by("code"):  # every district of the city, zeros where nothing counts
        def get(name, key="n", district=district):
            return figures[name].get(district.pk, {}).get(key) or 0
        filings = figures["filings"].get(district.pk, {})
        leasable, let = Decimal(get("leasable", "area")), Decimal(get("let", "area"))
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


def _overlap_days(start: datetime.date, stop: datetime.date) -> RawSQL:
    """SQL: the days a tenancy (the query's base table) holds its unit within [start, stop)."""
    return RawSQL('GREATEST(0, LEAST(COALESCE("enterprises_tenancy"."end", %s), %s) '
                  '- GREATEST("enterprises_tenancy"."start", %s))', (stop, stop, start), output_field=IntegerField())


def not_filed_rows(*, user, parks, year: int) -> list[tuple[int, int, str]]:
    """(park, enterprise, name) of the enterprises of each park that have not filed for a year: registered with the
    park (and active), or renting in it at any time during the year, without a filing of the year submitted to
    the bureau (submitted, returned or approved) among those the user may see. Only the enterprises the user sees
    whole count (a park administrator: those registered with their park): whether a tenant registered elsewhere
    filed is not its letting park's business. One query (a UNION)."""
    filed = AnnualFiling.objects.restrict(user, VIEW).filter(enterprise=OuterRef("pk"), year=year,
                                                             status__in=FILED_STATUSES)
    owing = Enterprise.objects.restrict(user, VIEW).filter(~Exists(filed))
    registered = owing.filter(status=EnterpriseStatus.ACTIVE, park__in=parks.values("pk")).values_list(
        "park", "pk", "name")
    renting = (Tenancy.objects.restrict(user, VIEW)
               .filter(start__lt=datetime.date(year + 1, 1, 1), enterprise__in=owing)
               .exclude(end__lte=datetime.date(year, 1, 1))
               .values_list("park", "enterprise", "enterprise__name"))
    return list(registered.order_by().union(renting.order_by()))


def park_report(*, user, on: datetime.date, start: datetime.date, end: datetime.date, year: int) -> list[dict]:
    """Per park: units and leasable area, let area, occupancy and tenants on a date; let area-days and occupancy
    over the period start..end (both days included); tenancies ending in the next 30 / 60 / 90 days; the
    enterprises of the park that have not filed for the year (not_filed_rows)."""
    stop = end + datetime.timedelta(days=1)
    parks = Park.objects.restrict(user, VIEW).select_related("district").order_by("name")
    units = _by(Unit.objects.restrict(user, VIEW), "park", n=Count("pk"), area=Sum("area"))
    tenancies = tenancies_on(on=on).restrict(user, VIEW)
    let = _by(tenancies, "park", area=Sum("unit__area"), tenants=Count("enterprise", distinct=True))
    area_days = _by(
        tenancies.model.objects.restrict(user, VIEW).filter(start__lt=stop).exclude(end__lte=start), "park",
        area_days=Sum(ExpressionWrapper(F("unit__area") * _overlap_days(start, stop),
                                        output_field=DecimalField(max_digits=20, decimal_places=2))),
    )
    ending = defaultdict(list)
    horizon = on + datetime.timedelta(days=max(ENDING_WINDOWS))
    for tenancy in tenancies.filter(end__gt=on, end__lte=horizon).select_related("enterprise", "unit").order_by(
            "end", "pk"):
        days = (tenancy.end - on).days
        ending[tenancy.park_id].append({
            "tenancy": tenancy.pk, "enterprise": tenancy.enterprise_id, "name": tenancy.enterprise.name,
            "unit": f"{tenancy.unit.building}-{tenancy.unit.floor}-{tenancy.unit.room}", "end": tenancy.end,
            "days": days, "label": f"{tenancy.enterprise.name} {tenancy.end.isoformat()}",
        })
    filed_year = year
    not_filed = defaultdict(list)
    for park_id, enterprise_id, name in sorted(not_filed_rows(user=user, parks=parks, year=filed_year),
                                               key=lambda row: (row[0], row[2], row[1])):
        not_filed[park_id].append({"enterprise": enterprise_id, "name": name, "label": name})
    days = (stop - start).days
    rows = []
    for park in parks:
        leasable = Decimal(units.get(park.pk, {}).get("area") or 0)
        let_area = Decimal(let.get(park.pk, {}).get("area") or 0)
        used = Decimal(area_days.get(park.pk, {}).get("area_days") or 0)
        park_ending = ending[park.pk]
        rows.append({
            "park_id": park.pk, "park_name": park.name, "district_name": park.district.name,
            "units": units.get(park.pk, {}).get("n", 0), "leasable_area": leasable, "let_area": let_area,
            "occupancy": percent(let_area, leasable), "tenants": let.get(park.pk, {}).get("tenants", 0),
            "area_days": used, "leasable_area_days": leasable * days,
            "period_occupancy": percent(used, leasable * days),
            **{f"ending_{window}": sum(1 for item in park_ending if item["days"] <= window)
               for window in ENDING_WINDOWS},
            "ending": park_ending, "not_filed_year": filed_year, "not_filed_count": len(not_filed[park.pk]),
            "not_filed": not_filed[park.pk],
        })
    return rows
