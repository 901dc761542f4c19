"""A page of records written from `.values()` rows: the same dicts a serializer gives of the model records, without a
model instance per row (and its district's and park's) nor DRF's calls per field.

`RowWriter(serializer_class, request=…, format=…)` reads the serializer's fields once per process and asks for the
columns they show (`columns`, the names to give `.values()`): a column of the model (converted as PlainReadMixin
converts it: str, int, a choice's key, an ISO date or time, a list of these; a DRF decimal or boolean by its own
`to_representation`, with a shortcut for a value already in the field's places and for a bool), a read-only value
the model computes from one column (named in the model's `row_derived`, e.g. `{"last_day": ("end", last_day_of)}`:
the function its property calls), the record's address (RecordUrlField), and a related record shown brief (a
BriefRelatedField or a brief serializer: its own columns, read through the join; its display name is `str()` of the
related record built from them, or from the columns its model names in `display_columns` where its `__str__` reads
others, a related record's among them: `"park__name"`). A serializer with any other field is refused when its
writer is built, so that no field is ever written differently from the serializer's own representation
(tests/test_fast_reads.py and tests/test_list_rows.py compare the two).
"""

import decimal
from urllib.parse import quote

from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .fields import BriefRelatedField, DisplayField, RecordUrlField
from .serializers import is_plain, plain_converter

VALUE, ADDRESS, BRIEF, DISPLAY, DERIVED = "value", "address", "brief", "display", "derived"


def _decimal(field):
    """DecimalField.to_representation: a value already holding the field's places (a column's value) written as
    DRF writes its quantized value (`f"{value:f}"`), any other through the field."""
    represent = field.to_representation
    if (field.normalize_output or field.localize or field.decimal_places is None
            or not getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)):
        return represent
    exponent, digits = -field.decimal_places, field.max_digits

    def convert(value):
        if type(value) is decimal.Decimal:
            _sign, shown, places = value.as_tuple()
            if places == exponent and (digits is None or len(shown) <= digits):
                return f"{value:f}"
        return represent(value)

    return convert


def _boolean(field):
    """BooleanField.to_representation: a bool as it is (DRF's TRUE_VALUES and FALSE_VALUES hold True and False),
    anything else through the field."""
    represent = field.to_representation
    return lambda value: value if type(value) is bool else represent(value)


# Field classes written from a column beyond the plain ones (config.api.serializers.is_plain), by DRF's own
# to_representation of the class -> what builds the converter.
_ROW_ONLY = {
    serializers.DecimalField.to_representation: _decimal,
    serializers.BooleanField.to_representation: _boolean,
}


def _converter(field):
    """The function writing a column's non-null value as the field represents it."""
    build = _ROW_ONLY.get(type(field).to_representation)
    return plain_converter(field) if build is None else build(field)


def _plan(serializer_class, prefix: str = "") -> tuple[list[tuple], list[str]]:
    """(name, kind, column, what) of each field the serializer shows, and the columns they read; `what` is the field
    (a value's or an address's), or the nested plan and the related model (a brief)."""
    serializer, model = serializer_class(context={}), serializer_class.Meta.model
    plan, columns = [], []
    for field in serializer._readable_fields:
        if isinstance(field, RecordUrlField):
            if field.lookup_field != "pk":
                raise TypeError(f"{serializer_class.__name__}.{field.field_name}: an address by pk only")
            column = f"{prefix}{model._meta.pk.name}"
            plan.append((field.field_name, ADDRESS, column, field))
            columns.append(column)
        elif isinstance(field, DisplayField):
            shown = getattr(model, "display_columns", None)
            shown = None if shown is None else tuple((f"{prefix}{path}", path) for path in shown)
            plan.append((field.field_name, DISPLAY, None, shown))
            columns.extend(column for column, _path in shown or ())
        elif isinstance(field, BriefRelatedField | serializers.Serializer):
            brief = field.brief if isinstance(field, BriefRelatedField) else type(field)
            related = model._meta.get_field(field.source).related_model
            nested, nested_columns = _plan(brief, f"{prefix}{field.source}__")
            key = f"{prefix}{field.source}__{related._meta.pk.attname}"
            plan.append((field.field_name, BRIEF, key, (nested, related, brief)))
            columns.extend([key, *nested_columns])
        elif len(field.source_attrs) == 1 and field.source in getattr(model, "row_derived", {}) and (
                is_plain(field) or type(field).to_representation in _ROW_ONLY):
            column, function = model.row_derived[field.source]
            model._meta.get_field(column)
            plan.append((field.field_name, DERIVED, f"{prefix}{column}", (field, function)))
            columns.append(f"{prefix}{column}")
        elif len(field.source_attrs) == 1 and (is_plain(field) or type(field).to_representation in _ROW_ONLY):
            model._meta.get_field(field.source)  # a column of the model (FieldDoesNotExist otherwise)
            plan.append((field.field_name, VALUE, f"{prefix}{field.source}", field))
            columns.append(f"{prefix}{field.source}")
        else:
            raise TypeError(f"{serializer_class.__name__}.{field.field_name} is not written from rows")
    return plan, list(dict.fromkeys(columns))


