"""Forms of the enterprise self-service pages."""

from decimal import Decimal

from django import forms
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from access.scoping import PUBLIC, input_choices
from config.amounts import money_display
from config.forms import DateInput, RoundTripModelForm
from config.years import FIRST_YEAR, LAST_YEAR

from .choices import Segment
from .models import AnnualFiling, Enterprise, Tenancy

LAST_DAY_LABEL = _("lease to (last day)")  # 租期至
LAST_DAY_HELP = _("The last day let, inclusive; empty if open-ended.")
LAST_DAY_BEFORE_START = _("The last day cannot be before the start date.")

MONEY_HELP = _("In 万元 (10,000 CNY).")


class EnterpriseProfileForm(RoundTripModelForm):
    """The profile fields an enterprise keeps itself (the bureau's fields are not on it)."""

    segments = forms.TypedMultipleChoiceField(
        choices=Segment.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=Enterprise._meta.get_field("segments").verbose_name,
    )
    website = forms.URLField(
        required=False, assume_scheme="https", label=Enterprise._meta.get_field("website").verbose_name,
    )

    class Meta(RoundTripModelForm.Meta):
        model = Enterprise
        fields = [
            "short_name", "name_en", "founded", "chain_position", "segments", "profile", "website",
            "contact_name", "contact_phone", "contact_email",
        ]
        widgets = {"profile": forms.Textarea(attrs={"rows": 5})}


class FilingStartForm(forms.Form):
    """The year a new draft filing is for."""

    year = forms.IntegerField(label=_("year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


# The figures of a filing as the page groups them (every figure field once; the workflow fields are the services').
FILING_FIELDSETS = (
    (_("Revenue and profit"), (
        "revenue", "revenue_prev", "revenue_prev2", "digital_human_revenue", "main_revenue", "main_revenue_prev",
        "main_revenue_prev2", "net_profit",
    )),
    (_("R&D and financing"), ("rd_expense", "rd_expense_prev", "equity_financing_2y", "equity_financing_3y")),
    (_("People and intellectual property"), (
        "staff", "rd_staff", "ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied",
        "ip_class2",
    )),
    (_("Market"), ("debt_ratio", "market_share", "market_rank", "niche_months", "sme_sector")),
    (_("Product and recognition"), (
        "product_field", "strategic_emerging", "key_field_product", "rd_institution", "digitalisation_level",
        "information_system", "quality_award", "management_certification", "product_certification", "own_brand",
        "competitive_brand", "standard_drafting", "st_award", "st_award_ranked", "honour", "maker_contest",
        "innovation_fast_track", "local_score",
    )),
)


class AnnualFilingForm(RoundTripModelForm):
    """A filing's figures as the enterprise enters them, in fieldsets; amounts in 万元 (the unit in the label),
    ratios in %. Saving and submitting go through the filing services, not `save()`."""

    class Meta(RoundTripModelForm.Meta):
        model = AnnualFiling
        fields = [name for _legend, names in FILING_FIELDSETS for name in names]

    def __init__(self, *args, disabled: bool = False, register=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._register_notes(register)
        for name, field in self.fields.items():
            field.disabled = disabled  # read-only once submitted
            model_field = AnnualFiling._meta.get_field(name)
            if isinstance(model_field, models.DecimalField) and "万元" in str(model_field.help_text):
                field.label = format_lazy("{} ({})", model_field.verbose_name, "万元")
                if str(model_field.help_text) == str(MONEY_HELP):
                    field.help_text = ""
            if name in AnnualFiling.required_on_submit:
                field.required_on_submit = True

    def _register_notes(self, register) -> None:
        """On each figure the enterprise's registers give (`register`: RegisterFigures): the note saying it was
        prefilled from them while the filing holds their value, else a warning with the registers' value (the
        enterprise's own figure stands)."""
        if register is None:
            return
        for name, value in register.figures.items():
            field = self.fields[name]
            if getattr(self.instance, name) == value:
                field.register_note = register.notes[name]
            else:
                field.register_warning = format_lazy(_("The registers give {}."), _yes_no(value))

    def fieldsets(self):
        """(legend, bound fields) in display order."""
        return [(legend, [self[name] for name in names]) for legend, names in FILING_FIELDSETS]

    def figures(self) -> dict:
        """The cleaned figures, for the filing services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def _yes_no(value):
    """A register's figure as the page shows it: yes or no for a flag, an amount in 万元 as every amount
    (money_display: "1500.00万元"), else the count."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return money_display(value)
    return value


def last_day_field() -> forms.DateField:
    """The form field of 租期至: a tenancy's last day, inclusive (stored as the exclusive end, the day after)."""
    return forms.DateField(label=LAST_DAY_LABEL, help_text=LAST_DAY_HELP, required=False, widget=DateInput())


def check_last_day(form: forms.Form, cleaned: dict) -> None:
    """Refuse (on `last_day`) a last day before the start date."""
    start, last_day = cleaned.get("start"), cleaned.get("last_day")
    if start and last_day and last_day < start:
        form.add_error("last_day", LAST_DAY_BEFORE_START)


# What a tenancy's letting form asks besides its tenant and dates: rent and the contract's terms.
LET_TERMS = ("rent", "contract_number", "deposit", "rent_free_months")


class TenancyLetForm(forms.Form):
    """A vacant unit let from the lease board: the tenant among those the user may name (`input_choices`, as the
    API's tenancy form), the start, 租期至 (the last day, inclusive), the rent and the contract's terms. The
    tenancy is written by the same service as the API's (`tenancy_save`), not by the form."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tenants = input_choices(user=user, queryset=Enterprise.objects.all(), action=PUBLIC).order_by("name", "id")
        self.fields["enterprise"] = forms.ModelChoiceField(
            queryset=tenants, label=Tenancy._meta.get_field("enterprise").verbose_name)
        self.fields["enterprise"].label_from_instance = lambda enterprise: enterprise.name  # the legal name
        self.fields["start"] = forms.DateField(label=Tenancy._meta.get_field("start").verbose_name, widget=DateInput())
        self.fields["last_day"] = last_day_field()
        for name in LET_TERMS:  # the model's validators too (a negative deposit is refused on the form)
            model_field = Tenancy._meta.get_field(name)
            self.fields[name] = model_field.formfield(validators=model_field.validators)

    def clean(self):
        """The last day is not before the start."""
        cleaned = super().clean()
        check_last_day(self, cleaned)
        return cleaned
