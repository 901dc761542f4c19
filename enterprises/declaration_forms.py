"""Forms of the declaration screens. They only read the input; every rule of the process (what a step needs, the
score's range, a reason required, the round's dates) is the service's (enterprises/declarations.py), whose
field-level refusals `add_service_errors` puts on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import LADDER, RoundCadence
from .models import AnnualFiling, DeclarationRound, Enterprise
from .tiers import RULE_SETS

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = {"rows": 4}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names when the form has it, else on the form."""
    for field, texts in getattr(error, "message_dict", {None: error.messages}).items():
        form.add_error(field if field in form.fields else None, texts)


class FilingChoiceField(forms.ModelChoiceField):
    """An approved filing, shown by its year and revision."""

    def label_from_instance(self, obj):
        """The filing as the choice shows it: its year and revision."""
        return _("%(year)s annual filing (revision %(revision)s)") % {"year": obj.year, "revision": obj.revision}


class StartForm(forms.Form):
    """Start a declaration: the open round, the enterprise (one of the user's own) and its approved filing."""

    round = forms.ModelChoiceField(label=_("round"), queryset=DeclarationRound.objects.none(), widget=forms.HiddenInput)
    enterprise = forms.ModelChoiceField(label=_("enterprise"), queryset=Enterprise.objects.none())
    filing = FilingChoiceField(label=_("approved filing"), queryset=AnnualFiling.objects.none())

    def __init__(self, *args, rounds, enterprises, filings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["enterprise"].queryset = enterprises
        self.fields["filing"].queryset = filings


class DeclarationForm(forms.Form):
    """The declaration's own form: the approved filing it rests on and its answers to the three questions."""

    filing = FilingChoiceField(label=_("approved filing"), queryset=AnnualFiling.objects.none(),
                               help_text=_("Its figures are the declaration's: an approved filing no longer "
                                           "changes."))
    main_product = forms.CharField(label=_("Main product and its share of revenue"), required=False,
                                   widget=forms.Textarea(attrs=TEXT))
    market_position = forms.CharField(label=_("Market position in its niche"), required=False,
                                      widget=forms.Textarea(attrs=TEXT))
    innovation = forms.CharField(label=_("Innovation: own technology, R&D and intellectual property"),
                                 required=False, widget=forms.Textarea(attrs=TEXT))

    def __init__(self, *args, filings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filing"].queryset = filings


class SignForm(forms.Form):
    """The commitment (承诺书): ticked, or nothing is signed."""

    agree = forms.BooleanField(label=_("I have read the commitment and sign it for the enterprise"),
                               error_messages={"required": _("Tick the box to sign the commitment.")})


class ConfirmForm(forms.Form):
    """A step with nothing to give but the confirmation (recommend), with an optional note."""

    reason = forms.CharField(label=_("note (optional)"), required=False, widget=forms.Textarea(attrs=TEXT))


class ReasonForm(forms.Form):
    """A return or rejection: the reason (the service requires it; the enterprise sees it)."""

    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs=TEXT),
                             help_text=_("The enterprise sees this reason."))


class ApproveForm(forms.Form):
    """The city's approval: the expert score and opinion (the service checks the score's range)."""

    score = forms.DecimalField(label=_("expert score"), required=False, max_digits=6, decimal_places=2,
                               help_text=_("From 0 to 100."))
    opinion = forms.CharField(label=_("expert opinion"), required=False, widget=forms.Textarea(attrs=TEXT))


class DesignateForm(forms.Form):
    """The designation after publicity: the certificate number."""

    certificate_number = forms.CharField(label=_("certificate number"), required=False, max_length=64)


class RoundForm(forms.Form):
    """A new round: its name, tier, rule set, cadence, window, review and (optional) publicity dates."""

    name = forms.CharField(label=_("name"), max_length=64, help_text=_("e.g. 2025年第一季度"))
    tier = forms.ChoiceField(label=_("tier"), choices=[(t.value, t.label) for t in LADDER])
    rule_set = forms.ChoiceField(label=_("rule set"), choices=[])
    cadence = forms.ChoiceField(label=_("cadence"), choices=RoundCadence.choices)
    opens = forms.DateField(label=_("window opens"), widget=DATE)
    closes = forms.DateField(label=_("window closes"), widget=DATE)
    review_starts = forms.DateField(label=_("review starts"), widget=DATE)
    publicity_starts = forms.DateField(label=_("publicity starts"), required=False, widget=DATE)
    publicity_ends = forms.DateField(label=_("publicity ends"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_set"].choices = [(code, RULE_SETS[code].name) for code in sorted(RULE_SETS)]


class PublicityForm(forms.Form):
    """A round's publicity dates (the model checks their order)."""

    starts = forms.DateField(label=_("publicity starts"), widget=DATE)
    ends = forms.DateField(label=_("publicity ends"), widget=DATE)


class ObjectionForm(forms.Form):
    """A written, signed objection received during publicity."""

    received_on = forms.DateField(label=_("received on"), widget=DATE)
    objector = forms.CharField(label=_("signed by"), max_length=128, required=False)
    text = forms.CharField(label=_("objection"), required=False, widget=forms.Textarea(attrs=TEXT))


class DecisionForm(forms.Form):
    """The bureau's decision on an objection: upheld or not, and why (the service requires the reason)."""

    upheld = forms.TypedChoiceField(label=_("decision"), coerce=lambda v: v == "yes",
                                    choices=[("no", _("Not upheld")), ("yes", _("Upheld: withdraw the declaration"))])
    reason = forms.CharField(label=_("reason for the decision"), required=False, widget=forms.Textarea(attrs=TEXT))

