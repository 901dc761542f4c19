"""The base filterset and filter types the apps' filtersets share (below the API: the filtersets serve the API and the
pages alike)."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from config.years import FIRST_YEAR, LAST_YEAR

_form_classes: dict[type, type] = {}


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, its form class built once per filterset class: django-filter builds it anew on
    every request, with a form field per filter and each filter's label from the model (a sixth of an API list
    request). The form class depends only on the filters' declarations; a filter whose choices come from the
    request (a callable queryset) keeps django-filter's form per request. A filterset whose `__init__` changes its
    filters would need the same; none here does."""

    def get_form_class(self):
        form_class = _form_classes.get(type(self))
        if form_class is None:
            form_class = super().get_form_class()
            if any(callable(getattr(filter_, "queryset", None)) for filter_ in self.filters.values()):
                return form_class
            _form_classes[type(self)] = form_class
        return form_class


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
