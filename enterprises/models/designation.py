"""Tier designations: the official SME tier an enterprise holds, recorded by the bureau."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule
from config.as_of import Dated, as_of
from config.history import audit_history
from config.years import FIRST_YEAR

from ..choices import DesignationStatus, Tier
from .enterprise import Enterprise

VALIDITY_YEARS = 3  # a recognition is valid 3 years, then re-reviewed (docs/domain-rules.md 4)
DUE_MONTHS = 6  # due for re-review within its last 6 months


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_valid_until(granted_on: datetime.date) -> datetime.date:
    """Last day of validity: three years after the grant, less one day."""
    return add_years(granted_on, VALIDITY_YEARS) - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later (or earlier), the month's last day where it has no such day
    (as PostgreSQL's date arithmetic with an interval of months)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def due_from(valid_until: datetime.date) -> datetime.date:
    """First day due for re-review: six months before the designation expires, the day after its last valid day
    (valid until 2025-08-30, expiring 2025-08-31: from 2025-02-28; until 2025-02-28: from 2024-09-01)."""
    return add_months(valid_until + datetime.timedelta(days=1), -DUE_MONTHS)


class DueFrom(models.Func):
    """SQL of `due_from`: the expiry (the day after the last valid day) less six months, PostgreSQL clamping
    to a month's end as `add_months` does; the generated column `due_from` (migration enterprises 0010)."""

    template = f"(((%(expressions)s + 1) - interval '{DUE_MONTHS} months')::date)"
    output_field = models.DateField()


class TierDesignationQuerySet(RestrictedQuerySet):
    """Designations, with their status on a date computed in SQL."""

    def with_status(self, on: datetime.date | None = None):
        """Annotate `status` as of a date (default today), by the same rule as `TierDesignation.status_on`."""
        on = on or timezone.localdate()
        return self.annotate(status=Case(
            When(Q(revoked_on__lte=on), then=Value(DesignationStatus.REVOKED)),
            When(Q(valid_until__lt=on), then=Value(DesignationStatus.EXPIRED)),
            When(Q(due_from__lte=on), then=Value(DesignationStatus.DUE)),
            default=Value(DesignationStatus.VALID),
            output_field=models.CharField(),
        ))

    def held_on(self, on: datetime.date):
        """Designations in force on a date (valid or due for re-review)."""
        return as_of(self, on=on)


class TierDesignation(models.Model):
    """An official tier held by an enterprise: granted in a year and batch, valid three years unless revoked."""

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="designations", verbose_name=_("enterprise"),
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    year = models.PositiveSmallIntegerField(_("year granted"), validators=[MinValueValidator(FIRST_YEAR)])
    batch = models.CharField(_("batch"), max_length=64, blank=True, help_text=_("e.g. 2024年第二批"))
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    granted_on = models.DateField(_("granted on"))
    valid_until = models.DateField(
        _("valid until"), blank=True, help_text=_("Last day of validity; three years from the grant if empty."),
    )
    due_from = models.GeneratedField(
        expression=DueFrom("valid_until"), output_field=models.DateField(), db_persist=True,
        verbose_name=_("due for re-review from"),
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = TierDesignationQuerySet.as_manager()
    # In force on a date: granted by then, valid through it, not revoked by then.
    dated = Dated(start="granted_on", last="valid_until", end="revoked_on")
    # Entered by bureau staff only; the enterprise and the park it is registered with read them (not a park it only
    # rents in: the certificate numbers are not a tenant's public face).
    scope_rule = Rule(park=("enterprise__park",), enterprise=("enterprise",), district=("enterprise__district",))

    class Meta:
        ordering = ["enterprise", "-granted_on"]
        verbose_name = _("tier designation")
        verbose_name_plural = _("tier designations")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "granted_on"], name="designation_unique",
                violation_error_message=_("This designation is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("granted_on")), name="designation_valid_after_grant",
                violation_error_message=_("Valid until must be after the grant date."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("granted_on")),
                name="designation_revoked_after_grant",
                violation_error_message=_("A designation cannot be revoked before it is granted."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoke_reason=""), name="designation_revoked_with_reason",
                violation_error_message=_("A revocation states the reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_tier_display()} {self.year}"

    def save(self, *args, **kwargs):
        """Save with the default validity (three years from the grant) where none is given."""
        self._default_validity()
        super().save(*args, **kwargs)

    def clean(self):
        """Default the validity to three years; a revocation needs its reason; dates in order."""
        self._default_validity()
        errors = {}
        if self.granted_on and self.valid_until and self.valid_until <= self.granted_on:
            errors["valid_until"] = _("Valid until must be after the grant date.")
        if self.revoked_on and self.granted_on and self.revoked_on < self.granted_on:
            errors["revoked_on"] = _("A designation cannot be revoked before it is granted.")
        if self.revoked_on and not self.revoke_reason:
            errors["revoke_reason"] = _("A revocation states the reason.")
        if errors:
            raise ValidationError(errors)

    def _default_validity(self) -> None:
        if self.granted_on and not self.valid_until:
            self.valid_until = default_valid_until(self.granted_on)

    def status_on(self, on: datetime.date | None = None) -> str:
        """Status on a date (default today): revoked, expired, due for re-review (from `due_from`) or valid."""
        on = on or timezone.localdate()
        if self.revoked_on is not None and self.revoked_on <= on:
            return DesignationStatus.REVOKED
        if on > self.valid_until:
            return DesignationStatus.EXPIRED
        if on >= self.due_from:
            return DesignationStatus.DUE
        return DesignationStatus.VALID
