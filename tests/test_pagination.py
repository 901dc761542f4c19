"""Lists: the count comes from the cache under the data version where every table it reads is versioned (and is
exact after any write); pages of records with equal sort keys never overlap."""

import re

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access.scoping import PUBLIC
from config.data_version import is_versioned, query_tables, versioned_tables
from enterprises.models import Enterprise
from registry.models import FileJob

from .conftest import park_admin_client, token_client
from .factories import (
    EnterpriseFactory,
    ParkFactory,
    ParkMembershipFactory,
    TenancyFactory,
    UserFactory,
    approved_filing,
    bureau_user,
)

pytestmark = pytest.mark.django_db


def counts(client, url, params) -> tuple[int, int]:
    """The list's count, and the COUNT queries the request ran."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return response.data["count"], sum('COUNT(*) AS "__count"' in q["sql"] for q in queries)


def test_a_count_is_read_once_until_a_write_moves_the_version_on():
    park = ParkFactory()
    EnterpriseFactory.create_batch(3, park=park)
    client, url, params = token_client(bureau_user()), reverse("api:enterprise-list"), {"park": park.pk}
    assert counts(client, url, params) == (3, 1)
    assert counts(client, url, {**params, "page_size": 2}) == (3, 0)  # another page of the same rows
    assert counts(client, url, {**params, "ordering": "-founded"}) == (3, 0)  # the order does not count
    EnterpriseFactory(park=park)
    assert counts(client, url, params) == (4, 1)
    with connection.cursor() as cursor:  # a write outside the ORM too
        cursor.execute("UPDATE enterprises_enterprise SET park_id = NULL WHERE park_id = %s", [park.pk])
    assert counts(client, url, params) == (0, 1)


def test_counts_of_other_filters_and_other_users_are_their_own():
    park, other = ParkFactory(), ParkFactory()
    EnterpriseFactory.create_batch(2, park=park)
    EnterpriseFactory(park=other)
    bureau, url = token_client(bureau_user()), reverse("api:enterprise-list")
    assert counts(bureau, url, {"park": park.pk}) == (2, 1)
    assert counts(bureau, url, {"park": other.pk}) == (1, 1)
    assert counts(park_admin_client(other), url, {}) == (1, 1)  # scoped: not the bureau's count of everything


def test_a_list_reading_a_table_without_the_version_trigger_counts_every_time():
    user = UserFactory()
    client = token_client(user)
    FileJob.objects.create(kind="export", subject="enterprises", file_format="csv", started_by=user)
    url = reverse("api:export-list")
    assert counts(client, url, {}) == (1, 1)
    FileJob.objects.create(kind="export", subject="enterprises", file_format="csv", started_by=user)
    assert counts(client, url, {}) == (2, 1)  # file jobs move no version: never cached


def test_the_cache_of_counts_can_be_turned_off(settings):
    settings.COUNT_CACHE = False
    EnterpriseFactory()
    client, url = token_client(bureau_user()), reverse("api:enterprise-list")
    assert counts(client, url, {}) == (1, 1)
    assert counts(client, url, {}) == (1, 1)


def test_query_tables_follow_joins_and_subqueries():
    user = ParkMembershipFactory(park=TenancyFactory().park).user
    scoped = Enterprise.objects.restrict(user, PUBLIC).filter(district__code="110105")  # tenants: a public face
    assert {"enterprises_enterprise", "enterprises_tenancy", "parks_district"} <= query_tables(scoped.query)
    assert is_versioned(query_tables(scoped.query))
    history = Enterprise.objects.filter(pk__in=Enterprise.history.values("id"))
    assert "enterprises_historicalenterprise" in query_tables(history.query)
    assert not is_versioned(query_tables(history.query))
    assert not is_versioned(query_tables(FileJob.objects.all().query))
    assert "registry_filejob" not in versioned_tables() and "enterprises_enterprise" in versioned_tables()


def test_pages_are_ordered_to_the_primary_key_so_equal_names_never_overlap():
    same = EnterpriseFactory.create_batch(7, name="北京同名科技有限公司", founded=None)
    client, url = token_client(bureau_user()), reverse("api:enterprise-list")
    for ordering in ({}, {"ordering": "name"}, {"ordering": "-name"}, {"ordering": "-founded"}):
        seen = []
        for page in (1, 2, 3, 4):
            with CaptureQueriesContext(connection) as queries:
                rows = client.get(url, {**ordering, "page_size": 2, "page": page}).data["results"]
            seen += [row["id"] for row in rows]
            page_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "enterprises_enterprise"."id"'))
            # The last term orders by the primary key, by name or by its place in the select list (a page read by
            # .values() is ordered by its columns' places).
            columns = page_sql.split(" FROM ")[0].removeprefix("SELECT ").split(", ")
            pk = '"enterprises_enterprise"."id"'
            place = 1 + next(i for i, column in enumerate(columns) if column.startswith(pk))
            last = re.search(r"ORDER BY (.*) LIMIT \d+( OFFSET \d+)?$", page_sql).group(1).split(", ")[-1]
            assert last in (f"{pk} ASC", f"{place} ASC"), page_sql
        assert sorted(seen) == sorted(record.pk for record in same), ordering


def test_raw_sql_makes_a_count_unversioned():
    """What raw SQL reads cannot be known: its counts are never cached."""
    assert is_versioned(query_tables(Enterprise.objects.filter(district__code="110105").query))
    raw = Enterprise.objects.annotate(x=RawSQL("SELECT 1", [])).filter(x=1)
    assert not is_versioned(query_tables(raw.query))
    assert not is_versioned(query_tables(Enterprise.objects.extra(where=["name <> ''"]).query))


def test_pages_of_rows_read_as_values_are_ordered_to_the_primary_key_too():
    """The tier candidates are read as values() rows that select the primary key: their pages end by it as well."""
    same = [approved_filing(enterprise=EnterpriseFactory(name="北京同名科技有限公司"), year=2024).enterprise
            for _ in range(7)]
    client, url = token_client(bureau_user()), reverse("api:report-tier-candidates")
    for ordering in ({}, {"ordering": "name"}, {"ordering": "-revenue"}):
        seen = []
        for page in (1, 2, 3, 4):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, {**ordering, "year": 2024, "page_size": 2, "page": page})
            assert response.status_code == 200, response.content[:300]
            seen += [row["id"] for row in response.data["results"]]
            page_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "enterprises_enterprise"."id"'))
            assert re.search(r'"enterprises_enterprise"\."id" ASC LIMIT \d+( OFFSET \d+)?$', page_sql), page_sql
        assert sorted(seen) == sorted(enterprise.pk for enterprise in same), ordering
