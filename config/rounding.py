"""The one rounding rule of every figure shown: half up (ROUND_HALF_UP, a half rounded away from zero), as Chinese
statistical tables round; figures are compared exactly and rounded only to be shown."""

from decimal import ROUND_HALF_UP, Decimal

ROUNDING = ROUND_HALF_UP  # the rule, for the decimal module and DRF's DecimalField(rounding=...)
PLACES = 2  # decimals of a figure shown: money, areas, percentages


def half_up(value, places: int = PLACES) -> Decimal:
    """A number rounded half up to `places` decimals, as a Decimal (never through a float)."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
