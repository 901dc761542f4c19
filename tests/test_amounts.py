"""The money rule of every page (config.amounts): 亿元 from 1亿元 up, 万元 below, rounded half up; the template filter
and the tier texts use it."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from config.amounts import money_display


@pytest.mark.parametrize(("amount", "shown"), [
    (None, ""), ("9999.994", "9999.99万元"), ("9999.995", "1.00亿元"), (Decimal(10000), "1.00亿元"),
    ("123456.785", "12.35亿元"), (-20000, "-2.00亿元"), (0, "0.00万元"), ("0.005", "0.01万元"),
])
def test_amounts_from_1亿元_up_read_in_亿元(amount, shown):
    with translation.override("zh-hans"):
        assert money_display(amount) == shown


def test_thresholds_drop_their_trailing_zeros_and_english_names_the_unit():
    with translation.override("zh-hans"):
        assert [money_display(v, trim=True) for v in (10000, 15000, 5000, 40000)] == [
            "1亿元", "1.5亿元", "5000万元", "4亿元"]
    with translation.override("en"):
        assert money_display(15000) == "1.50 hundred million yuan"
        assert money_display(5000) == "5,000.00 ten thousand yuan"


def test_the_template_filter_is_the_same_rule():
    with translation.override("zh-hans"):
        assert Template("{% load amounts %}{{ v|money }}").render(Context({"v": Decimal("25000")})) == "2.50亿元"


def test_the_sme_limits_read_in_亿元():
    from enterprises.tiers.rules_2022 import _sme_threshold

    with translation.override("zh-hans"):
        text = _sme_threshold()
    assert "营业收入 ≤ 1亿元（软件和信息技术服务业）" in text and "10000" not in text and "4亿元" in text


def test_a_chinese_unit_follows_its_figure_without_a_space():
    from enterprises.tiers.results import show
    from enterprises.tiers.rules import ITEMS, YEARS

    figure = show(4, YEARS)  # lazy: the language is the one active when it is shown
    with translation.override("zh-hans"):
        assert (str(figure), str(show(2, ITEMS)), str(show(3, "%"))) == ("4年", "2项", "3%")
    with translation.override("en"):
        assert str(figure) == "4 years"
