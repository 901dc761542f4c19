"""Base serializer: every write runs the model's own validation (fields, uniqueness, constraints)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from .exceptions import as_drf_validation_error


class ValidatedModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer that calls the model's full_clean() on the would-be instance before saving."""

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


class BriefSerializer(serializers.ModelSerializer):
    """Base of the brief nested representations: id, API address and display name."""

    display = serializers.CharField(source="__str__", read_only=True)
