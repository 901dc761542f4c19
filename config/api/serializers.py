"""Base serializers: every write runs the model's own validation (fields, uniqueness, constraints); every model
serializer's fields are built from the model once per class."""

import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

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
