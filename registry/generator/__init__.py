"""A generated city for benchmarks: N enterprises with five years of filings, designations, parks, units,
tenancies, labs, platforms, benchmark projects, support policies and awards, the enterprises' registers and the
parks' services, loaded with PostgreSQL COPY
(`manage.py generate_city`).

It replaces the registry's data (everything but districts, plan targets and user accounts); the accounts' park
and enterprise memberships move to generated records of the same districts (accounts.py), so the demo accounts
keep working. COPY bypasses
django-simple-history: generated records have no history rows, and the history of the emptied tables is emptied
with them. Every row passes the database's constraints, which would refuse it otherwise.
"""

import random
import time

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from config.db import tables_analyze
from enterprises.models import (
    AnnualFiling,
    ComplianceFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    EnterpriseMembership,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
    Tenancy,
    TierDesignation,
)
from enterprises.selectors import tier_reference_date
from parks.models import District, Park, ParkMembership, ParkService, Unit

from ..models import (
    BenchmarkProject,
    Lab,
    PlanTask,
    Platform,
    ReportRun,
    SupportAward,
    SupportPolicy,
    TierSummary,
)
from ..selectors.plan_board import PLAN_2022_2025
from . import compliance, places, records, registers
from . import enterprises as firms
from .accounts import memberships_note, memberships_restore
from .copying import Deferred, Table
from .profiles import Profiles

# Emptied before a city is generated (with their history); filled in this order.
MODELS = (Park, Unit, Enterprise, Tenancy, AnnualFiling, TierDesignation, Lab, Platform, BenchmarkProject,
          BenchmarkProject.partners.through, ParkMembership, EnterpriseMembership, ReportRun, TierSummary,
          SupportPolicy, SupportAward,
          Standard, IntellectualProperty, DigitalHumanIp, DigitalHumanRegistration, FinancingRound, Listing,
          ParkService, ComplianceFiling, IndustryActivity)


def city_truncate() -> None:
    """Empty the registry's tables and their history (not districts, plan targets or users); reset their ids."""
    tables = [model._meta.db_table for model in MODELS]
    tables += [model.history.model._meta.db_table for model in MODELS if hasattr(model, "history")]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


# The kept tables loaded with their statement triggers disabled (each COPY would refresh every row copied) and rebuilt
# once after the COPYs: (the prefix of the triggers' names, the tables they watch, the rebuild function).
KEPT_BY_TRIGGERS = (
    ("registry_not_filed", (Enterprise, Tenancy, AnnualFiling), "registry_not_filed_rebuild"),  # migration 0022
    ("registry_place", (Enterprise, TierDesignation, Tenancy, Unit, Park, Lab, Platform, BenchmarkProject),
     "registry_place_rebuild"),  # migration 0023 (0027: the park figures too)
)


def kept_by_triggers(*, enable: bool) -> None:
    """Disable the triggers keeping the years not filed and the district and park figures by day for the load, or
    enable them again and rebuild their tables from what was loaded."""
    with connection.cursor() as cursor:
        for prefix, models, rebuild in KEPT_BY_TRIGGERS:
            for model in models:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f'ALTER TABLE "{model._meta.db_table}" {"ENABLE" if enable else "DISABLE"} '
                                   f'TRIGGER "{prefix}_{event}"')
            if enable:
                cursor.execute(f"SELECT {rebuild}()")


