"""The approved filings' totals (registry.FilingTotal), kept by triggers: after every kind of write (a filing approved,
a correction approved over it, a COPY-like bulk insert) they equal a GROUP BY of the filings written here, and the
district overview and plan progress that read them show a write in the next answer; a park administrator's
reports, which sum the filings they may see, agree with the bureau's on their park; the migration backfills the
totals from the filings already there."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from enterprises.choices import FilingStatus
from enterprises.models import AnnualFiling
from enterprises.selectors import report_years as years_filed
from enterprises.services import filing_approve, filing_revise, filing_submit, filing_update
from registry.choices import TargetMetric, TargetUnit
from registry.models import FilingTotal
from registry.selectors import report_years
from registry.targets import RECORD_UNIT, amount_convert

from .conftest import token_client
from .factories import AnnualFilingFactory, PlanTargetFactory, approved_filing, bureau_user
from .migrating import migrated_back_and_forth
from .worlds import build_world

pytestmark = pytest.mark.django_db
YEAR = 2024
DISTRICTS, PLAN = "/api/v1/reports/districts/", "/api/v1/reports/plan-progress/"


def independent() -> dict:
    """The approved filings grouped by year, district and park, summed by SQL of this test's own."""
    with connection.cursor() as cursor:
        cursor.execute("""SELECT year, district_id, park_id, count(*), COALESCE(sum(revenue), 0),
                                 COALESCE(sum(digital_human_revenue), 0),
                                 count(*) FILTER (WHERE digital_human_revenue > 0)
                          FROM enterprises_annualfiling WHERE status = 'approved' GROUP BY 1, 2, 3""")
        return {tuple(row[:3]): tuple(row[3:]) for row in cursor.fetchall()}


def kept() -> dict:
    """The kept totals, the places with an approved filing (a place whose filings all left holds zeros)."""
    rows = FilingTotal.objects.values_list("year", "district", "park", "filings", "revenue", "digital_human_revenue",
                                           "digital_human_filings")
    emptied = [row for row in rows if row[3] == 0]
    assert all(row[4:] == (0, 0, 0) for row in emptied)
    return {tuple(row[:3]): tuple(row[3:]) for row in rows if row[3] != 0}


def submitted_draft(enterprise, **figures):
    """A filing of YEAR submitted by the enterprise, awaiting review."""
    return filing_submit(filing=AnnualFilingFactory(enterprise=enterprise, year=YEAR, **figures), user=None)


def test_totals_equal_the_filings_grouped_after_each_write():
    world = build_world(parks=2, districts=2, admins=0, enterprises=2, local=True)
    reviewer = bureau_user()
    for park in range(2):
        approved_filing(enterprise=world.enterprise(park, 0), year=YEAR - 1)
    assert kept() == independent() and len(kept()) == 2
    first = filing_approve(filing=submitted_draft(world.enterprise(0, 1), digital_human_revenue=Decimal("0")),
                           user=reviewer)
    assert kept() == independent()
    filing_approve(filing=submitted_draft(world.enterprise(1, 1)), user=reviewer)
    assert kept() == independent() and len(kept()) == 4
    revision = filing_revise(filing=first)  # a correction: approved over the first, which is superseded
    filing_update(filing=revision, figures={"revenue": Decimal("23456.78"), "digital_human_revenue": Decimal("12.34")})
    filing_approve(filing=filing_submit(filing=revision, user=None), user=reviewer)
    assert kept() == independent()
    key = (YEAR, world.enterprise(0, 1).district_id, world.enterprise(0, 1).park_id)
    assert kept()[key] == (1, Decimal("23456.78"), Decimal("12.34"), 1)
    now = timezone.now()  # one INSERT of many rows (as a COPY writes): one grouped upsert
    AnnualFiling.objects.bulk_create([AnnualFilingFactory.build(
        enterprise=enterprise, year=YEAR - 2, status=FilingStatus.APPROVED, park=enterprise.park,
        district=enterprise.district, submitted_at=now, reviewed_at=now)
        for row in world.enterprises for enterprise in row])
    assert kept() == independent() and sum(n for (year, *_), (n, *_) in kept().items() if year == YEAR - 2) == 4


