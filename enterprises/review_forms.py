"""Forms of the filing review screen: the queue's filters, the approval's confirmation and the return's reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from access.scoping import input_choices
from config.forms import MultilineField
from config.years import FIRST_YEAR, LAST_YEAR
from parks.models import Park


class ReviewFilterForm(forms.Form):
    """The queue's filters: the filing year and the park it was submitted in (only parks the user may see)."""

    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False,
                                  empty_label=_("All parks"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = input_choices(user=user, queryset=Park.objects.order_by("name"))


class ApproveForm(forms.Form):
    """The approval's confirmation: without it nothing is approved."""

    confirmed = forms.BooleanField(
        label=_("I confirm: the approved filing is frozen"),
        error_messages={"required": _("Confirm the approval: an approved filing is frozen.")},
    )


class ReturnForm(forms.Form):
    """The reason a returned filing is sent back with (the enterprise sees it)."""

    reason = MultilineField(
        label=_("reason for return"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The enterprise sees this reason and corrects its filing before submitting it again."),
        error_messages={"required": _("State the reason for returning the filing.")},
    )
