"""Forms of the enterprise's own registers on its pages (我的登记) and the table of those pages: one entry per register
(`REGISTER_PAGES`: its address, model, form, title and columns), so that a register is added to the pages by one entry
and its form (docs/registers-enterprise.md).

The forms write as the API writes: the model's full validation (its fields, `clean()` and the constraints with the
enterprise, which the page sets and the form does not show) and `save()`, as the registers' serializers do; a virtual
character with its registrations through `character_save`, all or nothing. A field the form does not show is never
written (RoundTripModelForm: a field posted back as shown keeps the record's own value). Each field is labelled with
the model's name of it, which the model makes right in Chinese (docs/screens-copy.md, "Field names")."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from config.forms import DateInput, RoundTripModelForm

from .models import (
    ComplianceFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)
from .registers import REGISTRATION_FIELDS, character_save

REGISTRATION_TWICE = _("A registration is listed twice.")  # the API's message for the same input


class RegisterForm(RoundTripModelForm):
    """A register's record of the page's enterprise: the model's validation includes the enterprise (set by the page,
    not shown), so a record the enterprise already holds is refused on the form, as the API refuses it."""

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise

    def _get_validation_exclusions(self):
        """The fields the model's validation leaves out: those not on the form, but never the enterprise."""
        return super()._get_validation_exclusions() - {"enterprise"}

    def changes(self) -> bool:
        """Whether saving writes anything: a new record, or a field changed."""
        return self.instance.pk is None or self.has_changed()

    def save_record(self):
        """Write the record as the API writes it (validated with the form: the model's `full_clean()`), only when
        the form changed it; the record."""
        if self.changes():
            self.instance.save()
        return self.instance


class StandardForm(RegisterForm):
    """A standard the enterprise drafts or drafted."""

    class Meta(RoundTripModelForm.Meta):
        model = Standard
        fields = ["title", "number", "level", "role", "status", "started_on", "approved_on", "published_on",
                  "co_drafters"]
        widgets = {"co_drafters": forms.Textarea(attrs={"rows": 3})}


class IntellectualPropertyForm(RegisterForm):
    """A patent, software copyright or other IP item (its class follows from its type)."""

    class Meta(RoundTripModelForm.Meta):
        model = IntellectualProperty
        fields = ["type", "number", "title", "granted_on", "expires_on", "self_developed", "high_value", "applied"]


class FinancingRoundForm(RegisterForm):
    """A financing round (amount in 万元)."""

    class Meta(RoundTripModelForm.Meta):
        model = FinancingRound
        fields = ["closed_on", "amount", "round_name", "lead_investor", "equity", "guided_fund"]


class ListingForm(RegisterForm):
    """Where the enterprise is listed or quoted."""

    class Meta(RoundTripModelForm.Meta):
        model = Listing
        fields = ["board", "stock_code", "listed_on", "delisted_on"]


class ComplianceFilingForm(RegisterForm):
    """An algorithm filing or a content- or data-security record of the enterprise's service."""

    class Meta(RoundTripModelForm.Meta):
        model = ComplianceFiling
        fields = ["kind", "service_name", "number", "filed_on", "valid_until", "cancelled_on"]


class IndustryActivityForm(RegisterForm):
    """A national programme, tool verification, talent recognition, training, exchange or international activity
    (a count of people, never their names)."""

    class Meta(RoundTripModelForm.Meta):
        model = IndustryActivity
        fields = ["kind", "title", "partner", "held_on", "people", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class RegistrationForm(forms.Form):
    """One registration of a virtual character: kind, number, day registered (a row of the character's formset)."""

    # With its blank choice first: an empty row posts no kind, so a browser's unchanged empty row stays empty.
    kind = forms.ChoiceField(label=DigitalHumanRegistration._meta.get_field("kind").verbose_name,
                             choices=DigitalHumanRegistration._meta.get_field("kind").get_choices())
    number = forms.CharField(label=DigitalHumanRegistration._meta.get_field("number").verbose_name, max_length=64)
    registered_on = forms.DateField(label=DigitalHumanRegistration._meta.get_field("registered_on").verbose_name,
                                    widget=DateInput())


class BaseRegistrationFormSet(forms.BaseFormSet):
    """The character's registrations as rows: each row checked by the registration model's own validation (on its
    field), a registration listed twice refused; empty rows and rows marked for removal are left out."""

    def __init__(self, *args, character: DigitalHumanIp, **kwargs):
        self.character = character
        self.kept = {(r.kind, r.number): r for r in character.registrations.all()} if character.pk else {}
        kwargs.setdefault("initial", [{name: getattr(r, name) for name in REGISTRATION_FIELDS}
                                      for r in self.kept.values()])
        super().__init__(*args, **kwargs)

    def rows(self) -> list[forms.Form]:
        """The rows that stay: filled in and not marked for removal."""
        return [form for form in self.forms
                if getattr(form, "cleaned_data", None) and not self._should_delete_form(form)]

    def clean(self):
        """Each registration validated by its model (a number already recorded, a date in the future), on its row."""
        if any(self.errors):
            return
        seen = set()
        for form in self.rows():
            values = form.cleaned_data
            key = (values["kind"], values["number"])
            if key in seen:
                form.add_error("number", REGISTRATION_TWICE)
                continue
            seen.add(key)
            registration = self.kept.get(key) or DigitalHumanRegistration()
            for name in REGISTRATION_FIELDS:
                setattr(registration, name, values[name])
            try:
                registration.full_clean(exclude=["character"])
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, messages)
        if any(self.errors):
            raise ValidationError(_("Correct the registrations marked below."))

    def registrations(self) -> list[dict]:
        """The registrations as `character_save` takes them: exactly the list the character keeps."""
        return [{name: form.cleaned_data[name] for name in REGISTRATION_FIELDS} for form in self.rows()]


