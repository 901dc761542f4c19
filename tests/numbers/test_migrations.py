"""The data migrations keep existing data meaningful: the database is migrated back to before enterprises 0008 (tier
inputs), rows of the old shape (with their history) are written, and it is migrated forward again.

- enterprises 0008: niche years become months (4 years are 48 months), the new 小巨人 questions start unanswered
  (no competitive brand, no class-I IP applied), the own brand keeps its answer;
- enterprises 0009: a stored credit code the new rules refuse (positions 3-8 not digits) is kept, and the database
  now refuses it;
- parks 0004: a unit opened the day its creation was recorded, or earlier where a tenancy shows it; a unit with no
  record of its creation, and its park, of unknown opening (counted from the beginning);
- registry 0012, enterprises 0012: a lab closed and reopened, an enterprise gone and back, keep the gap recorded in
  their history.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from enterprises.credit_code import check_character, complete, faults

BEFORE = [("enterprises", "0007_usernames_unique_in_any_case")]
ZONE = ZoneInfo(settings.TIME_ZONE)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """An instant of a local day (as the history records a change)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZONE)


def migrate(targets):
    """Migrate the test database to the targets; the models of every app as the applied migrations leave them."""
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)._create_project_state(with_applied_migrations=True).apps


def latest():
    """The leaf migration of every app (migrate forward to all of them)."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def history(model, record, *, when, kind, **changes):
    """A historical row of a record: its fields as they are, with the changes, recorded at `when`."""
    kept = {field.attname for field in model._meta.concrete_fields}
    values = {field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields
              if field.attname in kept}
    values.update(changes)
    return model.objects.create(**values, history_date=when, history_type=kind)


def old_world(apps) -> dict:
    """Rows of the old shape (enterprises at 0007), with their history."""
    District, Park, Unit = (apps.get_model("parks", name) for name in ("District", "Park", "Unit"))
    HistoricalPark, HistoricalUnit = (apps.get_model("parks", name) for name in ("HistoricalPark", "HistoricalUnit"))
    Enterprise, Tenancy, Filing = (apps.get_model("enterprises", name) for name in (
        "Enterprise", "Tenancy", "AnnualFiling"))
    HistoricalEnterprise = apps.get_model("enterprises", "HistoricalEnterprise")
    Lab, HistoricalLab = apps.get_model("registry", "Lab"), apps.get_model("registry", "HistoricalLab")

    district = District.objects.create(code="110199", name="迁移测试区")
    park = Park.objects.create(name="迁移测试园区", district=district)
    history(HistoricalPark, park, when=at(datetime.date(2022, 9, 1)), kind="+")
    recorded = Unit.objects.create(park=park, building="A", floor="1", room="101", area=Decimal("100.00"))
    history(HistoricalUnit, recorded, when=at(datetime.date(2024, 3, 5)), kind="+")
    let_earlier = Unit.objects.create(park=park, building="A", floor="1", room="102", area=Decimal("60.00"))
    history(HistoricalUnit, let_earlier, when=at(datetime.date(2024, 3, 5)), kind="+")
    unknown_park = Park.objects.create(name="迁移测试园区二", district=district)
    history(HistoricalPark, unknown_park, when=at(datetime.date(2024, 1, 1)), kind="+")
    unknown = Unit.objects.create(park=unknown_park, building="B", floor="1", room="1", area=Decimal("10.00"))

    firm = Enterprise.objects.create(
        credit_code=complete("9111010000000001"), name="迁移测试公司", district=district, park=park,
        chain_position="application")
    history(HistoricalEnterprise, firm, when=at(datetime.date(2021, 1, 1)), kind="+")
    history(HistoricalEnterprise, firm, when=at(datetime.date(2023, 3, 1)), kind="~", status="moved_out")
    history(HistoricalEnterprise, firm, when=at(datetime.date(2024, 2, 1)), kind="~", status="active")
    first17 = "91AB000080210043"  # positions 3-8 not digits: the old function checked position 18 only
    first17 += "3"
    loose = Enterprise.objects.create(credit_code=first17 + check_character(first17), name="旧码公司",
                                      district=district, chain_position="application")
    Tenancy.objects.create(unit=let_earlier, park=park, enterprise=firm, start=datetime.date(2023, 6, 1))

    now = at(datetime.date(2025, 3, 1))
    filing = Filing.objects.create(  # approved (frozen): converted all the same
        enterprise=firm, year=2024, revision=1, status="approved", submitted_at=now, reviewed_at=now,
        niche_years=4, own_brand=True, ip_class1=5, park=park, district=district, staff=120, rd_staff=40,
        **{name: Decimal(value) for name, value in (
            ("revenue", 10000), ("revenue_prev", 9000), ("revenue_prev2", 8000), ("digital_human_revenue", 6000),
            ("main_revenue", 9000), ("main_revenue_prev", 8000), ("main_revenue_prev2", 7000),
            ("rd_expense", 500), ("rd_expense_prev", 450), ("net_profit", 800), ("debt_ratio", 45))})
    lab = Lab.objects.create(name="迁移测试实验室", kind="joint_lab", partner="大学", host=firm, status="active",
                             established=datetime.date(2022, 1, 1))
    history(HistoricalLab, lab, when=at(datetime.date(2022, 1, 1)), kind="+")
    history(HistoricalLab, lab, when=at(datetime.date(2023, 1, 2)), kind="~", status="closed")
    history(HistoricalLab, lab, when=at(datetime.date(2024, 5, 10)), kind="~", status="active")
    return {"parks": (park, unknown_park), "units": (recorded, let_earlier, unknown), "firm": firm, "loose": loose,
            "filing": filing, "lab": lab}


@pytest.mark.django_db(transaction=True)
def test_old_rows_stay_meaningful_through_the_migrations(capsys):
    try:
        world = old_world(migrate(BEFORE))
        apps = migrate(latest())
    finally:
        migrate(latest())  # the database as every other test expects it, whatever happened
    Park, Unit = apps.get_model("parks", "Park"), apps.get_model("parks", "Unit")
    Enterprise, Filing = apps.get_model("enterprises", "Enterprise"), apps.get_model("enterprises", "AnnualFiling")
    Lab = apps.get_model("registry", "Lab")

    filing = Filing.objects.get(pk=world["filing"].pk)
    assert (filing.niche_months, filing.own_brand, filing.competitive_brand, filing.ip_class1_applied) == (
        48, True, False, 0)

    loose = Enterprise.objects.get(pk=world["loose"].pk)
    assert faults(loose.credit_code)  # kept, though the rules refuse it, and named on migrate's output
    assert f"enterprise {loose.pk}: {loose.credit_code}" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SELECT credit_code_is_valid(%s), credit_code_is_valid(%s)",
                       [loose.credit_code, world["firm"].credit_code])
        assert cursor.fetchone() == (False, True)

    recorded, let_earlier, unknown = (Unit.objects.get(pk=unit.pk) for unit in world["units"])
    assert recorded.opened_on == datetime.date(2024, 3, 5) and recorded.closed_on is None
    assert let_earlier.opened_on == datetime.date(2023, 6, 1)
    assert unknown.opened_on is None
    park, unknown_park = (Park.objects.get(pk=park.pk) for park in world["parks"])
    assert park.opened_on == datetime.date(2022, 9, 1) and unknown_park.opened_on is None

    lab = Lab.objects.get(pk=world["lab"].pk)
    assert [(gap.lower, gap.upper) for gap in lab.gaps] == [(datetime.date(2023, 1, 2), datetime.date(2024, 5, 10))]
    firm = Enterprise.objects.get(pk=world["firm"].pk)
    assert [(gap.lower, gap.upper) for gap in firm.gaps] == [(datetime.date(2023, 3, 1), datetime.date(2024, 2, 1))]
