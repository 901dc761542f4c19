"""Usernames: one account per name whatever its case or Unicode form, and no name that passes for another.

A username is NFKC-normalised (a full-width `ｐｔ＿ｕｘ` is `pt_ux`) and compared case-insensitively: the database
holds a unique index on its upper case (enterprises migration 0007), sign-in finds the account in either case
(`config.auth.UsernameBackend`), an invitation of `PT_UX` finds `pt_ux`. A name whose letters mix alphabets
that share look-alike letters (Latin, Cyrillic, Greek, ...), or that is written wholly in Cyrillic or Greek
letters which all look Latin (`раураӏ`), is refused: it could pass for another account. Chinese, Japanese and
Korean characters mix freely with Latin ones (`张三_zs`), having no Latin look-alikes.
"""

import unicodedata

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Alphabets with letters that look like letters of another (the scripts of Unicode's confusables for Latin).
LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
# Cyrillic and Greek letters that look like a Latin letter (lower and upper case).
LATIN_LOOKALIKES = frozenset(
    "аеорсухіјѕԁԛԝѵһӏӀвкмнтАВЕКМНОРСТУХІЈЅԌԚԜ"  # Cyrillic
    "αβεικνορτυχωΑΒΕΖΗΙΚΜΝΟΡΤΥΧ"  # Greek
)
SCRIPT_NAMES = {
    "LATIN": gettext_lazy("Latin alphabet"), "CYRILLIC": gettext_lazy("Cyrillic alphabet"),
    "GREEK": gettext_lazy("Greek alphabet"), "ARMENIAN": gettext_lazy("Armenian alphabet"),
    "CHEROKEE": gettext_lazy("Cherokee alphabet"), "COPTIC": gettext_lazy("Coptic alphabet"),
}
MIN_LENGTH, MAX_LENGTH = 2, 150


def username_normalise(username: str) -> str:
    """The username as stored: NFKC-normalised, surrounding blanks dropped (case is kept, comparisons ignore it)."""
    return unicodedata.normalize("NFKC", username or "").strip()


def script_of(character: str) -> str:
    """The script a letter is written in, from its Unicode name (`LATIN`, `CYRILLIC`, `CJK`, ...)."""
    name = unicodedata.name(character, "")
    return name.split(" ", 1)[0] if name else ""


def username_validate(username: str) -> None:
    """Refuse a username that is malformed or could pass for another (raises ValidationError, code given)."""
    if not MIN_LENGTH <= len(username) <= MAX_LENGTH:
        raise ValidationError(
            _("A username has %(min)d to %(max)d characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
            code="username_length",
        )
    UnicodeUsernameValidator()(username)
    username_scripts_validate(username)


def username_scripts_validate(username: str) -> None:
    """Refuse a name mixing look-alike alphabets, or written wholly in letters that look Latin."""
    letters = [c for c in username if c.isalpha()]
    scripts = {script_of(c) for c in letters} & LOOKALIKE_SCRIPTS
    if len(scripts) > 1:
        raise ValidationError(
            _("This username mixes letters of different alphabets that look alike (%(scripts)s); "
              "write it in one alphabet.") % {"scripts": ", ".join(str(SCRIPT_NAMES[s]) for s in sorted(scripts))},
            code="username_mixed_scripts",
        )
    if scripts and scripts != {"LATIN"}:
        foreign = [c for c in letters if script_of(c) in scripts]
        if foreign and all(c in LATIN_LOOKALIKES for c in foreign):
            raise ValidationError(
                _("This username is written in letters that look like Latin letters; it could pass for "
                  "another account."),
                code="username_lookalike",
            )
