"""Filing seasons: when the filing of a year opens and closes, set by the bureau (a year without one has the
default season of FILING_SEASON_OPENS..FILING_SEASON_CLOSES of the next year)."""

import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from access.scoping import REFERENCE_DATA, RestrictedQuerySet
from config.history import audit_history
from config.years import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_MESSAGE


def month_day(setting: str) -> tuple[int, int]:
    """A month-day setting ("05-31") as (month, day); ImproperlyConfigured when it is no day of the year."""
    text = getattr(settings, setting)
    try:
        month, day = (int(part) for part in text.split("-"))
        datetime.date(2001, month, day)  # a year without 29 February: every season must exist every year
    except (ValueError, AttributeError):
        raise ImproperlyConfigured(f"{setting} must be a month and day as MM-DD, e.g. 05-31; it is {text!r}.") \
            from None
    return month, day


def default_season(year: int) -> tuple[datetime.date, datetime.date]:
    """The default filing season of a year's figures: FILING_SEASON_OPENS to FILING_SEASON_CLOSES of the next year."""
    opens, closes = month_day("FILING_SEASON_OPENS"), month_day("FILING_SEASON_CLOSES")
    return datetime.date(year + 1, *opens), datetime.date(year + 1, *closes)


class FilingSeason(models.Model):
    """The filing season of a year's figures: open from `opens` through `closes` (both days included). The
    reports' default year is the latest year whose season has closed."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("The year whose figures are filed in this season."),
    )
    opens = models.DateField(_("opens"), help_text=_("The first day filings of the year may be submitted."))
    closes = models.DateField(
        _("closes"), help_text=_("The last day of the season (it is open through this day); from the next day the "
                                 "year is the reports' default year."),
    )
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["-year"]
        verbose_name = _("filing season")
        verbose_name_plural = _("filing seasons")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=F("opens")), name="filing_season_closes_after_opening",
                violation_error_message=_("The season cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(closes__year__gt=F("year")), name="filing_season_closes_after_its_year",
                violation_error_message=_("The season of a year closes after that year ends."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="filing_season_year_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.opens.isoformat()} – {self.closes.isoformat()}"

    def clean(self):
        """Name the field at fault: the season closes on or after it opens, and after the year it is for ends."""
        if self.opens and self.closes and self.closes < self.opens:
            raise ValidationError({"closes": _("The season cannot close before it opens.")})
        if self.year and self.closes and self.closes.year <= self.year:
            raise ValidationError({"closes": _("The season of a year closes after that year ends.")})
