"""The import of a table's rows: read, validate as the API would, match on the row's key, write in bulk.

Per row: each cell read as its column's kind; the record built (a new one, or the matched one with the row's
values) and checked by the model's own field validation and `clean()`; the user's scope checked as the API
checks it (`grants` before, `restrict(user, action)` on the written rows after). Rows are written in chunks
by bulk statements that also write their history rows (django-simple-history's bulk helpers, stamped with
the change's source and user); a chunk the database refuses (a constraint) is replayed row by row in
savepoints, so each refused row is reported with the constraint's own message. Every rule of a write that is not
the model's own is the function or message the API's path calls (enterprises.services, config.rules), called
here too, so the import and the API refuse a row with the same words. A row identical to its record
is unchanged: nothing written, no history. Imports of one kind queue on an advisory lock taken before their rows
are matched, so two imports of the same file at once change each record once (`Importer.lock`).

Model `full_clean()` is not called per row: its constraint checks cost one query per constraint per row (about
30 for a filing); the same constraints are checked by the database on the writes, which run (and are rolled
back) in a dry run too.
"""

import copy
from dataclasses import asdict, dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from access.scoping import ADD, CHANGE, grants, user_scope
from config.constraints import refusal_field
from config.history import history_stamp
from config.rules import OUTSIDE_SCOPE

from .columns import CellError, read_cell
from .reading import Table

CHUNK = 500  # rows validated and written per bulk statement
# pg_advisory_xact_lock(class, hashtext(kind)): one import of a kind at a time, whoever runs it and whatever its
# scope (a bureau's import and a park administrator's may change the same records). 4242 and 4243 are the
# registry's (registry.services).
IMPORT_LOCK_CLASS = 4244


@dataclass
class RowError:
    """One refused field of one row: the sheet row (1-based), the field (None: the whole row), its column, why."""

    row: int
    field: str | None
    column: str | None
    message: str


@dataclass
class ImportReport:
    """What an import did (or, in a dry run or when a row is refused, would have done) with the file's rows."""

    kind: str
    dry_run: bool
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False

    def as_dict(self) -> dict:
        """The report as JSON data."""
        return asdict(self)


@dataclass
class Row:
    """A row being imported: its sheet row number, its values by field, and whether any of them was refused."""

    number: int
    values: dict
    failed: bool = False
    bad: set = field(default_factory=set)


@dataclass
class Change:
    """A record to write for a row: new (fields None) or the matched record with the fields the row changes."""

    row: Row
    obj: models.Model
    fields: list[str] | None = None


def empty_value(model_field):
    """What an empty cell sets a field to: its default, else empty (None or "")."""
    if model_field.has_default():
        return model_field.get_default()
    if model_field.null:
        return None
    return "" if isinstance(model_field, models.CharField | models.TextField) else None


def constraint_field(constraint) -> str | None:
    """The field a refused constraint is reported on: a unique constraint's last field, a check's first."""
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        return constraint.fields[-1]
    condition = getattr(constraint, "condition", None)
    stack = [condition] if condition is not None else []
    while stack:
        node = stack.pop(0)
        for child in node.children if isinstance(node, Q) else ():
            if isinstance(child, Q):
                stack.append(child)
            else:
                return child[0].split("__")[0]
    return None


