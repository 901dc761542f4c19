"""The pages of an enterprise's own registers (我的登记): one tab per register (`REGISTER_PAGES`), each listing the
enterprise's records a page at a time, with add, edit and delete for those who may write them, read-only for the
others who see the enterprise (its park's administrators, its district's staff, the bureau).

Every record is found through `restrict()`: an enterprise the user may not see in full (another park's, a tenant
registered elsewhere) and its records are 404; a record the user sees but may not change is 403. Writes are the
forms' (`enterprises.register_forms`), which write as the API does, inside one transaction that re-reads the record
through `restrict(user, action)` and refuses a write that would leave the writer's scope, as the API's viewsets do
(docs/registers-enterprise.md)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from access.scoping import ADD, CHANGE, DELETE, VIEW, grants, user_scope
from config.amounts import money_display
from config.rules import OUTSIDE_SCOPE

from .models import DigitalHumanRegistration, Enterprise
from .register_forms import PAGES_BY_SLUG, REGISTER_PAGES, RegisterPage
from .views import _form_errors

PAGE_SIZE = 20


def _enterprise(request, pk) -> Enterprise:
    """The enterprise of the page, among those the user sees in full (else 404)."""
    return get_object_or_404(Enterprise.objects.restrict(request.user, VIEW), pk=pk)


def _register(slug: str) -> RegisterPage:
    """The register of the address (404 for an unknown one)."""
    try:
        return PAGES_BY_SLUG[slug]
    except KeyError:
        raise Http404(_("No such register.")) from None


def _writable(request, enterprise: Enterprise, register: RegisterPage) -> bool:
    """Whether the user writes the register's records of this enterprise on these pages: they are its user (the
    pages are the enterprise's own; the bureau keeps the registers in the admin and the API and reads them here) and
    the registers' rule lets them add records; each write is still checked against their scope."""
    return enterprise.pk in user_scope(request.user).enterprises and \
        grants(user=request.user, model=register.model, action=ADD)


def _cell(record, name: str):
    """A record's value in a column as the list shows it: a choice's label, yes or no, a date in ISO, an amount in
    万元, a character's registrations; a dash for nothing."""
    if name == "registrations":
        return "；".join(str(r) for r in record.registrations.all()) or "—"
    field = record._meta.get_field(name)
    value = getattr(record, name)
    if field.choices and value not in (None, ""):
        return getattr(record, f"get_{name}_display")()
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if name == "amount":
        return money_display(value)
    return value if value not in (None, "") else "—"


def _heading(register: RegisterPage, name: str) -> str:
    """A column's heading: the field's label on the register's form, else the model's name of it (a character's
    registrations: theirs)."""
    if name == "registrations":
        return DigitalHumanRegistration._meta.verbose_name_plural
    if name in register.form.base_fields:
        return register.form.base_fields[name].label
    return register.model._meta.get_field(name).verbose_name


@login_required
def register_list(request, pk, slug=None):
    """An enterprise's register as a tab of 我的登记: its records a page at a time (`?page=`), with add, edit and
    delete for those who may write them; read-only for the enterprise's park administrators and district staff."""
    enterprise = _enterprise(request, pk)
    register = _register(slug) if slug else REGISTER_PAGES[0]
    records = register.model.objects.restrict(request.user, VIEW).filter(enterprise=enterprise)
    if register.prefetch:
        records = records.prefetch_related(*register.prefetch)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "enterprise": enterprise,
        "registers": REGISTER_PAGES,
        "register": register,
        "headings": [_heading(register, name) for name in register.columns],
        "rows": [(record, [_cell(record, name) for name in register.columns]) for record in page],
        "page": page,
        "editable": _writable(request, enterprise, register),
    }
    return render(request, "enterprises/registers/list.html", context)


@login_required
def register_edit(request, pk, slug, record_pk=None):
    """Add a record to an enterprise's register, or change one: the register's form, written as the API writes it;
    a refusal is the form again with each message on its field."""
    enterprise = _enterprise(request, pk)
    register = _register(slug)
    record = None
    if record_pk is not None:
        record = get_object_or_404(register.model.objects.restrict(request.user, VIEW).filter(enterprise=enterprise),
                                   pk=record_pk)
    action = ADD if record is None else CHANGE
    if not _writable(request, enterprise, register):
        raise PermissionDenied(_("You may only read this enterprise's registers."))
    form = register.form(request.POST or None, instance=record, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        changed = form.changes()
        try:
            with transaction.atomic():
                saved = form.save_record()
                # The write that would leave the writer's scope, refused as the API's viewsets refuse it.
                if not register.model.objects.restrict(request.user, action).filter(pk=saved.pk).exists():
                    raise ValidationError(OUTSIDE_SCOPE)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if changed:
                messages.success(request, _("「%(record)s」 is saved.") % {"record": saved})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("register-list", pk=enterprise.pk, slug=register.slug)
    context = {"enterprise": enterprise, "register": register, "registers": REGISTER_PAGES, "form": form,
               "record": record}
    return render(request, "enterprises/registers/form.html", context)


@login_required
def register_delete(request, pk, slug, record_pk):
    """Delete a record of an enterprise's register: a page asking to confirm, then the deletion (POST)."""
    enterprise = _enterprise(request, pk)
    register = _register(slug)
    record = get_object_or_404(register.model.objects.restrict(request.user, VIEW).filter(enterprise=enterprise),
                               pk=record_pk)
    if not _writable(request, enterprise, register) or \
            not register.model.objects.restrict(request.user, DELETE).filter(pk=record.pk).exists():
        raise PermissionDenied(_("You may only read this enterprise's registers."))
    if request.method == "POST":
        name = str(record)
        record.delete()
        messages.success(request, _("「%(record)s」 is deleted.") % {"record": name})
        return redirect("register-list", pk=enterprise.pk, slug=register.slug)
    context = {"enterprise": enterprise, "register": register, "registers": REGISTER_PAGES, "record": record}
    return render(request, "enterprises/registers/delete.html", context)
