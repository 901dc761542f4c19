"""`{% load amounts %}` then `{{ filing.revenue|money }}`: an amount in 万元 shown by the one money rule
(config.amounts.money_display: 亿元 from 1亿元 up)."""

from django import template

from config.amounts import money_display

register = template.Library()


@register.filter
def money(amount_10k):
    """An amount in 万元 as a page shows it (亿元 from 1亿元 up)."""
    return money_display(amount_10k)
