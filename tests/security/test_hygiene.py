"""Production hygiene: file jobs' files deleted after their retention period and their requests budgeted per user;
the demo accounts loaded only when asked for; the production settings pass Django's deploy check.

The attacks: a user who starts export after export (each up to 20 MB, kept for ever in the database), or who keeps
a queue of jobs busy; a production database seeded with the demo accounts and their public passwords."""

import datetime
import io
import os
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from registry.models import FileJob
from registry.seeding import DEMO_ACCOUNTS
from registry.services import file_job_execute
from registry.tasks import sweep_jobs

from ..conftest import token_client
from ..factories import EnterpriseFactory, UserFactory, bureau_user
from ..settings_probe import manage, settings_of

EXPORTS = reverse("api:export-list")
IMPORTS = reverse("api:import-list")


def rate(scope: str) -> int:
    """The number of requests a throttle scope allows per period."""
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def finished_ago(job: FileJob, days: float) -> None:
    """Move a job's end into the past (as if it had ended that long ago)."""
    FileJob.objects.filter(pk=job.pk).update(finished=timezone.now() - datetime.timedelta(days=days))


# --- file jobs: retention -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_sweep_deletes_files_past_their_retention_and_the_download_answers_410():
    EnterpriseFactory()
    client = token_client(bureau_user())
    started = client.post(EXPORTS, {"subject": "enterprises", "file_format": "csv"}, format="json")
    assert started.status_code == 202, started.data
    file_job_execute(job_id=started.data["id"])
    job = client.get(started.data["url"]).data
    assert job["status"] == "succeeded" and job["expired"] is None
    assert client.get(job["file"]).status_code == 200

    days = settings.FILE_JOB_RETENTION_DAYS
    recent = FileJob.objects.create(kind="import", subject="enterprises", file_format="csv", data=b"x",
                                    status="succeeded", finished=timezone.now(), started_by=client.user)
    old_import = FileJob.objects.create(kind="import", subject="enterprises", file_format="csv", data=b"x" * 1000,
                                        status="failed", error="refused", finished=timezone.now(),
                                        started_by=client.user)
    running = FileJob.objects.create(kind="import", subject="enterprises", file_format="csv", data=b"x",
                                     status="running", started_by=client.user)
    finished_ago(recent, days - 1)
    finished_ago(old_import, days + 1)
    finished_ago(FileJob.objects.get(pk=job["id"]), days + 0.01)

    assert sweep_jobs() == 2  # the existing periodic sweep
    assert sweep_jobs() == 0  # once
    rows = {j.pk: j for j in FileJob.objects.all()}
    assert len(rows) == 4  # the rows stay
    assert rows[job["id"]].data is None and rows[job["id"]].expired is not None
    assert rows[old_import.pk].data is None and rows[old_import.pk].expired is not None
    assert bytes(rows[recent.pk].data) == b"x" and rows[recent.pk].expired is None
    assert bytes(rows[running.pk].data) == b"x" and rows[running.pk].expired is None

    polled = client.get(started.data["url"]).data
    assert polled["status"] == "succeeded" and polled["expired"] and polled["file"] is None
    for language, words in (("en", "deleted"), ("zh-hans", "删除")):
        gone = client.get(reverse("api:export-file", args=[job["id"]]), HTTP_ACCEPT_LANGUAGE=language)
        assert gone.status_code == 410
        assert words in gone.json()["detail"] and str(days) in gone.json()["detail"]


# --- file jobs: a request budget per user ---------------------------------------------------------------------
@pytest.mark.django_db
def test_imports_and_exports_share_a_request_budget_per_user():
    client, other = token_client(UserFactory()), token_client(UserFactory())
    budget = rate("file_jobs")
    # Refused requests count too (the throttle runs first): no job is started here.
    statuses = [client.post(EXPORTS if n % 3 else IMPORTS, {}, format="multipart" if n % 3 == 0 else "json").status_code
                for n in range(budget)]
    assert set(statuses) == {400}
    refused = client.post(EXPORTS, {"subject": "enterprises"}, format="json")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert client.get(reverse("api:export-csv", args=["enterprises"])).status_code == 429  # a streamed export too
    assert client.get(EXPORTS).status_code == 200 and client.get(IMPORTS).status_code == 200  # polling is free
    assert other.post(EXPORTS, {"subject": "enterprises"}, format="json").status_code == 202  # per user
    assert FileJob.objects.count() == 1


