"""Annual filings: an enterprise's figures for a year, drafted by the enterprise and reviewed by its park."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import ADD, CHANGE, DELETE, REVIEW, VIEW, RestrictedQuerySet, Rule
from config.constraints import ConstrainedModel
from config.history import audit_history
from config.years import FIRST_YEAR, LAST_YEAR
from parks.models import District, Park

from ..choices import (
    FILED_STATUSES,
    FROZEN_FILING_STATUSES,
    OPEN_FILING_STATUSES,
    FilingStatus,
    ProductField,
    RdInstitution,
    SmeSector,
)
from .enterprise import Enterprise

NOT_NEGATIVE = MinValueValidator(0)
PERCENT = (MinValueValidator(0), MaxValueValidator(100))
# Figures a filing must hold to be submitted.
REQUIRED_ON_SUBMIT = (
    "revenue", "digital_human_revenue", "main_revenue", "rd_expense", "net_profit", "staff", "rd_staff", "debt_ratio",
)


def money(verbose_name, help_text="", *, negative=False):
    """An amount in 万元 (10,000 CNY), two decimals; empty while unknown; never negative unless allowed."""
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[] if negative else [NOT_NEGATIVE], help_text=help_text or _("In 万元 (10,000 CNY)."),
    )


def count(verbose_name, help_text=""):
    """A count of people, items or years: a whole number, never negative."""
    return models.PositiveIntegerField(verbose_name, default=0, help_text=help_text)


def percent(verbose_name, help_text=""):
    """A ratio in percent, 0-100, two decimals; empty while unknown."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT, help_text=help_text,
    )


def flag(verbose_name, help_text=""):
    """A yes/no input of the tier criteria."""
    return models.BooleanField(verbose_name, default=False, help_text=help_text)


class AnnualFilingQuerySet(RestrictedQuerySet):
    """Filings, with the ones that count for reports and assessments."""

    def current(self):
        """Approved filings (one per enterprise and year: the latest approved revision)."""
        return self.filter(status=FilingStatus.APPROVED)


