"""Labs, common technology platforms, benchmark projects and the plan's targets (its tasks and the support funds:
registry.plan_models; the kept years not filed: registry.not_filed_models; the kept changes of the records in
operation: registry.operation_models)."""


from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import ADD, REFERENCE_DATA, VIEW, RestrictedQuerySet, Rule
from config.as_of import Dated, DatedModel, gaps_field
from config.history import audit_history
from config.years import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_MESSAGE
from enterprises.models import Enterprise
from parks.models import District, Park

from .choices import (
    ACTIVE_RUN_STATUSES,
    Comparison,
    DigitalHumanKind,
    FileFormat,
    FileJobKind,
    FileSubject,
    LabKind,
    OperatingStatus,
    PlatformDomain,
    ProjectField,
    ProjectStatus,
    RunKind,
    RunStatus,
    SummaryLevel,
    TargetMetric,
    TargetUnit,
)
from .not_filed_models import NotFiledYears  # noqa: F401 (the years each enterprise of a park has not filed)
from .operation_models import InOperationChange  # noqa: F401 (the kept changes of the records in operation)
from .place_models import ParkDay, ParkDelta, PlaceDay, PlaceDelta  # noqa: F401 (figures kept by day)
from .plan_models import PlanTask, SupportAward, SupportPolicy  # noqa: F401 (the plan's tasks and support funds)


def closed_after_start(start: str, name: str) -> models.CheckConstraint:
    """Database rule: a closing date comes after the day of opening (when both are known)."""
    return models.CheckConstraint(
        condition=Q(closed_on__isnull=True) | Q(**{f"{start}__isnull": True}) | Q(closed_on__gt=F(start)), name=name,
        violation_error_message=_("The closing date must come after the opening date."),
    )


def closed_on_when_closed(name: str) -> models.CheckConstraint:
    """Database rule: only a closed record carries its closing date."""
    return models.CheckConstraint(
        condition=Q(closed_on__isnull=True) | Q(status=OperatingStatus.CLOSED), name=name,
        violation_error_message=_("Only a closed record has a closing date."),
    )


def closed_on_field() -> models.DateField:
    """The day a lab or platform closed: first day no longer in operation."""
    return models.DateField(
        _("closed on"), null=True, blank=True,
        help_text=_("First day no longer in operation; set to today when the status changes to closed."),
    )


# In operation on a date: opened by then (or with no date recorded), and active, or closed after that date.
IN_OPERATION = {"status": "status", "current": (OperatingStatus.ACTIVE,), "ended": (OperatingStatus.CLOSED,),
                "end": "closed_on", "open_start": True, "stamp_start": True, "gaps": "gaps"}


class Lab(DatedModel):
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
    closed_on = closed_on_field()
    gaps = gaps_field()
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("host",), district=("park__district", "host__district"))
    dated = Dated(start="established", **IN_OPERATION)
    cleaned_checks = ("lab_closed_on_when_closed", "lab_closed_after_established")

    class Meta:
        ordering = ["name"]
        verbose_name = _("lab")
        verbose_name_plural = _("labs")
        constraints = [closed_on_when_closed("lab_closed_on_when_closed"),
                       closed_after_start("established", "lab_closed_after_established")]

    def __str__(self) -> str:
        return self.name


class Platform(DatedModel):
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
    closed_on = closed_on_field()
    gaps = gaps_field()
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("operator",), district=("park__district", "operator__district"))
    dated = Dated(start="launched", **IN_OPERATION)
    cleaned_checks = ("platform_closed_on_when_closed", "platform_closed_after_launched")

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        constraints = [closed_on_when_closed("platform_closed_on_when_closed"),
                       closed_after_start("launched", "platform_closed_after_launched")]

    def __str__(self) -> str:
        return self.name


