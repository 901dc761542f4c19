"""Figures of the report centre's tables as the reader reads them: thousands separated, money in 万元 (亿元 from
1亿元 up), shares in %, and a dash where a figure is hidden or absent."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()
DASH = "—"
YI = Decimal(10000)  # 1亿元 = 10000万元


def _decimal(value) -> Decimal | None:
    """The figure as a Decimal, None where there is none."""
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def figure(value, digits=None):
    """A count or an amount with thousands separators (`digits` decimals, else as given), a dash where none."""
    number = _decimal(value)
    if number is None:
        return DASH
    if digits is None:
        return f"{number:,}" if number == number.to_integral_value() and "." not in str(value) else f"{number:,.2f}"
    return f"{number:,.{int(digits)}f}"


@register.filter
def money(value):
    """An amount in 万元 with its unit: in 亿元 from 1亿元 up, else in 万元."""
    number = _decimal(value)
    if number is None:
        return DASH
    if abs(number) >= YI:
        return f"{number / YI:,.2f} 亿元"
    return f"{number:,.2f} 万元"


@register.filter
def percent(value):
    """A share in %, a dash where none."""
    number = _decimal(value)
    return DASH if number is None else f"{number:,.2f}%"