class Importer:
    """Imports one kind of record: subclasses say how a row is matched, built and checked (`prepare`)."""

    model: type[models.Model]
    # Fields the importer resolves itself (foreign keys: their validation would query once per row).
    resolved_fields: tuple[str, ...] = ()
    # Model field -> the column an error on it is reported under, where they differ.
    error_columns: dict[str, str] = {}
    # Constraint name -> the field its refusal is reported on, where neither the model (its `constraint_fields`,
    # config.constraints) nor constraint_field can tell.
    constraint_fields: dict[str, str] = {}

    def __init__(self, *, table: Table, user, dry_run: bool = False, on_progress=None):
        self.table, self.user = table, user
        self.report = ImportReport(kind=table.kind, dry_run=dry_run, rows=len(table.rows))
        self.headers = {column.key: column.header for column in table.columns if column is not None}
        self.on_progress = on_progress or (lambda processed: None)
        self.bureau = user_scope(user).bureau
        self.can_add = grants(user=user, model=self.model, action=ADD)
        self.seen: dict[tuple, int] = {}
        self.acting_user = user if user is not None and user.is_authenticated else None
        self.history = {"default_user": self.acting_user, "custom_historical_attrs": history_stamp()}

    # --- errors ---
    def error(self, row: Row, name: str | None, message) -> None:
        """Record a refused field (or whole row) of a row; the row will not be written."""
        row.failed = True
        row.bad.add(name)
        key = self.error_columns.get(name, name)
        self.report.errors.append(RowError(row.number, None if name == NON_FIELD_ERRORS else name,
                                           self.headers.get(key), str(message)))

    def errors_of(self, row: Row, error: ValidationError) -> None:
        """Record each field and message of a Django ValidationError."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.error(row, None, message)
            return
        for name, messages in error.message_dict.items():
            for message in messages:
                self.error(row, name, message)

    # --- the run ---
    def run(self) -> ImportReport:
        """Import every row (the caller holds the transaction and rolls it back on errors or a dry run)."""
        self.lock()
        rows = [self.read(number, cells) for number, cells in self.table.rows]
        self.preload(rows)
        for start in range(0, len(rows), CHUNK):
            creates, updates = [], []
            for row in rows[start:start + CHUNK]:
                change = self.prepare(row)
                if change is None or row.failed:
                    continue
                (creates if change.fields is None else updates).append(change)
            self.write(creates, updates)
            self.on_progress(min(start + CHUNK, len(rows)))
        return self.report

    def lock(self) -> None:
        """Queue behind any other import of this kind until its transaction ends, so that this one matches rows
        against what that one committed: a file imported twice at once changes its records once (the second
        finds them unchanged) and writes one history row per change."""
        if not transaction.get_connection().in_atomic_block:
            raise transaction.TransactionManagementError("An import runs in the caller's transaction.")
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [IMPORT_LOCK_CLASS, self.table.kind])

    def read(self, number: int, cells: tuple) -> Row:
        """A row's values by field, each cell read as its column's kind (unreadable cells are errors)."""
        row = Row(number, {})
        for column, cell in zip(self.table.columns, cells, strict=False):
            if column is None:
                continue
            try:
                row.values[column.key] = read_cell(column, cell)
            except CellError as error:
                self.error(row, column.key, error)
        return row

    def preload(self, rows: list[Row]) -> None:
        """Read in bulk what the rows refer to and the records they match."""

    def prepare(self, row: Row) -> Change | None:
        """The record to write for a row (None: unchanged or refused)."""
        raise NotImplementedError

    # --- helpers for prepare ---
    def first_seen(self, row: Row, key: tuple, name: str) -> bool:
        """Whether this is the first row with this key (a repeat is an error on `name`)."""
        if key in self.seen:
            self.error(row, name, _("Row %(row)d already has this record.") % {"row": self.seen[key]})
            return False
        self.seen[key] = row.number
        return True

    def required(self, row: Row, name: str):
        """The row's value of a field that must be given (an error when empty)."""
        value = row.values.get(name)
        if value is None and name not in row.bad:
            self.error(row, name, _("This field is required."))
        return value

    def assign(self, row: Row, obj: models.Model, names) -> list[str]:
        """Set the row's values of the named fields on a record; the names of those that changed."""
        changed = []
        for name in names:
            if name not in row.values:
                continue
            model_field = obj._meta.get_field(name)
            value = row.values[name]
            value = empty_value(model_field) if value is None or value == [] else value
            if getattr(obj, model_field.attname) != value:
                setattr(obj, model_field.attname, value)
                changed.append(name)
        return changed

    def validate(self, row: Row, obj: models.Model, names=None) -> None:
        """The model's field validation (of the named fields, default all but the resolved ones) and clean()."""
        exclude = [f.name for f in obj._meta.fields if f.name in self.resolved_fields or f.name in row.bad
                   or (names is not None and f.name not in names)]
        for check in (lambda: obj.clean_fields(exclude=exclude), obj.clean):
            try:
                check()
            except ValidationError as error:
                self.errors_of(row, error)

    def probe(self, row: Row, obj: models.Model, names) -> None:
        """Validate the row's other fields on a record it cannot make (a key is missing), to report them too."""
        self.assign(row, obj, names)
        self.validate(row, obj, [name for name in names if name in row.values])

    def updatable(self, row: Row, existing: models.Model, changeable: set) -> models.Model | None:
        """A copy of a matched record to change, if the user may change it (else an error)."""
        if existing.pk not in changeable:
            self.error(row, NON_FIELD_ERRORS, _("You may not change this %(what)s.") % {
                "what": self.model._meta.verbose_name})
            return None
        return copy.copy(existing)

    def add_or_change(self, row: Row, *, existing: models.Model | None, new, fields,
                      new_fields=None) -> Change | None:
        """The row's record when nothing is matched: `new()` given the row's `new_fields` (default `fields`); else a
        copy of `existing` with the row's `fields` changed; validated; None when unchanged or refused."""
        if existing is None:
            if not self.addable(row):
                return None
            obj = new()
            self.assign(row, obj, new_fields or fields)
            self.validate(row, obj)
            return None if row.failed else Change(row, obj)
        obj = self.updatable(row, existing, self.changeable)
        if obj is None:
            return None
        changed = self.assign(row, obj, fields)
        if not changed:
            self.report.unchanged += not row.failed
            return None
        self.validate(row, obj)
        return None if row.failed else Change(row, obj, changed)

    def addable(self, row: Row) -> bool:
        """Whether the user may add this kind of record (else an error)."""
        if not self.can_add:
            self.error(row, NON_FIELD_ERRORS, _("You may not add %(what)s.") % {
                "what": self.model._meta.verbose_name_plural})
        return self.can_add

    def ids_in_scope(self, ids, action: str, model=None) -> set:
        """The ids among these the user may take the action on (one query; none for the bureau)."""
        model = model or self.model
        if self.bureau:
            return set(ids)
        return set(model.objects.restrict(self.user, action).filter(pk__in=list(ids)).values_list("pk", flat=True))

    # --- writing ---
    def write(self, creates: list[Change], updates: list[Change]) -> None:
        """Write a chunk in bulk; replay it row by row when the database refuses it; then check the scope."""
        if not creates and not updates:
            return
        try:
            with transaction.atomic():
                self.save(creates, updates)
        except (IntegrityError, DataError):
            for change in creates:
                change.obj.pk, change.obj._state.adding = None, True
            for change in [*creates, *updates]:
                try:
                    with transaction.atomic():
                        self.save([change] if change.fields is None else [], [] if change.fields is None else [change])
                except (IntegrityError, DataError) as error:
                    self.refused(change, error)
        self.check_scope(creates, updates)

    def save(self, creates: list[Change], updates: list[Change]) -> None:
        """Insert the new records and update the changed ones, with their history rows."""
        if creates:
            bulk_create_with_history([c.obj for c in creates], self.model, **self.history)
        if updates:
            names = sorted({name for change in updates for name in change.fields})
            bulk_update_with_history([c.obj for c in updates], self.model, names, **self.history)

    def refused(self, change: Change, error: Exception) -> None:
        """Report a row the database refused, with the refused constraint's message where there is one."""
        diag = getattr(error.__cause__, "diag", None)
        name = getattr(diag, "constraint_name", None) or ""
        constraint = next((c for c in self.model._meta.constraints if c.name == name), None)
        if constraint is not None:
            name = (self.constraint_fields.get(constraint.name) or refusal_field(self.model, constraint.name)
                    or constraint_field(constraint))
            self.error(change.row, name, self.constraint_message(change.obj, constraint))
            return
        unique = next((f for f in self.model._meta.fields if f.unique and f"_{f.column}_" in f"_{name}"), None)
        if unique is not None:
            self.error(change.row, unique.name, unique.error_messages["unique"])
            return
        detail = getattr(diag, "message_primary", None) or str(error)
        self.error(change.row, NON_FIELD_ERRORS, _("The database refused this row: %(error)s") % {"error": detail})

    def constraint_message(self, obj: models.Model, constraint) -> str:
        """The message of a refused constraint."""
        return str(constraint.get_violation_error_message())

    def check_scope(self, creates: list[Change], updates: list[Change]) -> None:
        """Refuse written rows that leave the user's scope (what the API's post-save check refuses)."""
        for changes, action in ((creates, ADD), (updates, CHANGE)):
            written = [c for c in changes if not c.row.failed]
            allowed = self.ids_in_scope([c.obj.pk for c in written], action)
            for change in written:
                if change.obj.pk not in allowed:
                    self.error(change.row, NON_FIELD_ERRORS, OUTSIDE_SCOPE)
                elif action == ADD:
                    self.report.created += 1
                else:
                    self.report.updated += 1