class BenchmarkProject(DatedModel):
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
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    status = models.CharField(_("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.APPLIED)
    selected_on = models.DateField(
        _("selected on"), null=True, blank=True,
        help_text=_("The day it was selected; set to today when the status changes to selected or accepted."),
    )
    summary = models.TextField(_("summary"), blank=True)
    history = audit_history(m2m_fields=[partners])

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("lead", "partners"), district=("park__district", "lead__district"))
    # Counted on a date: selected or accepted, selected by then (or with no date recorded).
    dated = Dated(start="selected_on", status="status", current=(ProjectStatus.SELECTED, ProjectStatus.ACCEPTED),
                  open_start=True, stamp_start=True, start_of_status=True)
    cleaned_checks = ("benchmark_project_selected_on_when_selected",)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("benchmark project")
        verbose_name_plural = _("benchmark projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="benchmark_project_year_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(selected_on__isnull=True) | Q(status__in=[ProjectStatus.SELECTED, ProjectStatus.ACCEPTED]),
                name="benchmark_project_selected_on_when_selected",
                violation_error_message=_("Only a selected or accepted project has a selection date."),
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
    comparison = models.CharField(
        _("comparison"), max_length=4, choices=Comparison.choices, default=Comparison.AT_LEAST,
        help_text=_("How the actual figure meets the goal, as the target is worded: greater than (超过, 突破, 更多) "
                    "or at least (达到, 不少于, 以上, or a bare number). Decided on exact values."),
    )
    year = models.PositiveSmallIntegerField(
        _("deadline year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
    )
    source = models.TextField(_("source"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["plan", "position", "code"]
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="plan_target_year_range",
                violation_error_message=YEAR_RANGE_MESSAGE,
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



def job_constraints(prefix: str) -> list:
    """The checks every job's table holds, named after the table: finished only once done, failed only with its
    error."""
    return [
        models.CheckConstraint(
            condition=Q(finished__isnull=True) | Q(status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED]),
            name=f"{prefix}_finished_when_done",
        ),
        models.CheckConstraint(
            condition=~Q(status=RunStatus.FAILED) | ~Q(error=""), name=f"{prefix}_failed_with_error",
        ),
    ]


class Job(models.Model):
    """A Celery job (a report run, a file job): written pending before its task is sent, then running, then
    succeeded or failed (with the error); who started it and its task; and what it records of the workers that take
    it (who runs it and its heartbeat, so that a job whose worker died is known lost in seconds, and the details of
    an unexpected error). Each job's Meta adds `job_constraints`."""

    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    worker = models.CharField(
        _("worker"), max_length=200, blank=True,
        help_text=_("The Celery worker (node name and process id) that took it last."),
    )
    heartbeat_at = models.DateTimeField(
        _("heartbeat"), null=True, blank=True,
        help_text=_("Written every few seconds while it runs; older than JOB_LOST_AFTER seconds, its worker is lost."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, help_text=_("How many workers took it."))
    resent = models.DateTimeField(
        _("sent again"), null=True, blank=True,
        help_text=_("When the sweep sent its task again (its message was lost)."),
    )
    error_detail = models.TextField(
        _("error details"), blank=True,
        help_text=_("The traceback of an unexpected error, for administrators; users see the error only."),
    )

    class Meta:
        abstract = True
        ordering = ["-created"]


class ReportRun(Job):
    """A run of a report job (the tier summary of a year): written pending before its task is sent.

    The task moves it to running, then succeeded (with the rows it wrote) or failed (with the error); the next
    run of its year and a sweep every minute fail runs whose worker was lost or that are stuck past the time
    limit. One active run per kind and year (database).
    """

    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices, default=RunKind.TIER_SUMMARY)
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(FIRST_YEAR)])
    rule_set = models.CharField(
        _("rule set"), max_length=16, blank=True, help_text=_("Tier rule set; empty for the year's default."),
    )
    applied_rule_set = models.CharField(
        _("rule set applied"), max_length=16, blank=True,
        help_text=_("The tier rule set the run applied (the one asked for, or the year's default), written by the "
                    "run."),
    )
    as_of = models.DateField(
        _("as of"), null=True, blank=True,
        help_text=_("The date the run read tiers and tenancies on (the year's last day, or the run's day while the "
                    "year runs), written by the run."),
    )
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    started_by = models.ForeignKey(  # the job's, with the report run's help text
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("started by"), help_text=_("Empty when celery beat started it."),
    )

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park_admin=frozenset(), enterprise_user=frozenset())  # the bureau's

    class Meta(Job.Meta):
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"], condition=Q(status__in=ACTIVE_RUN_STATUSES), name="report_run_one_active",
                violation_error_message=_("A run for this year is already pending or running."),
            ),
            *job_constraints("report_run"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} #{self.pk} ({self.get_status_display()})"


