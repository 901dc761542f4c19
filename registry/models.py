"""Labs, common technology platforms, benchmark projects and the plan's targets."""


from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from config.history import audit_history
from enterprises.models import Enterprise
from parks.models import Park
from parks.scoping import VIEW, RestrictedQuerySet, Rule

from .choices import (
    DigitalHumanKind,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
    TargetMetric,
    TargetUnit,
)

# Reference data: every signed-in user reads it, only the bureau writes it.
REFERENCE = Rule(authenticated=frozenset({VIEW}), park_admin=frozenset(), enterprise_user=frozenset())

class Lab(models.Model):
    """A university-enterprise joint lab or an enterprise technology innovation centre."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=LabKind.choices)
    partner = models.CharField(_("partner university or institute"), max_length=128, blank=True)
    host = models.ForeignKey(Enterprise, models.PROTECT, related_name="labs", verbose_name=_("host enterprise"))
    park = models.ForeignKey(Park, models.PROTECT, null=True, blank=True, related_name="labs", verbose_name=_("park"))
    established = models.DateField(_("established"), null=True, blank=True)
    focus = models.TextField(_("focus"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OperatingStatus.choices, default=OperatingStatus.ACTIVE,
    )
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("host",))

    class Meta:
        ordering = ["name"]
        verbose_name = _("lab")
        verbose_name_plural = _("labs")

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """A common technology platform in one of the plan's five domains."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    domain = models.CharField(_("domain"), max_length=32, choices=PlatformDomain.choices)
    operator = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="platforms", verbose_name=_("operating enterprise"),
    )
    park = models.ForeignKey(
        Park, models.PROTECT, null=True, blank=True, related_name="platforms", verbose_name=_("park"),
    )
    services = models.TextField(_("services offered"), blank=True)
    launched = models.DateField(_("launched"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OperatingStatus.choices, default=OperatingStatus.ACTIVE,
    )
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("operator",))

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return self.name


class BenchmarkProject(models.Model):
    """An application benchmark project: a lead enterprise's digital-human deployment in a field."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    field = models.CharField(_("field"), max_length=20, choices=ProjectField.choices)
    dh_kind = models.CharField(_("kind of digital human"), max_length=12, choices=DigitalHumanKind.choices)
    lead = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="led_projects", verbose_name=_("lead enterprise"),
    )
    partners = models.ManyToManyField(
        Enterprise, blank=True, related_name="partner_projects", verbose_name=_("partner enterprises"),
    )
    park = models.ForeignKey(
        Park, models.PROTECT, null=True, blank=True, related_name="benchmark_projects", verbose_name=_("park"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.APPLIED)
    summary = models.TextField(_("summary"), blank=True)
    history = audit_history(m2m_fields=[partners])

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("lead", "partners"))

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("benchmark project")
        verbose_name_plural = _("benchmark projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="benchmark_project_year_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanTarget(models.Model):
    """One target of a plan as data: what it counts (metric and parameters), its goal and its deadline year."""

    plan = models.CharField(_("plan"), max_length=128)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=128)
    metric = models.CharField(_("metric"), max_length=32, choices=TargetMetric.choices)
    threshold = models.DecimalField(
        _("revenue threshold (10,000 yuan)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("For enterprises over a revenue threshold: the threshold, in 10,000 yuan."),
    )
    goal = models.DecimalField(_("goal"), max_digits=14, decimal_places=2)
    goal_upper = models.DecimalField(
        _("upper goal"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("For a goal given as a range (1-2 head enterprises): its upper end."),
    )
    unit = models.CharField(_("unit of measure"), max_length=12, choices=TargetUnit.choices, default=TargetUnit.COUNT)
    year = models.PositiveSmallIntegerField(
        _("deadline year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    source = models.TextField(_("source"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="plan_target_year_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(goal__gt=0), name="plan_target_goal_positive",
                violation_error_message=_("The goal must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(goal_upper__isnull=True) | Q(goal_upper__gte=F("goal")), name="plan_target_upper_goal",
                violation_error_message=_("The upper goal cannot be below the goal."),
            ),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | Q(threshold__gt=0), name="plan_target_threshold_positive",
                violation_error_message=_("The threshold must be positive."),
            ),
            models.CheckConstraint(
                condition=~Q(metric=TargetMetric.ENTERPRISES_OVER_REVENUE) | Q(threshold__isnull=False),
                name="plan_target_threshold_needed",
                violation_error_message=_(
                    "A target counting enterprises over a revenue threshold needs the threshold."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        """Name the field at fault when the goals or the threshold do not fit together."""
        if self.goal is not None and self.goal_upper is not None and self.goal_upper < self.goal:
            raise ValidationError({"goal_upper": _("The upper goal cannot be below the goal.")})
        if self.metric == TargetMetric.ENTERPRISES_OVER_REVENUE and self.threshold is None:
            raise ValidationError({"threshold": _(
                "A target counting enterprises over a revenue threshold needs the threshold."
            )})

