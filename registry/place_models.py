"""The district overview's figures kept by day (registry.PlaceDay, registry.PlaceDelta): written only by the
PostgreSQL triggers of migration registry 0023 (docs/aggregates.md), so that the bureau's overview on a date sums a
few thousand changes per district instead of scanning the enterprises, tenancies and units."""

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