class TierSummary(models.Model):
    """One row of a year's tier-summary snapshot: a place (city, district or park) and a tier.

    Counts are enterprises; money sums (万元) are over the enterprises counted as designated in the tier
    (over every enterprise that filed, in the `all` row); R&D intensity is R&D expense / revenue in percent.
    """

    run = models.ForeignKey(ReportRun, models.CASCADE, related_name="tier_summaries", verbose_name=_("run"))
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=SummaryLevel.choices)
    district = models.ForeignKey(
        District, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("district"),
    )
    park = models.ForeignKey(Park, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("park"))
    tier = models.CharField(_("tier"), max_length=16)
    enterprises = models.PositiveIntegerField(pgettext_lazy("tier summary", "enterprises"))
    filed = models.PositiveIntegerField(_("enterprises with an approved filing"))
    designated = models.PositiveIntegerField(_("designated"))
    candidates = models.PositiveIntegerField(_("candidates (criteria met, tier not held)"))
    due_for_review = models.PositiveIntegerField(_("due for re-review"))
    reporting = models.PositiveIntegerField(
        _("enterprises in the money sums"), default=0,
        help_text=_("Enterprises whose approved figures make the sums (under 3: hidden outside the bureau)."),
    )
    # Declarations (not enterprises) of the year's rounds; empty in a snapshot computed before they were counted.
    declared = models.PositiveIntegerField(_("declarations submitted"), null=True, blank=True)
    in_review = models.PositiveIntegerField(_("declarations in review"), null=True, blank=True)
    revenue = models.DecimalField(_("revenue (万元)"), max_digits=18, decimal_places=2)
    digital_human_revenue = models.DecimalField(_("digital-human revenue (万元)"), max_digits=18, decimal_places=2)
    rd_expense = models.DecimalField(_("R&D expense (万元)"), max_digits=18, decimal_places=2)
    rd_intensity = models.DecimalField(_("R&D intensity (%)"), max_digits=7, decimal_places=2, null=True)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), district=("district", "park__district"))  # their parks', their district's rows

    class Meta:
        ordering = ["year", "level", "district__code", "park__name", "tier"]
        verbose_name = _("tier summary row")
        verbose_name_plural = _("tier summary rows")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "level", "district", "park", "tier"], nulls_distinct=False,
                name="tier_summary_unique_row",
            ),
            models.CheckConstraint(
                condition=(Q(level=SummaryLevel.CITY, district__isnull=True, park__isnull=True)
                           | Q(level=SummaryLevel.DISTRICT, district__isnull=False, park__isnull=True)
                           | Q(level=SummaryLevel.PARK, park__isnull=False)),
                name="tier_summary_level_matches_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.level} {self.district or ''} {self.park or ''} {self.tier}"


class FileJob(Job):
    """A Celery job that imports an uploaded file or exports a register to a file: written pending before its
    task is sent, then running (with its progress), then succeeded or failed (with the report or the error).

    The file (uploaded, or produced) is kept in the row itself: a worker on another machine reads and writes it
    through the database, which every process shares. Imports of small files are answered in their request and
    leave no job. FILE_JOB_RETENTION_DAYS after a job ended, the sweep deletes its file and marks it expired; the
    row stays.
    """

    kind = models.CharField(_("kind"), max_length=8, choices=FileJobKind.choices)
    subject = models.CharField(_("register"), max_length=16, choices=FileSubject.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    dry_run = models.BooleanField(_("dry run"), default=False, help_text=_("Check every row; write nothing."))
    total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    data = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    expired = models.DateTimeField(_("file deleted"), null=True, blank=True,
                                   help_text=_("When the retention period's sweep deleted the file."))

    objects = RestrictedQuerySet.as_manager()
    # Every signed-in user may start jobs and sees their own; the bureau sees every job.
    scope_rule = Rule(owner=("started_by",), owner_actions=frozenset({VIEW, ADD}), park_admin=frozenset(),
                      enterprise_user=frozenset())

    class Meta(Job.Meta):
        verbose_name = _("file job")
        verbose_name_plural = _("file jobs")
        constraints = [
            *job_constraints("file_job"),
            models.CheckConstraint(
                condition=Q(kind=FileJobKind.EXPORT) | Q(data__isnull=False) | Q(expired__isnull=False),
                name="file_job_import_has_file",
            ),
            models.CheckConstraint(condition=Q(expired__isnull=True) | Q(data__isnull=True),
                                   name="file_job_expired_without_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_subject_display()} #{self.pk} ({self.get_status_display()})"


class FilingTotal(models.Model):
    """The approved filings of a year per district and park they were filed in: their count and money sums (万元),
    kept by PostgreSQL triggers on the filings in the same transaction as each write (migration registry 0017),
    so the reports read a few rows instead of summing a year's filings."""

    year = models.PositiveSmallIntegerField(_("year"))
    # Deleting a district or park removes its rows in the database (ON DELETE CASCADE, migration registry 0017),
    # so a deletion reads nothing more here.
    district = models.ForeignKey(
        District, models.DO_NOTHING, null=True, blank=True, related_name="+", db_constraint=False,
        verbose_name=_("district"),
    )
    park = models.ForeignKey(Park, models.DO_NOTHING, null=True, blank=True, related_name="+", db_constraint=False,
                             verbose_name=_("park"))
    filings = models.IntegerField(_("approved filings"), default=0)
    revenue = models.DecimalField(_("revenue (万元)"), max_digits=20, decimal_places=2, default=0)
    digital_human_revenue = models.DecimalField(_("digital-human revenue (万元)"), max_digits=20, decimal_places=2,
                                                default=0)
    digital_human_filings = models.IntegerField(_("approved filings with digital-human revenue"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone: read only where the user sees every filing

    class Meta:
        verbose_name = _("approved filings total")
        verbose_name_plural = _("approved filings totals")
        constraints = [
            models.UniqueConstraint(fields=["year", "district", "park"], nulls_distinct=False,
                                    name="filing_total_unique_place"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.district_id} {self.park_id}: {self.filings}"
