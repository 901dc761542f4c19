"""Account pages: inviting a user (bureau staff and park administrators), and the invited user's set-password page.

Writes go through the invitation services; the invitation is found by its link's token (only its hash is stored).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from config.throttling import throttled_login

from .account_forms import InviteForm, may_invite
from .accounts import invitation_by_token
from .invitations import InvitationGone, MailNotSent, invitation_accept, invitation_create

BACKEND = "config.auth.UsernameBackend"  # the backend that signs in an account that has just set its password


@login_required
def invite(request):
    """Invite a user into a park or enterprise membership in your scope; a new account gets its link by mail."""
    if not may_invite(request.user):
        raise PermissionDenied
    form = InviteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(inviter=request.user, **form.cleaned_data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        except PermissionDenied as error:
            form.add_error(None, str(error) or _("You may not give this membership."))
        except MailNotSent:
            form.add_error(None, _("The mail server did not take the invitation; nothing was saved. "
                                   "Try again later."))
        else:
            if invitation.account_created:
                messages.success(request, _("%(username)s is invited: the link to set a password was mailed to "
                                            "%(email)s.") % {"username": invitation.user.username,
                                                             "email": invitation.email})
            else:
                messages.success(request, _("%(username)s already has an account: it is now %(membership)s. "
                                            "No password link was sent.") % {
                    "username": invitation.user.username, "membership": invitation.membership_name})
            return redirect("invite")
    return render(request, "enterprises/invite.html", {"form": form})


def _gone(request, status: int):
    """The page of a link that does not work: unknown (404), or used or expired (410)."""
    return render(request, "enterprises/invitation_gone.html", {"status": status}, status=status)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@throttled_login
def invitation_accept_page(request, token):
    """The invited user's page: their username, a new password twice; then signed in and on to their work."""
    invitation = invitation_by_token(token=token)
    if invitation is None:
        return _gone(request, 404)
    if not invitation.is_open():
        return _gone(request, 410)
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except InvitationGone:
            return _gone(request, 410)
        except ValidationError as error:
            form.add_error("new_password2", error.message_dict.get("password", error.messages))
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, _("Your password is set; you are signed in."))
            return redirect("admin:index" if user.is_staff else "my-enterprises")
    return render(request, "enterprises/invitation_accept.html", {"form": form, "invitation": invitation})
