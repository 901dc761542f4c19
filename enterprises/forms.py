"""Forms of the enterprise self-service pages."""

from django import forms

from .choices import Segment
from .models import Enterprise


class EnterpriseProfileForm(forms.ModelForm):
    """The profile fields an enterprise keeps itself (the bureau's fields are not on it)."""

    segments = forms.TypedMultipleChoiceField(
        choices=Segment.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label=Enterprise._meta.get_field("segments").verbose_name,
    )
    website = forms.URLField(
        required=False, assume_scheme="https", label=Enterprise._meta.get_field("website").verbose_name,
    )

    class Meta:
        model = Enterprise
        fields = [
            "short_name", "name_en", "founded", "chain_position", "segments", "profile", "website",
            "contact_name", "contact_phone", "contact_email",
        ]
        widgets = {"founded": forms.DateInput(attrs={"type": "date"}), "profile": forms.Textarea(attrs={"rows": 5})}
