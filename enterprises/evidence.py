"""Writes of evidence files: add one to a declaration, a filing or a tenancy, and remove one (docs/evidence.md).

The API and the pages call these alike, the size limit while the request's body is read included
(`evidence_upload_limit`). A file is accepted only when its extension and its first bytes agree on one
of the types in `SIGNATURES` and it is within `settings.EVIDENCE_MAX_BYTES`; it is stored under a random name
(`enterprises.models.evidence.evidence_path`), its client name kept as text only. Who may add or remove follows the
owner: its CHANGE scope (the enterprise's users on their declarations and filings, the park's administrators on
its tenancies, the bureau everywhere), and a declaration or filing only while it is editable (draft or returned).
"""

import hashlib
import os
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from access.scoping import CHANGE, in_scope
from config.tables import neutralise
from config.uploads import LimitedUploadHandler

from .choices import EDITABLE_DECLARATION_STATUSES, EDITABLE_FILING_STATUSES, EVIDENCE_KINDS
from .models import AnnualFiling, Declaration, EvidenceFile, Tenancy

OWNER_MODELS = {"declaration": Declaration, "filing": AnnualFiling, "tenancy": Tenancy}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97-2003 and Excel 97-2003
ZIP = b"PK\x03\x04"


@dataclass(frozen=True)
class FileType:
    """An accepted type: its content type, the bytes it starts with, and (an Office Open XML file, a zip) the member
    that makes it a document of its kind."""

    content_type: str
    magic: bytes
    member: str = ""


SIGNATURES = {
    "pdf": FileType("application/pdf", b"%PDF-"),
    "png": FileType("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": FileType("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": FileType("image/jpeg", b"\xff\xd8\xff"),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP,
                     "word/document.xml"),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP, "xl/workbook.xml"),
    "doc": FileType("application/msword", OLE),
    "xls": FileType("application/vnd.ms-excel", OLE),
}


def _refuse(field: str, message: str):
    raise ValidationError({field: [message]})


def evidence_file_name(name: str) -> str:
    """The client's file name as kept: its last path part only (no folders, `..` or drive), no control characters,
    at most 255 characters with its extension kept, and a leading formula character quoted (config.tables)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".") or "file"
    stem, extension = os.path.splitext(name)
    name = stem[:255 - len(extension)] + extension if len(name) > 255 else name
    return neutralise(name)[:255]


# Room in a request's body for the multipart framing and the other fields beside the file.
BODY_ALLOWANCE = 64 * 1024


def _too_large():
    """Refuse on `file` an upload larger than EVIDENCE_MAX_BYTES (checked, or stopped while read)."""
    raise ValidationError({"file": [_("The file is larger than %(limit)s.") % {
        "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}]})


def evidence_upload_limit(request) -> LimitedUploadHandler:
    """Put the size limit first among the request's upload handlers, before anything reads its body — the page's
    form and the API's upload alike: a body declared too large stops at its file, a file stops once its bytes pass
    the limit, the rest unread (config.uploads); `evidence_check_received` then refuses it on `file`."""
    limited = LimitedUploadHandler(request, limit=settings.EVIDENCE_MAX_BYTES, allowance=BODY_ALLOWANCE)
    request.upload_handlers.insert(0, limited)
    return limited


def evidence_check_received(limited: LimitedUploadHandler) -> None:
    """Refuse on `file` an upload the size limit stopped while its body was read."""
    if limited.refused:
        _too_large()


def evidence_check_file(upload) -> tuple[str, FileType]:
    """The accepted extension and type of an upload, or a refusal on `file`: not empty, within the size limit, an
    extension of `SIGNATURES` and content that starts as that type does (and an Office file that holds its
    document)."""
    if upload is None:
        _refuse("file", _("Choose a file."))
    if upload.size == 0:
        _refuse("file", _("The file is empty."))
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        _too_large()
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    allowed = ", ".join(sorted(SIGNATURES))
    if extension not in SIGNATURES:
        _refuse("file", _("Upload a PDF, image or Office document (%(allowed)s).") % {"allowed": allowed})
    kind = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(len(kind.magic))
    upload.seek(0)
    if head != kind.magic or (kind.member and not _holds(upload, kind.member)):
        _refuse("file", _("The file's content is not a .%(extension)s file; upload the document itself.")
                % {"extension": extension})
    return extension, kind


def _holds(upload, member: str) -> bool:
    """Whether a zip upload holds the member (an Office Open XML document's main part)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _locked_owner(owner_name: str, owner):
    """The owner's row locked to the end of the transaction, read fresh (a concurrent submission waits)."""
    return OWNER_MODELS[owner_name].objects.select_for_update(of=("self",)).get(pk=owner.pk)


def evidence_check_owner(*, user, owner_name: str, owner) -> None:
    """Refuse a change to an owner's evidence: 403 if the user may not change the owner, 400 on the owner's field if
    a declaration or filing is no longer editable (draft or returned)."""
    if user is None or not in_scope(user=user, record=owner, action=CHANGE):
        raise PermissionDenied({
            "declaration": _("Only the enterprise's users may change a declaration's evidence."),
            "filing": _("Only the enterprise's users may change a filing's evidence."),
            "tenancy": _("Only the park's administrators may change a tenancy's contract scan."),
        }[owner_name])
    if owner_name == "declaration" and owner.status not in EDITABLE_DECLARATION_STATUSES:
        _refuse("declaration", _("Evidence can be added or removed only while the declaration is a draft or "
                                 "returned."))
    if owner_name == "filing" and owner.status not in EDITABLE_FILING_STATUSES:
        _refuse("filing", _("Evidence can be added or removed only while the filing is a draft or returned."))


@transaction.atomic
def evidence_add(*, user, owner_name: str, owner, kind: str, upload) -> EvidenceFile:
    """Add an evidence file of a kind to a declaration, filing or tenancy (`owner_name`), checked and stored under
    a random name; its type, size and SHA-256 recorded."""
    if owner_name not in OWNER_MODELS:
        _refuse("owner", _("Evidence belongs to a declaration, a filing or a tenancy."))
    owner = _locked_owner(owner_name, owner)
    evidence_check_owner(user=user, owner_name=owner_name, owner=owner)
    if kind not in EVIDENCE_KINDS[owner_name]:
        _refuse("kind", _("Choose one of the kinds this record takes."))
    extension, file_type = evidence_check_file(upload)
    evidence = EvidenceFile(**{owner_name: owner}, kind=kind, original_name=evidence_file_name(upload.name),
                            content_type=file_type.content_type, size=upload.size, sha256=_sha256(upload),
                            uploaded_by=user)
    evidence.file.save(f"upload.{extension}", upload, save=False)  # evidence_path names it
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, user, evidence: EvidenceFile) -> None:
    """Remove an evidence file from its owner; the stored file is deleted once the removal is committed."""
    owner_name = evidence.owner_name
    owner = _locked_owner(owner_name, evidence.owner)
    evidence_check_owner(user=user, owner_name=owner_name, owner=owner)
    evidence.delete()
