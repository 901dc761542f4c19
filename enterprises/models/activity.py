"""Talent, events and cooperation (plan tasks 1, 2, 11, 13, 14): the industry activities an enterprise reports,
each of a kind that names its plan task (enterprises.choices.ACTIVITY_TASKS); counts only (how many talents or
trainees), never the names or personal data of individuals (docs/registers-activities.md)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import RestrictedQuerySet
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import ActivityKind
from .register import REGISTER_RULE, enterprise_field

ACTIVITY_RECORDED = _("This activity is already recorded (same kind, day and title).")
TALENTS_COUNTED = _("A recognition of leading talents says how many were recognised (at least one).")
# One check of the people (a check constraint costs full_clean() a query and two savepoints): never negative, and
# at least one leading talent in a recognition (its field errors come first: the validator and clean()).
PEOPLE_COUNTED = _("The number of people cannot be negative; a recognition of leading talents counts at least one.")
# Each constraint's message and the field it is about (the API's and the import's error names that field); pairs,
# not a dict: a lazy message's hash is its text in the language active when it is taken.


class IndustryActivity(ConstrainedModel):
    """An industry activity the enterprise reports (产业活动): its kind (and so its plan task), title, partner, the
    day held and how many people it concerns; one per enterprise, kind, day and title (the import's key)."""

    constraint_fields = {"activity_unique": "title", "activity_people_counted": "people"}

    enterprise = enterprise_field("activities")
    kind = models.CharField(pgettext_lazy("activity", "kind"), max_length=24, choices=ActivityKind.choices)
    title = models.CharField(pgettext_lazy("activity", "title"), max_length=200)
    partner = models.CharField(pgettext_lazy("activity", "partner"), max_length=200, blank=True,
                               help_text=_("The university, organiser, programme or country, if any."))
    held_on = models.DateField(pgettext_lazy("activity", "held on"),
                               help_text=_("The day it took place, was recognised, recommended or signed."))
    people = models.IntegerField(pgettext_lazy("activity", "people"), null=True, blank=True,
                                 validators=[MinValueValidator(0)],
                                 help_text=_("How many talents were recognised or trainees took part; a count, "
                                             "never names."))
    notes = models.TextField(pgettext_lazy("activity", "notes"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "-held_on", "pk"]
        verbose_name = _("industry activity")
        verbose_name_plural = _("industry activities")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "held_on", "title"], name="activity_unique",
                                    violation_error_message=ACTIVITY_RECORDED),
            models.CheckConstraint(
                condition=(Q(people__isnull=True) | Q(people__gte=0))
                & (~Q(kind=ActivityKind.LEADING_TALENT) | Q(people__isnull=False, people__gte=1)),
                name="activity_people_counted", violation_error_message=PEOPLE_COUNTED),
        ]
        indexes = [models.Index(fields=["kind", "held_on"], name="activity_kind_held_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    def clean(self):
        """Held not in the future; leading talents recognised are counted."""
        errors = {}
        if self.held_on and self.held_on > timezone.localdate():
            errors["held_on"] = _("The date cannot be in the future.")
        if self.kind == ActivityKind.LEADING_TALENT and self.people is None:
            errors["people"] = TALENTS_COUNTED
        if errors:
            raise ValidationError(errors)
