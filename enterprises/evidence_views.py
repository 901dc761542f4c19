"""Evidence pages: the panel of one owner's files (list, upload, remove) that any page includes, and the download.
Writes go through enterprises.evidence; every record is found through `restrict()` (docs/evidence.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from access.scoping import VIEW
from config.uploads import LimitedUploadHandler

from .evidence import evidence_add, evidence_check_received, evidence_remove, evidence_upload_limit
from .evidence_selectors import evidence_file_response, evidence_owner, evidence_panel
from .models import EvidenceFile

PANEL = "enterprises/evidence/_list.html"


def _next(request) -> str:
    """The page the form came from (`next`), if it is this site's; else empty."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return target if safe else ""


def _back(request, fallback: str):
    """Where a page without htmx returns after a write: `next` if it is this site's, else the fallback."""
    return redirect(_next(request) or fallback)


def _answer(request, *, owner_name: str, owner, errors: dict | None = None, kind: str = "", notice: str = ""):
    """The panel (htmx: swapped in place, saying what was done; a refused upload shows its field errors, 400 without
    htmx) or, after a write without htmx, back to the page it came from with the notice as a message."""
    panel = evidence_panel(user=request.user, owner_name=owner_name, owner=owner, errors=errors, kind=kind)
    if request.htmx or errors:
        # htmx swaps only 2xx answers: a refusal in place answers 200 with its errors; without htmx, 400.
        status = 400 if errors and not request.htmx else 200
        template = PANEL if request.htmx else "enterprises/evidence/panel_page.html"
        context = {"panel": panel, "notice": notice, "next": _next(request)}
        return render(request, template, context, status=status)
    if notice:
        messages.success(request, notice)
    return _back(request, request.path)


@csrf_exempt  # the token is checked below, once the size limit is among the upload handlers
@login_required
@require_http_methods(["GET", "POST"])
def evidence_list(request, owner_name: str, pk: int):
    """One owner's evidence panel (GET); upload a file to it (POST: `kind`, `file`), a file above the size limit
    refused while its body is read (config.uploads)."""
    return _evidence_list(request, owner_name, pk, evidence_upload_limit(request))


@csrf_protect
def _evidence_list(request, owner_name: str, pk: int, limited: LimitedUploadHandler):
    """The panel, or the upload once the CSRF token is checked."""
    owner = evidence_owner(user=request.user, owner_name=owner_name, pk=pk)
    if request.method == "GET":
        panel = evidence_panel(user=request.user, owner_name=owner_name, owner=owner)
        template = PANEL if request.htmx else "enterprises/evidence/panel_page.html"
        return render(request, template, {"panel": panel})
    kind = request.POST.get("kind", "")
    try:
        evidence_check_received(limited)
        added = evidence_add(user=request.user, owner_name=owner_name, owner=owner, kind=kind,
                             upload=request.FILES.get("file"))
    except ValidationError as error:
        return _answer(request, owner_name=owner_name, owner=owner, errors=error.message_dict, kind=kind)
    return _answer(request, owner_name=owner_name, owner=owner,
                   notice=_("%(name)s is uploaded.") % {"name": added.original_name})


@login_required
@require_POST
def evidence_delete(request, pk: int):
    """Remove an evidence file (its owner's users, while the owner may be changed)."""
    evidence = get_object_or_404(EvidenceFile.objects.restrict(request.user, VIEW), pk=pk)
    owner_name, owner = evidence.owner_name, evidence.owner
    try:
        evidence_remove(user=request.user, evidence=evidence)
    except ValidationError as error:
        return _answer(request, owner_name=owner_name, owner=owner, errors=error.message_dict)
    return _answer(request, owner_name=owner_name, owner=owner,
                   notice=_("%(name)s is removed.") % {"name": evidence.original_name})


@login_required
@require_GET
def evidence_download(request, pk: int):
    """Download an evidence file the user sees (404 otherwise), streamed as an attachment."""
    return evidence_file_response(get_object_or_404(EvidenceFile.objects.restrict(request.user, VIEW), pk=pk))
