"""What the enterprise's own registers share (standards, IP, virtual characters, financing, listings): the
enterprise field and the scope rule: the enterprise files its own records, the park it is registered with and its
district's staff read them, the bureau keeps all (docs/registers-enterprise.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from access.scoping import ALL_ACTIONS, Rule

from .enterprise import Enterprise

# As the filings: the enterprise adds, changes and removes its own records; its park (where it is registered) and
# its district's staff read them (the park reviews the figures in the filing they feed, not the rows).
REGISTER_RULE = Rule(park=("enterprise__park",), enterprise=("enterprise",), district=("enterprise__district",),
                     enterprise_user=ALL_ACTIONS)


def enterprise_field(related_name: str) -> models.ForeignKey:
    """The enterprise a register's record belongs to (kept while it has records)."""
    return models.ForeignKey(Enterprise, models.PROTECT, related_name=related_name, verbose_name=_("enterprise"))
