"""Reads of the enterprise's own registers: the filing figures they give for a year (the filing's initial values,
with the note saying where each comes from) and where a filing's typed figures differ from them (a warning, never a
refusal). Three aggregate queries whatever the number of records, each over the records the user may see (the
registers' rule reaches the enterprise's park now, not the one stamped on an old filing;
docs/registers-enterprise.md)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from access.scoping import VIEW

from .choices import IpClass
from .models import FinancingRound, IntellectualProperty, Standard
from .models.ip import IpQuerySet
from .models.standard import StandardQuerySet

IP_NOTE = _("Prefilled from the IP register")  # 根据知识产权登记预填
STANDARD_NOTE = _("Prefilled from the standards register")
FINANCING_NOTE = _("Prefilled from the financing register")

IP_FIGURES = ("ip_class1", "ip_class1_self_developed", "ip_class1_high_value", "ip_class1_applied", "ip_class2")
STANDARD_FIGURES = ("standard_drafting",)
FINANCING_FIGURES = ("equity_financing_2y", "equity_financing_3y")
# Every filing figure a register may give.
REGISTER_FIGURES = (*IP_FIGURES, *STANDARD_FIGURES, *FINANCING_FIGURES)


@dataclass(frozen=True)
class RegisterFigures:
    """The filing figures an enterprise's registers give for a year: only those of registers holding records of the
    enterprise, each with its note."""

    year: int
    figures: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)

    def differences(self, typed: dict) -> dict:
        """Figure name -> (typed value, register value) where a typed figure differs from the registers."""
        return {name: (typed[name], value) for name, value in self.figures.items()
                if name in typed and typed[name] is not None and typed[name] != value}


def register_figures(*, user, enterprise_id: int, year: int) -> RegisterFigures:
    """The filing figures of an enterprise's registers for a year, over the records the user may see: IP counts by
    class in force in the year (and the class-I parts), whether a standard with it was published in the year, and
    its equity financing of the year and the one (two) before; a register without such records gives nothing."""
    figures, notes = {}, {}
    valid = IpQuerySet.valid_in_condition(year)  # the querysets' own conditions, one definition each
    class1 = valid & Q(ip_class=IpClass.CLASS1)
    ip = IntellectualProperty.objects.restrict(user, VIEW).filter(enterprise_id=enterprise_id).aggregate(
        records=Count("pk"), ip_class1=Count("pk", filter=class1),
        ip_class1_self_developed=Count("pk", filter=class1 & Q(self_developed=True)),
        ip_class1_high_value=Count("pk", filter=class1 & Q(high_value=True)),
        ip_class1_applied=Count("pk", filter=class1 & Q(applied=True)),
        ip_class2=Count("pk", filter=valid & Q(ip_class=IpClass.CLASS2)),
    )
    if ip.pop("records"):
        figures.update(ip)
        notes.update(dict.fromkeys(IP_FIGURES, IP_NOTE))
    standards = Standard.objects.restrict(user, VIEW).filter(enterprise_id=enterprise_id).aggregate(
        records=Count("pk"),
        published=Count("pk", filter=StandardQuerySet.published_in_condition(year)))
    if standards["records"]:
        figures["standard_drafting"] = standards["published"] > 0
        notes["standard_drafting"] = STANDARD_NOTE
    equity = Q(equity=True, closed_on__year__lte=year)
    money = FinancingRound.objects.restrict(user, VIEW).filter(enterprise_id=enterprise_id).aggregate(
        records=Count("pk"),
        equity_financing_2y=Sum("amount", filter=equity & Q(closed_on__year__gte=year - 1)),
        equity_financing_3y=Sum("amount", filter=equity & Q(closed_on__year__gte=year - 2)),
    )
    if money.pop("records"):
        figures.update({name: value or Decimal("0.00") for name, value in money.items()})
        notes.update(dict.fromkeys(FINANCING_FIGURES, FINANCING_NOTE))
    return RegisterFigures(year=year, figures=figures, notes=notes)
