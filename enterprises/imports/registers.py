"""Imports of the enterprise's own registers: standards, IP items, financing rounds, listings and industry
activities, each row naming its enterprise by credit code and matched on the register's key (a standard's number;
an item's type and number; a round's date and name; a listing's board and date; an activity's kind, day and title):
new records added, matched ones updated, as the API's scope allows (the enterprise its own, the bureau all).
Compliance filings are matched on their kind, service and day filed. Virtual characters take one row per
registration: the rows of a character (credit code and name) are written together by `character_save`."""

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from access.scoping import CHANGE, VIEW, input_choices
from enterprises.models import (
    ComplianceFiling,
    DigitalHumanIp,
    DigitalHumanRegistration,
    Enterprise,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)
from enterprises.registers import REGISTRATION_FIELDS, character_save
from enterprises.services import NO_SUCH_CREDIT_CODE

from .base import CHUNK, Change, Importer, Row


class RegisterImporter(Importer):
    """A register's rows: the enterprise by credit code, matched with `key` (fields besides the enterprise)."""

    key: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    resolved_fields = ("enterprise",)
    error_columns = {"enterprise": "credit_code"}

    def preload(self, rows: list[Row]) -> None:
        """The enterprises the file names that the user may name, and their records of the register."""
        codes = {row.values.get("credit_code") for row in rows} - {None}
        named = input_choices(user=self.user, queryset=Enterprise.objects.filter(credit_code__in=codes), action=VIEW)
        self.enterprises = {e.credit_code: e for e in named}
        records = list(self.model.objects.filter(enterprise__in=list(self.enterprises.values())))
        self.existing = {self.key_of(record.enterprise_id, record): record for record in records}
        self.changeable = self.ids_in_scope([record.pk for record in records], CHANGE)

    def key_of(self, enterprise_id: int, values) -> tuple:
        """The key of a record or of a row's values."""
        get = values.get if isinstance(values, dict) else (lambda name: getattr(values, name))
        return (enterprise_id, *(get(name) for name in self.key))

    def prepare(self, row: Row) -> Change | None:
        """A new record, the matched one with the row's changes, or None (unchanged or refused)."""
        code = self.required(row, "credit_code")
        keys = [self.required(row, name) for name in self.key]
        enterprise = self.enterprises.get(code) if code else None
        if code and enterprise is None:
            self.error(row, "enterprise", NO_SUCH_CREDIT_CODE)
        if enterprise is None or None in keys:
            self.probe(row, self.model(), self.fields)
            return None
        key = self.key_of(enterprise.pk, row.values)
        if not self.first_seen(row, key, self.key[-1]):
            return None
        return self.add_or_change(row, existing=self.existing.get(key), new=lambda: self.model(enterprise=enterprise),
                                  fields=self.fields, new_fields=(*self.key, *self.fields))


class StandardImporter(RegisterImporter):
    """Standards, matched on the enterprise and the standard's number."""

    model = Standard
    key = ("number",)
    fields = ("title", "level", "role", "status", "started_on", "approved_on", "published_on", "co_drafters")


class IntellectualPropertyImporter(RegisterImporter):
    """IP items, matched on the enterprise, the type and the number."""

    model = IntellectualProperty
    key = ("type", "number")
    fields = ("title", "granted_on", "expires_on", "self_developed", "high_value", "applied")


class FinancingRoundImporter(RegisterImporter):
    """Financing rounds, matched on the enterprise, the day closed and the round's name."""

    model = FinancingRound
    key = ("closed_on", "round_name")
    fields = ("amount", "lead_investor", "equity", "guided_fund")


class ListingImporter(RegisterImporter):
    """Listings, matched on the enterprise, the board and the day listed."""

    model = Listing
    key = ("board", "listed_on")
    fields = ("stock_code", "delisted_on")


class ComplianceFilingImporter(RegisterImporter):
    """Compliance filings, matched on the enterprise, the kind, the service filed and the day filed."""

    model = ComplianceFiling
    key = ("kind", "service_name", "filed_on")
    fields = ("number", "valid_until", "cancelled_on")


class IndustryActivityImporter(RegisterImporter):
    """Industry activities, matched on the enterprise, the kind, the day held and the title."""

    model = IndustryActivity
    key = ("kind", "held_on", "title")
    fields = ("partner", "people", "notes")


def _constraint_message(model, name: str) -> str:
    """The message of one of a model's constraints."""
    return str(next(c for c in model._meta.constraints if c.name == name).violation_error_message)


