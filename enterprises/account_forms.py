"""Forms of the account pages: inviting a user into a membership."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from access.scoping import ADD, grants, input_choices, user_scope
from parks.models import Park, ParkMembership

from .models import Enterprise, EnterpriseMembership


def may_invite(user) -> bool:
    """Whether the user may give some membership: the bureau, and park administrators (for their tenants)."""
    return (user.is_authenticated and user.is_active
            and (grants(user=user, model=ParkMembership, action=ADD)
                 or grants(user=user, model=EnterpriseMembership, action=ADD)))


class InviteForm(forms.Form):
    """Who to invite (username and address) and into what: a park to administer or an enterprise to be a user of.

    Parks are offered to those who may give park memberships (the bureau); enterprises are those the inviter
    sees (the bureau types a credit code: the city has too many for a list). The invitation service decides.
    """

    username = forms.CharField(label=_("username"), max_length=150)
    email = forms.EmailField(label=_("e-mail address"))
    park = forms.ModelChoiceField(queryset=Park.objects.none(), required=False, label=_("park to administer"))
    enterprise = forms.ModelChoiceField(
        queryset=Enterprise.objects.none(), required=False, label=_("enterprise to be a user of"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if grants(user=user, model=ParkMembership, action=ADD):
            self.fields["park"].queryset = input_choices(user=user, queryset=Park.objects.order_by("name"))
        else:
            del self.fields["park"]
        visible = input_choices(user=user, queryset=Enterprise.objects.order_by("name"))
        if user_scope(user).bureau:
            self.fields["enterprise"] = forms.ModelChoiceField(
                queryset=visible, required=False, to_field_name="credit_code",
                label=_("enterprise to be a user of (unified social credit code)"),
                widget=forms.TextInput(attrs={"maxlength": 18, "autocomplete": "off"}),
            )
        else:
            self.fields["enterprise"].queryset = visible
            self.fields["enterprise"].label_from_instance = lambda enterprise: enterprise.name  # the legal name

    def clean(self):
        """Exactly one of park and enterprise."""
        data = super().clean()
        if bool(data.get("park")) == bool(data.get("enterprise")) and not self.errors:
            raise ValidationError(_("Name either a park or an enterprise."))
        return data
