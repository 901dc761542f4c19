"""Filter types the apps' filtersets share (below the API: the filtersets serve the API and the pages alike)."""

import django_filters
from django import forms

from config.years import FIRST_YEAR, LAST_YEAR


class YearFilter(django_filters.NumberFilter):
    """A year filter: a whole year within FIRST_YEAR..LAST_YEAR, else a 400 naming the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)
