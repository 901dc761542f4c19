"""The base filterset and filter types the apps' filtersets share (below the API: the filtersets serve the API and the
pages alike)."""

import copy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from config.years import FIRST_YEAR, LAST_YEAR

_form_classes: dict[type, type] = {}


class SharedFields(dict):
    """A cached form class's fields, shared by its forms: Django's Form deep-copies its class's fields into each
    form, which for a filter form copies every choice list and queryset per request; these copy the dict only.
    Cleaning a value reads a field and never changes it (a model choice builds a new queryset from the field's)."""

    def __deepcopy__(self, memo):
        return dict(self)


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet without its per-request copies: the form class is built once per filterset class
    (with fields its forms share, SharedFields), the filters are copied shallowly, and a filter whose parameter is
    absent from the query is not applied (its empty value filters nothing: tests/test_fast_reads.py holds every
    filterset to it). django-filter builds the form class, deep-copies every filter with its querysets and choices,
    and applies every filter on each request. A filter whose choices come from the request (a callable queryset)
    keeps django-filter's form per request. A filterset whose `__init__` changes its filters would need the same;
    none here does."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_, self, queryset.model) for name, filter_ in self.base_filters.items()}

    def get_form_class(self):
        form_class = _form_classes.get(type(self))
        if form_class is None:
            base = super().get_form_class()
            form_class = type(base.__name__, (GivenFieldsForm, base), {"__module__": base.__module__})
            if any(callable(getattr(filter_, "queryset", None)) for filter_ in self.filters.values()):
                return form_class
            form_class.base_fields = SharedFields(form_class.base_fields)
            _form_classes[type(self)] = form_class
        return form_class

    def filter_queryset(self, queryset):
        """The queryset filtered by each filter whose parameter the query gives (django-filter's applies all; the
        form cleans only those, GivenFieldsForm)."""
        for name, value in self.form.cleaned_data.items():
            queryset = self.filters[name].filter(queryset, value)
        return queryset


class GivenFieldsForm(forms.Form):
    """A filter form that cleans only the fields whose parameters the query gives (`omitted`): an absent filter is
    not applied, and its empty value is valid for every filterset of the API (tests/test_fast_reads.py), so
    cleaning it could neither filter nor refuse. The fields given are cleaned as Django's Form cleans them, in the
    form's order, with the same messages; `cleaned_data` holds those only."""

    def _clean_fields(self):
        data, files = self.data, self.files
        for name, field in self.fields.items():
            if omitted(field.widget, data, files, self.add_prefix(name)):
                continue
            try:
                self.cleaned_data[name] = field._clean_bound_field(self[name])
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except ValidationError as error:
                self.add_error(name, error)


# Widgets that never say their value was omitted (a browser sends no empty selection and no unchecked box), and read
# the one parameter of their name.
_SINGLE_PARAMETER = (forms.SelectMultiple, forms.CheckboxSelectMultiple, forms.CheckboxInput)


def omitted(widget, data, files, name: str) -> bool:
    """Whether the query gives none of the parameters a filter's widget reads (its name, or its name with each of
    its suffixes)."""
    if widget.value_omitted_from_data(data, files, name):
        return True
    return isinstance(widget, _SINGLE_PARAMETER) and name not in data


def _own_copy(filter_, filterset, model):
    """A filterset's own copy of a declared filter: a shallow copy (a filter's attributes are replaced, never
    changed in place, when a request sets them), its method bound to the copy."""
    own = copy.copy(filter_)
    own.model, own.parent = model, filterset
    if own.method is not None:
        own.method = own.method  # a new FilterMethod, calling the copy's parent's method
    return own


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
