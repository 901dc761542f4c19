"""Form fields and widgets that give back what they show: a record saved unchanged through any form (the admin's
change forms and inlines, the self-service pages) is the record it was.

- Dates, times and datetimes render in the first input format of the language, which the project's format modules
  (`config.formats`, FORMAT_MODULE_PATH) make ISO with seconds; an <input type=date> is ISO whatever the language.
- Text from a textarea has its line ends normalised to LF (browsers post CRLF), and the text as shown is no change.
- A form saved with no change writes nothing (`config.admin.ScopedAdmin`, the self-service views and services):
  no save, no history entry, no new `updated` stamp.
"""

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import models

ISO_DATE = "%Y-%m-%d"


def normalise_newlines(value):
    """Text with CRLF and CR line ends made LF (anything else as it is)."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


class DateInput(forms.DateInput):
    """An <input type=date>: its value yyyy-mm-dd, the one format it shows (any other posts back empty)."""

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


class ChoiceArrayField(forms.TypedMultipleChoiceField):
    """A list of choices (an ArrayField of a field with choices) as checkboxes labelled in the page's language,
    instead of a comma-separated list of codes a clerk would have to know (建模、渲染 are ticked, not typed)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, base_field=None, max_length=None, **kwargs):  # ArrayField's SimpleArrayField arguments
        kwargs.setdefault("coerce", str)
        super().__init__(**kwargs)


def formfield_kwargs(db_field, kwargs: dict) -> dict:
    """The keyword arguments of a model field's form field: long text through MultilineField, a list of choices as
    checkboxes (ChoiceArrayField)."""
    if isinstance(db_field, models.TextField) and not db_field.choices:
        kwargs.setdefault("form_class", MultilineField)
    if isinstance(db_field, ArrayField) and db_field.base_field.choices:
        kwargs.setdefault("form_class", ChoiceArrayField)
        kwargs.setdefault("choices", db_field.base_field.choices)
    return kwargs


def formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: long text through MultilineField, dates as <input type=date>."""
    if type(db_field) is models.DateField:
        kwargs.setdefault("widget", DateInput)
    return db_field.formfield(**formfield_kwargs(db_field, kwargs))


class RoundTripModelForm(forms.ModelForm):
    """A ModelForm that writes only what was changed: a field posted back as shown keeps the record's own value
    (a datetime shown to the second keeps its microseconds, a text its surrounding space). A subclass's Meta
    inherits this one (`class Meta(RoundTripModelForm.Meta)`) for its model fields' callback; the admin's forms
    take the admin's callback (`config.admin.RoundTripFieldsMixin`)."""

    class Meta:
        formfield_callback = formfield

    def _post_clean(self):
        unchanged = set(self.cleaned_data) - set(self.changed_data)
        for field in self.instance._meta.concrete_fields:
            if field.name in unchanged and not field.is_relation:
                self.cleaned_data[field.name] = getattr(self.instance, field.attname)
        super()._post_clean()
