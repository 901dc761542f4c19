"""Loading seed data idempotently: a record is saved only when its values differ from the stored ones.

So loading the same data twice writes nothing the second time, and django-simple-history records no new rows.
Every saved record is validated first (``full_clean()``), so bad seed data fails loudly. The files live in
``seeds/`` (districts.json, plan_targets.json, demo.json with support funds, registers and compliance filings);
records refer to each other by natural keys.
"""

import datetime
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone

from access.scoping import BUREAU_GROUP
from enterprises.choices import DeclarationStatus, FilingStatus, RoundCadence, Tier
from enterprises.fakes import filing_review
from enterprises.models import (
    AnnualFiling,
    ComplianceFiling,
    Declaration,
    DeclarationRound,
    DigitalHumanIp,
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
from enterprises.models.designation import add_years
from enterprises.registers import character_save
from enterprises.selectors import reporting_year
from enterprises.services import tenancy_save
from parks.models import District, DistrictMembership, Park, ParkMembership, ParkService, Unit

from .models import BenchmarkProject, Lab, PlanTarget, PlanTask, Platform, SupportAward, SupportPolicy
from .selectors.plan_board import PLAN_2022_2025

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
CHANGE_REASON = "seed command"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# username, password (set only when the account is created), role, is_staff, bureau group?,
# park (by name) it administers, enterprise (by credit code) it is a user of, district (by code) it works for.
DEMO_ACCOUNTS = [
    ("bureau", "bureau-demo-2025", "bureau staff (市经信局)", True, True, None, None, None),
    ("park_admin", "park-demo-2025", "park administrator of 演示通州数字人产业园", True, False,
     "演示通州数字人产业园", None, None),
    ("enterprise_user", "enterprise-demo-2025", "enterprise user of 演示光境数字科技有限公司", False, False, None,
     "91110112XMK560CP51", None),
    # The district of the demo park (通州区): sees it whole in the admin and the API, reviews its declarations.
    ("district_staff", "district-demo-2025", "district staff of 通州区 (the demo park's district)", True, False,
     None, None, "110112"),
]

Tally = defaultdict[str, Counter]


def new_tally() -> Tally:
    """Return an empty tally: model name -> Counter of created / updated / unchanged."""
    return defaultdict(Counter)


def read_seed(name: str) -> Any:
    """Return the parsed JSON of a file in seeds/."""
    return json.loads((SEEDS_DIR / name).read_text(encoding="utf-8"))


def field_value(model: type[models.Model], name: str, value: Any) -> Any:
    """Return a seed value as the model's field holds it (a date from ISO text, a Decimal from its digits)."""
    field = model._meta.get_field(name)
    if field.is_relation or value is None:
        return value
    return field.to_python(value)


def differs(obj: models.Model, name: str, value: Any) -> bool:
    """Say whether a field of a stored record differs from a wanted value (a foreign key by its id)."""
    field = obj._meta.get_field(name)
    if field.many_to_one or field.one_to_one:
        wanted = value.pk if isinstance(value, models.Model) else value
        return getattr(obj, field.attname) != wanted
    return getattr(obj, name) != value


def validated_save(obj: models.Model) -> None:
    """Validate a record (fields, uniqueness, constraints) and save it."""
    obj.full_clean()
    obj.save()


def record_upsert(
    *,
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    save: Callable[[models.Model], Any] = validated_save,
    reason: str = CHANGE_REASON,
) -> tuple[models.Model, str]:
    """Create or update the record found by lookup so that it holds values; save only if something differs.

    Returns the record and what happened: CREATED, UPDATED or UNCHANGED. ``save`` validates and saves (the
    default calls full_clean() then save(); pass a service such as tenancy_save where one owns the write).
    """
    lookup = {name: field_value(model, name, value) for name, value in lookup.items()}
    values = {name: field_value(model, name, value) for name, value in values.items()}
    try:
        obj = model._default_manager.get(**lookup)
    except model.DoesNotExist:
        obj, outcome = model(**lookup, **values), CREATED
    else:
        changed = [name for name, value in values.items() if differs(obj, name, value)]
        if not changed:
            return obj, UNCHANGED
        for name in changed:
            setattr(obj, name, values[name])
        outcome = UPDATED
    obj._change_reason = reason
    save(obj)
    return obj, outcome


def m2m_sync(*, obj: models.Model, name: str, targets: Iterable[models.Model], reason: str = CHANGE_REASON) -> bool:
    """Make a many-to-many field hold exactly targets; touch it (and its history) only if it differs."""
    targets = list(targets)
    manager = getattr(obj, name)
    if {target.pk for target in targets} == set(manager.values_list("pk", flat=True)):
        return False
    obj._change_reason = reason
    manager.set(targets)
    return True


def upsert_rows(
    *,
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    keys: tuple[str, ...],
    tally: Tally,
    save: Callable[[models.Model], Any] = validated_save,
) -> dict[tuple, models.Model]:
    """Upsert rows whose natural key is the fields keys; return the records by key and count the outcomes."""
    records = {}
    for row in rows:
        lookup = {key: row[key] for key in keys}
        values = {name: value for name, value in row.items() if name not in keys}
        obj, outcome = record_upsert(model=model, lookup=lookup, values=values, save=save)
        tally[model.__name__][outcome] += 1
        records[tuple(row[key] for key in keys)] = obj
    return records


def load_districts(*, tally: Tally) -> None:
    """Load the Beijing districts and 经开区 from seeds/districts.json."""
    upsert_rows(model=District, rows=read_seed("districts.json"), keys=("code",), tally=tally)


def load_plan_targets(*, tally: Tally) -> None:
    """Load the plan's targets from seeds/plan_targets.json."""
    upsert_rows(model=PlanTarget, rows=read_seed("plan_targets.json"), keys=("code",), tally=tally)


def one(records: dict[tuple, models.Model], key: Any) -> models.Model | None:
    """Return the record with a one-field natural key (None stays None); a missing key raises KeyError."""
    return None if key is None else records[(key,)]


def load_demo(*, tally: Tally) -> None:
    """Load the fictional demo data set from seeds/demo.json, resolving natural keys to records."""
    data = read_seed("demo.json")
    districts = {(d.code,): d for d in District.objects.all()}
    # The demo's parks and units are of long standing: their opening unknown (counted from the beginning), not today.
    parks = upsert_rows(
        model=Park, keys=("name",), tally=tally,
        rows=({"opened_on": None, **row, "district": one(districts, row["district"])} for row in data["parks"]),
    )
    units = upsert_rows(
        model=Unit, keys=("park", "building", "floor", "room"), tally=tally,
        rows=({"opened_on": None, **row, "park": one(parks, row["park"])} for row in data["units"]),
    )
    units = {(park.name, *rest): unit for (park, *rest), unit in units.items()}
    enterprises = upsert_rows(
        model=Enterprise, keys=("credit_code",), tally=tally,
        rows=(
            {**row, "district": one(districts, row["district"]), "park": one(parks, row["park"])}
            for row in data["enterprises"]
        ),
    )
    upsert_rows(
        model=Tenancy, keys=("unit", "start"), tally=tally,
        save=lambda tenancy: tenancy_save(tenancy=tenancy, user=None),
        rows=(
            {
                **row,
                "unit": units[tuple(row["unit"][key] for key in ("park", "building", "floor", "room"))],
                "enterprise": one(enterprises, row["enterprise"]),
            }
            for row in data["tenancies"]
        ),
    )
    upsert_rows(
        model=Lab, keys=("name",), tally=tally,
        rows=(
            {**row, "host": one(enterprises, row["host"]), "park": one(parks, row["park"])} for row in data["labs"]
        ),
    )
    upsert_rows(
        model=Platform, keys=("name",), tally=tally,
        rows=(
            {**row, "operator": one(enterprises, row["operator"]), "park": one(parks, row["park"])}
            for row in data["platforms"]
        ),
    )
    load_projects(rows=data["benchmark_projects"], parks=parks, enterprises=enterprises, tally=tally)
    shift = demo_years_shift(data["filings"])
    load_filings(rows=[{**row, "year": row["year"] + shift} for row in data["filings"]], enterprises=enterprises,
                 tally=tally)
    upsert_rows(
        model=TierDesignation, keys=("enterprise", "tier", "granted_on"), tally=tally,
        rows=({**row, **shifted_designation(row, shift), "enterprise": one(enterprises, row["enterprise"])}
              for row in data["designations"]),
    )
    load_declarations(rows=data["declarations"], enterprises=enterprises, tally=tally)
    load_funds(policies=data["support_policies"], awards=data["support_awards"], enterprises=enterprises,
               shift=shift, tally=tally)
    load_registers(data=data, enterprises=enterprises, tally=tally)
    # branch parksvc: the parks' services and policies (docs/park-services.md), by park, title and first day
    upsert_rows(model=ParkService, keys=("park", "title", "offered_from"), tally=tally,
                rows=({**row, "park": one(parks, row["park"])} for row in data.get("park_services", [])))


def shifted_date(value: str | None, shift: int) -> str | None:
    """An ISO date moved on by `shift` years (add_years: the 29th of February becomes the 28th)."""
    if not value or not shift:
        return value
    return add_years(datetime.date.fromisoformat(value), shift).isoformat()


def load_funds(*, policies: list[dict], awards: list[dict], enterprises: dict, shift: int, tally: Tally) -> None:
    """Load the demo's support policies (their plan task by number in the 2022-2025 plan) and the awards under
    them, their years and dates moved on with the filings'."""
    tasks = {task.number: task for task in PlanTask.objects.filter(plan=PLAN_2022_2025)}
    loaded = upsert_rows(model=SupportPolicy, keys=("name",), tally=tally, rows=(
        {**row, "task": tasks.get(row["task"]), "year": row["year"] + shift} for row in policies))
    upsert_rows(model=SupportAward, keys=("policy", "enterprise"), tally=tally, rows=(
        {**row, "policy": one(loaded, row["policy"]), "enterprise": one(enterprises, row["enterprise"]),
         **{name: shifted_date(row.get(name), shift) for name in ("approved_on", "paid_on") if name in row}}
        for row in awards))


def load_registers(*, data: dict, enterprises: dict, tally: Tally) -> None:
    """The enterprises' own registers of the demo (docs/registers-enterprise.md): standards, IP items, virtual
    characters with their registrations (written together by character_save), financing rounds, listings and
    industry activities (docs/registers-activities.md); and their compliance filings (docs/registers-compliance.md)."""
    for name, model, keys in (("standards", Standard, ("enterprise", "number")),
                              ("ip_items", IntellectualProperty, ("enterprise", "type", "number")),
                              ("financing_rounds", FinancingRound, ("enterprise", "closed_on", "round_name")),
                              ("listings", Listing, ("enterprise", "board", "listed_on")),
                              ("compliance_filings", ComplianceFiling,
                               ("enterprise", "kind", "service_name", "filed_on")),
                              ("activities", IndustryActivity, ("enterprise", "kind", "held_on", "title"))):
        upsert_rows(model=model, keys=keys, tally=tally,
                    rows=({**row, "enterprise": one(enterprises, row["enterprise"])} for row in data.get(name, [])))
    for row in data.get("characters", []):
        registrations = [{**r, "registered_on": datetime.date.fromisoformat(r["registered_on"])}
                         for r in row["registrations"]]
        upsert_rows(model=DigitalHumanIp, keys=("enterprise", "name"), tally=tally,
                    save=lambda character, r=registrations: character_save(character=character, registrations=r),
                    rows=[{key: value for key, value in row.items() if key != "registrations"}
                          | {"enterprise": one(enterprises, row["enterprise"])}])


def demo_rounds(today: datetime.date) -> dict[str, dict]:
    """The demo's two declaration rounds of the innovative tier, dated from `today`: this month's ("current", open
    all month) and last month's ("previous", past its window, its list in publicity all this month)."""
    first = today.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    before = (first - datetime.timedelta(days=1)).replace(day=1)
    common = {"tier": Tier.INNOVATIVE, "rule_set": "2026", "cadence": RoundCadence.MONTHLY}
    return {
        "current": {**common, "name": f"演示{first.year}年{first.month}月创新型中小企业", "opens": first,
                    "closes": last, "review_starts": last + datetime.timedelta(days=1)},
        "previous": {**common, "name": f"演示{before.year}年{before.month}月创新型中小企业", "opens": before,
                     "closes": first - datetime.timedelta(days=1), "review_starts": first,
                     "publicity_starts": first, "publicity_ends": last},
    }


def load_declarations(*, rows: list[dict], enterprises: dict, tally: Tally) -> None:
    """Load the demo's declaration rounds, and its declarations that are not there yet, at their stage: on the
    enterprise's latest approved filing, submitted and signed unless a draft. A declaration already there is left
    alone: its review may have moved on since (the demo's steps are not replayed)."""
    rounds = upsert_rows(model=DeclarationRound, keys=("name",), tally=tally,
                         rows=demo_rounds(timezone.localdate()).values())
    rounds = {key: rounds[(row["name"],)] for key, row in demo_rounds(timezone.localdate()).items()}
    now = timezone.now()
    for row in rows:
        declaration_round, enterprise = rounds[row["round"]], one(enterprises, row["enterprise"])
        if Declaration.objects.filter(round=declaration_round, enterprise=enterprise).exists():
            tally[Declaration.__name__][UNCHANGED] += 1
            continue
        submitted = now if row["status"] != DeclarationStatus.DRAFT else None
        declaration = Declaration(
            round=declaration_round, enterprise=enterprise, district_id=enterprise.district_id,
            filing=AnnualFiling.objects.filter(enterprise=enterprise, status=FilingStatus.APPROVED)
            .order_by("-year", "-revision").first(),
            answers=row["answers"], status=row["status"], submitted_at=submitted, commitment_signed_at=submitted,
            city_score=80 if row["status"] == DeclarationStatus.PUBLICITY else None)
        declaration._change_reason = CHANGE_REASON
        validated_save(declaration)
        tally[Declaration.__name__][CREATED] += 1


def demo_years_shift(filings: list[dict]) -> int:
    """Years to move the demo's filings and designations on by, so that its latest approved filings are of the
    reporting year (the latest year whose filing season has closed): a new user's first report is full, not empty.
    The file holds them for a fixed year; never moved back."""
    latest = max(row["year"] for row in filings if row["status"] == FilingStatus.APPROVED)
    return max(0, reporting_year() - latest)


def shifted_designation(row: dict, shift: int) -> dict:
    """A demo designation's year, grant date, batch and certificate moved on by `shift` years."""
    if not shift:
        return {}
    return {"year": row["year"] + shift, "granted_on": shifted_date(row["granted_on"], shift),
            "batch": row["batch"].replace(str(row["year"]), str(row["year"] + shift)),
            "certificate_number": row["certificate_number"].replace(str(row["year"]), str(row["year"] + shift))}


def load_filings(*, rows: list[dict], enterprises: dict, tally: Tally) -> None:
    """Load the demo filings that are not there yet, as already reviewed: submitted and approved ones carry their
    enterprise's park and district and a review time in the spring after their year, never after now (the demo's
    history of review is not replayed).

    A filing already there is left alone: its review may have moved on since (an approved one is frozen).
    """
    now = datetime.datetime.now(tz=datetime.UTC)
    existing = set(AnnualFiling.objects.values_list("enterprise__credit_code", "year", "revision"))
    loaded = []
    for row in rows:
        if (row["enterprise"], row["year"], 1) in existing:
            tally[AnnualFiling.__name__][UNCHANGED] += 1
            continue
        enterprise = one(enterprises, row["enterprise"])
        # Reviewed in the spring after the year (not after now: the newest year's filings are still under review).
        reviewed = min(datetime.datetime(row["year"] + 1, 3, 31, 10, 0, tzinfo=datetime.UTC), now)
        review = filing_review(status=row["status"], park=enterprise.park, district=enterprise.district,
                               submitted_at=reviewed, reviewed_at=reviewed)
        loaded.append({**row, **review, "enterprise": enterprise, "revision": 1})
    upsert_rows(model=AnnualFiling, keys=("enterprise", "year", "revision"), tally=tally, rows=loaded)


def load_projects(*, rows: list[dict], parks: dict, enterprises: dict, tally: Tally) -> None:
    """Load benchmark projects and their partners; a project whose partners alone change counts as updated."""
    for row in rows:
        values = {name: value for name, value in row.items() if name not in ("name", "partners")}
        values.update(lead=one(enterprises, row["lead"]), park=one(parks, row["park"]))
        project, outcome = record_upsert(model=BenchmarkProject, lookup={"name": row["name"]}, values=values)
        partners = [one(enterprises, code) for code in row["partners"]]
        if m2m_sync(obj=project, name="partners", targets=partners) and outcome == UNCHANGED:
            outcome = UPDATED
        tally[BenchmarkProject.__name__][outcome] += 1


def demo_user_save(password: str) -> Callable[[models.Model], None]:
    """Return a save function that sets the password only when it creates the account."""

    def save(user: models.Model) -> None:
        """Set the initial password of a new account, then validate and save it."""
        if user._state.adding:
            user.set_password(password)
        validated_save(user)

    return save


def load_demo_accounts(*, tally: Tally) -> list[tuple[str, str, str]]:
    """Create the bureau group, the demo accounts and their park, enterprise and district memberships; return
    (username, password, role)."""
    user_model = get_user_model()
    bureau, outcome = record_upsert(model=Group, lookup={"name": BUREAU_GROUP}, values={})
    tally[Group.__name__][outcome] += 1
    table = []
    for username, password, role, is_staff, in_bureau, park, enterprise, district in DEMO_ACCOUNTS:
        user, outcome = record_upsert(
            model=user_model, lookup={"username": username}, values={"is_staff": is_staff, "is_active": True},
            save=demo_user_save(password),
        )
        if in_bureau and not user.groups.filter(pk=bureau.pk).exists():
            user.groups.add(bureau)  # only adds: groups given to the account since are kept
            outcome = UPDATED if outcome == UNCHANGED else outcome
        tally[user_model.__name__][outcome] += 1
        if park:
            _membership, done = record_upsert(
                model=ParkMembership, lookup={"user": user, "park": Park.objects.get(name=park)}, values={},
            )
            tally[ParkMembership.__name__][done] += 1
        if enterprise:
            _membership, done = record_upsert(
                model=EnterpriseMembership, values={},
                lookup={"user": user, "enterprise": Enterprise.objects.get(credit_code=enterprise)},
            )
            tally[EnterpriseMembership.__name__][done] += 1
        if district:
            _membership, done = record_upsert(
                model=DistrictMembership, lookup={"user": user, "district": District.objects.get(code=district)},
                values={},
            )
            tally[DistrictMembership.__name__][done] += 1
        table.append((username, password, role))
    return table