class AnnualFiling(ConstrainedModel):
    """An enterprise's figures for one year, with their review: the inputs of the tier criteria.

    Amounts are in 万元 and refer to the filing year unless named `_prev` (the year before) or `_prev2`
    (two years before). One open revision and one approved revision per enterprise and year; an approved
    filing is frozen (also by a trigger in PostgreSQL, migration enterprises 0003).
    """

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="filings", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR)], help_text=_("The year the figures are for."),
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT, editable=False,
    )
    park = models.ForeignKey(
        Park, models.PROTECT, null=True, blank=True, editable=False, related_name="filings", verbose_name=_("park"),
        help_text=_("The enterprise's park when it submitted (its reviewer); kept when the enterprise moves."),
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, editable=False, related_name="filings",
        verbose_name=_("district"), help_text=_("The enterprise's registered district when it submitted."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False, related_name="+",
        verbose_name=_("reviewed by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True, editable=False)

    # --- money (万元) ---
    revenue = money(_("operating revenue"))
    revenue_prev = money(_("operating revenue, previous year"))
    revenue_prev2 = money(_("operating revenue, two years before"))
    digital_human_revenue = money(_("digital-human business revenue"))
    main_revenue = money(_("main-business revenue"))
    main_revenue_prev = money(_("main-business revenue, previous year"))
    main_revenue_prev2 = money(_("main-business revenue, two years before"))
    rd_expense = money(_("R&D expense"))
    rd_expense_prev = money(_("R&D expense, previous year"))
    net_profit = money(_("net profit"), _("In 万元 (10,000 CNY); negative for a loss."), negative=True)
    equity_financing_2y = money(
        _("new equity financing, last 2 years"), _("Paid in by qualified investors, in 万元 (10,000 CNY)."),
    )
    equity_financing_3y = money(
        _("new equity financing, last 3 years"), _("Paid in by qualified investors, in 万元 (10,000 CNY)."),
    )
    # --- people and items ---
    staff = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D staff"), null=True, blank=True)
    ip_class1 = count(_("class-I IP items"), _("Related to the main product: invention patents, IC layouts, ..."))
    ip_class1_self_developed = count(_("of which self-developed"))
    ip_class1_high_value = count(_("of which high-value"))
    ip_class1_applied = count(
        _("of which applied with economic benefit"),
        _("Class-I items actually applied and already bringing economic benefit (专精特新“小巨人”企业 counts only "
          "these)."),
    )
    ip_class2 = count(_("class-II IP items"), _("Software copyrights, utility-model and design patents."))
    niche_months = count(
        _("time in the niche market (months)"), _("Whole months in the niche market: 2 years are 24 months."),
    )
    # --- ratios (%) ---
    debt_ratio = percent(_("debt-to-asset ratio (%)"))
    market_share = percent(_("national niche-market share (%)"))
    market_rank = models.PositiveSmallIntegerField(
        _("national niche-market rank"), null=True, blank=True, validators=[MinValueValidator(1)],
    )
    # --- qualitative inputs ---
    sme_sector = models.CharField(
        _("sector for the SME size gate"), max_length=16, choices=SmeSector.choices, default=SmeSector.SOFTWARE_IT,
    )
    strategic_emerging = flag(_("main product in the strategic emerging industries catalogue"))
    product_field = models.CharField(
        _("main product's field"), max_length=16, choices=ProductField.choices, default=ProductField.OTHER,
    )
    key_field_product = flag(_("main product in a key field (品)"))
    rd_institution = models.CharField(
        _("R&D institution"), max_length=16, choices=RdInstitution.choices, default=RdInstitution.NONE,
    )
    digitalisation_level = models.PositiveSmallIntegerField(
        _("digitalisation level"), default=0, validators=[MaxValueValidator(4)], help_text=_("0 if not assessed."),
    )
    information_system = flag(_("a core business runs on an information system"))
    quality_award = flag(_("provincial quality award"))
    management_certification = flag(_("management-system certification (ISO 9001 or similar)"))
    product_certification = flag(_("product certification for developed markets"))
    own_brand = flag(_("own brand (拥有自主品牌)"),
                     _("Any brand of the enterprise's own (a quality item of the 专精特新中小企业 score)."))
    competitive_brand = flag(
        _("own brand with a competitive advantage (具有竞争优势的自主品牌)"),
        _("An own brand that gives the enterprise a competitive advantage in its niche market (专精特新“小巨人”企业)."),
    )
    standard_drafting = flag(_("took part in drafting a standard"))
    st_award = flag(_("national or provincial S&T award in the last 3 years"))
    st_award_ranked = flag(_("S&T award ranked top 3 (provincial) or top 5 (national) in the last 3 years"))
    honour = flag(_("a valid honour such as 高新技术企业 or 知识产权示范/优势企业"))
    maker_contest = flag(_("national top 500 of the 创客中国 contest in the last 3 years"))
    innovation_fast_track = flag(_("meets the innovation fast track of 专精特新“小巨人”企业 (新)"))
    local_score = models.PositiveSmallIntegerField(
        _("local indicators score (特色化)"), default=0, validators=[MaxValueValidator(15)],
        help_text=_("Points 0-15 from the province's own indicators."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = audit_history()

    objects = AnnualFilingQuerySet.as_manager()
    # The enterprise drafts, submits and corrects; the park it submitted in reviews (the bureau everywhere).
    scope_rule = Rule(
        park=("park",), enterprise=("enterprise",), district=("enterprise__district",),
        park_admin=frozenset({VIEW, REVIEW}), enterprise_user=frozenset({VIEW, ADD, CHANGE, DELETE}),
    )
    required_on_submit = REQUIRED_ON_SUBMIT
    # Fields that are not figures: set by the workflow, not copied into a new revision.
    workflow_fields = (
        "id", "enterprise", "year", "revision", "status", "park", "district", "submitted_at", "submitted_by",
        "reviewed_at", "reviewed_by", "return_reason", "created", "updated",
    )

    class Meta:
        ordering = ["enterprise", "-year", "-revision"]
        verbose_name = _("annual filing")
        verbose_name_plural = _("annual filings")
        indexes = [  # from EXPLAIN at 100,000 enterprises x 5 years (bench/README.md); migration enterprises 0005
            # plan progress, industry scale: sum of the year's approved digital-human revenue and its records
            # ordered by -digital_human_revenue (a walk of the index, not a sort of the year's filings)
            models.Index(F("year"), F("digital_human_revenue").desc(), F("id"), name="filing_approved_year_dh",
                         condition=Q(status=FilingStatus.APPROVED)),
            # plan progress, enterprises over a revenue threshold: the year's approved filings with revenue > X,
            # ordered by -revenue
            models.Index(F("year"), F("revenue").desc(), F("id"), name="filing_approved_year_revenue",
                         condition=Q(status=FilingStatus.APPROVED)),
            # park report, tenants not filed: whether an enterprise has a filing of the year submitted to the bureau,
            # answered from the index alone (one probe per enterprise of the page's parks)
            models.Index(F("enterprise"), F("year"), name="filing_filed_enterprise_year",
                         condition=Q(status__in=FILED_STATUSES)),
            # park report for a park administrator, tenants not filed: the year's filings submitted to the bureau in
            # their parks (the filings they see), read from the index alone into one hash (no probe per enterprise)
            models.Index(fields=["year", "park"], include=["enterprise"], name="filing_filed_year_park",
                         condition=Q(status__in=FILED_STATUSES)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "revision"], name="filing_revision_unique",
                violation_error_message=_("This revision of the filing already exists."),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year"], condition=Q(status__in=OPEN_FILING_STATUSES), name="filing_one_open",
                violation_error_message=_("This enterprise already has an open filing for this year."),
            ),
            models.UniqueConstraint(
                fields=["enterprise", "year"], condition=Q(status=FilingStatus.APPROVED), name="filing_one_approved",
                violation_error_message=_("This enterprise already has an approved filing for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="filing_year_range",
                violation_error_message=_("The year is out of range."),
            ),
            models.CheckConstraint(
                condition=Q(rd_staff__lte=F("staff")) | Q(rd_staff__isnull=True) | Q(staff__isnull=True),
                name="filing_rd_staff_within_staff",
                violation_error_message=_("R&D staff cannot exceed staff."),
            ),
            models.CheckConstraint(
                condition=Q(main_revenue__lte=F("revenue")) | Q(main_revenue__isnull=True) | Q(revenue__isnull=True),
                name="filing_main_revenue_within_revenue",
                violation_error_message=_("Main-business revenue cannot exceed operating revenue."),
            ),
            models.CheckConstraint(
                condition=(Q(digital_human_revenue__lte=F("revenue")) | Q(digital_human_revenue__isnull=True)
                           | Q(revenue__isnull=True)),
                name="filing_dh_revenue_within_revenue",
                violation_error_message=_("Digital-human revenue cannot exceed operating revenue."),
            ),
            models.CheckConstraint(
                condition=Q(ip_class1_self_developed__lte=F("ip_class1"), ip_class1_high_value__lte=F("ip_class1"),
                            ip_class1_applied__lte=F("ip_class1")),
                name="filing_ip_parts_within_class1",
                violation_error_message=_(
                    "Self-developed, high-value and applied items are part of the class-I items."),
            ),
            models.CheckConstraint(
                condition=Q(status=FilingStatus.DRAFT) | Q(
                    submitted_at__isnull=False, **{f"{name}__isnull": False for name in REQUIRED_ON_SUBMIT}
                ),
                name="filing_complete_when_submitted",
                violation_error_message=_("A submitted filing holds every required figure."),
            ),
            models.CheckConstraint(
                condition=~Q(status=FilingStatus.RETURNED) | ~Q(return_reason=""), name="filing_returned_with_reason",
                violation_error_message=_("A returned filing states the reason."),
            ),
            models.CheckConstraint(
                condition=Q(local_score__lte=15, digitalisation_level__lte=4), name="filing_scores_in_range",
                violation_error_message=_("A score is out of range."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0}), name=f"filing_{name}_not_negative",
                    violation_error_message=_("Figures cannot be negative."),
                )
                for name in (
                    "revenue", "revenue_prev", "revenue_prev2", "digital_human_revenue", "main_revenue",
                    "main_revenue_prev", "main_revenue_prev2", "rd_expense", "rd_expense_prev",
                    "equity_financing_2y", "equity_financing_3y",
                )
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 0, f"{name}__lte": 100}), name=f"filing_{name}_percent",
                    violation_error_message=_("A ratio is between 0 and 100."),
                )
                for name in ("debt_ratio", "market_share")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} r{self.revision}"

    @property
    def is_frozen(self) -> bool:
        """Whether the figures may no longer change (approved, or superseded by a later revision)."""
        return self.status in FROZEN_FILING_STATUSES

    def clean(self):
        """Name each bad figure: a year not in the future, R&D staff within staff, parts within their whole."""
        errors = {}
        if self.year and self.year > timezone.localdate().year:
            errors["year"] = _("The year cannot be in the future.")
        pairs = (
            ("rd_staff", "staff", _("R&D staff cannot exceed staff.")),
            ("main_revenue", "revenue", _("Main-business revenue cannot exceed operating revenue.")),
            ("digital_human_revenue", "revenue", _("Digital-human revenue cannot exceed operating revenue.")),
            ("ip_class1_self_developed", "ip_class1", _("Cannot exceed the class-I items.")),
            ("ip_class1_high_value", "ip_class1", _("Cannot exceed the class-I items.")),
            ("ip_class1_applied", "ip_class1", _("Cannot exceed the class-I items.")),
        )
        for part, whole, message in pairs:
            part_value, whole_value = getattr(self, part), getattr(self, whole)
            if part_value is not None and whole_value is not None and part_value > whole_value:
                errors.setdefault(part, message)
        if errors:
            raise ValidationError(errors)

    def missing_for_submission(self) -> list[str]:
        """The required figures still empty."""
        return [name for name in self.required_on_submit if getattr(self, name) is None]

    @classmethod
    def figure_names(cls) -> list[str]:
        """The names of the figure fields: every field the enterprise writes (the rest is the workflow's)."""
        return [field.name for field in cls._meta.concrete_fields if field.name not in cls.workflow_fields]

    def figures(self) -> dict:
        """The filing's figures by field name."""
        return {name: getattr(self, name) for name in self.figure_names()}

