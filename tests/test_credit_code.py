"""The credit code: the real codes of docs/domain-rules.md 3 pass; every kind of fault is named; PostgreSQL refuses
bad codes."""

import pytest
from django.db import IntegrityError, connection
from django.test import override_settings
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from enterprises import credit_code as cc

from .factories import EnterpriseFactory

REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91440300192317458F",  # 比亚迪股份有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "91110302562134916R",  # 北京京东世纪信息技术有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_both_checks(code):
    assert cc.faults(code) == []
    assert cc.check_character(code[:17]) == code[17]
    assert cc.org_check_character(code[8:16]) == code[16]


def test_weights_are_powers_of_three_mod_31():
    assert cc.WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("raw", [" 91110000802100433b ", "9111 0000 8021 0043 3B", "91110000-802100433B",
                                 "９１１１００００８０２１００４３３Ｂ", "\u300091110000802100433B"])
def test_normalise_folds_case_spaces_hyphens_and_full_width(raw):
    assert cc.normalise(raw) == "91110000802100433B"


def messages(code):
    with translation.override("en"):
        return [(f.code, str(f.message)) for f in cc.faults(code)]


@pytest.mark.parametrize("code,n", [("9111000080210043", 16), ("91110000802100433B1", 19), ("", 0)])
def test_wrong_length_says_how_many(code, n):
    assert messages(code) == [("length", f"The credit code must have 18 characters, not {n}.")]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_each_forbidden_letter_is_named_with_its_position(letter):
    code = "91110000802100433B"
    bad = code[:9] + letter + code[10:]
    ((kind, message),) = messages(bad)
    assert kind == "charset"
    assert f"Position 10: the letter {letter}" in message


def test_punctuation_is_named_with_its_position():
    ((kind, message),) = messages("91110000802100433.")
    assert kind == "charset" and message.startswith("Position 18:")


def test_wrong_check_character_is_refused_without_naming_the_expected_one():
    # The expected character (B) is never told: the form would otherwise complete any code typed at it.
    assert messages("91110000802100433A") == [
        ("check", "Position 18: the check character does not match the first 17 characters.")]


def test_wrong_organisation_check_is_named_and_configurable():
    # Position 17 changed from 3 to 2; position 18 recomputed so that only the organisation check fails.
    code = "9111000080210042" + "2"
    code += cc.check_character(code)
    assert messages(code) == [
        ("org_check", "Position 17: the organisation-code check character does not match positions 9-16.")]
    with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=False):
        assert cc.faults(code) == []


def test_messages_are_chinese_by_default():
    with translation.override("zh-hans"):
        (fault,) = cc.faults("91110000802100433A")
        assert str(fault.message) == "第18位：校验码与前17位不符。"


@given(st.text(alphabet=cc.SYMBOLS, min_size=2, max_size=2), st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.text(alphabet=cc.SYMBOLS, min_size=8, max_size=8))
def test_completed_codes_always_pass(first2, division, organisation):
    assert cc.faults(cc.complete(first2 + division + organisation)) == []


@given(st.text(alphabet=cc.SYMBOLS, min_size=16, max_size=16), st.integers(0, 16), st.sampled_from(cc.SYMBOLS))
def test_any_single_substitution_in_1_to_17_is_caught(first16, position, symbol):
    code = cc.complete(first16)
    changed = code[:position] + symbol + code[position + 1:]
    if changed != code:
        assert cc.faults(changed) != []


@pytest.mark.django_db
def test_postgresql_function_agrees_with_python():
    samples = REAL_CODES + ["91110000802100433A", "9111000080210O433B", "short", "91110000802100433b"]
    with connection.cursor() as cursor:
        for code in samples:
            cursor.execute("SELECT credit_code_is_valid(%s)", [code])
            well_formed = len(code) == 18 and all(c in cc.SYMBOLS for c in code)
            expected = well_formed and cc.check_character(code[:17]) == code[17]
            assert cursor.fetchone()[0] is expected, code


@pytest.mark.django_db
def test_database_refuses_a_bad_code_written_around_the_model():
    enterprise = EnterpriseFactory()
    with pytest.raises(IntegrityError, match="enterprise_credit_code_valid"):
        type(enterprise).objects.filter(pk=enterprise.pk).update(credit_code="91110000802100433A")
