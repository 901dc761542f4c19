"""Enterprises and their tenancies of park units."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Upper
from django.utils.translation import gettext_lazy as _

from access.scoping import ADD, ALL_ACTIONS, CHANGE, DELETE, VIEW, RestrictedQuerySet, Rule, in_scope
from config.as_of import Dated, DatedModel, gaps_field
from config.constraints import ConstrainedModel
from config.history import audit_history
from parks.models import District, Park, Unit

from ..choices import ChainPosition, EnterpriseStatus, Segment
from ..fields import Bigrams, CreditCodeField, CreditCodeIsValid

POSITIVE = MinValueValidator(Decimal("0.01"))
NOT_NEGATIVE = MinValueValidator(Decimal("0"))
RENT_FREE_MAX_MONTHS = 120
ONE_DAY = datetime.timedelta(days=1)


def last_day_of(end: datetime.date | None) -> datetime.date | None:
    """The last day of a tenancy (租期至, inclusive) from its stored exclusive end; None for an open end."""
    return None if end is None else end - ONE_DAY


def end_after(last_day: datetime.date | None) -> datetime.date | None:
    """The stored exclusive end of a tenancy whose last day (租期至, inclusive) is given; None for an open end."""
    return None if last_day is None else last_day + ONE_DAY

# What the list's text search reads: Chinese, short and English name and credit code, upper-cased, in one text,
# parted by a character nobody types (so that a search never matches across two of them).
SEARCH_SEPARATOR = "\x1f"
SEARCH_TEXT = Upper(Concat("name", Value(SEARCH_SEPARATOR), "short_name", Value(SEARCH_SEPARATOR), "name_en",
                           Value(SEARCH_SEPARATOR), "credit_code", output_field=models.TextField()))


class Enterprise(DatedModel):
    """A digital-human enterprise: identity, registered district and park, chain position and segments."""

    credit_code = CreditCodeField(_("unified social credit code"), unique=True, error_messages={
        "unique": _("An enterprise with this credit code is already registered."),
    })
    name = models.CharField(_("legal name"), max_length=128)  # indexed with the id (Meta.indexes)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    founded = models.DateField(_("date founded"), null=True, blank=True)
    district = models.ForeignKey(  # indexed with the name (Meta.indexes)
        District, models.PROTECT, related_name="enterprises", verbose_name=_("registered district"), db_index=False,
        help_text=_("Where the enterprise is registered now (it may differ from the code's district at issue); a move "
                    "counts from the day it is recorded."),
    )
    park = models.ForeignKey(  # indexed with the name (Meta.indexes)
        Park, models.PROTECT, null=True, blank=True, related_name="enterprises", verbose_name=_("park"), db_index=False,
        help_text=_("The park the enterprise is registered with (入园), whether or not it rents space there."),
    )
    chain_position = models.CharField(_("position on the industry chain"), max_length=16, choices=ChainPosition.choices)
    segments = ArrayField(
        models.CharField(max_length=24, choices=Segment.choices), verbose_name=_("segments"), default=list, blank=True,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=EnterpriseStatus.choices, default=EnterpriseStatus.ACTIVE,
    )
    left_on = models.DateField(
        _("left on"), null=True, blank=True,
        help_text=_("The day it moved out of Beijing or was deregistered (first day no longer active); set to today "
                    "when the status changes."),
    )
    gaps = gaps_field()
    profile = models.TextField(_("public profile"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # What the list's `q` searches: the names and the credit code, upper-cased once when the row is written, so that a
    # search is a lookup of the bigram index and a LIKE of the rows it finds, not UPPER() and LIKE of every row.
    search_text = models.GeneratedField(expression=SEARCH_TEXT, output_field=models.TextField(), db_persist=True)
    history = audit_history(excluded_fields=["search_text"])  # derived from the fields it records

    objects = RestrictedQuerySet.as_manager()
    # Park administrators see the enterprises registered with their park; of a current or future tenant registered
    # elsewhere, only its public face (PUBLIC: the public fields); of a former tenant, nothing.
    scope_rule = Rule(park=("park",), enterprise=("pk",), district=("district",),
                      enterprise_user=frozenset({VIEW, CHANGE}), tenancies=("tenancies",))
    # Active on a date: founded by then (or with no date recorded), and active, or left after that date, and not in
    # an earlier absence (gaps); its district on a date is the one recorded by then (config.as_of.recorded).
    dated = Dated(start="founded", open_start=True, status="status", current=(EnterpriseStatus.ACTIVE,),
                  ended=(EnterpriseStatus.MOVED_OUT, EnterpriseStatus.DEREGISTERED), end="left_on", gaps="gaps")
    cleaned_checks = ("enterprise_left_when_gone",)
    # Fields anyone may read in the public directory; the rest is for the bureau, the park and the enterprise.
    public_fields = (
        "credit_code", "name", "short_name", "name_en", "founded", "district", "park", "chain_position",
        "segments", "profile", "website", "status", "left_on",
    )
    # Fields only the bureau sets; an enterprise user who sends one gets a 400 naming it.
    bureau_fields = ("credit_code", "name", "district", "park", "status", "left_on")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [  # from EXPLAIN at 100,000 enterprises (bench/README.md); migration enterprises 0005
            # GET /enterprises/ (ordered by name, then id): a page is a walk of the index, not a sort of them all
            models.Index(fields=["name", "id"], name="enterprise_name"),
            # GET /enterprises/?district=…: the district's enterprises in list order, no filtering of the name index
            models.Index(fields=["district", "name", "id"], name="enterprise_district_name"),
            # GET /enterprises/?park=…: the park's enterprises in list order
            models.Index(fields=["park", "name", "id"], name="enterprise_park_name"),
            # GET /enterprises/?q=星河: text_bigrams(search_text) @> '{星河}', then LIKE '%星河%' of the rows found
            GinIndex(Bigrams("search_text"), name="enterprise_search_bigrams"),
            # GET /enterprises/?founded_after=…&ordering=-founded: a page walks the index instead of sorting all
            models.Index(fields=["founded"], name="enterprise_founded"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=CreditCodeIsValid(F("credit_code")), name="enterprise_credit_code_valid",
                violation_error_message=_("The credit code fails its check character."),
            ),
            models.CheckConstraint(
                condition=Q(segments__contained_by=Segment.values), name="enterprise_segments_known",
                violation_error_message=_("Unknown segment."),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(status=EnterpriseStatus.ACTIVE),
                name="enterprise_left_when_gone",
                violation_error_message=_("Only an enterprise that moved out or was deregistered has a leaving date."),
            ),
        ]

    display_columns = ("short_name", "name")  # what __str__ reads (config.api.rows writes a brief from them)

    def __str__(self) -> str:
        return self.short_name or self.name


class DateRange(models.Func):
    """SQL daterange(start, end, '[)'): a half-open range, unbounded where end is NULL."""

    function = "daterange"
    output_field = DateRangeField()


class Tenancy(ConstrainedModel):
    """An enterprise in a park unit from a start date up to (not including) an end date; open end allowed.

    The park is the unit's park, copied for scoping and kept equal to it by a composite foreign key
    (migration enterprises 0001). A unit is never let twice over overlapping dates (exclusion constraint).
    """

    cleaned_checks = ("tenancy_deposit_not_negative",)  # the deposit's field validator checks its sign

    unit = models.ForeignKey(Unit, models.PROTECT, related_name="tenancies", verbose_name=_("unit"))
    park = models.ForeignKey(  # indexed with the end (Meta.indexes), which serves every look-up by park
        Park, models.PROTECT, related_name="tenancies", verbose_name=_("park"), editable=False, blank=True,
        db_index=False,
    )
    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="tenancies", verbose_name=_("enterprise"))
    start = models.DateField(_("start date"))
    end = models.DateField(_("end date"), null=True, blank=True, help_text=_("First day no longer let; empty if open."))
    rent = models.DecimalField(
        _("rent (yuan per m² per day)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[POSITIVE],
    )
    # db_default: rows bulk-copied without it (registry/generator) get an empty number, as the form does
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True, default="", db_default="")
    deposit = models.DecimalField(
        _("deposit (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE],
    )
    rent_free_months = models.PositiveSmallIntegerField(
        _("rent-free period (months)"), null=True, blank=True, validators=[MaxValueValidator(RENT_FREE_MAX_MONTHS)],
        help_text=_("Whole months from the start date in which no rent is due."),
    )
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), enterprise=("enterprise",), district=("park__district",),
                      park_admin=ALL_ACTIONS)
    dated = Dated(start="start", end="end")  # holds its unit on a date: started by then, not ended by then
    row_derived = {"last_day": ("end", last_day_of)}  # the property last_day from its column (config.api.rows)

    class Meta:
        # The unit's order (its park's name, building, floor, room), read through the tenancy's own park, which the
        # composite key keeps equal to the unit's: a park's tenancies are then sorted alone, not found by walking
        # every park in name order.
        ordering = ["park", "unit__building", "unit__floor", "unit__room", "start"]
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        # By park, then end: a park's tenancies, and those of a page's parks ending within a window of the park
        # report (registry.selectors.park_days), found by their index range.
        indexes = [models.Index(fields=["park", "end"], name="tenancy_park_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")), name="tenancy_end_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(rent__isnull=True) | Q(rent__gt=0), name="tenancy_rent_positive",
                violation_error_message=_("The rent must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(deposit__isnull=True) | Q(deposit__gte=0), name="tenancy_deposit_not_negative",
                violation_error_message=_("The deposit cannot be negative."),
            ),
            ExclusionConstraint(
                name="tenancy_unit_no_overlap",
                expressions=[(F("unit"), RangeOperators.EQUAL), (DateRange("start", "end"), RangeOperators.OVERLAPS)],
                violation_error_code="tenancy_overlap",
                violation_error_message=_("This unit is already let over these dates."),  # OVERLAP_UNNAMED
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.unit} {self.start}–{self.last_day or '…'}"  # 租期至 inclusive

    def save(self, *args, **kwargs):
        """Save with the park set to the unit's park (the database refuses any other)."""
        if self.unit_id is not None:
            self.park_id = self.unit.park_id
        super().save(*args, **kwargs)

    def clean(self):
        """Keep the park equal to the unit's park; the end, if any, comes after the start."""
        if self.unit_id is not None:
            self.park_id = self.unit.park_id
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end date must be after the start date.")}, code="end_before_start")

    def validate_constraints(self, exclude=None):
        """Report a unit already let over these dates on the start date, under the code `tenancy_overlap`, naming
        no other tenancy: `overlap_message` names it to whoever may see it (the services and the admin do)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            overlap = [e for messages in error.error_dict.values() for e in messages if e.code == OVERLAP_CODE]
            if not overlap:
                raise
            errors = {
                field: [e for e in messages if e.code != OVERLAP_CODE] for field, messages in error.error_dict.items()
            }
            errors.setdefault("start", []).append(ValidationError(OVERLAP_UNNAMED, code=OVERLAP_CODE))
            raise ValidationError({field: messages for field, messages in errors.items() if messages}) from error

    @property
    def last_day(self) -> datetime.date | None:
        """租期至: the last day let, inclusive (the stored end is the first day no longer let); None while open."""
        return last_day_of(self.end)

    def overlapping(self):
        """Other tenancies of the same unit whose dates overlap this one's."""
        query = Tenancy.objects.filter(unit_id=self.unit_id).exclude(pk=self.pk)
        query = query.filter(Q(end__isnull=True) | Q(end__gt=self.start))
        if self.end is not None:
            query = query.filter(start__lt=self.end)
        return query.select_related("enterprise")


