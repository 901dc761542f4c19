"""One rule set for the credit code (docs/domain-rules.md 3), the same in Python and in PostgreSQL.

Positions 3-8 (the registering authority's division code) are digits; position 17 is the organisation code's check
character when CREDIT_CODE_CHECK_ORGANISATION_CODE is on (PostgreSQL reads dh.credit_code_check_org); position 18
is the check character of the whole code. A property test draws valid and invalid codes and asks both.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enterprises import credit_code as cc
from enterprises.models import Enterprise

from ..factories import DistrictFactory, EnterpriseFactory

ATTACK = "91AB00008021004331"  # 北京百度网讯's code with AB in the division code, both check characters recomputed
LETTERS = "ABCDEFGHJKLMNPQRTUWXY"


def database_verdict(code: str, *, check_org: bool | None = None) -> bool:
    """What PostgreSQL's credit_code_is_valid says of the code (with the session's setting, or the one given)."""
    with connection.cursor() as cursor:
        if check_org is None:
            cursor.execute("SELECT credit_code_is_valid(%s)", [code])
        else:
            cursor.execute("SELECT credit_code_is_valid(%s, %s)", [code, check_org])
        return cursor.fetchone()[0]


def session_check_org(on: bool) -> None:
    """Set the session's dh.credit_code_check_org for the rest of the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('dh.credit_code_check_org', %s, true)", ["on" if on else "off"])


def test_the_attack_code_has_both_check_characters_right():
    assert cc.complete(ATTACK[:16]) == ATTACK


def test_python_refuses_letters_in_the_division_code():
    assert [fault.code for fault in cc.faults(ATTACK)] == ["division"]
    with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=False):
        assert [fault.code for fault in cc.faults(ATTACK)] == ["division"]


@pytest.mark.django_db
@pytest.mark.parametrize("check_org", [True, False])
def test_postgresql_refuses_letters_in_the_division_code(check_org):
    assert database_verdict(ATTACK, check_org=check_org) is False
    session_check_org(check_org)
    assert database_verdict(ATTACK) is False


@pytest.mark.django_db
def test_the_api_refuses_the_attack_code_with_a_field_message(bureau_client):
    body = {"credit_code": ATTACK, "name": "测试企业", "district": DistrictFactory().pk, "chain_position": "platform"}
    answer = bureau_client.post(reverse("api:enterprise-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400
    assert "Positions 3-8" in str(answer.data["credit_code"]), answer.data
    answer = bureau_client.post(reverse("api:enterprise-list"), body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400 and "第3-8位" in str(answer.data["credit_code"]), answer.data


@pytest.mark.django_db
def test_the_database_refuses_the_attack_code_written_around_the_model():
    enterprise = EnterpriseFactory()
    with pytest.raises(IntegrityError, match="enterprise_credit_code_valid"), transaction.atomic():
        Enterprise.objects.filter(pk=enterprise.pk).update(credit_code=ATTACK)
    with pytest.raises(IntegrityError, match="enterprise_credit_code_valid"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE enterprises_enterprise SET credit_code = %s WHERE id = %s", [ATTACK, enterprise.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("check_org", [True, False])
def test_position_17_is_checked_by_postgresql_as_the_setting_says(check_org):
    code = "9111000080210042" + "2"  # position 17 wrong (3 is right); position 18 recomputed
    code += cc.check_character(code)
    session_check_org(check_org)
    with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=check_org):
        assert (cc.faults(code) == []) is (not check_org)
        assert database_verdict(code) is (not check_org)


@pytest.mark.django_db
def test_the_application_connection_carries_the_setting():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('dh.credit_code_check_org', true)")
        value = cursor.fetchone()[0]
    from django.conf import settings as django_settings
    assert value == ("on" if django_settings.CREDIT_CODE_CHECK_ORGANISATION_CODE else "off")


# --- the property: both give the same verdict on valid codes and on every kind of invalid one ---

SYMBOL = st.sampled_from(cc.SYMBOLS)
NOT_A_SYMBOL = st.sampled_from("IOSVZ" + "abz.-# ０")


@st.composite
def codes(draw) -> str:
    """A valid code, or one broken in one way: a letter in 3-8, either check character, a character, the length."""
    first = draw(st.sampled_from("159Y")) + draw(SYMBOL)
    division = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6)))
    org = "".join(draw(st.lists(SYMBOL, min_size=8, max_size=8)))
    code = cc.complete(first + division + org)
    kind = draw(st.sampled_from(["valid", "division", "org_check", "check", "char", "length", "division_and_org"]))
    if kind in ("division", "division_and_org"):
        position = draw(st.integers(2, 7))
        code = cc.complete(code[:position] + draw(st.sampled_from(LETTERS)) + code[position + 1:16])
        if kind == "division_and_org":
            code = code[:16] + draw(SYMBOL)
            code = code[:17] + cc.check_character(code[:17])
    elif kind == "org_check":
        code = code[:16] + draw(SYMBOL)
        code = code[:17] + cc.check_character(code[:17])
    elif kind == "check":
        code = code[:17] + draw(SYMBOL)
    elif kind == "char":
        position = draw(st.integers(0, 17))
        code = code[:position] + draw(NOT_A_SYMBOL) + code[position + 1:]
    elif kind == "length":
        code = code[:draw(st.integers(0, 17))] if draw(st.booleans()) else code + draw(SYMBOL)
    return code


@pytest.mark.django_db
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=codes(), check_org=st.booleans())
def test_python_and_postgresql_give_the_same_verdict(code, check_org):
    with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=check_org):
        python_valid = cc.faults(code) == []
    assert database_verdict(code, check_org=check_org) is python_valid, (code, check_org, cc.faults(code))


@pytest.mark.django_db
def test_the_generated_codes_cover_both_verdicts_in_both_modes():
    seen = set()

    @settings(max_examples=300, deadline=None, database=None)
    @given(code=codes(), check_org=st.booleans())
    def collect(code, check_org):
        with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=check_org):
            seen.add((check_org, cc.faults(code) == [], tuple(f.code for f in cc.faults(code))[:1]))

    collect()
    verdicts = {(check_org, valid) for check_org, valid, _ in seen}
    assert verdicts == {(True, True), (True, False), (False, True), (False, False)}
    kinds = {kinds for _, _, kinds in seen}
    assert {("division",), ("org_check",), ("check",), ("charset",), ("length",)} <= kinds


@pytest.mark.django_db
def test_migrate_writes_the_setting_as_the_database_default_for_other_clients():
    from django.conf import settings as django_settings

    from enterprises.credit_code import credit_code_setting_sync

    def stored() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setconfig FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = "
                           "(SELECT oid FROM pg_database WHERE datname = current_database())")
            row = cursor.fetchone()
        return [item for item in (row[0] if row else []) if item.startswith("dh.credit_code_check_org=")]

    expected = "on" if django_settings.CREDIT_CODE_CHECK_ORGANISATION_CODE else "off"
    assert stored() == [f"dh.credit_code_check_org={expected}"]  # written by the test database's migrate
    try:
        with override_settings(CREDIT_CODE_CHECK_ORGANISATION_CODE=expected != "on"):
            credit_code_setting_sync()
        assert stored() == [f"dh.credit_code_check_org={'off' if expected == 'on' else 'on'}"]
    finally:
        credit_code_setting_sync()
    assert stored() == [f"dh.credit_code_check_org={expected}"]
