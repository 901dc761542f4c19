"""The inbox pages: the list of the user's own notifications, the bell's dropdown of the newest, marking one or all
read (htmx or plain POST), and the e-mail preference. A notification of another user is a 404
(docs/notifications.md)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import EMAIL, INBOX, PreferenceForm
from .selectors import latest_of, notifications_of, unread_count, wants_mail
from .services import notification_mark_read, notifications_mark_all_read, preference_set

PAGE_SIZE = 20
LATEST = 5  # in the bell's dropdown


@login_required
def inbox(request):
    """The user's notifications, newest first, 20 a page, unread ones marked."""
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": page.object_list})


@login_required
@require_GET
def inbox_latest(request):
    """The bell's dropdown, loaded when it opens: the user's newest notifications, each linking where it is about."""
    return render(request, "notifications/_latest.html", {"notifications": latest_of(request.user, LATEST)})


@login_required
@require_POST
def inbox_read(request, pk: int):
    """Mark one of the user's notifications read: htmx gets the row and the bell back, a form post the inbox."""
    notification = notification_mark_read(notification=get_object_or_404(notifications_of(request.user), pk=pk))
    if request.htmx:
        return render(request, "notifications/_read.html",
                      {"notification": notification, "unread_notifications": unread_count(request.user)})
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    """Mark every notification of the user read."""
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
    return redirect("inbox")


@login_required
@require_http_methods(["GET", "POST"])
def inbox_preferences(request):
    """Choose e-mail and inbox, or the inbox only; a bad choice is a 400 with the field's message."""
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_set(user=request.user, email=form.cleaned_data["delivery"] == EMAIL)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("inbox-preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    form = PreferenceForm(initial={"delivery": EMAIL if wants_mail(request.user) else INBOX})
    return render(request, "notifications/preferences.html", {"form": form})
