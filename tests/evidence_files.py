"""Evidence test helpers: real files of each accepted type (and impostors), the world the evidence tests share (two
parks in two districts, an enterprise of each with a user, a tenancy, a draft filing and a draft declaration), and
the upload call."""

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import Tier
from enterprises.declarations import declaration_create
from enterprises.models import AnnualFiling, Declaration, DeclarationRound, Enterprise, EvidenceFile, Tenancy
from parks.models import DistrictMembership

from .factories import AnnualFilingFactory, UserFactory, approved_filing
from .worlds import World, build_world

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)


def office(member: str) -> bytes:
    """A zip holding [Content_Types].xml and the member (word/document.xml makes a .docx, xl/workbook.xml a .xlsx)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<document/>")
    return buffer.getvalue()


DOCX, XLSX = office("word/document.xml"), office("xl/workbook.xml")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """A file as a browser sends it (the client's content type is never trusted)."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@dataclass
class EvidenceWorld:
    """Two parks (P1, P2) in two districts; per park an administrator, a registered enterprise with a user, a tenancy,
    a draft filing and a draft declaration in an open round; and each district's staff."""

    base: World
    users: list
    staff: list
    tenancies: list[Tenancy]
    filings: list[AnnualFiling]
    declarations: list[Declaration]

    @property
    def enterprises(self) -> list[Enterprise]:
        """E1 (of P1) and E2 (of P2)."""
        return [self.base.enterprise(p) for p in range(2)]

    @property
    def admins(self) -> list:
        """The administrators of P1 and P2."""
        return [self.base.admin(p) for p in range(2)]


def evidence_world() -> EvidenceWorld:
    """Build the shared world (see EvidenceWorld)."""
    base = build_world(parks=2, admins=1, enterprises=1, users=1, districts=2, local=True)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    declaration_round = DeclarationRound.objects.create(
        name="evidence round", tier=Tier.INNOVATIVE, rule_set="2026", cadence="monthly", opens=today - day,
        closes=today + 20 * day, review_starts=today + 21 * day)
    tenancies, filings, declarations, staff = [], [], [], []
    for p in range(2):
        enterprise = base.enterprise(p)
        tenancies.append(base.let(enterprise=enterprise, park=p, start=datetime.date(2024, 1, 1)))
        filings.append(AnnualFilingFactory(enterprise=enterprise, year=today.year - 1))
        approved = approved_filing(enterprise=enterprise, year=today.year - 2)
        declarations.append(declaration_create(user=None, declaration_round=declaration_round,
                                               enterprise=enterprise, filing=approved))
        member = UserFactory()
        DistrictMembership.objects.create(user=member, district=base.districts[p])
        staff.append(member)
    return EvidenceWorld(base=base, users=[m.user for m in base.members], staff=staff, tenancies=tenancies,
                         filings=filings, declarations=declarations)


def evidence_row(*, kind: str = "other", name: str = "证明材料.pdf", content: bytes = PDF, **owner) -> EvidenceFile:
    """An evidence file row of one owner (declaration=, filing= or tenancy=) with a stored PDF, made directly (for
    pages that only read files; uploads go through enterprises.evidence)."""
    return EvidenceFile.objects.create(**owner, kind=kind, file=ContentFile(content, name="upload.pdf"),
                                       original_name=name, content_type="application/pdf", size=len(content),
                                       sha256=hashlib.sha256(content).hexdigest())


def add(client, *, owner: str, pk: int, kind: str, name: str, content: bytes, **extra):
    """POST an upload to the API (multipart)."""
    return client.post(reverse("api:evidencefile-list"), {owner: pk, "kind": kind, "file": upload(name, content)},
                       format="multipart", **extra)
