"""One credit-code rule set in PostgreSQL, the same as enterprises/credit_code.py (docs/domain-rules.md 3).

credit_code_is_valid(code, check_org) checks the symbols, positions 3-8 as digits, position 17 when check_org,
and position 18; credit_code_is_valid(code), which the enterprise_credit_code_valid constraint calls, reads
check_org from the setting dh.credit_code_check_org (unset: on).

Rows stored before, under the looser function, are not rechecked by PostgreSQL (a CHECK constraint is only
evaluated on write). This migration lists every stored enterprise code the new rules refuse, as a
warning on migrate's output, and keeps them: an enterprise so listed cannot be saved until its code is corrected
(the admin's and the API's forms say which position is wrong). Refusing to migrate would block a deploy on data
only people can correct; deleting or rewriting a code would lose the registry's key.
"""

from django.conf import settings
from django.db import migrations

from enterprises.credit_code import DATABASE_SETTING

CHECK_FUNCTION = r"""
CREATE OR REPLACE FUNCTION credit_code_is_valid(code text, check_org boolean) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
-- GB 32100-2015, as enterprises/credit_code.py: 18 symbols of 0-9A-Y without I O S V Z; positions 3-8 (the
-- registering authority's division code) digits; position 17 the organisation code's check character (GB 11714:
-- positions 9-16, every letter A-Z 10-35, weights 3 7 9 10 5 8 4 2, 11 - sum mod 11, 10 = X, 11 = 0) when
-- check_org; position 18 the check character of 1-17 (weights 3^i mod 31).
DECLARE
    symbols constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    org_symbols constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    org_weights constant integer[] := ARRAY[3, 7, 9, 10, 5, 8, 4, 2];
    total integer := 0;
    weight integer := 1;
    org_check integer;
    org_char text;
BEGIN
    IF code !~ '^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$' THEN
        RETURN false;
    END IF;
    IF check_org THEN
        FOR i IN 1..8 LOOP
            total := total + (strpos(org_symbols, substr(code, 8 + i, 1)) - 1) * org_weights[i];
        END LOOP;
        org_check := 11 - total % 11;
        org_char := CASE org_check WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE org_check::text END;
        IF substr(code, 17, 1) <> org_char THEN
            RETURN false;
        END IF;
        total := 0;
    END IF;
    FOR i IN 1..17 LOOP
        total := total + (strpos(symbols, substr(code, i, 1)) - 1) * weight;
        weight := weight * 3 % 31;
    END LOOP;
    RETURN substr(code, 18, 1) = substr(symbols, (31 - total % 31) % 31 + 1, 1);
END
$$
"""
SETTING_FUNCTION = r"""
CREATE OR REPLACE FUNCTION credit_code_is_valid(code text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT credit_code_is_valid(
        code, coalesce(nullif(current_setting('dh.credit_code_check_org', true), ''), 'on')::boolean
    )
$$
"""

# The function of migration enterprises 0001 (position 18 only), restored when migrating backwards.
PREVIOUS = r"""
CREATE OR REPLACE FUNCTION credit_code_is_valid(code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    symbols constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
    total integer := 0;
    weight integer := 1;
BEGIN
    IF code !~ '^[0-9A-HJ-NP-RTUW-Y]{18}$' THEN
        RETURN false;
    END IF;
    FOR i IN 1..17 LOOP
        total := total + (strpos(symbols, substr(code, i, 1)) - 1) * weight;
        weight := weight * 3 % 31;
    END LOOP;
    RETURN substr(code, 18, 1) = substr(symbols, (31 - total % 31) % 31 + 1, 1);
END
$$
"""


def report_refused_codes(apps, schema_editor):
    """Print every stored enterprise credit code the new rules refuse (kept, see the docstring)."""
    check_org = settings.CREDIT_CODE_CHECK_ORGANISATION_CODE
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [DATABASE_SETTING, "on" if check_org else "off"])
        cursor.execute(
            "SELECT id, credit_code, name FROM enterprises_enterprise WHERE NOT credit_code_is_valid(credit_code, %s) "
            "ORDER BY id", [check_org],
        )
        refused = cursor.fetchall()
    if refused:
        print(f"\n  WARNING: {len(refused)} stored credit codes fail the credit-code rules (docs/domain-rules.md 3); "
              "they are kept, and each enterprise must have its code corrected before it can be saved again:")
        for pk, code, name in refused:
            print(f"    enterprise {pk}: {code} {name}")


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0008_tier_inputs"),
    ]

    operations = [
        migrations.RunSQL([CHECK_FUNCTION, SETTING_FUNCTION],
                          [PREVIOUS, "DROP FUNCTION credit_code_is_valid(text, boolean)"]),
        migrations.RunPython(report_refused_codes, migrations.RunPython.noop),
    ]
