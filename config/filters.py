"""Filter types the apps' filtersets share (below the API: the filtersets serve the API and the pages alike)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from config.years import FIRST_YEAR, LAST_YEAR


class YearFilter(django_filters.NumberFilter):
    """A year filter: a whole year within FIRST_YEAR..LAST_YEAR, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


DIVISION_CODE = RegexValidator(r"^\d{6}$", _("Enter 6-digit division codes (e.g. 110105), separated by commas."))


class DivisionCodeField(forms.CharField):
    """One or more 6-digit administrative division codes, separated by commas: the list of codes."""

    def clean(self, value):
        """The codes, each checked; None when the parameter is empty."""
        value = super().clean(value)
        if not value:
            return None
        codes = [code.strip() for code in value.split(",") if code.strip()]
        for code in codes:
            DIVISION_CODE(code)
        return codes


class DivisionCodeFilter(django_filters.Filter):
    """A district's division code (六位行政区划代码), or several separated by commas; anything else is a 400."""

    field_class = DivisionCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "in")
        kwargs.setdefault("label", _("Division code(s) of the district, separated by commas"))
        super().__init__(*args, **kwargs)
