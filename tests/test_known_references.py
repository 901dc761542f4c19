"""A foreign key whose record the database already guarantees is validated without a query (config.constraints,
`known_references`; docs/speed-writes.md): the value the row was read with, or the primary key of a record cached
on the instance that was read from or saved to the database. Every other reference is asked as Django asks it, with
Django's error: the errors of `full_clean` are those of Django's own `Model.clean_fields` in every case here."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from config.constraints import known_references
from enterprises.models import AnnualFiling, Enterprise, Tenancy
from parks.models import Park, Unit

from .factories import EnterpriseFactory, ParkFactory, UnitFactory, approved_filing

pytestmark = pytest.mark.django_db


def refusals(clean) -> list:
    """The field errors a cleaning raises: per field, its (message, code) in order (empty when it passes)."""
    try:
        clean()
    except ValidationError as error:
        return sorted((name, [(message.message % (message.params or {}), message.code) for message in messages])
                      for name, messages in error.error_dict.items())
    return []


def reference_queries(clean) -> list[str]:
    """The existence queries of references a cleaning makes (`SELECT 1 AS "a" FROM … LIMIT 1`)."""
    with CaptureQueriesContext(connection) as captured:
        refusals(clean)
    return [query["sql"] for query in captured.captured_queries if query["sql"].startswith('SELECT 1 AS "a"')]


def compare(instance) -> list:
    """The instance's field errors, which must equal Django's own field cleaning of it."""
    ours = refusals(instance.clean_fields)
    assert ours == refusals(lambda: models.Model.clean_fields(instance)), type(instance).__name__
    return ours


def test_a_record_read_and_unchanged_asks_no_reference():
    filing = approved_filing(submitted_by=None)
    read = AnnualFiling.objects.get(pk=filing.pk)
    assert set(known_references(read)) == {"enterprise", "park", "district"}
    assert compare(read) == []
    assert reference_queries(read.clean_fields) == []
    assert len(reference_queries(lambda: models.Model.clean_fields(read))) == 3  # Django's way: one a reference


def test_a_reference_changed_to_a_missing_record_is_refused_as_django_refuses_it():
    filing = AnnualFiling.objects.get(pk=approved_filing().pk)
    filing.enterprise_id = Enterprise.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    filing.park_id = Park.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    assert "enterprise" not in known_references(filing) and "park" not in known_references(filing)
    errors = compare(filing)
    assert [name for name, _ in errors] == ["enterprise", "park"]
    assert [code for _, messages in errors for _, code in messages] == ["invalid", "invalid"]


def test_a_reference_changed_to_another_record_is_asked():
    filing = AnnualFiling.objects.get(pk=approved_filing().pk)
    filing.park_id = ParkFactory().pk
    assert "park" not in known_references(filing)
    assert compare(filing) == []
    assert len(reference_queries(filing.clean_fields)) == 1


def test_a_cached_record_read_from_the_database_is_known():
    unit, enterprise = UnitFactory(), EnterpriseFactory()
    tenancy = Tenancy(unit=Unit.objects.get(pk=unit.pk), enterprise=Enterprise.objects.get(pk=enterprise.pk),
                      park_id=unit.park_id, start=datetime.date(2024, 1, 1))
    assert set(known_references(tenancy)) == {"unit", "enterprise"}  # the park: an id alone, asked
    assert compare(tenancy) == []
    assert len(reference_queries(tenancy.clean_fields)) == 1


def test_a_cached_record_never_read_is_asked():
    unit = UnitFactory()
    missing = 10**9  # no enterprise's id
    tenancy = Tenancy(unit=unit, enterprise=Enterprise(pk=missing), park_id=unit.park_id,
                      start=datetime.date(2024, 1, 1))
    assert "enterprise" not in known_references(tenancy)
    assert [name for name, _ in compare(tenancy)] == ["enterprise"]
    moved = Tenancy(unit=unit, enterprise=EnterpriseFactory(), park_id=unit.park_id, start=datetime.date(2024, 1, 1))
    moved.enterprise_id = missing  # the cached record is no longer the one referenced
    assert "enterprise" not in known_references(moved)
    assert [name for name, _ in compare(moved)] == ["enterprise"]


def unique_queries(validate) -> list[str]:
    """The unique checks' queries a validation makes (`SELECT 1 AS "a"` or `SELECT 1 AS "_check"`)."""
    with CaptureQueriesContext(connection) as captured:
        refusals(validate)
    return [query["sql"] for query in captured.captured_queries
            if query["sql"].startswith(('SELECT 1 AS "a"', 'SELECT 1 AS "_check"'))]


def test_a_unique_field_unchanged_since_read_is_not_asked():
    first, second = EnterpriseFactory(), EnterpriseFactory()
    read = Enterprise.objects.get(pk=first.pk)
    read.name = "改名科技有限公司"
    assert refusals(read.validate_unique) == refusals(lambda: models.Model.validate_unique(read)) == []
    assert unique_queries(read.validate_unique) == []
    read.credit_code = second.credit_code  # now another's: asked, refused as Django refuses it
    assert refusals(read.validate_unique) == refusals(lambda: models.Model.validate_unique(read)) != []
    read.save(update_fields=["name"])  # saved: the row read vouches for nothing any more
    read.credit_code = first.credit_code
    assert len(unique_queries(read.validate_unique)) == 1


def test_a_unique_constraint_over_unchanged_fields_is_not_asked():
    approved = approved_filing(year=2023)
    read = AnnualFiling.objects.get(pk=approved.pk)
    read.revenue = read.revenue + 1
    assert unique_queries(read.validate_constraints) == []  # revision, one open, one approved: all as read
    assert refusals(read.validate_constraints) == refusals(lambda: models.Model.validate_constraints(read)) == []
    revision = AnnualFiling.objects.get(pk=approved_filing(enterprise=approved.enterprise, year=2024).pk)
    revision.year = 2023  # a second approved filing of 2023, revision 1 again: both refused as Django refuses them
    ours = refusals(revision.validate_constraints)
    assert ours == refusals(lambda: models.Model.validate_constraints(revision)) != []
    assert len(unique_queries(revision.validate_constraints)) == 3


def test_a_record_read_again_saved_or_copied_vouches_for_nothing():
    filing = approved_filing(submitted_by=None)
    read = AnnualFiling.objects.get(pk=filing.pk)
    read.refresh_from_db()
    assert known_references(read) == [] and len(reference_queries(read.clean_fields)) == 3
    read = AnnualFiling.objects.get(pk=filing.pk)
    read.pk, read._state.adding = None, True  # a copy to insert: its references asked
    assert known_references(read) == []
    assert compare(read) == []


def test_a_row_copied_by_its_key_alone_or_changed_in_place_is_not_unchanged():
    """A copy to insert made by clearing its key only (`_state.adding` left false: Django still inserts it) is no
    longer the row read: its unique values are asked, and refused as Django refuses them. A list changed in place
    (the row read holds the same list) is not unchanged."""
    from config.constraints import unchanged_since_read

    original = EnterpriseFactory()
    copy = Enterprise.objects.get(pk=original.pk)
    copy.pk = None
    assert unchanged_since_read(copy) == set()
    assert refusals(copy.validate_unique) == refusals(lambda: models.Model.validate_unique(copy)) != []
    read = Enterprise.objects.get(pk=original.pk)
    read.segments.append("x")
    assert "segments" not in unchanged_since_read(read) and "credit_code" in unchanged_since_read(read)
