"""The text of an uploaded CSV: UTF-8 (with or without a byte-order mark) or GB18030, decided, never guessed.

The bytes are decoded strictly as UTF-8 first (GB18030 and Big5 bytes of Chinese text are not valid UTF-8), then
strictly as GB18030 (the encoding Excel writes CSV in on Chinese Windows). Almost any sequence of double bytes is
valid GB18030, Big5 included, so a clean decode proves little: text read as GB18030 is refused when more than
one in four of its non-ASCII characters are tell-tales of another encoding read as GB18030, namely Chinese
characters outside GB2312's 6,763 (Big5's traditional characters with a second byte below 0x80 land there),
private-use characters (GB2312's empty rows), kana, bopomofo, Cyrillic and box-drawing characters (GB2312's rows
4 to 9, where Big5's commonest characters land). Simplified Chinese text is within GB2312 but for a few
characters of names (喆, 堃); text mostly in traditional characters is to be saved as UTF-8.

Either way the text is refused when it holds the replacement character U+FFFD (left by an earlier lossy
conversion), control characters other than tab and line breaks (C0 and C1), or UTF-8 decoded as Windows-1252 or
Latin-1 and encoded again (mojibake such as "åŒ—äº¬"). Every refusal is a ValidationError on `file` that names
the line and the encodings accepted.
"""

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ENCODINGS = ("utf-8-sig", "gb18030")
TELLTALE_SHARE = 0.25  # GB18030 text with more tell-tales than this share of its non-ASCII characters is refused
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
REPLACEMENT = "\ufffd"
# UTF-8 read as Windows-1252 or Latin-1: a lead byte 0xC2-0xF4 (the same Latin-1 letter in both) followed by
# continuation bytes 0x80-0xBF (a Latin-1 sign, a Windows-1252 punctuation mark or letter, or a C1 control).
MOJIBAKE = re.compile("[\u00c2-\u00f4][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
                      "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]+")
CJK_BMP = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))  # Chinese characters, Extension A, compatibility
CJK_SUPPLEMENTARY = (0x20000, 0x3FFFF)  # Extensions B and on: none in GB2312
FOREIGN = ((0x0400, 0x04FF), (0x2500, 0x259F), (0x3040, 0x31BF), (0xE000, 0xF8FF), (0xF0000, 0x10FFFF))


def refusal(reason: str) -> ValidationError:
    """A ValidationError on `file` giving the reason and the encodings accepted."""
    return ValidationError({"file": [_("The CSV file is neither UTF-8 nor GB18030 text: %(reason)s Save it as "
                                       "“CSV UTF-8” (or GB18030) and upload it again.") % {"reason": reason}]})


@cache
def telltales() -> re.Pattern:
    """The characters that, read as GB18030, betray another encoding: Chinese characters outside GB2312, and
    private-use, kana, bopomofo, Cyrillic and box-drawing characters (one character class, built once)."""
    ranges, start = list(FOREIGN), None
    for low, high in CJK_BMP:
        for code in range(low, high + 2):
            outside = code <= high and _outside_gb2312(chr(code))
            if outside and start is None:
                start = code
            elif not outside and start is not None:
                ranges.append((start, code - 1))
                start = None
    ranges.append(CJK_SUPPLEMENTARY)
    return re.compile("[" + "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges) + "]")


def _outside_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _double_encoded(text: str) -> re.Match | None:
    """The first run of characters that is UTF-8 read as Windows-1252 or Latin-1 (it encodes back to UTF-8)."""
    for match in MOJIBAKE.finditer(text):
        for codec in ("cp1252", "latin-1"):
            try:
                match.group().encode(codec).decode("utf-8")
            except UnicodeError:
                continue
            return match
    return None


def _check_characters(text: str) -> None:
    """Refuse text holding replacement characters, control characters or mojibake."""
    index = text.find(REPLACEMENT)
    if index >= 0:
        raise refusal(_("line %(line)d holds replacement characters (U+FFFD), left by an earlier wrong conversion.")
                      % {"line": _line(text, index)})
    control = CONTROL.search(text)
    if control:
        raise refusal(_("line %(line)d holds the control character U+%(code)04X.") % {
            "line": _line(text, control.start()), "code": ord(control.group())})
    garbled = _double_encoded(text)
    if garbled:
        raise refusal(_("line %(line)d holds text converted twice (%(sample)s).") % {
            "line": _line(text, garbled.start()), "sample": garbled.group()[:12]})


def _check_gb18030(text: str) -> None:
    """Refuse text read as GB18030 that is rather another encoding (Big5): too many tell-tale characters."""
    first = telltales().search(text)
    if first is None:
        return
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    count = telltales().subn("", text)[1]
    if count > TELLTALE_SHARE * non_ascii:
        raise refusal(_("read as GB18030, %(percent)d%% of its non-ASCII characters are rare characters or "
                        "symbols that betray another encoding (such as Big5), from line %(line)d on.") % {
            "percent": 100 * count // non_ascii, "line": _line(text, first.start())})


def csv_text(content: bytes) -> str:
    """The text of a CSV file's bytes, UTF-8 or GB18030; a ValidationError on `file` for anything else."""
    for encoding in ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030":
            _check_gb18030(text)
        _check_characters(text)
        return text
    raise refusal(_("its bytes decode in neither."))
