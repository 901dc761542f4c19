"""Compliance filings of an enterprise (plan task 15, risk prevention): the deep-synthesis and generative-AI service
algorithm filings a digital-human service provider holds with the national internet regulator, and its
content-security and data-security records, each dated from the day filed to the day it lapses or is cancelled."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import RestrictedQuerySet
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import ALGORITHM_FILINGS, ComplianceKind
from .register import REGISTER_RULE, enterprise_field

NUMBER_TAKEN = _("This filing number is already recorded for this kind of filing.")
FILING_RECORDED = _("This enterprise already recorded this filing of the service on this day.")
# The field each constraint's refusal is reported on (the API's 400, the import's column); pairs, not a dict: a lazy
# message's hash is its text in the language active when it is asked.


class ComplianceFilingQuerySet(RestrictedQuerySet):
    """Compliance filings, with those in force on a day."""

    @staticmethod
    def in_force_condition(on: datetime.date, prefix: str = "") -> Q:
        """The condition of `in_force`, for an aggregate's or a subquery's filter (`prefix`: the path to the
        filing, e.g. "compliance_filings__"): filed by the day, not lapsed before it, not cancelled by it."""
        return (Q(**{f"{prefix}filed_on__lte": on})
                & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on}))
                & (Q(**{f"{prefix}cancelled_on__isnull": True}) | Q(**{f"{prefix}cancelled_on__gt": on})))

    def in_force(self, on: datetime.date):
        """Filings in force on the day: filed on or before it, valid through it, not cancelled on or before it."""
        return self.filter(self.in_force_condition(on))


class ComplianceFiling(ConstrainedModel):
    """A compliance filing (合规备案) of the enterprise: its kind, the service or algorithm filed, the filing number,
    the day filed, the last day valid and the day cancelled; an algorithm filing has its number, unique per kind."""

    # The check constraints hold clean()'s own conditions: not asked of the database again by validation (a query
    # each); the database still refuses a write that breaks them.
    cleaned_checks = ("compliance_filing_valid_after_filed", "compliance_filing_cancelled_after_filed",
                      "compliance_filing_algorithm_numbered")
    constraint_fields = {"compliance_filing_number_unique": "number", "compliance_filing_unique": "service_name"}

    enterprise = enterprise_field("compliance_filings")
    kind = models.CharField(_("kind of filing"), max_length=24, choices=ComplianceKind.choices)
    service_name = models.CharField(_("service or algorithm filed"), max_length=200)
    number = models.CharField(_("filing number"), max_length=64, blank=True,
                              help_text=_("e.g. 网信算备110108000000000000001号; required for an algorithm filing."))
    filed_on = models.DateField(pgettext_lazy("compliance filing", "filed on"))
    valid_until = models.DateField(pgettext_lazy("compliance filing", "valid until"), null=True, blank=True,
                                   help_text=_("The last day valid; empty when it does not lapse."))
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True,
                                    help_text=_("The day the filing was cancelled; not in force from that day."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = ComplianceFilingQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "kind", "-filed_on", "pk"]
        verbose_name = _("compliance filing")
        verbose_name_plural = _("compliance filings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], condition=~Q(number=""),
                                    name="compliance_filing_number_unique", violation_error_message=NUMBER_TAKEN),
            models.UniqueConstraint(fields=["enterprise", "kind", "service_name", "filed_on"],
                                    name="compliance_filing_unique", violation_error_message=FILING_RECORDED),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("filed_on")),
                                   name="compliance_filing_valid_after_filed",
                                   violation_error_message=_("A filing cannot lapse before it is filed.")),
            models.CheckConstraint(condition=Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=F("filed_on")),
                                   name="compliance_filing_cancelled_after_filed",
                                   violation_error_message=_("A filing cannot be cancelled before it is filed.")),
            models.CheckConstraint(condition=~Q(kind__in=[str(k) for k in ALGORITHM_FILINGS]) | ~Q(number=""),
                                   name="compliance_filing_algorithm_numbered",
                                   violation_error_message=_("An algorithm filing has its filing number.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.service_name}"

    def clean(self):
        """Filed and cancelled not in the future; valid and cancelled on or after the day filed; an algorithm
        filing has its number."""
        errors = {}
        today = timezone.localdate()
        for name in ("filed_on", "cancelled_on"):
            day = getattr(self, name)
            if day and day > today:
                errors[name] = _("The date cannot be in the future.")
        if self.filed_on and self.valid_until and self.valid_until < self.filed_on:
            errors["valid_until"] = _("A filing cannot lapse before it is filed.")
        if self.filed_on and self.cancelled_on and self.cancelled_on < self.filed_on:
            errors.setdefault("cancelled_on", _("A filing cannot be cancelled before it is filed."))
        if self.kind in ALGORITHM_FILINGS and not self.number:
            errors["number"] = _("An algorithm filing has its filing number.")
        if errors:
            raise ValidationError(errors)
