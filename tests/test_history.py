"""Audit history: every change keeps who, when, what and from where — API, web, Celery job, command, shell."""

import os
import subprocess
import sys

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.urls import reverse

from config.api.history import history_of
from config.celery import app
from parks.models import District

from .conftest import enterprise_user_client
from .factories import BenchmarkProjectFactory, DistrictFactory, EnterpriseFactory


@app.task(name="tests.rename_district")
def rename_district(pk: int, name: str) -> None:
    """A job that changes a record (only for this test)."""
    district = District.objects.get(pk=pk)
    district.name = name
    district.save()


def manage(*args):
    """Run manage.py against the test database in a child process."""
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db(transaction=True)
def test_changes_by_command_shell_and_celery_job_are_attributed():
    manage("seed", "--no-demo")
    seeded = District.history.get(code="110105")
    assert (seeded.history_source, seeded.history_origin, seeded.history_change_reason) == (
        "command", "seed", "seed command")

    district = District.objects.get(code="110105")
    manage("shell", "-c", f"from parks.models import District; d = District.objects.get(pk={district.pk}); "
                          "d.name_en = 'Chaoyang (shell)'; d.save()")
    assert District.history.filter(id=district.pk).first().history_source == "shell"

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        rename_district.delay(district.pk, "朝阳区（任务）").get(timeout=20)
    latest = District.history.filter(id=district.pk).first()
    assert (latest.history_source, latest.history_origin, latest.name) == (
        "celery", "tests.rename_district", "朝阳区（任务）")


@pytest.mark.django_db
def test_history_endpoint_shows_before_and_after_and_follows_scope(bureau_client):
    enterprise = EnterpriseFactory(short_name="旧名")
    url = reverse("api:enterprise-detail", args=[enterprise.pk])
    bureau_client.patch(url, {"short_name": "新名"}, format="json")
    records = bureau_client.get(url + "history/").data
    assert records[-1]["changes"] == [{"field": "short_name", "old": "旧名", "new": "新名"}]
    assert records[-1]["user"] == bureau_client.user.username
    member = enterprise_user_client(enterprise)
    assert member.get(url + "history/").status_code == 200
    stranger = enterprise_user_client(EnterpriseFactory())
    assert stranger.get(url + "history/").status_code == 404
    district = DistrictFactory()
    assert member.get(reverse("api:district-detail", args=[district.pk]) + "history/").status_code == 200


@pytest.mark.django_db
def test_many_to_many_changes_are_simple_historys_diff_read_in_one_query(django_assert_num_queries):
    project = BenchmarkProjectFactory()
    partners = EnterpriseFactory.create_batch(3)
    for count in (1, 2, 3):
        project.partners.set(partners[:count])
    project.partners.set(partners[1:])
    project.summary = "改"
    project.save()
    with django_assert_num_queries(2):  # the records, and the partners of all of them
        records = history_of(project)
    assert len(records) > 5
    for previous, record in zip(records, records[1:], strict=False):
        expected = [{"field": c.field, "old": c.old, "new": c.new}
                    for c in record.diff_against(previous, included_fields=["partners"]).changes]
        assert [c for c in record.changes if c["field"] == "partners"] == expected
    assert sum(1 for record in records[1:] for c in record.changes if c["field"] == "partners") >= 4
