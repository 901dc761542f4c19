"""Districts, parks and units: the places the registry assigns things to, and the services parks offer."""

import re
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MinValueValidator, RegexValidator
from django.db import models, router
from django.db.models import F, Q, Value
from django.db.models.deletion import Collector
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.scoping import ALL_ACTIONS, CHANGE, REFERENCE_DATA, VIEW, RestrictedQuerySet, Rule
from config.as_of import Dated, DatedModel, opened_on_field
from config.constraints import ConstrainedModel
from config.history import audit_history

from .choices import DistrictKind, ParkKind, ParkServiceKind

POSITIVE = MinValueValidator(Decimal("0.01"))

# Checks other apps register on a unit about their own records of it (the enterprises app: its tenancies), each a
# function of the unit and the park it is stored in (None for a new unit) that raises ValidationError.
_unit_checks: list[Callable[..., None]] = []


def register_unit_check(check: Callable[..., None]) -> None:
    """Have `Unit.clean` run a check of another app's records of a unit (`check(unit, stored_park_id=...)`)."""
    if check not in _unit_checks:
        _unit_checks.append(check)


class District(models.Model):
    """A Beijing district (or 经开区) by its GB/T 2260 division code, with the role the plan gives it."""

    code = models.CharField(
        _("division code"), max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    name = models.CharField(_("name"), max_length=32, unique=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=DistrictKind.choices, default=DistrictKind.DISTRICT)
    plan_role = models.TextField(_("role in the plan"), blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = REFERENCE_DATA

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [models.CheckConstraint(condition=Q(code__regex=r"^\d{6}$"), name="district_code_six_digits")]

    def __str__(self) -> str:
        return self.name


class Park(DatedModel):
    """A digital-human park, base or incubator in a district; its leasable area is the sum of its units."""

    name = models.CharField(_("name"), max_length=128, unique=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="parks", verbose_name=_("district"))
    kind = models.CharField(_("kind"), max_length=20, choices=ParkKind.choices, default=ParkKind.PARK)
    featured = models.BooleanField(
        _("featured digital-human park"), default=False,
        help_text=_("Recognised as a featured digital-human park or base (a plan target)."),
    )
    featured_on = models.DateField(
        _("featured since"), null=True, blank=True,
        help_text=_("The day it was recognised as featured; set to today when it becomes featured."),
    )
    opened_on = opened_on_field(_("The first day the park counts in the reports; today unless given, empty where "
                                  "unknown (counted from the beginning)."))
    address = models.CharField(_("address"), max_length=255, blank=True)
    focus = models.TextField(_("focus"), blank=True)
    operator = models.CharField(_("operator"), max_length=128, blank=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # The enterprises app adds the paths to the enterprises registered with a park and to its tenants.
    scope_rule = Rule(park=("pk",), district=("district",), park_admin=frozenset({VIEW, CHANGE}))
    # Fields only the bureau sets: a park's administrators keep the rest of its profile.
    bureau_fields = ("name", "district", "featured", "featured_on", "opened_on")
    # Featured on a date: featured, recognised by then (or with no date recorded).
    dated = Dated(start="featured_on", status="featured", current=(True,), open_start=True, stamp_start=True,
                  start_of_status=True)
    cleaned_checks = ("park_featured_on_when_featured",)
    # In the reports on a date: opened by then (or with no date recorded).
    existence = Dated(start="opened_on", open_start=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        constraints = [models.CheckConstraint(
            condition=Q(featured_on__isnull=True) | Q(featured=True), name="park_featured_on_when_featured",
            violation_error_message=_("Only a featured park has a date of recognition."),
        )]

    def __str__(self) -> str:
        return self.name


def unit_label(*, prefix: str = ""):
    """A unit's own label, building-floor-room (「C座-5-501」), as a database expression (units under `prefix`)."""
    return Concat(F(f"{prefix}building"), Value("-"), F(f"{prefix}floor"), Value("-"), F(f"{prefix}room"),
                  output_field=models.CharField())


class Unit(ConstrainedModel):
    """A leasable space in a park: building, floor, room and its area in m²."""

    cleaned_checks = ("unit_closed_after_opened",)  # clean() checks the dates' order without a query

    park = models.ForeignKey(Park, models.PROTECT, related_name="units", verbose_name=_("park"))
    building = models.CharField(_("building"), max_length=32)
    floor = models.CharField(_("floor"), max_length=8)
    room = models.CharField(_("room"), max_length=16)
    area = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2, validators=[POSITIVE],
                               help_text=_("A change of area counts from the day it is recorded."))
    opened_on = opened_on_field(_("The first day the unit is leasable; today unless given, empty where unknown "
                                  "(counted from the beginning)."))
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True,
        help_text=_("First day no longer leasable (a unit removed); it stays in the reports of earlier days."),
    )
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # The enterprises app adds the path to the unit's tenants.
    scope_rule = Rule(park=("park",), district=("park__district",), park_admin=ALL_ACTIONS)
    # Leasable on a date: opened by then (or with no date recorded) and not closed by then; its area on a date is
    # the one recorded by then (config.as_of.recorded).
    dated = Dated(start="opened_on", end="closed_on", open_start=True)

    class Meta:
        ordering = ["park", "building", "floor", "room"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["park", "building", "floor", "room"], name="unit_unique_place",
                violation_error_message=_("This park already has a unit at that building, floor and room."),
            ),
            # Target of the tenancy's (unit, park) foreign key, which keeps a tenancy's park its unit's park.
            models.UniqueConstraint(fields=["id", "park"], name="unit_id_park"),
            models.CheckConstraint(
                condition=Q(area__gt=0), name="unit_area_positive",
                violation_error_message=_("The area must be positive."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(opened_on__isnull=True) | Q(closed_on__gt=F("opened_on")),
                name="unit_closed_after_opened",
                violation_error_message=_("The closing date must come after the opening date."),
            ),
        ]

    display_columns = ("park__name", "building", "floor", "room")  # what __str__ reads (config.api.rows)

    def __str__(self) -> str:
        return f"{self.park} {self.label}"

    @property
    def label(self) -> str:
        """The unit's own label, building-floor-room (「C座-5-501」), as people name it and search for it."""
        return f"{self.building}-{self.floor}-{self.room}"

    def clean(self):
        """A unit leasable before today stays in its park (the park's past figures would move with it: close it and
        add a new unit instead); other apps' checks of their records of the unit run first (register_unit_check)."""
        stored = None
        if self.pk is not None and self.park_id is not None:
            stored = Unit.objects.filter(pk=self.pk).values_list("park_id", flat=True).first()
        for check in _unit_checks:
            check(self, stored_park_id=stored)
        if self.pk is not None and self.park_id is not None:
            if stored is not None and stored != self.park_id and self.counted_before_today():
                raise ValidationError({"park": _("A unit leasable before today cannot move to another park: close it "
                                                 "and add a new unit in the other park.")})
        if self.closed_on is not None and self.opened_on is not None and self.closed_on <= self.opened_on:
            raise ValidationError({"closed_on": _("The closing date must come after the opening date.")})
        if self.opened_on is not None and self.park_id is not None and self.park.opened_on is not None \
                and self.opened_on < self.park.opened_on:
            raise ValidationError({"opened_on": _("The park opened on %(date)s: a unit of it opens on that day or "
                                                  "later.") % {"date": self.park.opened_on}})

    def counted_before_today(self) -> bool:
        """Whether the unit was leasable on a day before today (so a report of that day counts it)."""
        return self.opened_on is None or self.opened_on < timezone.localdate()

    def delete(self, *args, **kwargs):
        """Delete a unit never leasable before today; one counted in earlier days' reports is closed instead (one
        that records of other apps protect, such as its tenancies, is refused by them first: 409 as ever)."""
        if self.counted_before_today():
            Collector(using=router.db_for_write(Unit, instance=self)).collect([self])  # raises ProtectedError
            raise ValidationError({"closed_on": _("A unit leasable before today is not deleted (earlier reports "
                                                  "count it): set its closing date instead.")})
        return super().delete(*args, **kwargs)


class ParkMembership(models.Model):
    """A park administrator: a user who keeps a park's profile, units and tenancies and reviews its tenants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="park_memberships", verbose_name=_("user"),
    )
    park = models.ForeignKey(Park, models.CASCADE, related_name="memberships", verbose_name=_("park"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(park=("park",), district=("park__district",), enterprise_user=frozenset())

    class Meta:
        ordering = ["park", "user"]
        verbose_name = _("park administrator")
        verbose_name_plural = _("park administrators")
        constraints = [models.UniqueConstraint(
            fields=["user", "park"], name="park_membership_unique",
            violation_error_message=_("This user already administers this park."),
        )]

    def __str__(self) -> str:
        return f"{self.user} @ {self.park}"


class DistrictMembership(models.Model):
    """District staff: a user of a district's SME department, who sees the district's parks, enterprises and their
    records, and reviews the district's declarations. Given by the bureau only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="district_memberships", verbose_name=_("user"),
    )
    district = models.ForeignKey(District, models.CASCADE, related_name="memberships", verbose_name=_("district"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule(district=("district",), park_admin=frozenset(), enterprise_user=frozenset())

    class Meta:
        ordering = ["district", "user"]
        verbose_name = _("district staff member")
        verbose_name_plural = _("district staff")
        constraints = [models.UniqueConstraint(
            fields=["user", "district"], name="district_membership_unique",
            violation_error_message=_("This user already works for this district."),
        )]

    def __str__(self) -> str:
        return f"{self.user} @ {self.district}"


# A service desk's contact: an office phone (landline with its area code, 400/800 line, extension) or an e-mail.
OFFICE_PHONE = re.compile(r"^(0\d{2,3}-?\d{7,8}|[48]00-?\d{3}-?\d{4})(-\d{1,6})?$")
MOBILE_PHONE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
SERVICE_LISTED = _("This park already lists a service of this title from that day.")
SERVICE_DATES = _("The end must come after the start (the end is the first day no longer offered).")


def service_contact_validate(value: str) -> None:
    """Refuse a contact that is not a service desk's office phone or e-mail (a mobile number is a person's)."""
    text = value.strip().replace(" ", "")
    if MOBILE_PHONE.match(text):
        raise ValidationError(_("Give the service desk's office phone or e-mail, not a person's mobile number."),
                              code="personal")
    if "@" in text:
        EmailValidator(message=_("Enter an office phone (010-12345678, 400-123-4567) or an e-mail."))(text)
    elif not OFFICE_PHONE.match(text):
        raise ValidationError(_("Enter an office phone (010-12345678, 400-123-4567) or an e-mail."), code="invalid")


class ParkService(ConstrainedModel):
    """A service or policy a park offers (园区服务与政策: incubation, training, financing or scene matching, its own
    policies), offered from a day until the first day it is no longer offered; shown in the public directory when
    public."""

    cleaned_checks = ("park_service_ends_after_start",)  # clean() checks the dates on offered_until
    constraint_fields = {"park_service_unique": "title", "park_service_ends_after_start": "offered_until"}

    park = models.ForeignKey(Park, models.CASCADE, related_name="services", verbose_name=_("park"))
    kind = models.CharField(pgettext_lazy("park service", "kind"), max_length=20, choices=ParkServiceKind.choices)
    title = models.CharField(pgettext_lazy("park service", "title"), max_length=128)
    description = models.TextField(pgettext_lazy("park service", "description"), blank=True)
    contact = models.CharField(
        pgettext_lazy("park service", "contact"), max_length=128, blank=True, validators=[service_contact_validate],
        help_text=_("The service desk's office phone or e-mail (no personal contact)."),
    )
    offered_from = models.DateField(_("offered from"))
    offered_until = models.DateField(
        _("offered until"), null=True, blank=True,
        help_text=_("The first day it is no longer offered; empty while it is offered."),
    )
    public = models.BooleanField(
        pgettext_lazy("park service", "public"), default=True,
        help_text=_("Shown in the public directory with the park."),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    history = audit_history()

    objects = RestrictedQuerySet.as_manager()
    # As the park's units: its administrators keep them, the district's staff read them, the bureau keeps all; the
    # enterprises app adds the enterprises registered with the park and its tenants (who read them).
    scope_rule = Rule(park=("park",), district=("park__district",), park_admin=ALL_ACTIONS)
    # Offered on a date: started by then and not ended by then.
    dated = Dated(start="offered_from", end="offered_until")

    class Meta:
        ordering = ["park", "kind", "title", "pk"]
        verbose_name = _("park service")
        verbose_name_plural = _("park services")
        constraints = [
            models.UniqueConstraint(fields=["park", "title", "offered_from"], name="park_service_unique",
                                    violation_error_message=SERVICE_LISTED),
            models.CheckConstraint(
                condition=Q(offered_until__isnull=True) | Q(offered_until__gt=F("offered_from")),
                name="park_service_ends_after_start", violation_error_message=SERVICE_DATES,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.park} {self.title}"

    def clean(self):
        """The end after the start (on `offered_until`); the title and contact without surrounding spaces."""
        self.title = (self.title or "").strip()
        self.contact = (self.contact or "").strip()
        if self.offered_from and self.offered_until and self.offered_until <= self.offered_from:
            raise ValidationError({"offered_until": SERVICE_DATES})

    def offered_on(self, on) -> bool:
        """Whether the service is offered on a date."""
        return self.offered_from <= on and (self.offered_until is None or self.offered_until > on)
