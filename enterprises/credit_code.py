"""The unified social credit code (统一社会信用代码, GB 32100-2015): normalising and checking it.

Rules and sources: docs/domain-rules.md 3. One rule set, the same here and in PostgreSQL's ``credit_code_is_valid``
(migration enterprises 0009), so no row can hold a code the application refuses:
- 18 characters of ``SYMBOLS`` (no I, O, S, V, Z);
- positions 3-8, the registering authority's division code (GB/T 2260), are digits (never checked against
  today's districts: a code is for life);
- position 17 is the organisation code's check character, when CREDIT_CODE_CHECK_ORGANISATION_CODE is on;
- position 18 is the check character of the first 17.
PostgreSQL reads the position-17 option from the setting ``dh.credit_code_check_org``: each application connection
sends it (config/db.py), and every ``migrate`` writes it as the database's default for other clients
(``credit_code_setting_sync``); unset, the check is on.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LENGTH = 18
# The 31 symbols of the code, in index order (no I, O, S, V, Z).
SYMBOLS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
FORBIDDEN = "IOSVZ"
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28
# Organisation code (GB 11714) at positions 9-17: every letter A-Z counts 10-35 there.
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
# Positions 3-8 (0-based 2..7): the registering authority's division code, six digits.
DIVISION = slice(2, 8)
DIGITS = "0123456789"
# The PostgreSQL setting holding CREDIT_CODE_CHECK_ORGANISATION_CODE for credit_code_is_valid(code).
DATABASE_SETTING = "dh.credit_code_check_org"
# What people type besides the code: surrounding and inner spaces, and the separators below.
SEPARATORS = " \t\u3000-"


@dataclass(frozen=True)
class Fault:
    """One thing wrong with a credit code: a stable code and a message naming the position."""

    code: str
    message: str


def normalise(raw: str) -> str:
    """Return the code as stored: full-width folded to ASCII, spaces and hyphens removed, upper case."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else c for c in raw)
    return "".join(c for c in folded if c not in SEPARATORS).upper()


def check_character(first17: str) -> str:
    """Return the position-18 check character for the first 17 characters of a code."""
    total = sum(SYMBOLS.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return SYMBOLS[(31 - total % 31) % 31]


def org_check_character(org8: str) -> str:
    """Return the organisation-code check character (position 17) for positions 9-16."""
    value = 11 - sum(ORG_VALUES[c] * w for c, w in zip(org8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def faults(code: str) -> list[Fault]:
    """Return what is wrong with an already normalised code, empty if it is valid."""
    if len(code) != LENGTH:
        return [Fault("length", _("The credit code must have 18 characters, not %(n)d.") % {"n": len(code)})]
    for position, char in enumerate(code, start=1):
        if char not in SYMBOLS:
            message = (
                _("Position %(pos)d: the letter %(char)s is never used in credit codes (no I, O, S, V, Z).")
                if char in FORBIDDEN
                else _("Position %(pos)d: %(char)s is not a digit or an upper-case letter.")
            )
            return [Fault("charset", message % {"pos": position, "char": char})]
    found: list[Fault] = []
    for position, char in enumerate(code[DIVISION], start=DIVISION.start + 1):
        if char not in DIGITS:
            found.append(Fault("division", _(
                "Positions 3-8 are the registering authority's division code, six digits: "
                "position %(pos)d is %(char)s."
            ) % {"pos": position, "char": char}))
            break
    if settings.CREDIT_CODE_CHECK_ORGANISATION_CODE:
        # The messages never say which character was expected: that would turn the check into a code maker for
        # whoever types at the form (docs/screens-copy.md, "Credit codes").
        if code[16] != org_check_character(code[8:16]):
            found.append(Fault("org_check", _(
                "Position 17: the organisation-code check character does not match positions 9-16."
            )))
    if code[17] != check_character(code[:17]):
        found.append(Fault("check", _(
            "Position 18: the check character does not match the first 17 characters."
        )))
    return found


def validate_credit_code(value: str) -> None:
    """Django validator: raise a ValidationError naming each fault of a (normalised) credit code."""
    found = faults(value)
    if found:
        raise ValidationError([ValidationError(f.message, code=f"credit_code_{f.code}") for f in found])


def database_option() -> str:
    """The value of the PostgreSQL setting dh.credit_code_check_org that CREDIT_CODE_CHECK_ORGANISATION_CODE means."""
    return "on" if settings.CREDIT_CODE_CHECK_ORGANISATION_CODE else "off"


def credit_code_setting_sync(*, using: str = "default") -> None:
    """Write CREDIT_CODE_CHECK_ORGANISATION_CODE as the database's default dh.credit_code_check_org (run after
    every migrate), so a client other than the application (psql, a restore) checks codes as the application does."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        name = connection.ops.quote_name(cursor.fetchone()[0])
        cursor.execute(f"ALTER DATABASE {name} SET {DATABASE_SETTING} = '{database_option()}'")
        cursor.execute("SELECT set_config(%s, %s, false)", [DATABASE_SETTING, database_option()])


def complete(first16: str) -> str:
    """Return a full valid code from its first 16 characters, adding both check characters (for seeds and tests)."""
    first17 = first16 + org_check_character(first16[8:16])
    return first17 + check_character(first17)


# Defaults of credit_code_make: an enterprise (registered by the market regulator, 9 + company 1) in Chaoyang.
ENTERPRISE_KIND = "91"
DEFAULT_DIVISION = "110105"
SERIAL_LIMIT = 10**8  # positions 9-16 hold a serial as eight digits


def credit_code_make(
    *, serial: int | None = None, organisation: str | None = None, division: str = DEFAULT_DIVISION,
    kind: str = ENTERPRISE_KIND,
) -> str:
    """Return a valid credit code for fake records (tests, demo seeds, the city generator): one maker for all.

    Positions 1-2 are ``kind``, 3-8 the ``division`` (six digits), 9-16 either ``serial`` written as eight
    digits or ``organisation`` (eight symbols); both check characters are added, so the code passes either
    setting of CREDIT_CODE_CHECK_ORGANISATION_CODE. The same arguments always give the same code.
    """
    if (serial is None) == (organisation is None):
        raise ValueError("give exactly one of serial and organisation")
    if serial is not None:
        if not 0 <= serial < SERIAL_LIMIT:
            raise ValueError(f"serial must be in 0..{SERIAL_LIMIT - 1}, not {serial}")
        organisation = f"{serial:08d}"
    if len(kind) != 2 or any(c not in SYMBOLS for c in kind):
        raise ValueError(f"kind must be two code symbols, not {kind!r}")
    if len(division) != 6 or any(c not in DIGITS for c in division):
        raise ValueError(f"division must be six digits, not {division!r}")
    if len(organisation) != 8 or any(c not in SYMBOLS for c in organisation):
        raise ValueError(f"organisation must be eight code symbols, not {organisation!r}")
    return complete(kind + division + organisation)
