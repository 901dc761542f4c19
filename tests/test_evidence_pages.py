"""The evidence panel on the pages: the filing page shows it, htmx uploads and removals swap it in place, a page
without JavaScript posts and comes back, and another park's or enterprise's files are 404 on every page URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.choices import EvidenceKind
from enterprises.evidence import evidence_add
from enterprises.models import EvidenceFile
from enterprises.services import filing_submit

from .evidence_files import EXE, PDF, evidence_world, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ew():
    return evidence_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_filing_page_uploads_and_removes_in_place(client, ew):
    filing = ew.filings[0]
    signed_in(client, ew.users[0])
    page = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    text = page.content.decode()
    assert f'id="evidence-filing-{filing.pk}"' in text and "尚无证明材料。" in text and "审计报告" in text
    panel = reverse("evidence-list", args=["filing", filing.pk])
    posted = client.post(panel, {"kind": EvidenceKind.AUDIT_REPORT, "file": upload("年度审计报告.pdf", PDF),
                                 "next": reverse("filing-edit", args=[filing.pk])}, HTTP_ACCEPT_LANGUAGE="zh-hans",
                         **HTMX)
    assert posted.status_code == 200
    evidence = EvidenceFile.objects.get(filing=filing)
    html = posted.content.decode()
    assert html.lstrip().startswith("<section") and "<html" not in html  # the panel alone, to swap
    assert "已上传 年度审计报告.pdf。" in html
    assert reverse("evidence-download", args=[evidence.pk]) in html
    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    removed = client.post(reverse("evidence-delete", args=[evidence.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert removed.status_code == 200 and "已删除 年度审计报告.pdf。" in removed.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_refused_upload_shows_its_field_error(client, ew):
    signed_in(client, ew.users[0])
    panel = reverse("evidence-list", args=["filing", ew.filings[0].pk])
    body = {"kind": EvidenceKind.AUDIT_REPORT, "file": SimpleUploadedFile("报告.pdf", EXE)}
    in_place = client.post(panel, body, HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX)
    assert in_place.status_code == 200  # htmx swaps only a 2xx answer
    assert "文件内容不是 .pdf 文件" in in_place.content.decode() and 'aria-invalid="true"' in in_place.content.decode()
    body["file"] = SimpleUploadedFile("报告.pdf", EXE)
    without_js = client.post(panel, body, HTTP_ACCEPT_LANGUAGE="en")
    assert without_js.status_code == 400
    assert "The file&#x27;s content is not a .pdf file" in without_js.content.decode()
    assert not EvidenceFile.objects.exists()


def test_without_javascript_an_upload_returns_to_the_page(client, ew):
    signed_in(client, ew.users[0])
    back = reverse("filing-edit", args=[ew.filings[0].pk])
    posted = client.post(reverse("evidence-list", args=["filing", ew.filings[0].pk]),
                         {"kind": EvidenceKind.AUDIT_REPORT, "file": upload("a.pdf", PDF), "next": back})
    assert posted.status_code == 302 and posted["Location"] == back
    elsewhere = client.post(reverse("evidence-list", args=["filing", ew.filings[0].pk]),
                            {"kind": EvidenceKind.AUDIT_REPORT, "file": upload("b.pdf", PDF),
                             "next": "https://evil.example/"})
    assert elsewhere.status_code == 302 and "evil" not in elsewhere["Location"]
    assert EvidenceFile.objects.count() == 2


def test_a_submitted_filing_shows_its_files_without_the_form(client, ew):
    filing = ew.filings[0]
    evidence_add(user=ew.users[0], owner_name="filing", owner=filing, kind=EvidenceKind.AUDIT_REPORT,
                 upload=upload("a.pdf", PDF))
    filing_submit(filing=filing, user=ew.users[0])
    signed_in(client, ew.users[0])
    text = client.get(reverse("filing-edit", args=[filing.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "a.pdf" in text and 'class="evidence-upload"' not in text and "evidence-remove" not in text
    refused = client.post(reverse("evidence-list", args=["filing", filing.pk]),
                          {"kind": EvidenceKind.AUDIT_REPORT, "file": upload("b.pdf", PDF)},
                          HTTP_ACCEPT_LANGUAGE="en", **HTMX)
    assert refused.status_code == 200 and "only while the filing is a draft or returned" in refused.content.decode()
    assert EvidenceFile.objects.count() == 1


def test_another_parks_and_enterprises_files_are_404_on_every_page(client, ew):
    scan = evidence_add(user=ew.admins[1], owner_name="tenancy", owner=ew.tenancies[1],
                        kind=EvidenceKind.CONTRACT_SCAN, upload=upload("合同.pdf", PDF))
    proof = evidence_add(user=ew.users[1], owner_name="declaration", owner=ew.declarations[1],
                         kind=EvidenceKind.IP_PROOF, upload=upload("专利.pdf", PDF))
    for user, record, owner_name, owner in ((ew.admins[0], scan, "tenancy", ew.tenancies[1]),
                                            (ew.users[0], proof, "declaration", ew.declarations[1])):
        signed_in(client, user)
        assert client.get(reverse("evidence-download", args=[record.pk])).status_code == 404
        assert client.post(reverse("evidence-delete", args=[record.pk]), **HTMX).status_code == 404
        assert client.get(reverse("evidence-list", args=[owner_name, owner.pk]), **HTMX).status_code == 404
        assert client.post(reverse("evidence-list", args=[owner_name, owner.pk]),
                           {"kind": record.kind, "file": upload("x.pdf", PDF)}, **HTMX).status_code == 404
    assert client.get(reverse("evidence-list", args=["enterprise", ew.enterprises[0].pk])).status_code == 404
    assert EvidenceFile.objects.count() == 2
    client.logout()
    assert client.get(reverse("evidence-download", args=[scan.pk])).status_code == 302  # to sign in


def test_the_park_keeps_its_tenancys_contract_scan_on_the_panel(client, ew):
    signed_in(client, ew.admins[0])
    panel = reverse("evidence-list", args=["tenancy", ew.tenancies[0].pk])
    page = client.get(panel, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "租赁合同扫描件" in page.content.decode()
    assert client.post(panel, {"kind": EvidenceKind.CONTRACT_SCAN, "file": upload("合同.pdf", PDF)},
                       **HTMX).status_code == 200
    signed_in(client, ew.users[0])  # the tenant reads it, without the form
    text = client.get(panel, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "合同.pdf" in text and 'class="evidence-upload"' not in text
    assert client.post(panel, {"kind": EvidenceKind.CONTRACT_SCAN, "file": upload("x.pdf", PDF)},
                       **HTMX).status_code == 403
    assert EvidenceFile.objects.count() == 1
