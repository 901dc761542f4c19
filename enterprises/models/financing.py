"""Financing and listings of an enterprise (plan task 12): its financing rounds (amount in 万元, lead investor,
government-guided funds) and where it is listed or quoted."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import RestrictedQuerySet
from config.constraints import ConstrainedModel
from config.history import audit_history

from ..choices import GuidedFund, ListingBoard
from .register import REGISTER_RULE, enterprise_field

ROUND_RECORDED = _("This financing round is already recorded.")


class FinancingRound(ConstrainedModel):
    """A financing round: the day it closed, the amount (万元), its name, lead investor, whether it is equity and
    whether (and which) government-guided fund took part; one per enterprise, day and name (the import's key)."""

    constraint_fields = {"financing_round_unique": "round_name"}

    enterprise = enterprise_field("financing_rounds")
    closed_on = models.DateField(pgettext_lazy("financing round", "closed on"))
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2,
                                 validators=[MinValueValidator(0)], help_text=_("In 万元 (10,000 CNY)."))
    round_name = models.CharField(pgettext_lazy("financing round", "round"), max_length=32,
                                  help_text=_("e.g. 天使轮, A轮, B+轮"))
    lead_investor = models.CharField(_("lead investor"), max_length=200, blank=True)
    equity = models.BooleanField(_("equity financing"), default=True,
                                 help_text=_("Paid in by investors for shares (counts in the filing's equity "
                                             "financing)."))
    guided_fund = models.CharField(_("government-guided fund"), max_length=16, choices=GuidedFund.choices,
                                   blank=True, help_text=_("Empty when no government-guided fund took part."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "-closed_on", "pk"]
        verbose_name = _("financing round")
        verbose_name_plural = _("financing rounds")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "closed_on", "round_name"], name="financing_round_unique",
                                    violation_error_message=ROUND_RECORDED),
            models.CheckConstraint(condition=Q(amount__gte=0), name="financing_amount_not_negative",
                                   violation_error_message=_("Figures cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.round_name} {self.closed_on}"

    def clean(self):
        """Closed not in the future."""
        if self.closed_on and self.closed_on > timezone.localdate():
            raise ValidationError({"closed_on": _("The date cannot be in the future.")})


class Listing(ConstrainedModel):
    """Where the enterprise is listed or quoted (新三板, 北交所, 科创板, 创业板, 主板, 专精特新专板...): board, stock
    code, the day listed and the day delisted."""

    constraint_fields = {"listing_unique": "listed_on"}

    enterprise = enterprise_field("listings")
    board = models.CharField(_("board"), max_length=16, choices=ListingBoard.choices)
    stock_code = models.CharField(_("stock code"), max_length=16, blank=True)
    listed_on = models.DateField(_("listed on"))
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REGISTER_RULE

    class Meta:
        ordering = ["enterprise", "-listed_on", "pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "board", "listed_on"], name="listing_unique",
                                    violation_error_message=_("This listing is already recorded.")),
            models.CheckConstraint(condition=Q(delisted_on__isnull=True) | Q(delisted_on__gt=F("listed_on")),
                                   name="listing_delisted_after_listed",
                                   violation_error_message=_("Delisted must be after listed.")),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_board_display()}"

    def clean(self):
        """Listed not in the future; delisted after listed."""
        errors = {}
        if self.listed_on and self.listed_on > timezone.localdate():
            errors["listed_on"] = _("The date cannot be in the future.")
        if self.listed_on and self.delisted_on and self.delisted_on <= self.listed_on:
            errors["delisted_on"] = _("Delisted must be after listed.")
        if errors:
            raise ValidationError(errors)
