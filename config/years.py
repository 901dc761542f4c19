"""The years the registry holds figures for: one FIRST_YEAR and one LAST_YEAR for every model, form, serializer,
filter and report (the settings' REPORT_DATE_MIN/MAX are their first and last days)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100

# The message of a year outside FIRST_YEAR..LAST_YEAR (the models' year-range constraints).
YEAR_RANGE_MESSAGE = format_lazy(_("The year must be between {first} and {last}."), first=FIRST_YEAR, last=LAST_YEAR)
