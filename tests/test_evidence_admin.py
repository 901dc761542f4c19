"""Evidence files in the admin: read-only metadata of the files the user sees (the bureau all, a park's
administrator those of their park), each downloaded through the scope-checked download view and never from the
storage; a tenancy's contract scans reached from its admin page and from the lease board, where its park's
administrator uploads them."""

import pytest
from django.urls import reverse

from enterprises.choices import EvidenceKind
from enterprises.evidence import evidence_add
from enterprises.models import EvidenceFile

from .evidence_files import PDF, evidence_world, upload
from .factories import bureau_user

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:enterprises_evidencefile_changelist"


@pytest.fixture
def files():
    """The evidence world with a file on P1's declaration and tenancy and one on P2's filing; staff accounts for
    P1's administrator and the bureau."""
    ew = evidence_world()
    ew.declared = evidence_add(user=ew.users[0], owner_name="declaration", owner=ew.declarations[0],
                               kind=EvidenceKind.IP_PROOF, upload=upload("专利证书.pdf", PDF))
    ew.scan = evidence_add(user=ew.admins[0], owner_name="tenancy", owner=ew.tenancies[0],
                           kind=EvidenceKind.CONTRACT_SCAN, upload=upload("租赁合同.pdf", PDF))
    ew.theirs = evidence_add(user=ew.users[1], owner_name="filing", owner=ew.filings[1],
                             kind=EvidenceKind.AUDIT_REPORT, upload=upload("审计报告.pdf", PDF))
    for admin_user in ew.admins:
        admin_user.is_staff = True
        admin_user.save(update_fields=["is_staff"])
    ew.bureau = bureau_user(is_staff=True)
    return ew


def test_a_park_administrator_reads_their_parks_files_and_downloads_through_the_scoped_view(client, files):
    client.force_login(files.admins[0])
    listing = client.get(reverse(CHANGELIST))
    assert listing.status_code == 200
    assert {row.pk for row in listing.context["cl"].result_list} == {files.declared.pk, files.scan.pk}
    page = client.get(reverse("admin:enterprises_evidencefile_change", args=[files.scan.pk]),
                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    download = reverse("evidence-download", args=[files.scan.pk])
    assert page.status_code == 200 and f'href="{download}"' in html
    for shown in ("租赁合同.pdf", files.scan.sha256, "application/pdf", str(len(PDF)), files.admins[0].username,
                  reverse("admin:enterprises_tenancy_change", args=[files.tenancies[0].pk])):
        assert shown in html, shown
    assert files.scan.file.name not in html and 'type="file"' not in html  # never the storage's name or URL
    assert 'name="_save"' not in html  # read-only: nothing to save
    response = client.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # Another park's file: not on its list, its page "does not exist", its download 404.
    assert client.get(reverse("admin:enterprises_evidencefile_change", args=[files.theirs.pk])).status_code == 302
    assert client.get(reverse("evidence-download", args=[files.theirs.pk])).status_code == 404
    assert client.get(reverse("admin:enterprises_evidencefile_add")).status_code == 403
    assert client.post(reverse("admin:enterprises_evidencefile_delete", args=[files.scan.pk]),
                       {"post": "yes"}).status_code == 403
    assert EvidenceFile.objects.count() == 3


def test_the_bureau_reads_every_file_and_an_enterprise_user_has_no_admin(client, files):
    client.force_login(files.bureau)
    listing = client.get(reverse(CHANGELIST), {"q": "审计报告"})
    assert [row.pk for row in listing.context["cl"].result_list] == [files.theirs.pk]
    assert client.get(reverse(CHANGELIST)).context["cl"].result_count == EvidenceFile.objects.count()
    client.force_login(files.users[0])  # not staff: the admin's sign-in, as for every admin page
    assert client.get(reverse(CHANGELIST)).status_code == 302


def test_a_tenancys_contract_scans_are_linked_from_its_admin_page_and_the_board(client, files):
    client.force_login(files.admins[0])
    panel = reverse("evidence-list", args=["tenancy", files.tenancies[0].pk])
    tenancy_page = client.get(reverse("admin:enterprises_tenancy_change", args=[files.tenancies[0].pk]))
    assert f'id="contract-scans" href="{panel}"' in tenancy_page.content.decode()
    board = client.get(reverse("board"), {"park": files.base.parks[0].pk}).content.decode()
    assert f'class="contract-link" href="{panel}"' in board
    assert reverse("evidence-list", args=["tenancy", files.tenancies[1].pk]) not in board
    # There the park's administrator uploads another scan (the evidence service lets a tenancy's park change it).
    added = client.post(panel, {"kind": EvidenceKind.CONTRACT_SCAN, "file": upload("补充协议.pdf", PDF)},
                        HTTP_HX_REQUEST="true")
    assert added.status_code == 200 and "补充协议.pdf" in added.content.decode()
    assert files.tenancies[0].evidence.count() == 2