def test_a_filing_approved_shows_in_the_next_district_overview_and_plan_progress():
    world = build_world(parks=1, districts=1, admins=0, enterprises=4, local=True)
    target = PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_100M, goal=1)
    for index in range(3):  # three approved: above the small-cell rule, so the money shows to anyone
        approved_filing(enterprise=world.enterprise(0, index), year=YEAR)
    client = token_client(bureau_user())
    query = {"year": YEAR, "as_of": f"{YEAR}-12-31"}

    def answers():
        (district,) = [row for row in client.get(DISTRICTS, query).json()["results"]
                       if row["district"] == world.parks[0].district_id]
        (scale,) = [row for row in client.get(PLAN, query).json()["results"] if row["code"] == target.code]
        return district, scale

    def expected():
        revenue, dh, filed = Decimal(0), Decimal(0), 0
        for (year, district, _park), (n, rev, dh_sum, _n_dh) in independent().items():
            if year == YEAR and district == world.parks[0].district_id:
                filed, revenue, dh = filed + n, revenue + rev, dh + dh_sum
        return filed, revenue, amount_convert(dh, source=RECORD_UNIT, target=target.unit)

    district, scale = answers()
    filed, revenue, actual = expected()
    assert (district["filed"], Decimal(district["revenue"]), Decimal(scale["actual_exact"])) == (3, revenue, actual)
    filing = filing_approve(filing=submitted_draft(world.enterprise(0, 3)), user=bureau_user())
    district, scale = answers()
    filed, revenue, actual = expected()
    assert filed == 4 and revenue > 0
    assert (district["filed"], Decimal(district["revenue"])) == (filed, revenue)
    assert (Decimal(scale["actual_exact"]), scale["counted"]) == (actual, 4)
    assert filing.reviewed_at <= timezone.now()


def test_a_park_administrators_figures_summed_from_filings_agree_with_the_kept_totals():
    world = build_world(parks=2, districts=1, admins=1, enterprises=3, local=True)
    for park in range(2):
        for index in range(3):
            approved_filing(enterprise=world.enterprise(park, index), year=YEAR)
    target = PlanTargetFactory(code="scale", metric=TargetMetric.INDUSTRY_SCALE, unit=TargetUnit.YUAN_10K, goal=1)
    query = {"year": YEAR, "as_of": f"{YEAR}-12-31"}
    admin = token_client(world.park_memberships[0][0].user)
    (scale,) = [row for row in admin.get(PLAN, query).json()["results"] if row["code"] == target.code]
    park_sum = sum((dh for (year, _d, park, ), (_n, _r, dh, _c) in independent().items()
                    if year == YEAR and park == world.parks[0].pk), Decimal(0))
    assert Decimal(scale["actual_exact"]) == park_sum and scale["counted"] == 3
    bureau = token_client(bureau_user())
    (whole,) = [row for row in bureau.get(PLAN, query).json()["results"] if row["code"] == target.code]
    assert whole["counted"] == 6 and Decimal(whole["actual_exact"]) == sum(
        (row[2] for key, row in independent().items() if key[0] == YEAR), Decimal(0))


@pytest.mark.django_db(transaction=True)
def test_the_migration_backfills_the_totals_from_the_filings_already_there():
    world = build_world(parks=2, districts=2, admins=0, enterprises=2, local=True)
    for park in range(2):
        for index in range(2):
            approved_filing(enterprise=world.enterprise(park, index), year=YEAR - index)
    migrated_back_and_forth(("registry", "0016_file_jobs_of_the_registers"))
    assert kept() == independent() and len(kept()) == 4


def test_the_bureau_s_report_years_read_from_the_totals_are_the_years_of_the_approved_filings():
    """The years a report page offers the bureau, read from the totals, are those the filings give (a draft's year
    is none), after an approval of a new year and after a year's only approved filing is removed by SQL (its
    place keeps a row of zeros)."""
    user = bureau_user()
    approved_filing(year=2022)
    approved_filing(year=2024)
    AnnualFilingFactory(year=2021)

    def both() -> tuple[list[int], list[int]]:
        return report_years(user=user, reporting=2025), years_filed(user=user, reporting=2025)

    assert both() == ([2025, 2024, 2022], [2025, 2024, 2022])
    only = approved_filing(year=2023)
    assert both() == ([2025, 2024, 2023, 2022], [2025, 2024, 2023, 2022])
    with connection.cursor() as cursor:  # an approved filing is frozen: only SQL past its trigger removes it
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending before the ALTER
        cursor.execute("ALTER TABLE enterprises_annualfiling DISABLE TRIGGER filing_frozen")
        cursor.execute("DELETE FROM enterprises_annualfiling WHERE id = %s", [only.pk])
        cursor.execute("ALTER TABLE enterprises_annualfiling ENABLE TRIGGER filing_frozen")
    assert FilingTotal.objects.filter(year=2023, filings=0).exists()
    assert both() == ([2025, 2024, 2022], [2025, 2024, 2022])
