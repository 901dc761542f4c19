"""The action plan's key tasks as data, and the support funds (资金支持, 政策兑现): policies and the awards under
them. Imported by registry.models, so that they are the registry app's models."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import REFERENCE_DATA, RestrictedQuerySet, Rule
from config.constraints import ConstrainedModel
from config.history import audit_history
from config.years import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_MESSAGE
from enterprises.models import Enterprise
from enterprises.models.filing import money

from .choices import GRANTED_AWARD_STATUSES, AwardStatus

TASKS_MAX = 15  # the 2022-2025 plan's key tasks are numbered 1 to 15


class PlanTask(models.Model):
    """One key task (重点任务) of a plan: its number, title, a short description and the source it is worded from."""

    plan = models.CharField(_("plan"), max_length=128)
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(TASKS_MAX)],
    )
    title = models.CharField(pgettext_lazy("plan task", "title"), max_length=128)
    description = models.TextField(_("short description"), blank=True)
    source = models.TextField(_("source"), blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA  # every signed-in user reads the tasks; the bureau keeps them

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan task")
        verbose_name_plural = _("plan tasks")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_task_unique_number",
                                    violation_error_message=_("This plan already has a task of this number.")),
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=TASKS_MAX), name="plan_task_number_range",
                                   violation_error_message=_("A task's number is between 1 and 15.")),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SupportPolicy(ConstrainedModel):
    """A support-fund policy: who issued it, the plan task it serves, its year and its budget (万元)."""

    name = models.CharField(_("name"), max_length=128, unique=True, error_messages={
        "unique": _("A policy of this name is already recorded.")})
    issuer = models.CharField(_("issuing body"), max_length=128)
    task = models.ForeignKey(PlanTask, models.PROTECT, null=True, blank=True, related_name="policies",
                             verbose_name=_("plan task"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    budget = money(_("budget (万元)"))
    description = models.TextField(_("description"), blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA  # public policies: every signed-in user reads them; the bureau keeps them

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("support policy")
        verbose_name_plural = _("support policies")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                                   name="support_policy_year_range", violation_error_message=YEAR_RANGE_MESSAGE),
            models.CheckConstraint(condition=Q(budget__isnull=True) | Q(budget__gte=0),
                                   name="support_policy_budget_not_negative",
                                   violation_error_message=_("The budget cannot be negative.")),
        ]

    # Checks the fields' validators already make: left to the database on a write (see SupportAward).
    cleaned_checks = ("support_policy_year_range", "support_policy_budget_not_negative")

    def __str__(self) -> str:
        return self.name


class SupportAward(ConstrainedModel):
    """An enterprise's award under a policy: applied, approved (amount and date), paid (amount and date) or
    cancelled. Amounts in 万元; the award counts in its policy's year."""

    policy = models.ForeignKey(SupportPolicy, models.PROTECT, related_name="awards", verbose_name=_("policy"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="support_awards",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=10, choices=AwardStatus.choices, default=AwardStatus.APPLIED)
    amount_approved = money(_("amount approved (万元)"))
    amount_paid = money(_("amount paid (万元)"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # The bureau records them; the enterprise reads its own, the park it is registered with and its district's
    # staff read them.
    scope_rule = Rule(park=("enterprise__park",), enterprise=("enterprise",), district=("enterprise__district",))

    class Meta:
        ordering = ["-policy__year", "policy__name", "enterprise__name", "pk"]
        verbose_name = _("support award")
        verbose_name_plural = _("support awards")
        constraints = [
            models.UniqueConstraint(fields=["policy", "enterprise"], name="support_award_unique",
                                    violation_error_message=_("This enterprise already has an award under this "
                                                              "policy.")),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__gte=0),
                name="support_award_approved_not_negative",
                violation_error_message=_("The amount approved cannot be negative.")),
            models.CheckConstraint(
                condition=Q(amount_paid__isnull=True) | Q(amount_paid__gte=0),
                name="support_award_paid_not_negative",
                violation_error_message=_("The amount paid cannot be negative.")),
            models.CheckConstraint(
                condition=Q(amount_paid__isnull=True) | Q(amount_paid__lte=F("amount_approved")),
                name="support_award_paid_within_approved",
                violation_error_message=_("The amount paid cannot exceed the amount approved.")),
            models.CheckConstraint(
                condition=~Q(status__in=GRANTED_AWARD_STATUSES)
                | Q(amount_approved__isnull=False, approved_on__isnull=False),
                name="support_award_granted_with_amount",
                violation_error_message=_("An approved or paid award states its amount and date of approval.")),
            models.CheckConstraint(
                condition=~Q(status=AwardStatus.PAID) | Q(amount_paid__isnull=False, paid_on__isnull=False),
                name="support_award_paid_with_amount",
                violation_error_message=_("A paid award states the amount and the date of payment.")),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(status__in=[AwardStatus.PAID, AwardStatus.CANCELLED]),
                name="support_award_paid_on_when_paid",
                violation_error_message=_("Only a paid (or later cancelled) award has a date of payment.")),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True) | Q(approved_on__isnull=True) | Q(paid_on__gte=F("approved_on")),
                name="support_award_paid_after_approved",
                violation_error_message=_("The payment cannot come before the approval.")),
        ]

    # Checks that clean() and the fields' validators already make, field by field: left to the database on a write,
    # not run again by validation (a query each).
    cleaned_checks = ("support_award_approved_not_negative", "support_award_paid_not_negative",
                      "support_award_paid_within_approved", "support_award_granted_with_amount",
                      "support_award_paid_with_amount", "support_award_paid_on_when_paid",
                      "support_award_paid_after_approved")
    constraint_fields = {"support_award_unique": "policy"}  # an award under a policy the enterprise already has

    def __str__(self) -> str:
        return f"{self.policy} · {self.enterprise}"

    def clean(self):
        """Name the field at fault when the amounts, dates and status do not fit together."""
        errors = {}
        granted = self.status in GRANTED_AWARD_STATUSES
        if granted and self.amount_approved is None:
            errors["amount_approved"] = _("An approved or paid award states its amount approved.")
        if granted and self.approved_on is None:
            errors["approved_on"] = _("An approved or paid award states its date of approval.")
        if self.status == AwardStatus.PAID and self.amount_paid is None:
            errors["amount_paid"] = _("A paid award states the amount paid.")
        if self.status == AwardStatus.PAID and self.paid_on is None:
            errors["paid_on"] = _("A paid award states the date of payment.")
        if self.paid_on is not None and self.status not in (AwardStatus.PAID, AwardStatus.CANCELLED):
            errors.setdefault("paid_on", _("Only a paid (or later cancelled) award has a date of payment."))
        if (self.amount_paid is not None and self.amount_approved is not None
                and self.amount_paid > self.amount_approved):
            errors.setdefault("amount_paid", _("The amount paid cannot exceed the amount approved."))
        if self.amount_paid is not None and self.amount_approved is None:
            errors.setdefault("amount_paid", _("The amount paid cannot exceed the amount approved."))
        if self.paid_on and self.approved_on and self.paid_on < self.approved_on:
            errors.setdefault("paid_on", _("The payment cannot come before the approval."))
        if errors:
            raise ValidationError(errors)
