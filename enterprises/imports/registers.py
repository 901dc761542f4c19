"""Imports of the enterprise's own registers: standards, IP items, financing rounds, listings and industry
activities, each row naming its enterprise by credit code and matched on the register's key (a standard's number;
an item's type and number; a round's date and name; a listing's board and date; an activity's kind, day and title):
new records added, matched ones updated, as the API's scope allows (the enterprise its own, the bureau all).
Virtual characters, whose registrations are rows of their own, are entered through the API and the admin.
Compliance filings are matched on their kind, service and day filed."""

from access.scoping import CHANGE, VIEW, input_choices
from enterprises.models import (
    ComplianceFiling,
    Enterprise,
    FinancingRound,
    IndustryActivity,
    IntellectualProperty,
    Listing,
    Standard,
)
from enterprises.services import NO_SUCH_CREDIT_CODE

from .base import Change, Importer, Row


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
        existing = self.existing.get(key)
        if existing is None:
            if not self.addable(row):
                return None
            obj = self.model(enterprise=enterprise)
            self.assign(row, obj, (*self.key, *self.fields))
            self.validate(row, obj)
            return None if row.failed else Change(row, obj)
        obj = self.updatable(row, existing, self.changeable)
        if obj is None:
            return None
        changed = self.assign(row, obj, self.fields)
        if not changed:
            self.report.unchanged += not row.failed
            return None
        self.validate(row, obj)
        return None if row.failed else Change(row, obj, changed)


class StandardImporter(RegisterImporter):
    """Standards, matched on the enterprise and the standard's number."""

    model = Standard
    key = ("number",)
    fields = ("title", "level", "role", "status", "started_on", "approved_on", "published_on", "co_drafters")
    constraint_fields = {"standard_number_unique": "number"}


class IntellectualPropertyImporter(RegisterImporter):
    """IP items, matched on the enterprise, the type and the number."""

    model = IntellectualProperty
    key = ("type", "number")
    fields = ("title", "granted_on", "expires_on", "self_developed", "high_value", "applied")
    constraint_fields = {"ip_number_unique": "number"}


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
    constraint_fields = {"listing_unique": "listed_on"}


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


REGISTER_IMPORTERS = {"standards": StandardImporter, "ip_items": IntellectualPropertyImporter,
                      "financing_rounds": FinancingRoundImporter, "listings": ListingImporter,
                      "compliance": ComplianceFilingImporter,
                      "activities": IndustryActivityImporter}
# Each register's records in a stable export order.
REGISTER_EXPORTS = {
    "standards": lambda: Standard.objects.order_by("enterprise__credit_code", "number", "pk"),
    "ip_items": lambda: IntellectualProperty.objects.order_by("enterprise__credit_code", "type", "number"),
    "financing_rounds": lambda: FinancingRound.objects.order_by("enterprise__credit_code", "closed_on", "pk"),
    "listings": lambda: Listing.objects.order_by("enterprise__credit_code", "listed_on", "pk"),
    "compliance": lambda: ComplianceFiling.objects.order_by("enterprise__credit_code", "kind", "filed_on", "pk"),
    "activities": lambda: IndustryActivity.objects.order_by("enterprise__credit_code", "held_on", "kind", "pk"),
}
