"""List filters: DISTINCT only where a filter follows a to-many relation; the text search on the stored column."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.api.filters import spans_to_many
from enterprises.models import Enterprise, Tenancy
from registry.models import BenchmarkProject

from .factories import EnterpriseFactory


@pytest.mark.parametrize(("model", "path", "expected"), [
    (Enterprise, "district", False), (Enterprise, "district__code", False), (Enterprise, "founded__gte", False),
    (Enterprise, "tenancies__park", True), (Tenancy, "park__district", False), (BenchmarkProject, "partners", True),
])
def test_spans_to_many(model, path, expected):
    assert spans_to_many(model, path) is expected


@pytest.mark.django_db
def test_multiple_choice_filter_on_a_foreign_key_selects_without_distinct(bureau_client):
    """A district filter (django-filter would add DISTINCT) reads the page and the count without it."""
    enterprise = EnterpriseFactory()
    with CaptureQueriesContext(connection) as queries:
        answer = bureau_client.get(reverse("api:enterprise-list"), {"district": enterprise.district_id})
    assert [row["id"] for row in answer.data["results"]] == [enterprise.pk]
    selects = [q["sql"] for q in queries if "enterprises_enterprise" in q["sql"] and q["sql"].startswith("SELECT")]
    assert selects and not any("DISTINCT" in sql for sql in selects)


@pytest.mark.django_db
def test_search_matches_names_and_credit_code_in_any_case(bureau_client):
    """q finds a part of the name, short name, English name or credit code, whatever its case."""
    a = EnterpriseFactory(name="北京星河数字科技有限公司", short_name="星河", name_en="Galaxy Digital")
    b = EnterpriseFactory(name="北京灵境智能科技有限公司", short_name="灵境", name_en="Lingjing AI")
    for text, found in (("河数", a), ("galaxy", a), ("AI", b), (b.credit_code[-5:].lower(), b)):
        answer = bureau_client.get(reverse("api:enterprise-list"), {"q": text})
        assert [row["id"] for row in answer.data["results"]] == [found.pk], text
