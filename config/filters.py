"""The base filterset and filter types the apps' filtersets share (below the API: the filtersets serve the API and the
pages alike)."""

import contextvars
import copy

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

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

    @property
    def form(self):
        """django-filter's form, told the request it cleans for (KnownChoicesField reads the data version there)."""
        form = super().form
        form.request = self.request
        return form

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

    request = None  # the request the form cleans for, if any (FilterSet.form sets it)

    def _clean_fields(self):
        data, files = self.data, self.files
        token = _cleaning_for.set(self.request)
        try:
            for name, field in self.fields.items():
                if omitted(field.widget, data, files, self.add_prefix(name)):
                    continue
                try:
                    self.cleaned_data[name] = field._clean_bound_field(self[name])
                    if hasattr(self, f"clean_{name}"):
                        self.cleaned_data[name] = getattr(self, f"clean_{name}")()
                except ValidationError as error:
                    self.add_error(name, error)
        finally:
            _cleaning_for.reset(token)


_cleaning_for = contextvars.ContextVar("filter_form_request", default=None)


class KnownChoicesField(ModelMultipleChoiceField):
    """A multiple choice of records checked against their keys kept in the process under the version of the tables
    its queryset reads (config.data_version, read once per request: the list's count reads the same), instead of
    a query reading the chosen records on every request. The same values are refused with the same messages; the
    value cleaned is the chosen records in the queryset's order, each built from its key only (what a filter by
    them reads). For a queryset that is the same for every request (not a callable's), on the primary key."""

    def _check_values(self, value):
        if self.null_label is not None or self.to_field_name:
            return super()._check_values(value)
        try:
            value = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        model = self.queryset.model
        for pk in value:  # as Django checks each value: a key the primary key's column can take
            self.validate_no_null_characters(pk)
            try:
                model._meta.pk.get_prep_value(pk)
            except (ValueError, TypeError):
                raise ValidationError(self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                                      params={"pk": pk}) from None
        ordered, known = self._known()
        for val in value:
            if str(val) not in known:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": val})
        chosen = {str(val) for val in value}
        return [model(pk=pk) for pk in ordered if str(pk) in chosen]

    def _known(self) -> tuple[list, frozenset[str]]:
        """The queryset's keys in its order, and as texts: kept under its tables' version, read again when moved."""
        from config.data_version import data_version, query_tables

        queryset = self.queryset
        version = data_version(request=_cleaning_for.get(), using=queryset.db,
                               tables=frozenset(query_tables(queryset.query)))
        kept, key = self.__dict__.get("_kept"), (queryset.db, version, _generation[0])
        if kept is None or kept[0] != key:
            ordered = list(queryset.values_list("pk", flat=True))
            kept = self._kept = (key, ordered, frozenset(str(pk) for pk in ordered))
        return kept[1], kept[2]


_generation = [0]  # moved on by forget_known_choices: every key kept before is read again


def forget_known_choices() -> None:
    """Read every KnownChoicesField's keys again: for tests, whose transactions roll back, so that a data version
    comes back with other rows."""
    _generation[0] += 1


class KnownChoicesFilter(django_filters.ModelMultipleChoiceFilter):
    """django-filter's ModelMultipleChoiceFilter whose choices are checked by KnownChoicesField (no query per
    request): for a queryset of a table's records that is the same for every request."""

    field_class = KnownChoicesField


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