RegistrationFormSet = forms.formset_factory(RegistrationForm, formset=BaseRegistrationFormSet, extra=2,
                                            can_delete=True, max_num=50, validate_max=True)


class DigitalHumanIpForm(RegisterForm):
    """A virtual character with its registrations (a formset), written together by `character_save`: the character's
    fields when the form changed them, its registrations made exactly the rows kept, all or nothing."""

    class Meta(RoundTripModelForm.Meta):
        model = DigitalHumanIp
        fields = ["name", "dh_type", "launched_on", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = RegistrationFormSet(self.data if self.is_bound else None, prefix="registrations",
                                                 character=self.instance)

    def is_valid(self) -> bool:
        """The character and every registration row valid."""
        return all([super().is_valid(), self.registrations.is_valid()])

    def changes(self) -> bool:
        """Whether saving writes anything: the character or its registrations changed."""
        return super().changes() or self.registrations.has_changed()

    def save_record(self):
        """Write the character and its registrations as the API writes them (`character_save`)."""
        return character_save(character=self.instance, registrations=self.registrations.registrations(),
                              changed=self.has_changed())


@dataclass(frozen=True)
class RegisterPage:
    """One register on the enterprise's pages: its address (`slug`), model, form, title and the columns of its list
    (field names of the model; `registrations` lists a character's)."""

    slug: str
    model: type
    form: type[RegisterForm]
    title: str
    columns: tuple[str, ...]
    prefetch: tuple[str, ...] = ()


# The registers' pages, in the order of their tabs: a register is added here with its form. A column is headed as
# its field is labelled on the form (where the form shows it), else by the model's name of the field.
REGISTER_PAGES = (
    RegisterPage("standards", Standard, StandardForm, pgettext_lazy("register", "Standards"),
                 ("title", "number", "level", "role", "status", "published_on")),
    RegisterPage("ip", IntellectualProperty, IntellectualPropertyForm,
                 pgettext_lazy("register", "Intellectual property"),
                 ("type", "ip_class", "number", "title", "granted_on", "expires_on")),
    RegisterPage("characters", DigitalHumanIp, DigitalHumanIpForm, pgettext_lazy("register", "Virtual characters"),
                 ("name", "dh_type", "launched_on", "registrations"), prefetch=("registrations",)),
    RegisterPage("financing", FinancingRound, FinancingRoundForm, pgettext_lazy("register", "Financing rounds"),
                 ("closed_on", "round_name", "amount", "lead_investor", "equity", "guided_fund")),
    RegisterPage("listings", Listing, ListingForm, pgettext_lazy("register", "Listings"),
                 ("board", "stock_code", "listed_on", "delisted_on")),
    RegisterPage("compliance", ComplianceFiling, ComplianceFilingForm, pgettext_lazy("register", "Compliance filings"),
                 ("kind", "service_name", "number", "filed_on", "valid_until", "cancelled_on")),
    RegisterPage("activities", IndustryActivity, IndustryActivityForm,
                 pgettext_lazy("register", "Industry activities"), ("kind", "title", "partner", "held_on", "people")),
)
PAGES_BY_SLUG = {page.slug: page for page in REGISTER_PAGES}
