"""Tier declarations: the bureau's declaration rounds, an enterprise's declaration in a round with each step of its
review (district, city, publicity, designation), and the objections received during publicity."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.scoping import ADD, CHANGE, REFERENCE_DATA, REVIEW, VIEW, RestrictedQuerySet, Rule
from config.history import audit_history
from parks.models import District

from ..choices import LADDER, DeclarationAction, DeclarationKind, DeclarationStatus, RoundCadence, Tier
from .designation import TierDesignation
from .enterprise import Enterprise
from .filing import AnnualFiling


class DeclarationRound(models.Model):
    """A declaration round the bureau opens for a tier under a rule set: the window in which enterprises declare,
    the day review starts, and the publicity period of the list to be recognised (拟认定名单)."""

    name = models.CharField(_("name"), max_length=64, unique=True, help_text=_("e.g. 2025年第一季度"))
    tier = models.CharField(_("tier"), max_length=16, choices=[(t.value, t.label) for t in LADDER])
    rule_set = models.CharField(_("rule set"), max_length=8)
    cadence = models.CharField(_("cadence"), max_length=10, choices=RoundCadence.choices)
    opens = models.DateField(_("window opens"))
    closes = models.DateField(_("window closes"), help_text=_("The last day declarations are taken."))
    review_starts = models.DateField(_("review starts"))
    publicity_starts = models.DateField(_("publicity starts"), null=True, blank=True)
    publicity_ends = models.DateField(_("publicity ends"), null=True, blank=True,
                                      help_text=_("The last day of publicity."))
    closed_at = models.DateTimeField(_("closed early"), null=True, blank=True,
                                     help_text=_("When the bureau closed the window before its last day."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA  # every signed-in user reads the rounds; the bureau opens and closes them

    class Meta:
        ordering = ["-opens", "name"]
        verbose_name = _("declaration round")
        verbose_name_plural = _("declaration rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes__gte=F("opens")), name="round_closes_after_opens",
                                   violation_error_message=_("The window closes on or after the day it opens.")),
            models.CheckConstraint(condition=Q(review_starts__gt=F("closes")), name="round_review_after_window",
                                   violation_error_message=_("Review starts after the window closes.")),
            models.CheckConstraint(
                condition=(Q(publicity_starts__isnull=True, publicity_ends__isnull=True)
                           | Q(publicity_starts__gte=F("review_starts"), publicity_ends__gte=F("publicity_starts"))),
                name="round_publicity_in_order",
                violation_error_message=_("Publicity starts after review starts and ends on or after it starts; "
                                          "give both dates or neither."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        """The rule set is one the tier engine knows."""
        from ..tiers.engine import RULE_SETS

        if self.rule_set and self.rule_set not in RULE_SETS:
            raise ValidationError({"rule_set": _("Unknown rule set; the known rule sets are %(known)s.") % {
                "known": ", ".join(sorted(RULE_SETS))}})

    def is_open(self, on=None) -> bool:
        """Whether declarations are taken on a date (default today): inside the window and not closed early."""
        on = on or timezone.localdate()
        return self.closed_at is None and self.opens <= on <= self.closes

    def in_publicity(self, on=None) -> bool:
        """Whether its list is in publicity on a date (default today)."""
        on = on or timezone.localdate()
        return self.publicity_starts is not None and self.publicity_starts <= on <= self.publicity_ends


class Declaration(models.Model):
    """An enterprise's declaration of a tier in a round, resting on one of its approved filings (whose figures an
    approval froze), with its answers and signed commitment, moving through review as `DeclarationStatus` says."""

    round = models.ForeignKey(DeclarationRound, models.PROTECT, related_name="declarations", verbose_name=_("round"))
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="declarations",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=10, choices=DeclarationKind.choices, default=DeclarationKind.NEW)
    district = models.ForeignKey(District, models.PROTECT, related_name="declarations", verbose_name=_("district"),
                                 help_text=_("The enterprise's district when it declared: its staff review it."))
    filing = models.ForeignKey(AnnualFiling, models.PROTECT, null=True, blank=True, related_name="declarations",
                               verbose_name=_("approved filing"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    commitment_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                             related_name="+", verbose_name=_("commitment signed by"))
    commitment_signed_at = models.DateTimeField(_("commitment signed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    city_score = models.DecimalField(_("expert score"), max_digits=5, decimal_places=2, null=True, blank=True)
    city_opinion = models.TextField(_("expert opinion"), blank=True)
    designation = models.OneToOneField(TierDesignation, models.PROTECT, null=True, blank=True,
                                       related_name="declaration", verbose_name=_("designation"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # The enterprise drafts and submits; its district's staff review; the park it is registered with reads; the
    # city review, publicity and designation are the bureau's.
    scope_rule = Rule(park=("enterprise__park",), enterprise=("enterprise",), district=("district",),
                      park_admin=frozenset({VIEW}), enterprise_user=frozenset({VIEW, ADD, CHANGE}),
                      district_staff=frozenset({VIEW, REVIEW}))

    class Meta:
        ordering = ["round", "enterprise"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(fields=["round", "enterprise"], name="declaration_once_per_round",
                                    violation_error_message=_("This enterprise has already declared in this "
                                                              "round.")),
            models.CheckConstraint(
                condition=Q(status=DeclarationStatus.DESIGNATED, designation__isnull=False)
                | (~Q(status=DeclarationStatus.DESIGNATED) & Q(designation__isnull=True)),
                name="declaration_designated_with_designation",
                violation_error_message=_("A designated declaration names its designation, and only it does."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.round}"

    @property
    def tier(self) -> str:
        """The tier declared: the round's."""
        return self.round.tier

    def tier_label(self) -> str:
        """The declared tier's name."""
        return Tier(self.round.tier).label


class DeclarationStep(models.Model):
    """One step of a declaration's review: who took it, when, from which status to which, and why."""

    declaration = models.ForeignKey(Declaration, models.CASCADE, related_name="steps",
                                    verbose_name=_("declaration"))
    action = models.CharField(_("action"), max_length=20, choices=DeclarationAction.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=DeclarationStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=DeclarationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("by"), help_text=_("Empty when a scheduled job took the step."))
    at = models.DateTimeField(_("at"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("declaration__enterprise__park",), enterprise=("declaration__enterprise",),
                      district=("declaration__district",))

    class Meta:
        ordering = ["declaration", "at", "pk"]
        verbose_name = _("declaration step")
        verbose_name_plural = _("declaration steps")

    def __str__(self) -> str:
        return f"{self.declaration} · {self.get_action_display()}"


class Objection(models.Model):
    """A written, signed objection to a declaration on the publicity list: kept confidential (the bureau and the
    declaration's district staff only), and decided by the bureau — an upheld one withdraws the declaration."""

    declaration = models.ForeignKey(Declaration, models.PROTECT, related_name="objections",
                                    verbose_name=_("declaration"))
    received_on = models.DateField(_("received on"))
    objector = models.CharField(_("signed by"), max_length=128)
    text = models.TextField(_("objection"))
    upheld = models.BooleanField(_("upheld"), null=True, blank=True, help_text=_("Empty until decided."))
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(district=("declaration__district",), park_admin=frozenset(), enterprise_user=frozenset())

    class Meta:
        ordering = ["declaration", "received_on", "pk"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.declaration} · {self.received_on}"
