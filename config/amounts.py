"""How an amount of money reads on a page: the registry keeps money in 万元; an amount of 1亿元 (10000万元) or more
is shown in 亿元, a smaller one in 万元, both rounded half up to two decimals (config.rounding) with thousands
separators. The one formatting rule of money on every page: the template filter `money` (config/templatetags/
amounts.py), the admin's columns, and the dashboard's script (which reads `MONEY_DISPLAY` from the page)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .rounding import PLACES, half_up

YI_IN_10K = Decimal(10000)  # 万元 in one 亿元
MONEY_DISPLAY = {"threshold": int(YI_IN_10K), "places": PLACES}  # what the dashboard's script needs of the rule


def money_display(amount_10k, *, places: int = PLACES) -> str:
    """An amount in 万元 as a page shows it: "1.20亿元" from 1亿元 up (in absolute value), else "9,999.50万元";
    empty for no amount."""
    if amount_10k is None or amount_10k == "":
        return ""
    amount = Decimal(amount_10k)
    if abs(amount) >= YI_IN_10K:
        shown = number_format(half_up(amount / YI_IN_10K, places), places, force_grouping=True)
        return _("%(amount)s hundred million yuan") % {"amount": shown}
    shown = number_format(half_up(amount, places), places, force_grouping=True)
    return _("%(amount)s ten thousand yuan") % {"amount": shown}
