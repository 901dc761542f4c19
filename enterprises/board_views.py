"""The lease board (租控表) of park administrators and the bureau: a park's units by building and floor with their
status today, letting a vacant unit, and the import as an upload form: tenancies, and the other kinds the page
offers (enterprises.imports.PAGE_KINDS: the support awards, for the bureau) (docs/screens-board.md).

Every record is read through `restrict()`: a park, unit or tenant outside the user's scope is 404 (or not a valid
choice); a user who keeps no park's board (an enterprise user) gets 403. Writes go through the services the API
calls: `tenancy_save` for a letting, `read_table` and `table_import` for an import. A refused form is the page
again with each message on its field (200, as the self-service pages answer; the API answers 400).
"""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from access.scoping import ADD, CHANGE, grants, user_scope
from config.rules import OUTSIDE_SCOPE
from parks.models import Unit

from .choices import LeaseStatus
from .forms import LET_TERMS, TenancyLetForm
from .imports import PAGE_KINDS, read_table, table_import
from .imports.kinds import IMPORTERS
from .models import Tenancy, end_after
from .selectors import board_parks, lease_board
from .services import tenancy_save

IMPORT_KIND = "tenancies"


def _keeper(request) -> None:
    """Refuse (403) a user who keeps no park's board: neither bureau staff nor a park administrator."""
    scope = user_scope(request.user)
    if not (scope.bureau or scope.parks):
        raise PermissionDenied(_("The lease board is for bureau staff and park administrators."))


def _show_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: the end's errors on 租期至, others on their field or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, found in error.message_dict.items():
        name = "last_day" if name == "end" else name
        form.add_error(name if name in form.fields else None, found)


@login_required
def board(request):
    """A park's lease board: its units by building and floor, each vacant, let or ending within 30/60/90 days, with
    its tenant, area and 租期至; filters by park (a picker when the user keeps several), building and status, and a
    search by the unit's own label (「C座-5-501」)."""
    _keeper(request)
    parks = list(board_parks(user=request.user))
    asked = request.GET.get("park", "")
    park = next((p for p in parks if str(p.pk) == asked), None) if asked else (parks[0] if parks else None)
    if asked and park is None:
        raise Http404(_("No park you may see has this id."))  # another park's board does not exist for them
    status = request.GET.get("status", "")
    status = status if status in LeaseStatus.values else ""
    building, q = request.GET.get("building", ""), request.GET.get("q", "")
    today = timezone.localdate()
    context = {
        "parks": parks,
        "board": park and lease_board(user=request.user, park=park, on=today, building=building, status=status, q=q),
        "statuses": LeaseStatus.choices,
        "status": status,
        "building": building,
        "q": q,
        "may_let": grants(user=request.user, model=Tenancy, action=ADD),
    }
    return render(request, "enterprises/board/board.html", context)


@login_required
def unit_let(request, pk):
    """Let a vacant unit from the board: the tenant (among those the user may name), start, 租期至, rent, contract
    number, deposit and rent-free months, saved by `tenancy_save` as the API saves it; an overlap or a write
    outside the user's scope is shown as the service's message."""
    _keeper(request)
    parks = board_parks(user=request.user)
    unit = get_object_or_404(Unit.objects.restrict(request.user, CHANGE).filter(park__in=parks)
                             .select_related("park"), pk=pk)
    if not grants(user=request.user, model=Tenancy, action=ADD):
        raise PermissionDenied(_("You may not add tenancies."))
    form = TenancyLetForm(request.POST or None, user=request.user, initial={"start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        tenancy = Tenancy(unit=unit, enterprise=data["enterprise"], start=data["start"],
                          end=end_after(data["last_day"]), **{name: data[name] for name in LET_TERMS})
        try:
            with transaction.atomic():
                tenancy = tenancy_save(tenancy=tenancy, user=request.user)
                # The write that would leave the writer's scope, refused as the API's viewsets refuse it.
                if not Tenancy.objects.restrict(request.user, ADD).filter(pk=tenancy.pk).exists():
                    raise ValidationError(OUTSIDE_SCOPE)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("%(unit)s is let to %(enterprise)s.") % {
                "unit": unit.label, "enterprise": tenancy.enterprise})
            return redirect(f"{reverse('board')}?{urlencode({'park': unit.park_id})}")
    return render(request, "enterprises/board/let.html", {"unit": unit, "form": form})


CHECKED_KEY = "board-import:{user}:{token}"  # a file that passed its check, held for its import
CHECKED_SECONDS = 15 * 60


def _import_kind(request) -> str:
    """The kind the page imports (`kind`, default tenancies, for whoever keeps a board): another kind the page
    offers only to the users who may add its records; to anyone else it does not exist (404)."""
    kind = request.GET.get("kind") or IMPORT_KIND
    if kind == IMPORT_KIND:
        _keeper(request)
    elif kind not in PAGE_KINDS or not grants(user=request.user, model=IMPORTERS[kind].model, action=ADD):
        raise Http404(_("There is no such kind of import."))
    return kind


def _uploaded(request, kind: str) -> tuple[str, bytes]:
    """The file to import: the one uploaded, or the one a check of this kind passed (`checked`, held for this user
    only)."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than %(size)d MB; split it.") % {
                "size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}]})
        return upload.name, upload.read()
    token = request.POST.get("checked", "")
    held = cache.get(CHECKED_KEY.format(user=request.user.pk, token=token)) if token else None
    if held is None or held.get("kind", IMPORT_KIND) != kind:
        raise ValidationError({"file": [_("Choose a file to import.")]})
    return held["name"], held["content"]


@login_required
def import_page(request):
    """The import as an upload form, of tenancies or another kind the page offers (`?kind=`): the template to
    download, a dry run (every row checked, nothing written) showing each refused row's number, column and message,
    and the real run, all or nothing, through the import the API runs (`read_table`, `table_import`); a file whose
    check passed is held a while so that it is imported without being chosen again. A file past
    IMPORT_SYNC_MAX_ROWS rows goes through the API's import job (docs/screens-board.md)."""
    kind = _import_kind(request)
    report, file_errors, checked = None, [], ""
    if request.method == "POST":
        dry_run = "dry_run" in request.POST
        try:
            name, content = _uploaded(request, kind)
            table = read_table(kind=kind, content=content, file_name=name)
            if len(table.rows) > settings.IMPORT_SYNC_MAX_ROWS:
                raise ValidationError({"file": [_(
                    "The file has more than %(limit)d rows: import it through the API's import job, or split it.")
                    % {"limit": settings.IMPORT_SYNC_MAX_ROWS}]})
            report = table_import(table=table, user=request.user, dry_run=dry_run)
        except ValidationError as error:
            file_errors = error.message_dict.get("file", error.messages) if hasattr(error, "error_dict") \
                else error.messages
        else:
            if dry_run and not report.errors:
                checked = secrets.token_urlsafe(16)
                cache.set(CHECKED_KEY.format(user=request.user.pk, token=checked),
                          {"name": name, "content": content, "kind": kind}, CHECKED_SECONDS)
            elif not dry_run and request.POST.get("checked"):
                cache.delete(CHECKED_KEY.format(user=request.user.pk, token=request.POST["checked"]))
    context = {"report": report, "file_errors": file_errors, "kind": kind, "checked": checked,
               "records": IMPORTERS[kind].model._meta.verbose_name_plural,
               "sync_limit": settings.IMPORT_SYNC_MAX_ROWS}
    return render(request, "enterprises/board/import.html", context)
