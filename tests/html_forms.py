"""What a browser would post back from a rendered form, unchanged: its entry list, built as the HTML standard
builds it (https://html.spec.whatwg.org/#constructing-the-form-data-set), after each control's value sanitization.

A value a control cannot show (a date that is not yyyy-mm-dd in an <input type=date>, text that is not a number
in an <input type=number>, a line break in a one-line input) is what the browser would send instead: the empty
string, or the value without the line breaks. Textareas send their lines ending in CRLF, as browsers do.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlencode

NEWLINES = re.compile(r"[\r\n]")
ASCII_WHITESPACE = "\t\n\f\r "
FLOAT = re.compile(r"-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?")
DATE = re.compile(r"(\d{4,})-(\d{2})-(\d{2})")
TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,3})?)?")
BUTTONS = {"submit", "button", "reset", "image"}
LINES = re.compile(r"\r\n|\r|\n")


def _valid_date(value: str) -> bool:
    match = DATE.fullmatch(value)
    if not match:
        return False
    try:
        date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return True


def sanitize(input_type: str, value: str) -> str:
    """An <input>'s value after the standard's value sanitization algorithm for its type."""
    if input_type in {"text", "search", "tel", "password", "hidden"}:
        return value if input_type == "hidden" else NEWLINES.sub("", value)
    if input_type in {"url", "email"}:
        return NEWLINES.sub("", value).strip(ASCII_WHITESPACE)
    if input_type == "number":
        return value if FLOAT.fullmatch(value) else ""
    if input_type == "date":
        return value if _valid_date(value) else ""
    if input_type == "time":
        return value if TIME.fullmatch(value) else ""
    if input_type == "datetime-local":
        day, _sep, clock = value.replace(" ", "T").partition("T")
        return value if _valid_date(day) and TIME.fullmatch(clock) else ""
    return value


@dataclass
class _Select:
    name: str
    disabled: bool
    multiple: bool
    options: list = field(default_factory=list)  # (value, selected, disabled)


class FormParser(HTMLParser):
    """Collects the controls of every <form> of a page, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._fieldsets: list[bool] = []  # disabled state of the open fieldsets
        self._select: _Select | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def _disabled(self, attrs: dict) -> bool:
        return "disabled" in attrs or any(self._fieldsets)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"attrs": attrs, "controls": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "fieldset":
            self._fieldsets.append("disabled" in attrs)
        elif tag == "input":
            self._form["controls"].append(("input", attrs, self._disabled(attrs)))
        elif tag == "button":
            self._form["controls"].append(("button", attrs, self._disabled(attrs)))
        elif tag == "select":
            self._select = _Select(attrs.get("name") or "", self._disabled(attrs), "multiple" in attrs)
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, "disabled" in attrs, ""]
        elif tag == "textarea":
            self._textarea = [attrs, self._disabled(attrs), ""]

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "form":
            self._form = None
        elif tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            self._form["controls"].append(("select", self._select, self._select.disabled))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            attrs, disabled, text = self._textarea
            if text.startswith("\n"):  # the parser drops a newline right after <textarea>
                text = text[1:]
            self._form["controls"].append(("textarea", {**attrs, "text": text}, disabled))
            self._textarea = None

    def _close_option(self):
        if self._option is not None:
            value, selected, disabled, text = self._option
            # an option without a value attribute has its text, with whitespace collapsed, as its value
            self._select.options.append((" ".join(text.split()) if value is None else value, selected, disabled))
            self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[2] += data
        elif self._option is not None:
            self._option[3] += data


def entries(form: dict, submitter: str | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for the form, submitted by the button named `submitter`."""
    pairs = []
    for kind, attrs, disabled in form["controls"]:
        if disabled:
            continue
        if kind == "select":
            enabled = [option for option in attrs.options if not option[2]]
            chosen = [option for option in attrs.options if option[1] and not option[2]]
            if not attrs.multiple and not chosen and enabled:
                chosen = enabled[:1]  # a drop-down shows (and sends) its first option when none is selected
            if not attrs.multiple:
                chosen = chosen[-1:]
            pairs += [(attrs.name, option[0]) for option in chosen if attrs.name]
            continue
        name = attrs.get("name")
        if not name:
            continue
        if kind == "textarea":
            pairs.append((name, LINES.sub("\r\n", attrs["text"])))
            continue
        input_type = (attrs.get("type") or ("submit" if kind == "button" else "text")).lower()
        if input_type in BUTTONS:
            if name == submitter:
                pairs.append((name, attrs.get("value") or ""))
            continue
        if input_type in {"checkbox", "radio"}:
            if "checked" in attrs:
                pairs.append((name, attrs.get("value", "on")))
            continue
        if input_type == "file":
            continue
        pairs.append((name, sanitize(input_type, attrs.get("value") or "")))
    return pairs


def page_forms(html: str) -> list[dict]:
    """Every form of a page, with its attributes and controls."""
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def post_back(html: str, *, form_id: str | None = None, submitter: str | None = None) -> str:
    """The urlencoded body a browser posts when the page's form (the one with this id, else the only form that
    posts to the page itself) is submitted unchanged."""
    forms = [form for form in page_forms(html) if (form["attrs"].get("method") or "").lower() == "post"]
    if form_id is not None:
        forms = [form for form in forms if form["attrs"].get("id") == form_id]
    else:
        forms = [form for form in forms if not form["attrs"].get("action")]
    assert len(forms) == 1, f"{len(forms)} forms to post on the page"
    return urlencode(entries(forms[0], submitter))
