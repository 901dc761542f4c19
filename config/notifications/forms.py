"""The preferences form: notifications by e-mail and in the inbox, or in the inbox only."""

from django import forms
from django.utils.translation import gettext_lazy as _

EMAIL, INBOX = "email", "inbox"


class PreferenceForm(forms.Form):
    """How the user receives notifications."""

    delivery = forms.ChoiceField(
        label=_("Receive notifications"), widget=forms.RadioSelect,
        choices=[(EMAIL, _("In the inbox and by e-mail")), (INBOX, _("In the inbox only"))],
        error_messages={"required": _("Choose how you receive notifications."),
                        "invalid_choice": _("Choose how you receive notifications.")},
    )
