"""Evidence files over the API (on the test settings' in-memory storage; tests/test_evidence_storage.py runs the
same round trip on local files and on an S3 server): who sees and changes which files, the upload checks (type by
extension and first bytes, size), the owner's editable statuses, and names that could be paths or formulas."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.choices import DeclarationStatus, EvidenceKind, FilingStatus
from enterprises.evidence import evidence_add, evidence_remove
from enterprises.models import EvidenceFile
from enterprises.services import filing_delete, filing_return, filing_submit

from .evidence_files import DOCX, EXE, JPEG, OLE, PDF, PNG, XLSX, add, evidence_world, office, upload
from .factories import bureau_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ew():
    return evidence_world()


def client_of(user) -> APIClient:
    """An API client of the user by their token (one token per user, however many clients)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def detail(pk, name="detail"):
    return reverse(f"api:evidencefile-{name}", args=[pk])


# --- the round trip and what is recorded ------------------------------------------------------------------------
def test_enterprise_user_uploads_lists_downloads_and_removes_a_filings_audit_report(ew,
                                                                                   django_capture_on_commit_callbacks):
    user = client_of(ew.users[0])
    made = add(user, owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.AUDIT_REPORT, name="2025年审计报告.pdf",
               content=PDF)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["original_name"] == "2025年审计报告.pdf"
    assert (body["content_type"], body["size"]) == ("application/pdf", len(PDF))
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["uploaded_by"]["username"] == ew.users[0].username
    assert "file" not in body and body["download"].endswith(detail(body["id"], "download"))
    stored = EvidenceFile.objects.get(pk=body["id"]).file.name
    assert stored.startswith("evidence/") and stored.endswith(".pdf") and "审计" not in stored
    assert default_storage.exists(stored)

    listed = user.get(reverse("api:evidencefile-list"), {"filing": ew.filings[0].pk}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    got = user.get(detail(body["id"], "download"))
    assert got.status_code == 200
    content = b"".join(got.streaming_content)
    assert content == PDF and hashlib.sha256(content).hexdigest() == body["sha256"]
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == \
        "attachment; filename*=utf-8''2025%E5%B9%B4%E5%AE%A1%E8%AE%A1%E6%8A%A5%E5%91%8A.pdf"
    assert got["Cache-Control"] == "private, no-store" and got["X-Content-Type-Options"] == "nosniff"

    with django_capture_on_commit_callbacks(execute=True):
        gone = user.delete(detail(body["id"]))
    assert gone.status_code == 204
    assert not EvidenceFile.objects.filter(pk=body["id"]).exists()
    assert not default_storage.exists(stored)


@pytest.mark.parametrize(("name", "content", "content_type"), [
    ("scan.png", PNG, "image/png"), ("scan.JPG", JPEG, "image/jpeg"), ("scan.jpeg", JPEG, "image/jpeg"),
    ("statements.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("statements.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("statements.doc", OLE, "application/msword"), ("statements.xls", OLE, "application/vnd.ms-excel"),
])
def test_every_accepted_type_is_recorded_with_its_own_content_type(ew, name, content, content_type):
    made = add(client_of(ew.users[0]), owner="declaration", pk=ew.declarations[0].pk,
               kind=EvidenceKind.AUDITED_FINANCIALS, name=name, content=content)
    assert made.status_code == 201, made.content
    assert made.json()["content_type"] == content_type


# --- refused files: 400 on `file`, in English and Chinese, nothing written ------------------------------------
@pytest.mark.parametrize(("name", "content", "english", "chinese"), [
    ("invoice.pdf", EXE, "The file's content is not a .pdf file", "文件内容不是 .pdf 文件"),
    ("setup.exe", EXE, "Upload a PDF, image or Office document", "请上传 PDF、图片或 Office 文档"),
    ("report.docx", office("xl/workbook.xml"), "The file's content is not a .docx file", "文件内容不是 .docx 文件"),
    ("report.xlsx", b"PK\x03\x04 not really a zip", "The file's content is not a .xlsx file",
     "文件内容不是 .xlsx 文件"),
    ("photo.png", JPEG, "The file's content is not a .png file", "文件内容不是 .png 文件"),
    ("empty.pdf", b"", "The file is empty.", "文件为空。"),
    ("noextension", PDF, "Upload a PDF, image or Office document", "请上传 PDF、图片或 Office 文档"),
])
def test_a_file_that_is_not_what_its_name_says_is_refused(ew, name, content, english, chinese):
    for language, expected in (("en", english), ("zh-hans", chinese)):
        refused = add(client_of(ew.users[0]), owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.AUDIT_REPORT,
                      name=name, content=content, HTTP_ACCEPT_LANGUAGE=language)
        assert refused.status_code == 400, refused.content
        assert expected in refused.json()["file"][0], refused.json()
    assert not EvidenceFile.objects.exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_a_file_over_the_size_limit_is_refused(ew):
    big = PDF + bytes(1025 - len(PDF))
    for language, expected in (("en", "The file is larger than 1.0"), ("zh-hans", "文件超过 1.0")):
        refused = add(client_of(ew.users[0]), owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.AUDIT_REPORT,
                      name="big.pdf", content=big, HTTP_ACCEPT_LANGUAGE=language)
        assert refused.status_code == 400
        assert expected in refused.json()["file"][0], refused.json()
    exact = add(client_of(ew.users[0]), owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.AUDIT_REPORT,
                name="fits.pdf", content=PDF + bytes(1024 - len(PDF)))
    assert exact.status_code == 201
    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(("name", "kept"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
    ("=HYPERLINK(\"x\")\n.pdf", "'=HYPERLINK(\"x\").pdf"),
    ("+cmd|' -C calc'!A0.pdf", "'+cmd|' -C calc'!A0.pdf"),
    ("=cmd|' /C calc'!A0.pdf", "C calc'!A0.pdf"),  # a slash ends a name's folder part: only its last part is kept
    ("/abs/path/扫描件.pdf", "扫描件.pdf"),
])
def test_names_that_are_paths_or_formulas_are_stored_safely(ew, name, kept):
    made = add(client_of(ew.users[0]), owner="declaration", pk=ew.declarations[0].pk, kind=EvidenceKind.OTHER,
               name=name, content=PDF)
    assert made.status_code == 201, made.content
    evidence = EvidenceFile.objects.get(pk=made.json()["id"])
    assert evidence.original_name == kept == made.json()["original_name"]
    parts = evidence.file.name.split("/")
    assert parts[0] == "evidence" and len(parts) == 4 and ".." not in parts
    assert len(parts[-1]) == len("0123456789abcdef0123456789abcdef.pdf")
    got = client_of(ew.users[0]).get(detail(evidence.pk, "download"))
    assert b"".join(got.streaming_content) == PDF
    assert "/" not in got["Content-Disposition"].split("filename", 1)[1]


def test_kind_and_owner_must_fit(ew):
    user = client_of(ew.users[0])
    wrong = add(user, owner="filing", pk=ew.filings[0].pk, kind=EvidenceKind.COMMITMENT, name="a.pdf", content=PDF)
    assert wrong.status_code == 400 and "kind" in wrong.json()
    none = user.post(reverse("api:evidencefile-list"), {"kind": EvidenceKind.OTHER, "file": upload("a.pdf", PDF)},
                     format="multipart")
    assert none.status_code == 400 and set(none.json()) == {"declaration", "filing", "tenancy"}
    two = user.post(reverse("api:evidencefile-list"), {
        "declaration": ew.declarations[0].pk, "filing": ew.filings[0].pk, "kind": EvidenceKind.OTHER,
        "file": upload("a.pdf", PDF)}, format="multipart")
    assert two.status_code == 400 and set(two.json()) == {"declaration", "filing"}
    assert not EvidenceFile.objects.exists()


def test_the_database_holds_one_owner_and_a_fitting_kind(ew):
    made = evidence_add(user=ew.users[0], owner_name="filing", owner=ew.filings[0], kind=EvidenceKind.AUDIT_REPORT,
                        upload=upload("a.pdf", PDF))
    for change in ({"declaration_id": ew.declarations[0].pk}, {"filing_id": None},
                   {"kind": EvidenceKind.CONTRACT_SCAN}):
        with pytest.raises(IntegrityError), transaction.atomic():
            EvidenceFile.objects.filter(pk=made.pk).update(**change)


# --- who sees, who changes -----------------------------------------------------------------------------------------
def test_a_park_administrator_cannot_read_another_parks_contract_scan(ew):
    ours = add(client_of(ew.admins[0]), owner="tenancy", pk=ew.tenancies[0].pk, kind=EvidenceKind.CONTRACT_SCAN,
               name="租赁合同.pdf", content=PDF)
    theirs = add(client_of(ew.admins[1]), owner="tenancy", pk=ew.tenancies[1].pk, kind=EvidenceKind.CONTRACT_SCAN,
                 name="合同.pdf", content=PDF)
    assert (ours.status_code, theirs.status_code) == (201, 201)
    admin = client_of(ew.admins[0])
    other = theirs.json()["id"]
    assert admin.get(detail(other)).status_code == 404
    assert admin.get(detail(other, "download")).status_code == 404
    assert admin.delete(detail(other)).status_code == 404
    assert [r["id"] for r in admin.get(reverse("api:evidencefile-list")).json()["results"]] == [ours.json()["id"]]
    assert admin.get(reverse("api:evidencefile-list"), {"tenancy": ew.tenancies[1].pk}).json()["count"] == 0
    # naming the other park's tenancy in an upload: it does not exist for them
    refused = add(admin, owner="tenancy", pk=ew.tenancies[1].pk, kind=EvidenceKind.CONTRACT_SCAN, name="x.pdf",
                  content=PDF)
    assert refused.status_code == 400 and "tenancy" in refused.json()
    assert EvidenceFile.objects.filter(tenancy=ew.tenancies[1]).count() == 1


def test_the_tenant_reads_its_contract_scan_but_only_the_park_changes_it(ew, django_capture_on_commit_callbacks):
    made = add(client_of(ew.admins[0]), owner="tenancy", pk=ew.tenancies[0].pk, kind=EvidenceKind.CONTRACT_SCAN,
               name="合同.pdf", content=PDF).json()
    tenant = client_of(ew.users[0])
    assert tenant.get(detail(made["id"], "download")).status_code == 200
    assert add(tenant, owner="tenancy", pk=ew.tenancies[0].pk, kind=EvidenceKind.CONTRACT_SCAN, name="x.pdf",
               content=PDF).status_code == 403
    assert tenant.delete(detail(made["id"])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert client_of(ew.admins[0]).delete(detail(made["id"])).status_code == 204


def test_an_enterprise_user_cannot_read_another_enterprises_declaration_evidence(ew):
    theirs = add(client_of(ew.users[1]), owner="declaration", pk=ew.declarations[1].pk,
                 kind=EvidenceKind.IP_PROOF, name="专利证书.pdf", content=PDF).json()
    user = client_of(ew.users[0])
    assert user.get(detail(theirs["id"])).status_code == 404
    assert user.get(detail(theirs["id"], "download")).status_code == 404
    assert user.delete(detail(theirs["id"])).status_code == 404
    assert user.get(reverse("api:evidencefile-list"), {"declaration": ew.declarations[1].pk}).json()["count"] == 0
    refused = add(user, owner="declaration", pk=ew.declarations[1].pk, kind=EvidenceKind.OTHER, name="x.pdf",
                  content=PDF)
    assert refused.status_code == 400 and "declaration" in refused.json()
    assert EvidenceFile.objects.count() == 1


def test_district_staff_read_their_districts_declaration_evidence_and_change_nothing(ew):
    made = add(client_of(ew.users[0]), owner="declaration", pk=ew.declarations[0].pk, kind=EvidenceKind.RD_AUDIT,
               name="研发费用专项审计.pdf", content=PDF).json()
    ours, other = client_of(ew.staff[0]), client_of(ew.staff[1])
    assert ours.get(detail(made["id"], "download")).status_code == 200
    assert ours.delete(detail(made["id"])).status_code == 403
    assert other.get(detail(made["id"], "download")).status_code == 404
    # the park the enterprise is registered with reads its declaration's evidence, and changes none of it
    admin = client_of(ew.admins[0])
    assert admin.get(detail(made["id"], "download")).status_code == 200
    assert admin.delete(detail(made["id"])).status_code == 403
    assert client_of(ew.admins[1]).get(detail(made["id"], "download")).status_code == 404
    assert client_of(bureau_user()).get(detail(made["id"], "download")).status_code == 200
    assert EvidenceFile.objects.filter(pk=made["id"]).exists()


def test_anonymous_gets_401(ew, anon_client):
    made = evidence_add(user=ew.users[0], owner_name="filing", owner=ew.filings[0], kind=EvidenceKind.AUDIT_REPORT,
                        upload=upload("a.pdf", PDF))
    assert anon_client.get(detail(made.pk, "download")).status_code == 401
    assert anon_client.get(reverse("api:evidencefile-list")).status_code == 401


# --- the owner's status --------------------------------------------------------------------------------------------
def test_a_filing_takes_and_loses_evidence_only_while_draft_or_returned(ew):
    user, filing = client_of(ew.users[0]), ew.filings[0]
    kept = add(user, owner="filing", pk=filing.pk, kind=EvidenceKind.AUDIT_REPORT, name="a.pdf", content=PDF).json()
    filing_submit(filing=filing, user=ew.users[0])
    for language, expected in (("en", "only while the filing is a draft or returned"), ("zh-hans", "草稿或已退回")):
        refused = add(user, owner="filing", pk=filing.pk, kind=EvidenceKind.AUDIT_REPORT, name="b.pdf", content=PDF,
                      HTTP_ACCEPT_LANGUAGE=language)
        assert refused.status_code == 400 and expected in refused.json()["filing"][0], refused.json()
    assert user.delete(detail(kept["id"])).status_code == 400
    filing_return(filing=filing, user=bureau_user(), reason="缺少审计报告")
    assert add(user, owner="filing", pk=filing.pk, kind=EvidenceKind.AUDIT_REPORT, name="b.pdf",
               content=PDF).status_code == 201
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert EvidenceFile.objects.filter(filing=filing).count() == 2


def test_a_declaration_under_review_keeps_its_evidence(ew):
    declaration = ew.declarations[0]
    made = evidence_add(user=ew.users[0], owner_name="declaration", owner=declaration,
                        kind=EvidenceKind.COMMITMENT, upload=upload("承诺书.pdf", PDF))
    declaration.status = DeclarationStatus.DISTRICT_REVIEW
    declaration.save()
    with pytest.raises(ValidationError) as refused:
        evidence_remove(user=ew.users[0], evidence=made)
    assert "declaration" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        evidence_add(user=ew.users[0], owner_name="declaration", owner=declaration, kind=EvidenceKind.OTHER,
                     upload=upload("b.pdf", PDF))
    assert "declaration" in refused.value.message_dict
    assert EvidenceFile.objects.filter(declaration=declaration).count() == 1


def test_deleting_a_draft_filing_deletes_its_files(ew, django_capture_on_commit_callbacks):
    made = evidence_add(user=ew.users[0], owner_name="filing", owner=ew.filings[0], kind=EvidenceKind.AUDIT_REPORT,
                        upload=upload("a.pdf", PDF))
    stored = made.file.name
    with django_capture_on_commit_callbacks(execute=True):
        filing_delete(filing=ew.filings[0])
    assert not EvidenceFile.objects.exists()
    assert not default_storage.exists(stored)