class CharacterImporter(RegisterImporter):
    """Virtual characters, matched on the enterprise and the name, one row per registration: the rows of a
    character are one `character_save` (the character and its registrations, all or nothing), which makes its
    registrations exactly the rows' (a file without the registration columns leaves them as they are). The rows
    of a character give it the same type and launch date; a character and registrations as recorded are not
    written. The report counts characters (created, updated, unchanged), not rows."""

    model = DigitalHumanIp
    key = ("name",)
    fields = ("dh_type", "launched_on")
    resolved_fields = ("enterprise", "character")

    def preload(self, rows: list[Row]) -> None:
        """The register's enterprises and characters, then the registrations of those characters and those
        recorded under the numbers the file gives (one query)."""
        super().preload(rows)
        numbers = {row.values.get("number") for row in rows} - {None}
        self.registrations: dict[int, dict] = {}  # character id -> {(kind, number): registered_on}
        self.recorded: dict[tuple, int] = {}  # (kind, number) -> the character it is recorded for
        query = Q(character__in=[c.pk for c in self.existing.values()]) | Q(number__in=numbers)
        for reg in DigitalHumanRegistration.objects.filter(query):
            self.recorded[reg.kind, reg.number] = reg.character_id
            self.registrations.setdefault(reg.character_id, {})[reg.kind, reg.number] = reg.registered_on
        self.registration: dict[int, dict | None] = {}  # row number -> the registration it gives
        self.with_registrations = any(name in self.headers for name in REGISTRATION_FIELDS)

    def run(self):
        """Group the rows by character, then write each character with its registrations."""
        self.lock()
        rows = [self.read(number, cells) for number, cells in self.table.rows]
        self.preload(rows)
        groups: dict[tuple, list[Row]] = {}
        for row in rows:
            key = self.character_key(row)
            if key is not None:
                groups.setdefault(key, []).append(row)
        done, self.written = 0, ([], [])  # the characters added and changed, checked against the scope at the end
        for (enterprise, name), group in groups.items():
            self.save_character(enterprise, name, group)
            done += len(group)
            if done // CHUNK != (done - len(group)) // CHUNK:
                self.on_progress(done)
        self.check_scope(*self.written)
        self.on_progress(len(rows))
        return self.report

    def character_key(self, row: Row) -> tuple | None:
        """(enterprise, name) of the row's character, its registration read and checked (None: refused)."""
        code, name = self.required(row, "credit_code"), self.required(row, "name")
        enterprise = self.enterprises.get(code) if code else None
        if code and enterprise is None:
            self.error(row, "enterprise", NO_SUCH_CREDIT_CODE)
        self.registration[row.number] = self.registration_of(row)
        if enterprise is None or name is None:
            self.probe(row, self.model(), self.fields)
            return None
        return enterprise, name

    def registration_of(self, row: Row) -> dict | None:
        """The row's registration (None when its three cells are empty), checked as the model checks it and
        against the file's other rows."""
        values = {name: row.values.get(name) for name in REGISTRATION_FIELDS}
        if all(value is None for value in values.values()) and not row.bad & set(REGISTRATION_FIELDS):
            return None
        for name in REGISTRATION_FIELDS:
            self.required(row, name)
        self.validate(row, DigitalHumanRegistration(**values))
        if row.bad & set(REGISTRATION_FIELDS):
            return None
        if not self.first_seen(row, ("registration", values["kind"], values["number"]), "number"):
            return None
        return values

    def save_character(self, enterprise: Enterprise, name: str, rows: list[Row]) -> None:
        """The character of a group of rows: built from them and checked; written with its registrations by
        character_save unless a row is refused or nothing changes."""
        first = rows[0]
        for field_name in self.fields:
            given = [row for row in rows if field_name in row.values and field_name not in row.bad]
            for row in given[1:]:
                if row.values[field_name] != given[0].values[field_name]:
                    self.error(row, field_name, _("Row %(row)d gives this character another value.") % {
                        "row": given[0].number})
        existing, changed = self.existing.get((enterprise.pk, name)), None
        if existing is None:
            if not self.addable(first):
                return
            obj = DigitalHumanIp(enterprise=enterprise, name=name)
            self.assign(first, obj, self.fields)
            self.validate(first, obj)
        else:
            obj = self.updatable(first, existing, self.changeable)
            if obj is None:
                return
            changed = self.assign(first, obj, self.fields)
            self.validate(first, obj, changed)
        registrations = None
        if self.with_registrations:
            registrations = []
            for row in rows:
                registration = self.registration[row.number]
                if registration is None:
                    continue
                owner = self.recorded.get((registration["kind"], registration["number"]))
                if owner is not None and owner != obj.pk:
                    self.error(row, "number", _constraint_message(DigitalHumanRegistration, "dh_registration_unique"))
                registrations.append(registration)
        if any(row.failed for row in rows):
            return
        if changed == [] and (registrations is None or self.registrations.get(obj.pk, {}) == {
                (r["kind"], r["number"]): r["registered_on"] for r in registrations}):
            self.report.unchanged += 1
            return
        try:
            with transaction.atomic():
                character_save(character=obj, registrations=registrations, changed=changed is None or bool(changed))
        except ValidationError as error:
            self.errors_of(first, error)
            return
        except (IntegrityError, DataError) as error:
            self.refused(Change(first, obj), error)
            return
        self.written[changed is not None].append(Change(first, obj, changed))


REGISTER_IMPORTERS = {"standards": StandardImporter, "ip_items": IntellectualPropertyImporter,
                      "financing_rounds": FinancingRoundImporter, "listings": ListingImporter,
                      "compliance": ComplianceFilingImporter,
                      "activities": IndustryActivityImporter, "characters": CharacterImporter}
# Each register's records in a stable export order.
REGISTER_EXPORTS = {
    "standards": lambda: Standard.objects.order_by("enterprise__credit_code", "number", "pk"),
    "ip_items": lambda: IntellectualProperty.objects.order_by("enterprise__credit_code", "type", "number"),
    "financing_rounds": lambda: FinancingRound.objects.order_by("enterprise__credit_code", "closed_on", "pk"),
    "listings": lambda: Listing.objects.order_by("enterprise__credit_code", "listed_on", "pk"),
    "compliance": lambda: ComplianceFiling.objects.order_by("enterprise__credit_code", "kind", "filed_on", "pk"),
    "activities": lambda: IndustryActivity.objects.order_by("enterprise__credit_code", "held_on", "kind", "pk"),
    # one row per registration (a character without any: one row, its registration cells empty): the join is in
    # the filter, so that the export's count (a job's total) counts these rows, not the characters
    "characters": lambda: DigitalHumanIp.objects.filter(
        Q(registrations__isnull=True) | Q(registrations__isnull=False)).order_by(
        "enterprise__credit_code", "name", "pk", "registrations__registered_on", "registrations__pk"),
}
