"""Evidence files on real storage: the same round trip (upload, list, download with equal bytes and checksum,
delete) on local files under a temporary MEDIA_ROOT and on an S3-compatible server (moto's server mode, started on a
free port for this module, with a bucket of its own), the storage chosen by STORAGES as the settings would choose it
from the environment (docs/evidence.md)."""

import hashlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.choices import EvidenceKind
from enterprises.models import EvidenceFile

from .evidence_files import DOCX, PDF, add, evidence_world

pytestmark = pytest.mark.django_db
BUCKET = "dh-evidence-test"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server on a free port (its own process), with the test bucket; stopped after the module."""
    executable = Path(sys.executable).with_name("moto_server")
    port = free_port()
    server = subprocess.Popen([str(executable), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing",
                              aws_secret_access_key="testing", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=10)


def stored_keys(client) -> list[str]:
    """The keys in the test bucket."""
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path):
    """The default storage as the settings make it: local files under a temporary MEDIA_ROOT, or the S3 backend
    pointed at moto's server. Yields (kind, a function listing what is stored)."""
    if request.param == "local":
        media = tmp_path / "media"
        backend = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        with override_settings(MEDIA_ROOT=str(media), STORAGES={**settings.STORAGES, "default": backend}):
            yield "local", lambda: sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
        shutil.rmtree(media, ignore_errors=True)
    else:
        endpoint, client = request.getfixturevalue("s3_endpoint")
        for key in stored_keys(client):
            client.delete_object(Bucket=BUCKET, Key=key)
        backend = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": BUCKET, "endpoint_url": endpoint, "default_acl": "private", "file_overwrite": False,
            "addressing_style": "path", **KEYS}}
        with override_settings(STORAGES={**settings.STORAGES, "default": backend}):
            yield "s3", lambda: sorted(stored_keys(client))


def client_of(user) -> APIClient:
    """An API client of the user by their token (one token per user)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_upload_list_download_delete(storage, django_capture_on_commit_callbacks):
    kind, stored = storage
    assert type(storages["default"]).__name__ == {"local": "FileSystemStorage", "s3": "S3Storage"}[kind]
    ew = evidence_world()
    user = client_of(ew.users[0])
    made = [add(user, owner="declaration", pk=ew.declarations[0].pk, kind=EvidenceKind.AUDITED_FINANCIALS,
                name=name, content=content) for name, content in (("财务报表.pdf", PDF), ("知识产权.docx", DOCX))]
    assert [m.status_code for m in made] == [201, 201], [m.content for m in made]
    records = EvidenceFile.objects.filter(pk__in=[m.json()["id"] for m in made]).order_by("pk")
    assert stored() == sorted(r.file.name for r in records)  # the two files, under their random names, only
    assert all(r.file.name.startswith("evidence/") and "财务" not in r.file.name for r in records)

    listed = user.get(reverse("api:evidencefile-list"), {"declaration": ew.declarations[0].pk}).json()
    assert [row["original_name"] for row in listed["results"]] == ["财务报表.pdf", "知识产权.docx"]
    for row, content in zip(listed["results"], (PDF, DOCX), strict=True):
        got = user.get(reverse("api:evidencefile-download", args=[row["id"]]))
        assert got.status_code == 200
        body = b"".join(got.streaming_content)
        assert body == content
        assert hashlib.sha256(body).hexdigest() == row["sha256"] == hashlib.sha256(content).hexdigest()
        assert got["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    # the other enterprise's user finds nothing to download
    assert client_of(ew.users[1]).get(reverse("api:evidencefile-download", args=[made[0].json()["id"]])) \
        .status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert user.delete(reverse("api:evidencefile-detail", args=[made[0].json()["id"]])).status_code == 204
    assert stored() == [records[1].file.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert user.delete(reverse("api:evidencefile-detail", args=[made[1].json()["id"]])).status_code == 204
    assert stored() == []


def test_the_settings_choose_s3_when_a_bucket_is_named(tmp_path):
    """config/settings/base.py reads the environment: no bucket, local files under MEDIA_ROOT; a bucket, S3."""
    probe = ("from django.conf import settings; import json; "
             "print(json.dumps([settings.STORAGES['default'], settings.MEDIA_ROOT, settings.EVIDENCE_MAX_BYTES]))")
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "SECRET_KEY": "x", "PATH": "/usr/bin:/bin",
           "MEDIA_ROOT": str(tmp_path)}
    run = [sys.executable, "-c", f"import django; django.setup(); {probe}"]
    local = subprocess.run(run, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR, check=True)
    assert '"django.core.files.storage.FileSystemStorage"' in local.stdout and str(tmp_path) in local.stdout
    assert "20971520" in local.stdout
    s3 = subprocess.run(run, env={**env, "AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ENDPOINT_URL": "http://s3.local",
                                  "EVIDENCE_MAX_BYTES": "1000"},
                        capture_output=True, text=True, cwd=settings.BASE_DIR, check=True)
    assert '"storages.backends.s3.S3Storage"' in s3.stdout and '"bucket_name": "b"' in s3.stdout
    assert '"endpoint_url": "http://s3.local"' in s3.stdout and s3.stdout.strip().endswith("1000]")
