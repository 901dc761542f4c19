"""The park services page (园区服务与政策) of park administrators, district staff and the bureau: a park's services
listed with their status today, added, edited and ended (docs/park-services.md).

Every record is read through `restrict()`: a park or service outside the user's scope is 404; a user who neither
keeps nor reads any park (an enterprise user) gets 403. District staff read their district's parks' services and
change nothing. Writes go through the services the API calls (`park_service_save`, `park_service_end`); a refused
form is the page again with each message on its field (200, as the other pages answer; the API answers 400)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from access.scoping import ADD, CHANGE, VIEW, grants, user_scope

from .forms import ParkServiceForm
from .models import Park, ParkService
from .selectors import park_services
from .services import park_service_end, park_service_save


def _reader(request) -> None:
    """Refuse (403) a user who neither keeps nor reads a park's services: not bureau, park or district staff."""
    scope = user_scope(request.user)
    if not (scope.bureau or scope.parks or scope.districts):
        raise PermissionDenied(_("The park services page is for bureau staff, park administrators and district "
                                 "staff."))


def _listed(park) -> str:
    """The page's address for a park."""
    return f"{reverse('park-services')}?{urlencode({'park': park.pk})}"


def _show_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field, others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, found in error.message_dict.items():
        form.add_error(name if name in form.fields else None, found)


@login_required
def service_list(request):
    """A park's services and policies (a picker when the user sees several parks): kind, title, contact, the days
    offered and whether the public directory shows each, with the status today; add, edit and end links for those
    who keep the park's services."""
    _reader(request)
    parks = list(Park.objects.restrict(request.user, VIEW).select_related("district").order_by("name"))
    asked = request.GET.get("park", "")
    park = next((p for p in parks if str(p.pk) == asked), None) if asked else (parks[0] if parks else None)
    if asked and park is None:
        raise Http404(_("No park you may see has this id."))
    today = timezone.localdate()
    rows = []
    if park is not None:
        for service in park_services(user=request.user).filter(park=park).order_by("kind", "title", "pk"):
            status = (pgettext("park service", "upcoming") if service.offered_from > today else
                      pgettext("park service", "offered") if service.offered_on(today) else
                      pgettext("park service", "ended"))
            rows.append({"service": service, "status": status, "ended": service.offered_until is not None
                         and service.offered_until <= today})
    may_keep = park is not None and grants(user=request.user, model=ParkService, action=ADD) and \
        (user_scope(request.user).bureau or park.pk in user_scope(request.user).parks)
    context = {"parks": parks, "park": park, "rows": rows, "may_keep": may_keep, "today": today}
    return render(request, "parks/services.html", context)


def _form_page(request, *, park, service):
    """The add or edit form of a service of a park, saved by `park_service_save` as the API saves it."""
    form = ParkServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        service = form.save(commit=False)
        service.park = park
        try:
            park_service_save(service=service, user=request.user)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Saved: %(title)s.") % {"title": service.title})
            return redirect(_listed(park))
    return render(request, "parks/service_form.html", {"form": form, "park": park, "service": service})


@login_required
def service_add(request, park_pk):
    """Add a service to a park the user keeps (404 for any other park)."""
    _reader(request)
    if not grants(user=request.user, model=ParkService, action=ADD):
        raise PermissionDenied(_("You may not add park services."))
    park = get_object_or_404(Park.objects.restrict(request.user, CHANGE), pk=park_pk)
    service = ParkService(park=park, offered_from=timezone.localdate())
    return _form_page(request, park=park, service=service)


@login_required
def service_edit(request, pk):
    """Edit a service of a park the user keeps (404 for any other)."""
    _reader(request)
    service = get_object_or_404(park_services(user=request.user, action=CHANGE), pk=pk)
    return _form_page(request, park=service.park, service=service)


@login_required
@require_POST
def service_end(request, pk):
    """End a service from today (`park_service_end`: one not yet offered is removed)."""
    _reader(request)
    service = get_object_or_404(park_services(user=request.user, action=CHANGE), pk=pk)
    park, title = service.park, service.title
    try:
        kept = park_service_end(service=service, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, (_("Ended: %(title)s.") if kept else _("Removed (never offered): %(title)s."))
                         % {"title": title})
    return redirect(_listed(park))