_plans: dict[type, tuple[list[tuple], list[str]]] = {}

# The plans bound to what a request's answer depends on besides its rows (its addresses' scheme, host, script prefix,
# URL configuration, format parameter and version, the format, the language, the time zone): built once per process
# and such key, kept with the brief records written under them. At most MAX_BOUND keys, and MAX_BRIEFS brief
# records a key, are kept.
_bound: dict[tuple, list[tuple]] = {}
MAX_BOUND = 64
MAX_BRIEFS = 5_000


def request_key(request, format) -> tuple:
    """What a row's writing depends on in the request beyond the row: see `_bound` (DRF's addresses also carry the
    query's `format` parameter, and a versioning scheme's version)."""
    return (request.scheme, request.get_host(), get_script_prefix(), get_urlconf(), format,
            request.GET.get(api_settings.URL_FORMAT_OVERRIDE), getattr(request, "version", None),
            translation.get_language(), timezone.get_current_timezone_name())


class RowWriter:
    """Writes `.values()` rows as a serializer represents its records for a request (its addresses, format, language
    and time zone): the plan bound to these once per process (`_bound`); a related record shown brief is written
    once per set of its columns' values and kept with the bound plan, so that a page's rows (which share few) and
    the next pages' reuse it."""

    def __init__(self, serializer_class, *, request, format=None):
        if serializer_class not in _plans:
            _plans[serializer_class] = _plan(serializer_class)
        plan, self.columns = _plans[serializer_class]
        key = (serializer_class, *request_key(request, format))
        steps = _bound.get(key)
        if steps is None:
            if len(_bound) >= MAX_BOUND:
                _bound.clear()
            steps = _bound[key] = self._steps(plan, request, format)
        self.steps = steps

    def _steps(self, plan, request, format) -> list[tuple]:
        """The plan bound to the request: each value's converter, each address's text around the key, each brief's
        columns and the briefs written (keyed by those columns' values)."""
        steps = []
        for name, kind, column, what in plan:
            if kind == VALUE:
                steps.append((name, kind, column, _converter(what)))
            elif kind == DERIVED:
                field, function = what
                steps.append((name, kind, column, (_converter(field), function)))
            elif kind == ADDRESS:
                steps.append((name, kind, column, what.address_parts(request, format)))
            elif kind == BRIEF:
                nested, related, brief = what
                fields = self._steps(nested, request, format)
                columns = _columns(fields)
                steps.append((name, kind, column, (fields, related, columns, {})))
            else:
                steps.append((name, kind, column, what))
        return steps

    def write(self, row: dict) -> dict:
        """The row as the serializer represents the record."""
        return _write(self.steps, row, None)


