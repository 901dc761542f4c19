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
def test_search_matches_a_part_of_the_names_or_credit_code_in_any_case(bureau_client):
    """q finds a part of the name, short name, English name or credit code (one character; two or more through the
    bigram index), whatever the case (upper-cased by PostgreSQL on both sides, ü and ß alike), never across two of
    them, and a whole credit code as typed by people (spaces, full-width characters)."""
    a = EnterpriseFactory(name="北京星河数字科技有限公司", short_name="星河", name_en="Galaxy Digital")
    b = EnterpriseFactory(name="北京灵境智能科技有限公司", short_name="灵境", name_en="Lingjing AI")
    c = EnterpriseFactory(name="北京德中数字科技有限公司", short_name="", name_en="Müller Straße Digital")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in b.credit_code)
    for text, found in (("星", [a]), ("河数", [a]), ("星河数字", [a]), ("galaxy", [a]), (" ai ", [b]),
                        ("灵境智能科技", [b]), (b.credit_code[-6:].lower(), [b]), (a.credit_code, [a]),
                        (f"{b.credit_code[:9]} {b.credit_code[9:]}", [b]), (full_width, [b]), ("河灵", []),
                        ("müller straße", [c]), ("MÜLLER", [c]), ("公司 星河", []), ("公司星河", [])):
        answer = bureau_client.get(reverse("api:enterprise-list"), {"q": text})
        assert [row["id"] for row in answer.data["results"]] == [record.pk for record in found], text
