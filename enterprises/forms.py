"""Forms of the enterprise self-service pages."""

from django import forms
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import RoundTripModelForm
from config.years import FIRST_YEAR, LAST_YEAR

from .choices import Segment
from .models import AnnualFiling, Enterprise

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

    def __init__(self, *args, disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.disabled = disabled  # read-only once submitted
            model_field = AnnualFiling._meta.get_field(name)
            if isinstance(model_field, models.DecimalField) and "万元" in str(model_field.help_text):
                field.label = format_lazy("{} ({})", model_field.verbose_name, "万元")
                if str(model_field.help_text) == str(MONEY_HELP):
                    field.help_text = ""
            if name in AnnualFiling.required_on_submit:
                field.required_on_submit = True

    def fieldsets(self):
        """(legend, bound fields) in display order."""
        return [(legend, [self[name] for name in names]) for legend, names in FILING_FIELDSETS]

    def figures(self) -> dict:
        """The cleaned figures, for the filing services."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}
