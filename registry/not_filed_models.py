"""The years each enterprise of a park has not filed (registry.NotFiledYears): kept by PostgreSQL triggers on the
enterprises, tenancies and filings in the writing transaction (migration registry 0022, docs/aggregates.md), so
the park report counts a page's tenants not filed from a few rows per park instead of probing every enterprise's
filings."""

from django.db import models
from django.db.models import Lookup
from django.utils.translation import gettext_lazy as _

from access.scoping import RestrictedQuerySet, Rule
from enterprises.models import Enterprise
from parks.models import Park


class YearsField(models.Field):
    """A set of years: a PostgreSQL int4multirange (ranges [first, last + 1), unbounded where open)."""

    def db_type(self, connection) -> str:
        """The column's SQL type."""
        return "int4multirange"


@YearsField.register_lookup
class HoldsYear(Lookup):
    """`years__holds=2025`: the set holds the year (SQL `@>`)."""

    lookup_name = "holds"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        """SQL: the multirange holds the integer."""
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @> ({rhs})::integer", [*lhs_params, *rhs_params]


class NotFiledYears(models.Model):
    """An enterprise of a park, registered with it and active (every year) or renting in it (the years its tenancies
    touch), and the years of those without a filing submitted to the bureau (submitted, returned or approved): one
    row per enterprise and park, written only by the triggers of migration registry 0022."""

    # Deleting an enterprise or park removes its rows in the database (ON DELETE CASCADE, migration registry 0022).
    enterprise = models.ForeignKey(Enterprise, models.DO_NOTHING, related_name="+", db_constraint=False,
                                   db_index=False, verbose_name=_("enterprise"))
    # Indexed with its years (Meta.indexes), not alone: a page's counts are read from that index only.
    park = models.ForeignKey(Park, models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False,
                             verbose_name=_("park"))
    years = YearsField(_("years not filed"))

    objects = RestrictedQuerySet.as_manager()
    scope_rule = Rule()  # the bureau's alone: read only where the user sees every enterprise, tenancy and filing

    class Meta:
        verbose_name = _("years not filed")
        verbose_name_plural = _("years not filed")
        constraints = [models.UniqueConstraint(fields=["enterprise", "park"], name="not_filed_years_unique")]
        # The park report's counts of a page's parks (registry.selectors.parks.not_filed_counts) read the parks'
        # rows and their years from this index alone (an index-only scan): the heap's pages are not visited.
        indexes = [models.Index(fields=["park"], include=["years"], name="not_filed_years_park")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.park_id}: {self.years}"
