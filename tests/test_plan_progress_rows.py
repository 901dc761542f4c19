"""Plan progress read by one statement and written without DRF's per-field calls answers as before: the bureau's
statement compiled once per process equals the one built for the values asked (SQL and parameters) and answers the
same; the progress equals the one built for the user for several years and dates; each row written directly equals
DRF's own representation of it, for the bureau and a park administrator (hidden figures, missing domains)."""

import dataclasses
import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from access.scoping import user_scope
from registry.api.overview import PlanProgressRowSerializer
from registry.choices import TargetMetric
from registry.selectors.plan_progress import plan_progress

from .conftest import park_admin_client
from .factories import PlanTargetFactory, bureau_user
from .test_reports import report_world

PROGRESS = importlib.import_module("registry.selectors.plan_progress")  # the module (the package names its function)
DATES = (datetime.date(2023, 1, 1), datetime.date(2024, 6, 30), datetime.date(2025, 12, 31))


def as_dicts(rows) -> list[dict]:
    """Progress rows as comparable dicts, with their computed properties."""
    return [dataclasses.asdict(row) | {"met": row.met, "share": row.share, "required": row.required_missing}
            for row in rows]


@pytest.mark.django_db
def test_the_compiled_statement_is_the_one_built_for_the_values_and_answers_the_same(monkeypatch):
    report_world()
    PlanTargetFactory(code="over-3", metric=TargetMetric.ENTERPRISES_OVER_REVENUE, threshold=Decimal("250000.50"),
                      goal=1)
    bureau = bureau_user()
    user_scope(bureau)
    real_build, built_calls = PROGRESS._reads_sql, []

    def built(*args, **kwargs):
        built_calls.append((args, kwargs))
        return real_build(*args, **kwargs)

    for year in (2024, 2025):
        for on in DATES:
            built_calls.clear()
            compiled = as_dicts(plan_progress(user=bureau, year=year, on=on))
            monkeypatch.setattr(PROGRESS, "_sees_every_record", lambda user: False)
            monkeypatch.setattr(PROGRESS, "_reads_sql", built)
            assert as_dicts(plan_progress(user=bureau, year=year, on=on)) == compiled, (year, on)
            monkeypatch.undo()
            ((args, kwargs),) = built_calls
            assert PROGRESS._compiled(len(args) - 2).sql(*args, using="default", key=kwargs["shape"],
                                                         **kwargs) == (lambda s, p: (s, list(p)))(
                *real_build(*args, **kwargs)), (year, on)


@pytest.mark.django_db
def test_one_statement_reads_every_metric():
    report_world()
    bureau = bureau_user()
    user_scope(bureau)
    with CaptureQueriesContext(connection) as queries:
        rows = plan_progress(user=bureau, year=2025, on=DATES[-1])
    assert len(queries) == 2 and len({row.target.metric for row in rows}) == len(TargetMetric.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["bureau", "park_admin"])
def test_each_row_written_directly_equals_drfs_own(role):
    parks = report_world()
    user = bureau_user() if role == "bureau" else park_admin_client(parks[0]).user
    request = APIRequestFactory().get("/api/v1/reports/plan-progress/")
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for on in DATES:
                rows = plan_progress(user=user, year=2025, on=on)
                context = {"request": request, "year": 2025, "as_of": on}
                direct = PlanProgressRowSerializer(rows, many=True, context=context).data
                drf = PlanProgressRowSerializer(context=context)
                own = [serializers.Serializer.to_representation(drf, row) for row in rows]
                for field in ("records", "breakdown"):  # the nested rows through DRF's fields too
                    nested = drf.fields[field].child
                    for answer, row in zip(own, rows, strict=True):
                        answer[field] = [serializers.Serializer.to_representation(nested, item)
                                         for item in getattr(row, field)]
                assert [dict(answer) for answer in direct] == [dict(answer) for answer in own], (role, on)
    assert role == "bureau" or any(answer["actual"] is None for answer in direct)  # a hidden figure compared
