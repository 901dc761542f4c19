"""An evidence upload above the size limit on the pages is refused while its body is read (config.uploads): the
rest of the body is never received, the answer is the field's error in Chinese or English, nothing is stored, and
the CSRF token is still checked."""

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.choices import EvidenceKind
from enterprises.models import EvidenceFile

from .evidence_files import PDF, evidence_world, upload

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
