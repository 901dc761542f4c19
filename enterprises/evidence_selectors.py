"""Reads of evidence files: a user's owner record and its files, the panel the pages show, and the one streamed
download every download URL answers with (docs/evidence.md). Every record is found through `restrict()`."""

from django.conf import settings
from django.http import FileResponse, Http404

from access.scoping import CHANGE, VIEW, user_scope

from .choices import EDITABLE_DECLARATION_STATUSES, EDITABLE_FILING_STATUSES, EVIDENCE_KINDS, EvidenceKind
from .evidence import OWNER_MODELS, SIGNATURES
from .models import EvidenceFile


def evidence_owner(*, user, owner_name: str, pk: int, action: str = VIEW):
    """The declaration, filing or tenancy `owner_name` #pk the user may take the action on; 404 otherwise (an
    unknown owner name too)."""
    model = OWNER_MODELS.get(owner_name)
    if model is None:
        raise Http404("no such kind of record")
    found = model.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise Http404("no such record")
    return found


def evidence_of(*, user, owner_name: str, owner):
    """The owner's evidence files the user sees, oldest first, with who uploaded them."""
    return (EvidenceFile.objects.restrict(user, VIEW).filter(**{owner_name: owner}).select_related("uploaded_by")
            .order_by("uploaded_at", "pk"))


def evidence_editable(*, user, owner_name: str, owner) -> bool:
    """Whether the user may add and remove the owner's evidence now (as enterprises.evidence checks it)."""
    if owner_name == "declaration" and owner.status not in EDITABLE_DECLARATION_STATUSES:
        return False
    if owner_name == "filing" and owner.status not in EDITABLE_FILING_STATUSES:
        return False
    if user_scope(user).bureau:
        return True
    return type(owner).objects.restrict(user, CHANGE).filter(pk=owner.pk).exists()


def evidence_panel(*, user, owner_name: str, owner, errors: dict | None = None, kind: str = "",
                   editable: bool | None = None) -> dict:
    """What `enterprises/evidence/_list.html` shows for one owner: its files, whether they may be changed (`editable`
    when the page already knows it), the kinds it takes, and the errors of a refused upload."""
    kinds = [(str(k), EvidenceKind(k).label) for k in EVIDENCE_KINDS[owner_name]]
    files = list(evidence_of(user=user, owner_name=owner_name, owner=owner))
    return {
        "owner_name": owner_name, "owner": owner, "owner_label": type(owner)._meta.verbose_name, "files": files,
        "editable": evidence_editable(user=user, owner_name=owner_name, owner=owner) if editable is None else editable,
        "kinds": kinds,
        "kind": kind or kinds[0][0], "errors": errors or {}, "dom_id": f"evidence-{owner_name}-{owner.pk}",
        "other_errors": [m for name, found in (errors or {}).items() if name not in ("kind", "file") for m in found],
        "accept": ",".join(f".{extension}" for extension in SIGNATURES), "limit": settings.EVIDENCE_MAX_BYTES,
    }


def evidence_file_response(evidence: EvidenceFile) -> FileResponse:
    """The stored file streamed as an attachment under its original name (RFC 5987 `filename*` for a Chinese name),
    with its recorded type; never cached by a shared cache and never sniffed as another type."""
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["Content-Length"] = str(evidence.size)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
