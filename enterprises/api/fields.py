"""API field for the credit code: normalises what people type, then the model checks it."""

from rest_framework import serializers

from enterprises.credit_code import normalise


class CreditCodeField(serializers.CharField):
    """Unified social credit code: upper-cased, full-width folded, spaces and hyphens removed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "统一社会信用代码: 18 characters, checked (GB 32100-2015).")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return normalise(super().to_internal_value(data))
