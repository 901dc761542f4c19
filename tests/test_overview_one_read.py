"""The bureau's district overview read in one compiled statement (registry.selectors.places, `_bureau_read`): its
rows equal those of the reads a query each (`_read_each`: the parks, the kept figures, the filings' totals, the
districts, each through the ORM) for many dates and years, amounts to the scale; where a district or an area moved
since the date it names the same models as `changed_since` and the overview counts from the records; anyone but
the bureau never reads it; the compiled `changed_since` answers as the ORM's query; and the rows are written as
DRF's fields write them."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.serializers import Serializer

from config.as_of import _changed_marks, changed_models, changed_since, end_of_day
from config.years import FIRST_YEAR, LAST_YEAR
from enterprises.models import Enterprise
from parks.models import Park, Unit
from registry.api.overview import DistrictRowSerializer
from registry.selectors.places import (
    PLACES_READ,
    _bureau_read,
    _read_each,
    district_overview,
    overview_rows,
)

from .factories import ParkMembershipFactory, approved_filing, bureau_user
from .test_place_days import city, dates

pytestmark = pytest.mark.django_db
YEARS = (2023, 2024, 2025)


def plain(rows: list[dict]) -> list[dict]:
    """Rows as comparable values: every amount as its text (scale included)."""
    return [{name: str(value) if isinstance(value, Decimal) else value for name, value in row.items()}
            for row in rows]


def each(user, year, on, changed=frozenset()):
    """The overview's rows read a query each (the path anyone but the bureau takes)."""
    return overview_rows(_read_each(user=user, year=year, on=on, changed=changed), user=user)


def with_filings():
    """The test city of the kept figures, with approved filings of two years in its districts."""
    districts, parks, units, firms = city()
    for firm, year in ((firms[0], 2024), (firms[1], 2024), (firms[4], 2025), (firms[0], 2025)):
        approved_filing(enterprise=firm, year=year)
    return districts, parks, units, firms


def test_the_one_statement_equals_the_reads_a_query_each():
    with_filings()
    bureau = bureau_user()
    compared = 0
    for on in dates():
        for year in YEARS:
            read = _bureau_read(user=bureau, year=year, on=on)
            if read is None:  # a date outside the years kept
                assert not FIRST_YEAR <= on.year <= LAST_YEAR, on
                continue
            assert read[0] is not None, (on, year)  # nothing moved since: the kept figures answer
            assert plain(overview_rows(read, user=bureau)) == plain(each(bureau, year, on)), (on, year)
            assert plain(district_overview(user=bureau, year=year, on=on)) == plain(each(bureau, year, on))
            compared += 1
    assert compared > 50
    rows = district_overview(user=bureau, year=2024, on=datetime.date(2024, 12, 31))
    assert sum(row["filed"] for row in rows) == 2 and sum(row["parks"] for row in rows) == 2  # not all zeros


def test_the_bureau_reads_the_overview_in_one_query():
    with_filings()
    bureau, today = bureau_user(), timezone.localdate()
    district_overview(user=bureau, year=2025, on=today)  # compiled once per process
    with CaptureQueriesContext(connection) as queries:
        district_overview(user=bureau, year=2025, on=today - datetime.timedelta(days=3))
    assert len(queries) == 1, [query["sql"][:120] for query in queries]


def test_a_move_since_the_date_sends_the_overview_to_the_records():
    districts, parks, units, firms = with_filings()
    bureau, before = bureau_user(), datetime.date(2025, 6, 30)
    firm = Enterprise.objects.get(pk=firms[1].pk)
    firm.district = districts[2]
    firm.save()
    unit = Unit.objects.get(pk=units[0].pk)
    unit.area = Decimal("99.99")
    unit.save()
    read = _bureau_read(user=bureau, year=2025, on=before)
    assert read[0] is None and read[1] == changed_since(PLACES_READ, on=before) == {Enterprise, Unit}
    expected = each(bureau, 2025, before, changed=frozenset({Enterprise, Unit}))
    assert plain(district_overview(user=bureau, year=2025, on=before)) == plain(expected)
    # the enterprise counted in the district it was registered in on the date
    by_pk = {row["district"]: row for row in expected}
    assert by_pk[districts[1].pk]["enterprises"] >= 1


def test_anyone_but_the_bureau_reads_a_query_each():
    districts, parks, units, firms = with_filings()
    admin = ParkMembershipFactory(park=parks[0]).user
    assert _bureau_read(user=admin, year=2025, on=timezone.localdate()) is None
    assert plain(district_overview(user=admin, year=2025, on=timezone.localdate())) == plain(
        each(admin, 2025, timezone.localdate(), changed=changed_since(PLACES_READ, on=timezone.localdate())))


def test_the_compiled_changed_since_answers_as_the_orm():
    districts, parks, units, firms = city()
    park = Park.objects.get(pk=parks[0].pk)
    park.district = districts[1]
    park.save()
    for on in dates():
        orm = changed_models(PLACES_READ, list(_changed_marks(on, end_of_day(on), read=PLACES_READ)))
        assert changed_since(PLACES_READ, on=on) == orm, on
        assert changed_since(PLACES_READ[2:], on=on) == (orm & {Enterprise}), on
    assert changed_since(PLACES_READ, on=datetime.date(2024, 1, 1)) == {Park}


def test_rows_are_written_as_drf_writes_them():
    """The overview's rows written directly (`DistrictRowSerializer.to_representation`) equal DRF's walk of the
    fields: decimals with halves to round, hidden money (None), no occupancy, texts and integers."""
    rng = random.Random(5)
    rows = []
    for index in range(60):
        leasable = Decimal(rng.randrange(0, 10**7)) / 1000
        rows.append({
            "district": index + 1, "district_code": f"1101{index:02d}", "district_name": f"区{index}",
            **{name: rng.randrange(0, 500) for name in ("parks", "enterprises", "tenants", "filed", "labs",
                                                          "platforms", "projects", "designated_innovative",
                                                          "designated_specialised", "designated_little_giant",
                                                          "designated_single_champion")},
            "revenue": None if index % 3 == 0 else Decimal(rng.randrange(0, 10**9)) / 1000,
            "digital_human_revenue": None if index % 3 == 0 else Decimal("0.005") * rng.randrange(0, 9),
            "leasable_area": leasable, "let_area": leasable / 2,
            "occupancy": None if index % 4 == 0 else Decimal(rng.randrange(0, 100_000)) / 1000,
        })
    fast = DistrictRowSerializer(rows, many=True).data
    drf = [Serializer.to_representation(DistrictRowSerializer(), row) for row in rows]
    assert [dict(row) for row in fast] == [dict(row) for row in drf]
    assert all(list(one) == list(other) for one, other in zip(fast, drf, strict=True))
    assert any(row["revenue"] is None for row in fast) and any(row["occupancy"] is None for row in fast)
