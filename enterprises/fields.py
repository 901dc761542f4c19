"""Model field for the unified social credit code: normalised on input, checked in code and in PostgreSQL; and the
SQL functions of the enterprises' migrations."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from .credit_code import LENGTH, normalise, validate_credit_code


class CreditCodeIsValid(models.Func):
    """SQL call of the PostgreSQL function credit_code_is_valid(text), created in a migration."""

    function = "credit_code_is_valid"
    output_field = models.BooleanField()


class Bigrams(models.Func):
    """SQL call of the PostgreSQL function text_bigrams(text), created in a migration: the text's distinct pieces of
    two characters, which a GIN index can look up (a Chinese short name has two characters, below pg_trgm's three)."""

    function = "text_bigrams"
    output_field = ArrayField(models.TextField())


class CreditCodeField(models.CharField):
    """A CharField holding a normalised, checksum-verified credit code."""

    description = _("Unified social credit code")
    default_validators = [validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = LENGTH
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def to_python(self, value):
        value = super().to_python(value)
        return normalise(value) if isinstance(value, str) else value