def city_generate(*, enterprises: int, years: int = 5, seed: int = 2025, log=None) -> dict:
    """Replace the registry's data by a generated city of `enterprises` enterprises with `years` years of approved
    filings up to last year, the kept tables rebuilt (after ANALYZE of the loaded tables, then of the kept ones; every
    table vacuumed at the end, outside a transaction), the accounts' memberships moved onto it. Returns the rows
    copied per table, the seconds per step and the memberships moved per table."""
    from registry import seeding

    rng = random.Random(seed + enterprises)
    now = timezone.now()
    today = timezone.localdate()
    filing_years = list(range(today.year - years, today.year))
    counts, seconds = {}, {}
    started = time.perf_counter()

    def load(model, columns, rows) -> None:
        mark = time.perf_counter()
        counts[model._meta.db_table] = Table(model, columns, now).copy(rows)
        seconds[model._meta.db_table] = time.perf_counter() - mark
        if log:
            log(f"{model._meta.db_table}: {counts[model._meta.db_table]:,} rows in "
                f"{seconds[model._meta.db_table]:.1f} s")

    with transaction.atomic():
        seeding.load_districts(tally=seeding.new_tally())
        seeding.load_plan_targets(tally=seeding.new_tally())
        memberships = memberships_note()
        city_truncate()
        deferred = Deferred([model._meta.db_table for model in MODELS])
        deferred.drop()
        kept_by_triggers(enable=False)  # the kept tables are rebuilt once, after the COPYs
        districts = dict(District.objects.values_list("code", "id"))
        park_count = places.park_count(enterprises)
        load(Park, places.PARK_COLUMNS, places.park_rows(park_count, rng, districts, firms.DISTRICT_WEIGHTS))
        parks = list(Park.objects.order_by("pk").values_list("pk", "district_id"))
        profiles = Profiles()
        load(Enterprise, firms.ENTERPRISE_COLUMNS,
             firms.enterprise_rows(enterprises, rng, districts, parks, profiles, now))
        park_places = places.ParkPlaces(profiles, seed + enterprises, today)
        load(Unit, places.UNIT_COLUMNS, park_places.units())
        load(Tenancy, places.TENANCY_COLUMNS, park_places.tenancies())
        load(AnnualFiling, firms.FILING_COLUMNS, firms.filing_rows_parallel(profiles, filing_years, seed + enterprises))
        load(TierDesignation, firms.DESIGNATION_COLUMNS,
             firms.designation_rows(profiles, tier_reference_date(filing_years[-1]), rng, now))
        hosts = records.host_sampler(profiles, rng)
        load(Lab, records.LAB_COLUMNS,
             records.lab_rows(hosts, round(enterprises * records.LABS_PER_ENTERPRISE), rng, today))
        load(Platform, records.PLATFORM_COLUMNS,
             records.platform_rows(hosts, round(enterprises * records.PLATFORMS_PER_ENTERPRISE), rng, today))
        partners = []
        load(BenchmarkProject, records.PROJECT_COLUMNS, records.project_rows(
            hosts, round(enterprises * records.PROJECTS_PER_ENTERPRISE), rng, filing_years, partners))
        load(BenchmarkProject.partners.through, records.PARTNER_COLUMNS, partners)
        tasks = dict(PlanTask.objects.filter(plan=PLAN_2022_2025).values_list("number", "pk"))
        load(SupportPolicy, records.POLICY_COLUMNS, records.policy_rows(tasks, filing_years))
        policies = list(SupportPolicy.objects.order_by("pk").values_list("pk", "year"))
        load(SupportAward, records.AWARD_COLUMNS, records.award_rows(
            hosts, round(enterprises * records.AWARDS_PER_ENTERPRISE), policies, rng))
        # the enterprises' own registers, in the demo's proportions (docs/registers-enterprise.md)
        for model, columns, rows, per in (
                (Standard, registers.STANDARD_COLUMNS, registers.standard_rows, registers.STANDARDS_PER_ENTERPRISE),
                (IntellectualProperty, registers.IP_COLUMNS, registers.ip_rows, registers.IP_PER_ENTERPRISE),
                (FinancingRound, registers.ROUND_COLUMNS, registers.round_rows, registers.ROUNDS_PER_ENTERPRISE),
                (Listing, registers.LISTING_COLUMNS, registers.listing_rows, registers.LISTINGS_PER_ENTERPRISE),
                (IndustryActivity, registers.ACTIVITY_COLUMNS, registers.activity_rows,
                 registers.ACTIVITIES_PER_ENTERPRISE)):
            load(model, columns, rows(hosts, round(enterprises * per), rng, filing_years))
        registrations = []
        load(DigitalHumanIp, registers.CHARACTER_COLUMNS, registers.character_rows(
            hosts, round(enterprises * registers.CHARACTERS_PER_ENTERPRISE), rng, filing_years, registrations))
        load(DigitalHumanRegistration, registers.REGISTRATION_COLUMNS, registrations)
        # the parks' services in the demo's shares, drawn apart so the rest of the city stays as it was
        load(ParkService, places.SERVICE_COLUMNS, places.park_service_rows(
            list(Park.objects.order_by("pk").values_list("pk", "kind")), random.Random(seed + enterprises + 5), today))
        # compliance filings, in the demo's proportions (docs/registers-compliance.md)
        load(ComplianceFiling, compliance.COLUMNS, compliance.filing_rows(
            hosts, round(enterprises * compliance.FILINGS_PER_ENTERPRISE), rng, filing_years))
        mark = time.perf_counter()
        deferred.restore()
        seconds["indexes"] = time.perf_counter() - mark
        if log:
            log(f"indexes and constraints made again in {seconds['indexes']:.1f} s")
        with connection.cursor() as cursor:
            for model in MODELS:  # ids were copied: move each sequence past them
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                               f'GREATEST((SELECT max(id) FROM "{table}"), 1))', [table])
        mark = time.perf_counter()
        tables_analyze(MODELS)  # the kept rebuilds below are planned on the loaded tables' statistics, not on none
        seconds["analyze"] = time.perf_counter() - mark
        with connection.cursor() as cursor:  # the kept figures, whole (the TRUNCATE above fired no row triggers)
            cursor.execute("SELECT registry_filing_totals_rebuild()")
            cursor.execute("SELECT registry_in_operation_rebuild()")
        mark = time.perf_counter()
        kept_by_triggers(enable=True)
        seconds["kept"] = time.perf_counter() - mark
        if log:
            log(f"years not filed, district and park figures by day rebuilt in {seconds['kept']:.1f} s")
        kept = memberships_restore(memberships)
        if log:
            log("memberships moved to the generated city: " + ", ".join(f"{table}: {count}"
                                                                         for table, count in kept.items()))
    mark = time.perf_counter()
    tables_analyze((apps.get_model(label) for label in apps.get_app_config("registry").kept_models),
            vacuum=not connection.in_atomic_block)  # the kept counts are read by index-only scans
    if not connection.in_atomic_block:  # the loaded tables left as autovacuum would leave them: all-visible
        tables_analyze(MODELS, vacuum=True, statistics=False)
    seconds["analyze"] += time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    return {"counts": counts, "seconds": seconds, "years": filing_years, "memberships": kept}
