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


def money_display(amount_10k, *, places: int = PLACES, trim: bool = False) -> str:
    """An amount in 万元 as a page shows it: "1.20亿元" from 1亿元 up (in absolute value), else "9,999.50万元";
    with `trim`, without trailing zeros (a threshold: "4亿元", "5000万元"); empty for no amount."""
    if amount_10k is None or amount_10k == "":
        return ""
    amount = Decimal(amount_10k)
    large = abs(half_up(amount, places)) >= YI_IN_10K  # 9999.995万元 shows as 10000.00万元: that is 1.00亿元
    rounded = half_up(amount / YI_IN_10K if large else amount, places)
    if trim:
        rounded = rounded.normalize()
        rounded = rounded.quantize(Decimal(1)) if rounded == rounded.to_integral() else rounded
    shown = number_format(rounded, None if trim else places, force_grouping=True)
    if large:
        return _("%(amount)s hundred million yuan") % {"amount": shown}
    return _("%(amount)s ten thousand yuan") % {"amount": shown}
