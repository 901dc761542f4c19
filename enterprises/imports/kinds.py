"""The three kinds of import: enterprises (matched on the credit code), tenancies (credit code, unit and start)
and annual filings (credit code and year, submitted for review as the filing services submit them)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from access.scoping import CHANGE, VIEW, input_choices
from config.rules import BUREAU_ONLY, bureau_only
from enterprises.choices import EDITABLE_FILING_STATUSES, FilingStatus
from enterprises.models import AnnualFiling, Enterprise, Tenancy, overlap_message
from enterprises.services import (
    NO_SUCH_CREDIT_CODE,
    OVERLAP_CONSTRAINT,
    SUBMISSION_FIELDS,
    filing_stamp_submitted,
    filing_submission_errors,
    filing_year_taken,
    tenancy_check_unit,
    tenancy_lock_units,
    tenancy_open_unit,
)
from parks.models import District, Park, Unit

from .base import Change, Importer, Row
from .columns import FILING_FIGURES, fold
from .registers import REGISTER_IMPORTERS


def _by_name(records, *names) -> dict:
    """Records by each of the named attributes, folded (case, width and spaces ignored)."""
    return {fold(getattr(record, name)): record for record in records for name in names}


class EnterpriseImporter(Importer):
    """Enterprises, matched on the credit code: new ones are added (the bureau's right), known ones updated."""

    model = Enterprise
    resolved_fields = ("district", "park")
    fields = ("name", "short_name", "name_en", "founded", "chain_position", "segments", "status", "profile",
              "website", "contact_name", "contact_phone", "contact_email")

    def preload(self, rows):
        """The enterprises the file names (and which the user may see and change), every district and park."""
        codes = {row.values.get("credit_code") for row in rows} - {None}
        self.existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        ids = [e.pk for e in self.existing.values()]
        self.visible, self.changeable = self.ids_in_scope(ids, VIEW), self.ids_in_scope(ids, CHANGE)
        self.districts = _by_name(input_choices(user=self.user, queryset=District.objects.all()), "name", "code")
        self.parks = _by_name(input_choices(user=self.user, queryset=Park.objects.all()), "name")
        self.now = timezone.now()

    def reference(self, row: Row, name: str, records: dict, message: str):
        """The district or park a cell names (None when empty); an error when there is none such."""
        value = row.values.get(name)
        if value is None:
            return None
        found = records.get(fold(value))
        if found is None:
            self.error(row, name, message % {"name": value})
        return found

    def prepare(self, row):
        """A new enterprise (the bureau's right), the matched one with the row's changes, or None."""
        code = self.required(row, "credit_code")
        if code is not None and not self.first_seen(row, (code,), "credit_code"):
            return None
        district = self.reference(row, "district", self.districts, _("No district is called %(name)s."))
        park = self.reference(row, "park", self.parks, _("No park you may see is called %(name)s."))
        existing = self.existing.get(code)
        if existing is not None and existing.pk not in self.visible:
            existing = None  # what the user may not see is new to them (and they may not add it)
        if existing is None:
            if not self.addable(row):
                return None
            obj = Enterprise(credit_code=code or "")
            self.assign(row, obj, self.fields)
            obj.district, obj.park = district, park
            if district is None and "district" not in row.bad:
                self.error(row, "district", _("This field is required."))
            self.validate(row, obj)
            return Change(row, obj)
        obj = self.updatable(row, existing, self.changeable)
        if obj is None:
            return None
        changed = self.assign(row, obj, self.fields)
        for name, value in (("district", district), ("park", park)):
            if name in row.values and name not in row.bad and getattr(obj, f"{name}_id") != getattr(value, "pk", None):
                setattr(obj, name, value)
                changed.append(name)
        if "district" in changed and district is None:
            self.error(row, "district", _("This field is required."))
        for name in bureau_only(model=Enterprise, names=changed, bureau=self.bureau):
            self.error(row, name, BUREAU_ONLY)
        self.validate(row, obj, changed)
        if not changed:
            self.report.unchanged += not row.failed
            return None
        obj.updated = self.now
        return Change(row, obj, [*changed, "updated"])


# What a tenancy row sets besides its key (a matched tenancy's are updated): 租期至 (read as the exclusive end), the
# rent and the contract's number, deposit and rent-free months.
TENANCY_TERMS = ("end", "rent", "contract_number", "deposit", "rent_free_months")


class TenancyImporter(Importer):
    """Tenancies, matched on the enterprise (credit code), the unit (park, building, floor, room) and the start
    date: new ones are added, the end (read from 租期至), rent and contract terms of known ones updated. Overlaps
    are checked against the unit's tenancies and the file's other rows before the database's exclusion constraint
    has its say."""

    model = Tenancy
    resolved_fields = ("unit", "park", "enterprise")
    error_columns = {"unit": "room", "enterprise": "credit_code"}
    constraint_fields = {OVERLAP_CONSTRAINT: "start"}

    def preload(self, rows):
        """The tenants by credit code (any enterprise: a unit is let to one outside the scope by its exact code),
        the units of the parks named among those the user sees (another park's do not exist for them), and those
        units' tenancies."""
        codes = {row.values.get("credit_code") for row in rows} - {None}
        self.enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        self.parks = _by_name(input_choices(user=self.user, queryset=Park.objects.all()), "name")
        named = {self.parks[fold(row.values["park"])].pk for row in rows
                 if row.values.get("park") and fold(row.values["park"]) in self.parks}
        units = input_choices(user=self.user, queryset=Unit.objects.filter(park_id__in=named))
        self.units = {(u.park_id, u.building, u.floor, u.room): u for u in units}
        # The units' tenancies are read under the units' locks, as the API's writes take them: a letting of one of
        # them in the API waits for this import, and the import reads every letting committed before it.
        tenancy_lock_units(unit_ids=[u.pk for u in self.units.values()])
        self.held: dict[int, list] = {}  # unit id -> its tenancies (and the file's new ones) as they will be
        self.existing = {}
        for tenancy in Tenancy.objects.filter(park_id__in=named).select_related("enterprise", "unit"):
            self.held.setdefault(tenancy.unit_id, []).append(tenancy)
            self.existing[tenancy.enterprise_id, tenancy.unit_id, tenancy.start] = tenancy
        ids = [t.pk for t in self.existing.values()]
        self.visible, self.changeable = self.ids_in_scope(ids, VIEW), self.ids_in_scope(ids, CHANGE)
        self.row_of: dict[int, int] = {}  # id() of a tenancy this file adds -> its row

    def unit_of(self, row: Row) -> Unit | None:
        """The unit a row names by park, building, floor and room."""
        park_name = self.required(row, "park")
        place = [self.required(row, name) for name in ("building", "floor", "room")]
        if park_name is None or None in place:
            return None
        park = self.parks.get(fold(park_name))
        if park is None:
            self.error(row, "park", _("No park you may see is called %(name)s.") % {"name": park_name})
            return None
        unit = self.units.get((park.pk, *place))
        if unit is None:
            self.error(row, "unit", _("%(park)s has no unit %(place)s.") % {"park": park, "place": "-".join(place)})
        return unit

    def prepare(self, row):
        """A new tenancy, the matched one with a new end or rent, or None."""
        code = self.required(row, "credit_code")
        enterprise = self.enterprises.get(code)
        if code is not None and enterprise is None:
            self.error(row, "enterprise", NO_SUCH_CREDIT_CODE)
        unit, start = self.unit_of(row), self.required(row, "start")
        if enterprise is None or unit is None or start is None:
            self.probe(row, Tenancy(start=start), TENANCY_TERMS)
            return None
        key = (enterprise.pk, unit.pk, start)
        if not self.first_seen(row, key, "start"):
            return None
        existing = self.existing.get(key)
        if existing is not None and existing.pk not in self.visible:
            existing = None
        if existing is None:
            if not self.addable(row):
                return None
            obj = Tenancy(unit=unit, park_id=unit.park_id, enterprise=enterprise, start=start)
            self.assign(row, obj, TENANCY_TERMS)
            self.validate(row, obj)
            change = Change(row, obj)
        else:
            obj = self.updatable(row, existing, self.changeable)
            if obj is None:
                return None
            changed = self.assign(row, obj, TENANCY_TERMS)
            self.validate(row, obj, changed)
            if not changed:
                self.report.unchanged += not row.failed
                return None
            change = Change(row, obj, changed)
        if not row.failed:
            self.check_unit(row, obj, existing)
        if not row.failed:
            self.check_overlap(row, obj, existing)
        return change

    def check_unit(self, row: Row, obj: Tenancy, existing: Tenancy | None) -> None:
        """The unit's dates as tenancy_save checks and moves them: refused past its closing; a new tenancy
        starting before the unit (or its park) opened moves their opening back to its start."""
        try:
            tenancy_check_unit(tenancy=obj)
        except ValidationError as error:
            self.errors_of(row, error)
            return
        if existing is None:
            tenancy_open_unit(unit=obj.unit, day=obj.start)

    def check_overlap(self, row: Row, obj: Tenancy, existing: Tenancy | None) -> None:
        """Refuse a tenancy overlapping another of its unit (on record or earlier in the file); else keep it."""
        others = [t for t in self.held.get(obj.unit_id, []) if t is not existing]
        far = datetime.date.max
        for other in others:
            if obj.start < (other.end or far) and other.start < (obj.end or far):
                if id(other) in self.row_of:
                    message = _("The unit is already let from %(start)s to %(end)s by row %(row)d.") % {
                        "start": other.start, "end": other.last_day or _("open end"), "row": self.row_of[id(other)]}
                else:
                    message = overlap_message(other, user=self.user)
                self.error(row, "start", message)
                return
        self.held[obj.unit_id] = [*others, obj]
        if existing is None:
            self.row_of[id(obj)] = row.number

    def constraint_message(self, obj, constraint):
        """The overlap named as the API names it: the tenancy in the way."""
        if constraint.name == OVERLAP_CONSTRAINT:
            clash = obj.overlapping().first()
            if clash is not None:
                return overlap_message(clash, user=self.user)
        return super().constraint_message(obj, constraint)


class FilingImporter(Importer):
    """Annual filings, matched on the enterprise (credit code) and year, submitted for review as filing_submit
    submits them (the enterprise's park and district recorded). An open (draft or returned) filing of the year is
    updated and submitted; a submitted or approved one is unchanged if its figures are the row's, else the row
    is refused (a submitted filing waits for its review; an approved one is corrected by a revision)."""

    model = AnnualFiling
    resolved_fields = ("enterprise",)
    error_columns = {"enterprise": "credit_code"}

    def preload(self, rows):
        """The enterprises the user may see; per enterprise and year, the current filing and the last revision."""
        codes = {row.values.get("credit_code") for row in rows} - {None}
        years = {row.values.get("year") for row in rows} - {None}
        # As for the API's filing form: an enterprise the user may not see does not exist for them.
        self.enterprises = {e.credit_code: e for e in
                            Enterprise.objects.restrict(self.user, VIEW).filter(credit_code__in=codes)}
        filings = AnnualFiling.objects.filter(enterprise__in=self.enterprises.values(), year__in=years)
        self.current = {}
        for filing in filings.exclude(status=FilingStatus.SUPERSEDED).order_by("revision"):
            self.current[filing.enterprise_id, filing.year] = filing  # the latest revision wins
        self.revisions = {(f["enterprise_id"], f["year"]): f["last"] for f in
                          filings.values("enterprise_id", "year").annotate(last=Max("revision"))}
        ids = [f.pk for f in self.current.values()]
        self.visible, self.changeable = self.ids_in_scope(ids, VIEW), self.ids_in_scope(ids, CHANGE)
        self.now = timezone.now()

    def prepare(self, row):
        """A new submitted filing, the open one updated and submitted, or None (unchanged or refused)."""
        code, year = self.required(row, "credit_code"), self.required(row, "year")
        enterprise = self.enterprises.get(code)
        if code is not None and enterprise is None:
            self.error(row, "enterprise", _("No enterprise you may see has this credit code."))
        if enterprise is None or year is None:
            self.probe(row, AnnualFiling(year=year), FILING_FIGURES)
            return None
        if not self.first_seen(row, (enterprise.pk, year), "year"):
            return None
        current = self.current.get((enterprise.pk, year))
        if current is not None and current.pk not in self.visible:
            current = None
        if current is None:
            if not self.addable(row):
                return None
            revision = self.revisions.get((enterprise.pk, year), 0) + 1
            obj = AnnualFiling(enterprise=enterprise, year=year, revision=revision)
            self.assign(row, obj, FILING_FIGURES)
            self.validate(row, obj)
            return self.submitted(row, obj, enterprise, None)
        if current.status in EDITABLE_FILING_STATUSES:
            obj = self.updatable(row, current, self.changeable)
            if obj is None:
                return None
            changed = self.assign(row, obj, FILING_FIGURES)
            self.validate(row, obj, changed)
            return self.submitted(row, obj, enterprise, changed)
        if self.assign(row, AnnualFiling(**{n: getattr(current, n) for n in FILING_FIGURES}), FILING_FIGURES):
            self.error(row, "year", filing_year_taken(existing=current))
            return None
        self.report.unchanged += not row.failed
        return None

    def submitted(self, row: Row, obj: AnnualFiling, enterprise: Enterprise, changed) -> Change:
        """The filing as submitted now by the importing user (every required figure filled)."""
        for name, messages in filing_submission_errors(filing=obj).items():
            if name not in row.bad:
                for message in messages:
                    self.error(row, name, message)
        filing_stamp_submitted(filing=obj, enterprise=enterprise, user=self.acting_user, now=self.now)
        if changed is None:
            return Change(row, obj)
        obj.updated = self.now
        return Change(row, obj, [*changed, *SUBMISSION_FIELDS, "updated"])


IMPORTERS = {"enterprises": EnterpriseImporter, "tenancies": TenancyImporter, "filings": FilingImporter,
             **REGISTER_IMPORTERS}
