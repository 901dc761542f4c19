"""credit_code_make, the one maker of fake credit codes: every code it makes passes the validator under both
settings and PostgreSQL's check, distinct serials give distinct codes, bad arguments are refused."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings

from enterprises import credit_code as cc

DIVISIONS = ["110105", "110108", "110000", "120101"]
SERIALS = [*range(0, 2000), *range(cc.SERIAL_LIMIT - 500, cc.SERIAL_LIMIT), 12_345_678, 50_000_000]


@pytest.mark.parametrize("check_org", [True, False])
def test_every_code_over_a_range_passes_the_validator(check_org):
    made = {cc.credit_code_make(serial=n, division=d) for n in SERIALS for d in DIVISIONS}
    assert len(made) == len(SERIALS) * len(DIVISIONS)
    with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=check_org):
        for code in made:
            cc.validate_credit_code(code)
            assert cc.normalise(code) == code


def test_organisation_symbols_and_kind_pass_too():
    for i, symbol in enumerate(cc.SYMBOLS):
        organisation = (symbol * 8)[:7] + cc.SYMBOLS[i - 1]
        cc.validate_credit_code(cc.credit_code_make(organisation=organisation, kind="92"))


@pytest.mark.django_db
def test_postgresql_accepts_what_it_makes():
    codes = [cc.credit_code_make(serial=n, division="110108") for n in range(0, 300, 7)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT bool_and(credit_code_is_valid(c)) FROM unnest(%s::text[]) AS c", [codes])
        assert cursor.fetchone()[0] is True


def test_a_serial_sits_in_positions_9_to_16():
    code = cc.credit_code_make(serial=42, division="110108")
    assert code[:16] == "91110108" + "00000042"


@pytest.mark.parametrize("kwargs", [
    {},
    {"serial": 1, "organisation": "00000001"},
    {"serial": -1},
    {"serial": cc.SERIAL_LIMIT},
    {"serial": 1, "division": "11010A"},
    {"serial": 1, "division": "11010"},
    {"serial": 1, "kind": "9"},
    {"serial": 1, "kind": "9I"},
    {"organisation": "0000000O"},
    {"organisation": "0000001"},
])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(ValueError):
        cc.credit_code_make(**kwargs)


def test_a_tampered_code_fails_the_validator():
    code = cc.credit_code_make(serial=7)
    wrong = cc.SYMBOLS[(cc.SYMBOLS.index(code[17]) + 1) % len(cc.SYMBOLS)]
    with pytest.raises(ValidationError):
        cc.validate_credit_code(code[:17] + wrong)
