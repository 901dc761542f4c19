"""The district overview's figures kept by day (registry.PlaceDay, registry.PlaceDelta) and the park report's
(registry.ParkDay, registry.ParkDelta): written only by the PostgreSQL triggers of migrations registry 0023 and
0027 (docs/aggregates.md), so that the bureau's overview and park report on a date sum a few thousand changes
instead of scanning the enterprises, tenancies and units."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule


class PlaceDay(models.Model):
    """What one owner (an enterprise or a park) adds to a figure of a district from a day on (`delta`; a negative
    one the day it stops counting), from the owner's records as they stand: the rows a refresh of the owner
    subtracts from `PlaceDelta` before writing them again."""

    owner_kind = models.CharField(_("owner kind"), max_length=1)  # "e": an enterprise, "p": a park
    owner = models.BigIntegerField(_("owner"))
    figure = models.CharField(_("figure"), max_length=16)
    place = models.BigIntegerField(_("district"))
    day = models.DateField(_("day"))  # 0001-01-01: counted from the beginning
    delta = models.DecimalField(_("change"), max_digits=20, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone: read only where the user sees every record behind the figures

    class Meta:
        verbose_name = _("owner's change of a district figure")
        verbose_name_plural = _("owners' changes of district figures")
        indexes = [models.Index(fields=["owner_kind", "owner"], name="place_day_owner")]

    def __str__(self) -> str:
        return f"{self.owner_kind}{self.owner} {self.figure} {self.place} {self.day}: {self.delta}"


class PlaceDelta(models.Model):
    """The changes of a figure of a district summed over every owner, at four grains: `d` the change of a day, `m`
    of a month and `y` of a year (on their first day), `c` the sum of every change before a decade of FIRST_YEAR..
    LAST_YEAR (on its first day). The figure on a date is its decade's `c`, the `y` of the decade's earlier years,
    the `m` of the year's earlier months and the `d` of its month up to the date: a few thousand rows at most."""

    grain = models.CharField(_("grain"), max_length=1)
    figure = models.CharField(_("figure"), max_length=16)
    place = models.BigIntegerField(_("district"))
    day = models.DateField(_("day"))  # the day, or the first day of the month, year or decade of the grain
    delta = models.DecimalField(_("change"), max_digits=20, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone

    class Meta:
        verbose_name = _("change of a district figure")
        verbose_name_plural = _("changes of district figures")
        constraints = [models.UniqueConstraint(fields=["grain", "day", "figure", "place"],
                                               name="place_delta_unique")]

    def __str__(self) -> str:
        return f"{self.grain} {self.figure} {self.place} {self.day}: {self.delta}"


class ParkDay(models.Model):
    """What one owner (an enterprise or a park) adds to a figure of a park from a day on (`delta`; a negative one
    the day it stops counting): the park report's figures kept by day, the rows a refresh of the owner subtracts
    from `ParkDelta` before writing them again (migration registry 0027)."""

    owner_kind = models.CharField(_("owner kind"), max_length=1)  # "e": an enterprise, "p": a park
    owner = models.BigIntegerField(_("owner"))
    figure = models.CharField(_("figure"), max_length=16)
    park = models.BigIntegerField(_("park"))
    day = models.DateField(_("day"))  # 0001-01-01: counted from the beginning
    delta = models.DecimalField(_("change"), max_digits=20, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone

    class Meta:
        verbose_name = _("owner's change of a park figure")
        verbose_name_plural = _("owners' changes of park figures")
        indexes = [models.Index(fields=["owner_kind", "owner"], name="park_day_owner")]

    def __str__(self) -> str:
        return f"{self.owner_kind}{self.owner} {self.figure} {self.park} {self.day}: {self.delta}"


class ParkDelta(models.Model):
    """The changes of a figure of a park summed over every owner, at the four grains of `PlaceDelta`, each with
    `weighted`: the sum of each change times its day's number (days since 0001-01-01), from which the figure's sum
    over every day before a date is read as the prefix sums are (docs/aggregates.md)."""

    grain = models.CharField(_("grain"), max_length=1)
    figure = models.CharField(_("figure"), max_length=16)
    park = models.BigIntegerField(_("park"))
    day = models.DateField(_("day"))  # the day, or the first day of the month, year or decade of the grain
    delta = models.DecimalField(_("change"), max_digits=20, decimal_places=2)
    weighted = models.DecimalField(_("change times its day"), max_digits=30, decimal_places=2)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone

    class Meta:
        verbose_name = _("change of a park figure")
        verbose_name_plural = _("changes of park figures")
        constraints = [models.UniqueConstraint(fields=["park", "grain", "day", "figure"],
                                               name="park_delta_unique")]

    def __str__(self) -> str:
        return f"{self.grain} {self.figure} {self.park} {self.day}: {self.delta}"
