"""Standards an enterprise sets or revises (plan task 4): one row per enterprise and standard, with its part in it
(lead or participating); several enterprises each record their part in the same standard, matched on its number."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import RestrictedQuerySet
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import StandardLevel, StandardRole, StandardStatus
from .register import REGISTER_RULE, enterprise_field


class StandardQuerySet(RestrictedQuerySet):
    """Standards, with those published in a year."""

    @staticmethod
    def published_in_condition(year: int) -> Q:
        """The condition of `published_in`, for an aggregate's filter: published, dated in the year."""
        return Q(status=StandardStatus.PUBLISHED, published_on__year=year)

    def published_in(self, year: int):
        """Standards published in a year (published, with its publication date in that year)."""
        return self.filter(self.published_in_condition(year))


class Standard(ConstrainedModel):
    """A standard the enterprise drafts or drafted: title, number, level, its role, status and dates."""

    constraint_fields = {"standard_number_unique": "number"}

    enterprise = enterprise_field("standards")
    title = models.CharField(pgettext_lazy("standard", "title"), max_length=200)
    number = models.CharField(_("standard number"), max_length=64, blank=True,
                              help_text=_("e.g. GB/T 12345-2024; empty while drafting."))
    level = models.CharField(_("level"), max_length=16, choices=StandardLevel.choices)
    role = models.CharField(_("role of the enterprise"), max_length=16, choices=StandardRole.choices)
    status = models.CharField(_("status"), max_length=16, choices=StandardStatus.choices,
                              default=StandardStatus.DRAFTING)
    started_on = models.DateField(_("drafting started"), null=True, blank=True)
    approved_on = models.DateField(pgettext_lazy("standard", "approved on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    co_drafters = models.TextField(_("other drafting organisations"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = StandardQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "-published_on", "title", "pk"]
        verbose_name = _("standard")
        verbose_name_plural = _("standards")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "number"], condition=~Q(number=""),
                                    name="standard_number_unique",
                                    violation_error_message=_("This enterprise already recorded this standard.")),
            models.CheckConstraint(
                condition=~Q(status=StandardStatus.PUBLISHED) | Q(published_on__isnull=False, number__gt=""),
                name="standard_published_dated",
                violation_error_message=_("A published standard has its number and publication date.")),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(approved_on__isnull=True)
                | Q(published_on__gte=F("approved_on")),
                name="standard_published_after_approved",
                violation_error_message=_("A standard is published on or after its approval.")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def clean(self):
        """A published standard has its number and date; an approved one its approval date; dates in order and not
        in the future."""
        errors = {}
        if self.status == StandardStatus.PUBLISHED:
            if not self.published_on:
                errors["published_on"] = _("A published standard has its publication date.")
            if not self.number:
                errors["number"] = _("A published standard has its number.")
        if self.status == StandardStatus.APPROVED and not self.approved_on:
            errors["approved_on"] = _("An approved standard has its approval date.")
        if self.approved_on and self.published_on and self.published_on < self.approved_on:
            errors["published_on"] = _("A standard is published on or after its approval.")
        for name in ("started_on", "approved_on", "published_on"):
            day = getattr(self, name)
            if day and day > timezone.localdate() and name not in errors:
                errors[name] = _("The date cannot be in the future.")
        if errors:
            raise ValidationError(errors)