def unit_tenancies_check(unit: Unit, *, stored_park_id: int | None) -> None:
    """A unit's rules about its tenancies, run by `Unit.clean` (registered in enterprises/scopes.py): a unit with
    tenancies stays in its park, and closes only after its last tenancy ends."""
    if unit.pk is None:
        return
    if stored_park_id is not None and unit.park_id is not None and stored_park_id != unit.park_id \
            and unit.tenancies.exists():
        raise ValidationError({"park": _("A unit with tenancies cannot move to another park.")})
    if unit.closed_on is not None and unit.tenancies.filter(Q(end__isnull=True) | Q(end__gt=unit.closed_on)).exists():
        raise ValidationError({"closed_on": _("A tenancy of this unit runs past this date: end it first.")})


OVERLAP_CODE = "tenancy_overlap"
OVERLAP_UNNAMED = _("This unit is already let over these dates.")


def overlap_message(clash: Tenancy | None, *, user) -> str:
    """Message of a unit already let: naming the tenancy that holds it (tenant, dates, id) only to a user who may
    see that tenancy; anyone else is told the unit is let over these dates, nothing more."""
    if clash is None or not in_scope(user=user, record=clash, action=VIEW):
        return str(OVERLAP_UNNAMED)
    return _("The unit is already let to %(enterprise)s from %(start)s to %(end)s (tenancy %(id)s).") % {
        "enterprise": clash.enterprise, "start": clash.start, "end": clash.last_day or _("open end"), "id": clash.pk,
    }


