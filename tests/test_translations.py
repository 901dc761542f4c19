"""Chinese is the default language: every project string is translated and the compiled catalogue is current."""

import ast
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def catalogue() -> dict[str, tuple[str, str | None]]:
    """msgid -> (msgstr, msgid_plural) of the project's zh_Hans .po file (the header left out; msgstr[0] for
    plurals, Chinese having one form); an entry with a context is keyed "context\x04msgid", as gettext keys it."""
    entries, key, current = {}, None, {}
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ")):
            key, text = line.split(" ", 1)
            key = "msgstr" if key == "msgstr[0]" else key
            current[key] = ast.literal_eval(text)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and current:
            if current.get("msgid"):
                context = current.get("msgctxt")
                msgid = f"{context}\x04{current['msgid']}" if context is not None else current["msgid"]
                entries[msgid] = (current.get("msgstr", ""), current.get("msgid_plural"))
            key, current = None, {}
    return entries


def test_every_string_is_translated_and_compiled():
    entries = catalogue()
    assert len(entries) > 100
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8")
    with translation.override("zh-hans"):
        for msgid, (msgstr, plural) in entries.items():
            assert msgstr, f"untranslated: {msgid}"
            context, _, bare = msgid.rpartition("\x04")
            if context:
                compiled = translation.pgettext(context, bare)
            else:
                compiled = translation.ngettext(msgid, plural, 1) if plural else translation.gettext(msgid)
            assert compiled == msgstr, f"django.mo is stale for: {msgid}"


def test_default_language_is_chinese_with_english_available(client, db):
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
    assert client.get("/api/v1/districts/").json()["detail"] == "身份认证信息未提供。"
    english = client.get("/api/v1/districts/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "Authentication credentials were not provided."
