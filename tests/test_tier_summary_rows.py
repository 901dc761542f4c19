"""The tier-summary report's rows written from a plan built once per class equal DRF's own representation of them
(city, district and park rows, each tier, in both languages), and a run leaves the summary's table analysed with
its rows (the planner knows the new run: its page is not planned as one row)."""

import pytest
from django.db import connection
from django.utils import translation
from rest_framework import serializers

from registry.api.serializers import TierSummaryRowSerializer
from registry.choices import SummaryLevel
from registry.models import ReportRun, TierSummary
from registry.services import report_run_execute

from .test_reports import YEAR, report_world


@pytest.mark.django_db
def test_each_summary_row_written_from_the_class_plan_equals_drfs_own():
    report_world()
    run = ReportRun.objects.create(year=YEAR)
    report_run_execute(run_id=run.pk)
    rows = list(TierSummary.objects.filter(run=run).select_related("district", "park"))
    assert {row.level for row in rows} == set(SummaryLevel.values)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            direct = TierSummaryRowSerializer(rows, many=True).data
            drf = TierSummaryRowSerializer()
            own = [serializers.ModelSerializer.to_representation(drf, row) for row in rows]
            assert [dict(answer) for answer in direct] == [dict(answer) for answer in own], language
            assert [list(answer) for answer in direct] == [list(answer) for answer in own]  # the same order


@pytest.mark.django_db
def test_a_run_leaves_the_summary_analysed_with_its_rows():
    report_world()
    runs = []
    for _ in range(2):  # the second replaces the first's rows of the year
        runs.append(ReportRun.objects.create(year=YEAR))
        report_run_execute(run_id=runs[-1].pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [TierSummary._meta.db_table])
        (tuples,) = cursor.fetchone()
        cursor.execute("SELECT most_common_vals::text, histogram_bounds::text FROM pg_stats "
                       "WHERE tablename = %s AND attname = 'run_id'", [TierSummary._meta.db_table])
        common, bounds = cursor.fetchone()
    assert tuples == TierSummary.objects.count() > 0
    known = {int(value) for text in (common, bounds) if text for value in text.strip("{}").split(",")}
    assert known == {runs[-1].pk}
