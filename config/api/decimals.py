"""The decimal field of every report answer: DRF's, rounding half up (config.rounding) instead of its default,
half even."""

from rest_framework import serializers

from config.rounding import PLACES, ROUNDING


class DecimalField(serializers.DecimalField):
    """A decimal shown rounded half up, to two decimals unless told otherwise."""

    def __init__(self, max_digits=None, decimal_places=PLACES, **kwargs):
        kwargs.setdefault("rounding", ROUNDING)
        super().__init__(max_digits, decimal_places, **kwargs)


class ExactDecimalField(serializers.DecimalField):
    """A decimal shown exactly as computed (no rounding), for a figure compared with a goal."""

    def __init__(self, **kwargs):
        super().__init__(None, None, **kwargs)

    def to_representation(self, value):
        """The exact value, without trailing zeros beyond the units (499.995, 500)."""
        if value is None:
            return None
        text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
        return text
