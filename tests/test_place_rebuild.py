"""The rebuild of the district figures kept by day (`registry_place_rebuild()`, migration registry 0023): it empties
both tables, drops their indexes for the inserts and makes them again. It leaves the indexes as the models declare
them, drops rows no record accounts for, undoes cleanly with its transaction, and writes the summed rows in the
order of their key (migration registry 0026)."""

import datetime

import pytest
from django.db import connection, transaction

from registry.models import PlaceDay, PlaceDelta

from .factories import DistrictFactory, EnterpriseFactory, ParkFactory, TenancyFactory, UnitFactory
from .test_place_days import totals

pytestmark = pytest.mark.django_db
D = datetime.date


def indexes() -> list[tuple[str, str]]:
    """(name, definition) of every index of the two kept tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes "
                       "WHERE tablename IN ('registry_placeday', 'registry_placedelta') ORDER BY 1")
        return cursor.fetchall()


def rebuild() -> None:
    """Recompute both kept tables."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT registry_place_rebuild()")


def some_records():
    """A district with a park, a unit and an enterprise renting it: rows in every kind of kept figure it counts."""
    park = ParkFactory(district=DistrictFactory())
    firm = EnterpriseFactory(district=park.district, park=park, founded=D(2021, 3, 1))
    TenancyFactory(unit=UnitFactory(park=park), enterprise=firm, start=D(2022, 1, 1), end=None)
    return firm


def test_the_rebuild_leaves_the_models_indexes_and_the_refreshes_use_them():
    names = {index.name for model in (PlaceDay, PlaceDelta) for index in model._meta.indexes}
    names |= {constraint.name for model in (PlaceDay, PlaceDelta) for constraint in model._meta.constraints}
    before = indexes()
    assert names <= {name for name, _ in before}
    some_records()
    rebuild()
    assert indexes() == before
    firm = some_records()  # a refresh after the rebuild adds to the summed rows (ON CONFLICT on the unique index)
    kept = totals()
    rebuild()
    assert totals() == kept and kept[0] and kept[1]
    firm.tenancies.all().delete()  # and subtracts its owner's rows
    firm.delete()
    kept = totals()
    rebuild()
    assert totals() == kept


def test_the_rebuild_drops_rows_no_record_accounts_for():
    some_records()
    rebuild()
    kept = totals()
    with connection.cursor() as cursor:  # rows written behind the triggers' back
        cursor.execute("INSERT INTO registry_placeday (owner_kind, owner, figure, place, day, delta) "
                       "VALUES ('e', -1, 'enterprises', -1, '2024-01-01', 1)")
        cursor.execute("UPDATE registry_placedelta SET delta = delta + 1")
    assert totals() != kept
    rebuild()
    assert totals() == kept


def test_a_rebuild_rolled_back_leaves_the_tables_and_indexes_as_they_were():
    some_records()
    kept, before = totals(), indexes()
    with pytest.raises(RuntimeError), transaction.atomic():
        rebuild()
        raise RuntimeError("undo")
    assert totals() == kept and indexes() == before


def test_the_rebuild_lays_the_summed_rows_out_in_the_order_of_their_key():
    """The overview reads the summed rows by their key (grain, day, figure, place): the rebuild writes them in that
    order (migration registry 0026), so that a date's few thousand rows lie on a few pages."""
    for _ in range(3):
        some_records()
    rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT grain, day, figure, place FROM registry_placedelta ORDER BY ctid")
        laid_out = cursor.fetchall()
        cursor.execute("SELECT grain, day, figure, place FROM registry_placedelta ORDER BY grain, day, figure, place")
        assert laid_out == cursor.fetchall()  # the database's own order of the key (its collation)
    assert len({grain for grain, *_ in laid_out}) == 4 and len(laid_out) > 20