def overlap_named(error: ValidationError, *, tenancy: Tenancy, user) -> ValidationError:
    """A tenancy's validation error with its overlap (if any) named as `overlap_message` names it to the user."""
    if not hasattr(error, "error_dict"):
        return error
    named = {}
    for field, messages in error.error_dict.items():
        named[field] = [ValidationError(overlap_message(tenancy.overlapping().first(), user=user), code=OVERLAP_CODE)
                        if e.code == OVERLAP_CODE else e for e in messages]
    return ValidationError(named)


class EnterpriseMembership(models.Model):
    """An enterprise user: a user who keeps an enterprise's profile and files its figures."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="enterprise_memberships", verbose_name=_("user"),
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="memberships", verbose_name=_("enterprise"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # Park administrators invite and remove the users of the enterprises registered with their park (not of tenants
    # registered elsewhere).
    scope_rule = Rule(
        park=("enterprise__park",), enterprise=("enterprise",), district=("enterprise__district",),
        park_admin=frozenset({VIEW, ADD, DELETE}),
    )

    class Meta:
        ordering = ["enterprise", "user"]
        verbose_name = _("enterprise user")
        verbose_name_plural = _("enterprise users")
        constraints = [models.UniqueConstraint(
            fields=["user", "enterprise"], name="enterprise_membership_unique",
            violation_error_message=_("This user is already a user of this enterprise."),
        )]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"
