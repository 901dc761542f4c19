"""Intellectual property of an enterprise (plan task 8): patents, software copyrights and the like, each with its
class as the tier rules count it (Ⅰ: invention patents, IC layouts, plant varieties; Ⅱ: the rest) and the dates it
is in force."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import RestrictedQuerySet
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import IP_CLASS1, IpClass, IpType
from .register import REGISTER_RULE, enterprise_field


class IpQuerySet(RestrictedQuerySet):
    """IP items, with those in force in a year."""

    @staticmethod
    def valid_in_condition(year: int) -> Q:
        """The condition of `valid_in`, for an aggregate's filter: granted by the year's last day, not expired
        before its first."""
        return Q(granted_on__lte=datetime.date(year, 12, 31)) & (
            Q(expires_on__isnull=True) | Q(expires_on__gte=datetime.date(year, 1, 1)))

    def valid_in(self, year: int):
        """Items in force on some day of the year: granted by its last day, not expired before its first."""
        return self.filter(self.valid_in_condition(year))


class IntellectualProperty(ConstrainedModel):
    """A granted patent, software copyright or other IP item of the enterprise: type, class, number, title, the day
    granted and the last day in force, and the parts the tier rules count (self-developed, high-value, applied)."""

    constraint_fields = {"ip_number_unique": "number"}

    enterprise = enterprise_field("ip_items")
    type = models.CharField(_("type"), max_length=16, choices=IpType.choices)
    ip_class = models.GeneratedField(
        expression=Case(When(type__in=[str(t) for t in IP_CLASS1], then=Value(IpClass.CLASS1.value)),
                        default=Value(IpClass.CLASS2.value)),
        output_field=models.CharField(max_length=1, choices=IpClass.choices), db_persist=True,
        verbose_name=_("class"),
    )
    number = models.CharField(_("registration number"), max_length=64, help_text=_("Patent or registration number."))
    title = models.CharField(pgettext_lazy("intellectual property", "title"), max_length=200)
    granted_on = models.DateField(pgettext_lazy("intellectual property", "granted on"))
    expires_on = models.DateField(_("in force until"), null=True, blank=True,
                                  help_text=_("The last day in force; empty while in force."))
    self_developed = models.BooleanField(_("self-developed"), default=False)
    high_value = models.BooleanField(_("high-value"), default=False)
    applied = models.BooleanField(_("applied with economic benefit"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = IpQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "-granted_on", "pk"]
        verbose_name = _("intellectual property item")
        verbose_name_plural = _("intellectual property")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "type", "number"], name="ip_number_unique",
                                    violation_error_message=_("This enterprise already recorded this item.")),
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("granted_on")),
                                   name="ip_expires_after_grant",
                                   violation_error_message=_("An item cannot lapse before it is granted.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self):
        """Granted not in the future; in force from its grant; the tier parts only on class-I items."""
        errors = {}
        if self.granted_on and self.granted_on > timezone.localdate():
            errors["granted_on"] = _("The date cannot be in the future.")
        if self.granted_on and self.expires_on and self.expires_on < self.granted_on:
            errors["expires_on"] = _("An item cannot lapse before it is granted.")
        if self.type and self.type not in IP_CLASS1:
            for name in ("self_developed", "high_value", "applied"):
                if getattr(self, name):
                    errors[name] = _("Only class-I items are counted as self-developed, high-value or applied.")
        if errors:
            raise ValidationError(errors)
