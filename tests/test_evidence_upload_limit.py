"""An evidence upload above the size limit, on the pages and in the API alike, is refused while its body is read by
the one handler (config.uploads, put first by enterprises.evidence.evidence_upload_limit): the rest of the body is
never received (at most one chunk read), the answer is the field's error in Chinese or English, nothing is stored,
and the pages' CSRF token is still checked."""

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.choices import EvidenceKind
from enterprises.models import EvidenceFile

from .conftest import token_client
from .evidence_files import PDF, add, evidence_world, upload

pytestmark = pytest.mark.django_db
LIMIT = 4096
CHUNK = 64 * 1024  # Django's multipart parser reads the body in chunks of this size


@pytest.fixture
def ew(settings):
    settings.EVIDENCE_MAX_BYTES = LIMIT
    return evidence_world()


def _post(client, ew, size: int, **extra):
    """Upload a PDF of `size` bytes to P1's filing from its page's form; the answer and the bytes of the body read."""
    content = PDF + bytes(size - len(PDF))
    response = client.post(reverse("evidence-list", args=["filing", ew.filings[0].pk]),
                           {"kind": EvidenceKind.AUDIT_REPORT, "file": upload("审计报告.pdf", content)}, **extra)
    body = int(response.wsgi_request.META["CONTENT_LENGTH"])
    return response, response.wsgi_request._stream._pos, body


def test_a_body_declared_too_large_is_refused_at_its_file_unread(client, ew):
    client.force_login(ew.users[0])
    response, read, body = _post(client, ew, 2 * 1024 * 1024, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "文件超过 4.0\xa0KB。" in response.content.decode()  # filesizeformat keeps the number and unit together
    assert read <= CHUNK < body // 10  # one chunk of a 2 MB body: the file itself was not received
    assert EvidenceFile.objects.count() == 0


def test_a_file_just_past_the_limit_is_refused_once_its_bytes_pass_it(client, ew):
    client.force_login(ew.users[0])
    response, read, body = _post(client, ew, LIMIT + 1, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "The file is larger than 4.0\xa0KB." in response.content.decode()
    assert EvidenceFile.objects.count() == 0
    htmx = _post(client, ew, 3 * CHUNK, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")[0]
    assert htmx.status_code == 200 and "The file is larger than 4.0\xa0KB." in htmx.content.decode()  # in place
    within, _read, _body = _post(client, ew, LIMIT)
    assert within.status_code == 302 and EvidenceFile.objects.get().size == LIMIT  # the limit itself is taken


def test_the_csrf_token_is_still_checked(ew):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ew.users[0])
    assert _post(client, ew, LIMIT)[0].status_code == 403
    assert _post(client, ew, 2 * 1024 * 1024)[0].status_code == 403
    assert EvidenceFile.objects.count() == 0


def _api_post(client, ew, size: int, **extra):
    """Upload a PDF of `size` bytes to P1's filing through the API (multipart); the answer and the body's bytes read."""
    response = add(client, owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.AUDIT_REPORT, name="审计报告.pdf",
                   content=PDF + bytes(size - len(PDF)), **extra)
    return response, response.wsgi_request._stream._pos, int(response.wsgi_request.META["CONTENT_LENGTH"])


def test_the_api_refuses_a_file_past_the_limit_as_the_pages_do_after_one_chunk(ew):
    client = token_client(ew.users[0])
    # A body declared within the limit and the framing's allowance, holding a file past the limit: the file's bytes
    # stop the read at its first chunk (the API's own length check read all of it).
    size = CHUNK + 1024
    response, read, body = _api_post(client, ew, size, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert body > CHUNK and body <= LIMIT + 64 * 1024
    assert response.status_code == 400 and response.json() == {"file": ["文件超过 4.0\xa0KB。"]}
    assert read <= CHUNK < body
    response, read, body = _api_post(client, ew, 2 * 1024 * 1024, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.json() == {"file": ["The file is larger than 4.0\xa0KB."]}
    assert read <= CHUNK < body // 10  # one chunk of a 2 MB body: the file itself was not received
    assert EvidenceFile.objects.count() == 0
    assert _api_post(client, ew, LIMIT)[0].status_code == 201  # the limit itself is taken
    assert EvidenceFile.objects.get().size == LIMIT
