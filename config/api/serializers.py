"""Base serializers: every write runs the model's own validation (fields, uniqueness, constraints); every model
serializer's fields are built from the model once per class."""

import copy
import datetime
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, RelatedField
from rest_framework.settings import api_settings

from access.scoping import user_scope
from config.forms import normalise_newlines

from ..rules import BUREAU_ONLY, bureau_only
from .exceptions import as_drf_validation_error
from .fields import DisplayField


class BuiltOnceFieldsMixin:
    """A ModelSerializer whose fields are built from the model once per class, then copied for each serializer:
    building them (DRF's model introspection) took 1.4 ms of a 50-row enterprise page's 3.8 ms."""

    _built_fields: dict[type, dict] = {}

    def get_fields(self):
        built = BuiltOnceFieldsMixin._built_fields.get(type(self))
        if built is None:
            built = BuiltOnceFieldsMixin._built_fields[type(self)] = super().get_fields()
        return copy.deepcopy(built)


def _choice(field):
    """ChoiceField.to_representation, without the method call: the choice's key for its text, as DRF answers."""
    keys = field.choice_strings_to_values
    return lambda value: value if value in ("", None) else keys.get(str(value), value)


def _date(field):
    """DateField.to_representation in the ISO format, without the method call (None for an empty date)."""
    if getattr(field, "format", api_settings.DATE_FORMAT) != api_settings.DATE_FORMAT or \
            str(api_settings.DATE_FORMAT).lower() != ISO_8601:
        return field.to_representation
    return lambda value: value.isoformat() if value and not isinstance(value, str) else (value or None)


def _datetime(field):
    """DateTimeField.to_representation in the ISO format, its time zone (the field's, else the active one) read once
    per serializer instead of once a value; a naive or odd value goes through the field as before."""
    if getattr(field, "format", api_settings.DATETIME_FORMAT) != api_settings.DATETIME_FORMAT or \
            str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return field.to_representation
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return field.to_representation

    def convert(value):
        if not isinstance(value, datetime.datetime) or value.tzinfo is None or value.utcoffset() is None:
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert


def _list_of(field):
    """ListField.to_representation over a child that has a plain converter."""
    child = plain_converter(field.child) if type(field.child).to_representation in _PLAIN else None
    if child is None:
        return field.to_representation
    return lambda value: [None if item is None else child(item) for item in value]


# DRF's own to_representation of a field class -> what builds a converter doing the same without DRF's per-field
# calls (a field class that overrides to_representation keeps its own).
_PLAIN = {
    serializers.CharField.to_representation: lambda field: str,
    serializers.IntegerField.to_representation: lambda field: int,
    serializers.BigIntegerField.to_representation: lambda field: str if getattr(
        field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING) else int,
    serializers.ChoiceField.to_representation: _choice,
    serializers.DateField.to_representation: _date,
    serializers.DateTimeField.to_representation: _datetime,
    serializers.ListField.to_representation: _list_of,
}


def plain_converter(field):
    """A function giving the field's representation of a (non-null) value, as its to_representation does."""
    build = _PLAIN.get(type(field).to_representation)
    return field.to_representation if build is None else build(field)


def is_plain(field) -> bool:
    """Whether the field's representation is one of the plain conversions (not its own to_representation)."""
    return type(field).to_representation in _PLAIN


class PlainReadMixin:
    """A model serializer whose representation skips DRF's per-field machinery, giving the same dict: a field read
    straight off a model column or relation by its attribute (DRF's get_attribute walks its source, catching what
    a column never raises), then converted by a function built once per serializer (CharField: str, IntegerField:
    int, ChoiceField, an ISO DateField, a ListField of those), or by the field's own to_representation; any other
    field (a method, `*`, a path) as DRF reads it. Half of a 50-row enterprise page's serialisation was DRF's
    per-field calls."""

    def _read_plan(self) -> list[tuple]:
        """(name, attribute or None, converter, field) of each readable field, built once per serializer."""
        plan = self.__dict__.get("_plain_read_plan")
        if plan is None:
            model, plan = self.Meta.model, []
            for field in self._readable_fields:
                attribute = None
                if len(field.source_attrs) == 1 and field.source != "*":
                    try:
                        column = model._meta.get_field(field.source)
                    except FieldDoesNotExist:
                        column = None
                    pk_only = isinstance(field, RelatedField) and field.use_pk_only_optimization()
                    if column is not None and column.concrete and not column.many_to_many and not pk_only:
                        attribute = field.source
                plan.append((field.field_name, attribute, plain_converter(field), field))
            self.__dict__["_plain_read_plan"] = plan
        return plan

    def to_representation(self, instance):
        """The record's readable fields, as DRF's Serializer.to_representation gives them."""
        if isinstance(instance, Mapping):  # validated data, not a record
            return super().to_representation(instance)
        answer = {}
        for name, attribute, convert, field in self._read_plan():
            if attribute is not None:
                value = getattr(instance, attribute)
            else:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    answer[name] = None if value.pk is None else convert(value)
                    continue
            answer[name] = None if value is None else convert(value)
        return answer