@pytest.mark.django_db
def test_at_most_max_active_jobs_per_user(settings):
    client, other = token_client(UserFactory()), token_client(UserFactory())
    limit = settings.FILE_JOB_MAX_ACTIVE
    started = [client.post(EXPORTS, {"subject": "enterprises"}, format="json") for _ in range(limit)]
    assert [r.status_code for r in started] == [202] * limit
    refused = client.post(EXPORTS, {"subject": "tenancies"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert f"{limit} import or export jobs pending or running" in refused.json()["detail"]
    chinese = client.post(EXPORTS, {"subject": "tenancies"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 429 and "进行中" in chinese.json()["detail"]
    assert FileJob.objects.filter(started_by=client.user).count() == limit
    assert other.post(EXPORTS, {"subject": "enterprises"}, format="json").status_code == 202  # per user

    file_job_execute(job_id=started[0].data["id"])  # one ends
    assert client.post(EXPORTS, {"subject": "tenancies"}, format="json").status_code == 202


def import_file(rows: int) -> bytes:
    """A CSV of enterprises with this many rows (valid enough to be read; the job is what counts here)."""
    out = io.StringIO()
    out.write("统一社会信用代码,企业名称,简称,注册所在区\n")
    for n in range(rows):
        out.write(f"x{n},企业{n},简{n},朝阳区\n")
    return out.getvalue().encode()


@pytest.mark.django_db
def test_a_large_import_is_refused_when_the_user_has_max_active_jobs(settings):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    client = token_client(UserFactory())
    for _ in range(settings.FILE_JOB_MAX_ACTIVE):
        assert client.post(EXPORTS, {"subject": "enterprises"}, format="json").status_code == 202
    upload = SimpleUploadedFile("big.csv", import_file(5), content_type="text/csv")
    response = client.post(IMPORTS, {"kind": "enterprises", "file": upload}, format="multipart")
    assert response.status_code == 429, response.content[:300]
    assert not FileJob.objects.filter(kind="import").exists()


# --- demo accounts --------------------------------------------------------------------------------------------
DEMO_PASSWORDS = [password for _username, password, *_rest in DEMO_ACCOUNTS]


@pytest.mark.django_db(transaction=True)
def test_seed_creates_no_demo_account_unless_asked(capsys):
    assert settings.DEMO_ACCOUNTS is False  # the test settings are the base's
    call_command("seed")
    out = capsys.readouterr().out
    assert not get_user_model().objects.exists() and not any(p in out for p in DEMO_PASSWORDS)
    assert "--demo-accounts" in out and Enterprise.objects.exists()  # the demo data, and how to get the accounts

    call_command("seed", "--demo-accounts")
    out = capsys.readouterr().out
    assert set(get_user_model().objects.values_list("username", flat=True)) == {a[0] for a in DEMO_ACCOUNTS}
    assert all(p in out for p in DEMO_PASSWORDS)


@pytest.mark.django_db(transaction=True)
def test_the_setting_creates_the_demo_accounts(settings, capsys):
    settings.DEMO_ACCOUNTS = True
    call_command("seed")
    assert get_user_model().objects.filter(username="bureau").exists()
    out = capsys.readouterr().out
    assert all(p in out for p in DEMO_PASSWORDS), out
    get_user_model().objects.all().delete()
    call_command("seed", "--no-demo")  # no demo data: no demo accounts either
    assert not get_user_model().objects.exists()


def test_demo_accounts_are_on_in_the_local_settings_only():
    assert settings_of("local", "DEMO_ACCOUNTS") == {"DEMO_ACCOUNTS": True}
    assert settings_of("test", "DEMO_ACCOUNTS") == {"DEMO_ACCOUNTS": False}
    assert settings_of("production", "DEMO_ACCOUNTS", DEMO_ACCOUNTS="true") == {"DEMO_ACCOUNTS": False}
    assert settings_of("production", "DEMO_ACCOUNTS") == {"DEMO_ACCOUNTS": False}


@pytest.mark.django_db(transaction=True)
def test_make_run_seeds_and_prints_the_demo_accounts():
    script = (settings.BASE_DIR / "scripts" / "run.sh").read_text()
    assert "DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}" in script
    assert "manage.py seed\n" in script
    # The seed as `make run` runs it (the local settings), against the test database.
    name = connection.settings_dict["NAME"]
    code, out = manage("seed", DJANGO_SETTINGS_MODULE="config.settings.local", CACHE_URL=os.environ["REDIS_URL"],
                       DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}")
    assert code == 0, out
    assert all(p in out for p in DEMO_PASSWORDS) and "Demo accounts" in out
    assert get_user_model().objects.filter(username="park_admin").exists()


# --- Content Security Policy ------------------------------------------------------------------------------------
INLINE = re.compile(r"<style|\sstyle\s*=|<script(?![^>]*\bsrc=)(?![^>]*application/json)|\son[a-z]+\s*=", re.I)


def test_no_template_holds_an_inline_script_or_style():
    templates = [path for app in ("config", "enterprises", "parks", "registry")
                 for path in (settings.BASE_DIR / app).rglob("templates/**/*.html")]
    assert len(templates) > 5
    found = {str(path.relative_to(settings.BASE_DIR)): INLINE.findall(path.read_text()) for path in templates}
    assert {path: hits for path, hits in found.items() if hits} == {}


@pytest.mark.django_db
def test_every_answer_carries_the_policy(client):
    client.force_login(bureau_user(is_staff=True))
    for path in ("/accounts/login/", "/dashboard/", "/admin/", "/api/v1/", "/api/docs/", "/me/"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # The pages whose third-party code needs it, alone, allow inline styles (never an inline script).
    redoc = client.get("/api/redoc/")["Content-Security-Policy"]
    browsable = client.get("/api/v1/parks/", HTTP_ACCEPT="text/html")["Content-Security-Policy"]
    for policy in (redoc, browsable):
        # The header's directive order is not fixed: read it as directives.
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["style-src"] == "'self' 'unsafe-inline'" and directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in client.get("/api/v1/parks/")["Content-Security-Policy"]  # JSON
