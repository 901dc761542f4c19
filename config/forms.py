"""Form fields and widgets that give back what they show: a record saved unchanged through any form (the admin's
change forms and inlines, the self-service pages) is the record it was.

- Dates render as yyyy-mm-dd, the one format an <input type=date> shows (a localised 2021/03/15 shows as empty
  and posts back empty); times with their seconds. The admin's text date inputs take the same format, which
  every language's input formats read.
- Text from a textarea has its line ends normalised to LF (browsers post CRLF), and the unchanged text is no change.
- A form saved with no change writes nothing (`config.admin.ScopedAdmin`, the self-service views and services):
  no save, no history entry, no new `updated` stamp.
"""

from django import forms
from django.db import models

ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M:%S"
ISO_DATETIME = f"{ISO_DATE} {ISO_TIME}"


def normalise_newlines(value):
    """Text with CRLF and CR line ends made LF (anything else as it is)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class DateInput(forms.DateInput):
    """An <input type=date>, its value always yyyy-mm-dd."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE)


class MultilineField(forms.CharField):
    """Text typed in a textarea, stored with LF line ends: CRLF and CR are LF, and the text as shown is no change."""

    def to_python(self, value):
        return super().to_python(normalise_newlines(value))

    def has_changed(self, initial, data):
        """Compared as the form cleans both: line ends and surrounding space alone are no change."""
        if self.disabled:
            return False
        return super().has_changed(self.to_python(initial), data)


def showing_as_posted(formfield):
    """The form field with widgets that render dates and times in the formats they post back (ISO)."""
    if formfield is None:
        return formfield
    widgets = getattr(formfield.widget, "widgets", [formfield.widget])  # a split date and time has two
    for widget in widgets:
        if isinstance(widget, forms.DateTimeInput):
            widget.format = ISO_DATETIME
        elif isinstance(widget, forms.DateInput):
            widget.format = ISO_DATE
        elif isinstance(widget, forms.TimeInput):
            widget.format = ISO_TIME
    return formfield


def formfield_kwargs(db_field, kwargs: dict) -> dict:
    """The keyword arguments of a model field's form field: textareas through MultilineField."""
    if isinstance(db_field, models.TextField) and not db_field.choices:
        kwargs.setdefault("form_class", MultilineField)
    return kwargs


def formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: textareas normalised, dates as <input type=date> in ISO."""
    if type(db_field) is models.DateField:
        kwargs.setdefault("widget", DateInput)
    return showing_as_posted(db_field.formfield(**formfield_kwargs(db_field, kwargs)))


class RoundTripModelForm(forms.ModelForm):
    """A ModelForm whose fields give back what they show (declared fields included); a subclass's Meta inherits
    this Meta (`class Meta(RoundTripModelForm.Meta)`) for its model fields' callback."""

    class Meta:
        formfield_callback = formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            showing_as_posted(field)