def _columns(steps) -> tuple[str, ...]:
    """Every column the steps write from, a nested brief's included."""
    columns = []
    for _name, kind, column, how in steps:
        if column is not None:
            columns.append(column)
        if kind == BRIEF:
            columns.extend(how[2])
        elif kind == DISPLAY and how is not None:
            columns.extend(column for column, _path in how)
    return tuple(dict.fromkeys(columns))


def _write(steps, row: dict, record) -> dict:
    """The fields of the steps from the row; `record`: the related record a brief's display names."""
    answer = {}
    for name, kind, column, how in steps:
        if kind == VALUE:
            value = row[column]
            answer[name] = None if value is None else how(value)
        elif kind == DERIVED:
            convert, function = how
            value = function(row[column])
            answer[name] = None if value is None else convert(value)
        elif kind == ADDRESS:
            prefix, suffix = how
            key = row[column]
            answer[name] = f"{prefix}{key if isinstance(key, int) else quote(str(key))}{suffix}"
        elif kind == BRIEF:
            if row[column] is None:
                answer[name] = None
                continue
            fields, related, columns, written = how
            values = tuple(row[column] for column in columns)  # the brief is written from these alone
            brief = written.get(values)
            if brief is None:
                if len(written) >= MAX_BRIEFS:
                    written.clear()
                brief = written[values] = _write(fields, row, _related(related, fields, row))
            answer[name] = dict(brief)
        else:
            answer[name] = str(record)
    return answer


def _related(model, steps, row: dict):
    """The related record of a brief, built from the brief's columns in the row (for its display name), or from
    those its model's `display_columns` name (a related record's put in the record's cache of related records), as
    a query builds a record from the columns it read (`from_db`)."""
    shown = next((how for _name, kind, _column, how in steps if kind == DISPLAY and how is not None), None)
    if shown is None:
        shown = [(column, column.rsplit("__", 1)[1]) for _name, kind, column, _how in steps if kind == VALUE]
    names, values, related = [], [], {}
    for column, path in shown:
        if "__" in path:
            relation, attribute = path.split("__")
            related.setdefault(relation, ([], []))
            target = model._meta.get_field(relation).related_model
            related[relation][0].append(target._meta.get_field(attribute).attname)
            related[relation][1].append(row[column])
        else:
            names.append(model._meta.get_field(path).attname)
            values.append(row[column])
    record = _from_db(model, names, values)
    for relation, (attributes, given) in related.items():
        target = model._meta.get_field(relation).related_model
        record._state.fields_cache[relation] = _from_db(target, attributes, given)
    return record


def _from_db(model, names: list[str], values: list):
    """The record built from some of its columns' values (`from_db` takes them in the model's order of fields)."""
    given = dict(zip(names, values, strict=True))
    ordered = [field.attname for field in model._meta.concrete_fields if field.attname in given]
    return model.from_db(None, ordered, [given[name] for name in ordered])


class RowListMixin:
    """A list whose page is written from `.values()` rows by RowWriter, as the view's serializer represents each
    record (the same answer as DRF's, without a model instance per row)."""

    def list(self, request, *args, **kwargs):
        """The page of records, written from rows."""
        writer = RowWriter(self.get_serializer_class(), request=request, format=self.format_kwarg)
        records = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(RowPages(records, writer.columns))
        rows = [writer.write(row) for row in (records.values(*writer.columns) if page is None else page)]
        return Response(rows) if page is None else self.get_paginated_response(rows)


class RowPages:
    """The records' queryset as a paginator sees it: counted as the queryset itself (the same count, SQL and cached
    count as the serializer's list: a `.values()` of related columns would add their joins to the count, and a join
    of an unversioned table such as the users' would keep the count from the cache), a page read as `.values()`
    rows of the columns."""

    def __init__(self, queryset, columns):
        self.queryset, self.columns = queryset, columns
        self.query, self.ordered, self.db = queryset.query, queryset.ordered, queryset.db

    def order_by(self, *names):
        """The records' queryset so ordered (what the count is asked of)."""
        return self.queryset.order_by(*names)

    def count(self) -> int:
        """The records' count."""
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        return self.queryset.values(*self.columns)[index]