class ClassPlainRowsMixin:
    """A read-only model serializer of report rows whose representation is planned once per process from the class's
    fields (built for one serializer of the class) instead of DRF building its fields for each serializer and calling
    each field per row: a column read by its attribute, a related record's id by its column (`district_id`, as a
    primary-key field answers it), a path (`district.name`) walked with None where a record on it is missing (the
    field's default then, None), a method field by its method, each converted as `plain_converter` does. Only for
    fields whose representation depends on neither the request nor the context (every field but a method's is
    converted by the prototype's own field)."""

    _class_plans: dict[type, list[tuple]] = {}

    @classmethod
    def _class_plan(cls) -> list[tuple]:
        """(name, path or None, conversion or method name) of each readable field, built once per class."""
        plan = ClassPlainRowsMixin._class_plans.get(cls)
        if plan is None:
            prototype, model, plan = cls(), cls.Meta.model, []
            for field in prototype._readable_fields:
                if isinstance(field, serializers.SerializerMethodField):
                    plan.append((field.field_name, None, field.method_name))
                    continue
                if field.source == "*" or (len(field.source_attrs) > 1 and field.default is not None):
                    raise TypeError(f"{cls.__name__}.{field.field_name}: not a column, a related id or a path")
                if isinstance(field, RelatedField):
                    if not (len(field.source_attrs) == 1 and field.use_pk_only_optimization()
                            and getattr(field, "pk_field", None) is None):
                        raise TypeError(f"{cls.__name__}.{field.field_name}: a related field other than its id")
                    plan.append((field.field_name, (model._meta.get_field(field.source).attname,), _same))
                    continue
                plan.append((field.field_name, tuple(field.source_attrs), plain_converter(field)))
            ClassPlainRowsMixin._class_plans[cls] = plan
        return plan

    def to_representation(self, instance):
        """The row's readable fields, as DRF's Serializer.to_representation gives them."""
        answer = {}
        for name, path, convert in self._class_plan():
            if path is None:
                answer[name] = getattr(self, convert)(instance)
                continue
            value = instance
            for attribute in path:
                value = getattr(value, attribute)
                if value is None:
                    break
            answer[name] = None if value is None else convert(value)
        return answer


def _same(value):
    """A value as it is (a related record's id, as a primary-key field answers it)."""
    return value


class MultilineCharField(serializers.CharField):
    """A model's long text: CRLF and CR line ends stored as LF, as the forms store them (`config.forms`)."""

    def to_internal_value(self, data):
        return super().to_internal_value(normalise_newlines(data))


def changed_values(instance, values: dict) -> dict:
    """The validated values that differ from the record's (related records compared by key, many-to-many as sets)."""
    changed = {}
    for name, value in values.items():
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        if field is not None and field.many_to_many:
            differs = {item.pk for item in getattr(instance, name).all()} != {getattr(v, "pk", v) for v in value}
        elif field is not None and field.is_relation and field.concrete:
            differs = getattr(instance, field.attname) != getattr(value, "pk", value)
        else:
            differs = getattr(instance, name) != value
        if differs:
            changed[name] = value
    return changed


class ValidatedModelSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    """A ModelSerializer that refuses unknown fields and fields the user may not set, then runs full_clean().

    A model's `bureau_fields` are set by the bureau only: anyone else who sends one with a value other than the
    record's gets a 400 naming it (the record's own value, as a GET gave it, is accepted and left alone). A write
    that changes nothing saves nothing (no history entry, no new `updated` stamp).
    """

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.TextField: MultilineCharField}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {name: [_("Unknown field.")] for name in data if name not in self.fields}
            if errors:
                raise serializers.ValidationError(errors)
        values = super().to_internal_value(data)
        request = self.context.get("request")
        if request is not None and not user_scope(request.user).bureau:
            values = self._without_bureau_fields(values)
        return values

    def _without_bureau_fields(self, values: dict) -> dict:
        """The values without the bureau's fields, which must be the record's own (a 400 names those that differ)."""
        sources = {self.fields[name].source: name for name in getattr(self.Meta.model, "bureau_fields", ())
                   if name in self.fields}
        sent = {source: value for source, value in values.items() if source in sources}
        differing = changed_values(self.instance, sent) if self.instance is not None else sent
        refused = bureau_only(model=self.Meta.model, names=[sources[source] for source in differing], bureau=False)
        if refused:
            raise serializers.ValidationError({name: [BUREAU_ONLY] for name in refused})
        return {source: value for source, value in values.items() if source not in sources}

    def update(self, instance, validated_data):
        if not changed_values(instance, validated_data):
            return instance
        return super().update(instance, validated_data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        plain = {k: v for k, v in attrs.items() if not self._is_many(k)}
        instance = self.instance or self.Meta.model()
        original = {k: getattr(instance, k) for k in plain} if self.instance else {}
        for key, value in plain.items():
            setattr(instance, key, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise as_drf_validation_error(error) from error
        finally:
            for key, value in original.items():
                setattr(instance, key, value)
        return attrs

    def _is_many(self, name: str) -> bool:
        return isinstance(self.fields.get(name), serializers.ManyRelatedField)


class BriefSerializer(BuiltOnceFieldsMixin, serializers.ModelSerializer):
    """Base of the brief nested representations: id, API address and display name."""

    display = DisplayField()


class BriefUserSerializer(serializers.ModelSerializer):
    """A user account as nested in memberships and history."""

    class Meta:
        model = get_user_model()
        fields = ["id", "username"]
