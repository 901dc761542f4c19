"""The kept changes of the labs, platforms and benchmark projects in operation (registry.InOperationChange): written
by PostgreSQL triggers on the three tables in the writing transaction (migration registry 0024, docs/aggregates.md),
so plan progress counts what was in operation on a date per category from a few thousand small rows instead of
testing every record's dates and status."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule


class InOperationChange(models.Model):
    """By how much the records of one kind and category (and, for projects, year) in effect change on a day: +1 for
    each record that comes into effect that day, -1 for each that leaves it (`day` empty: in effect from the
    beginning). The records in effect on a date are the sum of the changes up to that date. One row per kind,
    category, year and day, written only by the triggers of migration registry 0024."""

    record = models.CharField(_("kind of record"), max_length=20)  # lab, platform, benchmark_project (Metric.kind)
    category = models.CharField(_("category"), max_length=32)  # the lab's kind, platform's domain, project's field
    year = models.PositiveSmallIntegerField(_("year"), null=True)  # a project's year; empty for labs and platforms
    day = models.DateField(_("day"), null=True)
    change = models.IntegerField(_("change"), default=0)

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone: read only where the user sees every lab, platform and project

    class Meta:
        verbose_name = _("change in operation")
        verbose_name_plural = _("changes in operation")
        constraints = [models.UniqueConstraint(fields=["record", "category", "year", "day"], nulls_distinct=False,
                                               name="in_operation_change_unique")]

    def __str__(self) -> str:
        return f"{self.record} {self.category} {self.year} {self.day}: {self.change:+d}"
