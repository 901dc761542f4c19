"""User management in the admin: bureau staff manage every account; park administrators see the accounts of their
own parks and of the enterprises they see (through `restrict`), never a bureau account, and invite users.

Park administrators change no account (not its address, whose password reset mail would then go elsewhere; not
its roles): they invite (the invitation service) and remove memberships on the membership pages. Only superusers
set superuser status and per-user permissions.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access.scoping import VIEW, user_scope, users_in_scope
from config.forms import RoundTripModelForm
from config.usernames import username_normalise, username_validate

from ..account_forms import may_invite

User = get_user_model()


class UsernameRulesMixin:
    """A username NFKC-normalised, held to the look-alike rule and unique whatever its case."""

    def clean_username(self):
        username = username_normalise(self.cleaned_data.get("username"))
        username_validate(username)
        taken = User._default_manager.filter(username__iexact=username).exclude(pk=self.instance.pk)
        if username and taken.exists():
            raise ValidationError(self.instance.unique_error_message(User, ["username"]))
        return username


class UserAddForm(UsernameRulesMixin, AdminUserCreationForm):
    """The admin's form for a new account, with the username rules."""


class UserEditForm(UsernameRulesMixin, RoundTripModelForm, UserChangeForm):
    """The admin's form of an account, with the username rules; saved as shown, it writes nothing new (its sign-in
    times keep their microseconds)."""


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts: bureau staff manage all of them; park administrators see their parks' and tenants' users."""

    add_form = UserAddForm
    form = UserEditForm
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    change_list_template = "admin/auth/user/change_list_invite.html"
    # What a park administrator sees of an account (no password summary, no roles).
    member_fieldsets = ((None, {"fields": ("username", "email", "first_name", "last_name", "is_active",
                                           "last_login", "date_joined")}),)

    @staticmethod
    def _bureau(request) -> bool:
        return user_scope(request.user).bureau

    def get_queryset(self, request):
        """The accounts the user may see (users_in_scope for VIEW)."""
        return users_in_scope(user=request.user, action=VIEW).order_by(*self.ordering)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and (self._bureau(request) or may_invite(request.user))

    def has_view_permission(self, request, obj=None):
        if self._bureau(request):
            return True
        if not (request.user.is_staff and may_invite(request.user)):
            return False
        return obj is None or users_in_scope(user=request.user, action=VIEW).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return self._bureau(request)

    def has_change_permission(self, request, obj=None):
        return self._bureau(request)

    def has_delete_permission(self, request, obj=None):
        return self._bureau(request)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self._bureau(request):
            return self.member_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        """Only superusers make superusers or give per-user permissions."""
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def get_list_filter(self, request):
        return super().get_list_filter(request) if self._bureau(request) else ["is_active"]

    def changelist_view(self, request, extra_context=None):
        """The list, with a button to invite a user (the invitation page)."""
        extra = {"invite_url": reverse("invite") if may_invite(request.user) else None,
                 "invite_label": _("Invite a user")}
        return super().changelist_view(request, {**extra, **(extra_context or {})})
