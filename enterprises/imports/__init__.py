"""Imports and exports of enterprises, tenancies and annual filings as XLSX or CSV tables.

`read_table` reads an uploaded file (a ValidationError on `file` when it cannot be read as the kind's table);
`table_import` imports its rows in one transaction: nothing is written unless every row is good, and a dry run
runs the same writes and rolls them back. `template` gives a kind's blank table; `export_queryset`,
`export_rows` and `headers` give a register's rows, which config.tables writes as CSV or XLSX.

A kind is a key of COLUMNS with its key columns, importer, Chinese title and export order. The kinds of this app's
records are written in its tables; the kinds this app may not write itself (the registry's support awards, whose
models it may not import: tests/test_layers.py; the park services, whose app may not import this one) are added
with `kind_register` from the registry's AppConfig.ready(), so they are served by the same reading, import,
template, export, file jobs, API and page as the others. KINDS is a live view of COLUMNS.
"""

from django.db import transaction

from .base import Importer, ImportReport, RowError
from .columns import COLUMNS, KEY_COLUMNS, Column
from .kinds import IMPORTERS
from .reading import FORMATS, Table, file_format, read_table
from .registers import REGISTER_EXPORTS
from .tables import SHEET, SUBJECT_TITLES, TEMPLATE_NOTES, export_queryset, export_rows, export_xlsx, headers, template

KINDS = COLUMNS.keys()  # live: a kind registered by an app above is one of them once its app is ready
# The kinds the import page (/board/import/?kind=) offers, to the users who may add their records.
PAGE_KINDS = ["tenancies"]

__all__ = [
    "FORMATS", "KINDS", "PAGE_KINDS", "SHEET", "SUBJECT_TITLES", "ImportReport", "RowError", "Table",
    "export_queryset", "export_rows", "export_xlsx", "file_format", "headers", "kind_register", "read_table",
    "table_import", "template",
]


def kind_register(*, kind: str, columns: list[Column], key_columns: tuple[str, ...], importer: type[Importer],
                  title: str, export, on_page: bool = False, notes: tuple[str, ...] = ()) -> None:
    """Add a kind of import and export kept by an app above this one: its columns, the columns naming a row's
    record, its importer, its Chinese title (sheet and file names), `export() -> QuerySet` of its records in a
    stable order, whether the import page offers it, and the lines its template adds below the columns' notes.
    Registering the same kind again changes nothing."""
    COLUMNS.setdefault(kind, columns)
    KEY_COLUMNS.setdefault(kind, key_columns)
    IMPORTERS.setdefault(kind, importer)
    SUBJECT_TITLES.setdefault(kind, title)
    REGISTER_EXPORTS.setdefault(kind, export)
    if notes:
        TEMPLATE_NOTES.setdefault(kind, list(notes))
    if on_page and kind not in PAGE_KINDS:
        PAGE_KINDS.append(kind)


def table_import(*, table: Table, user, dry_run: bool = False, on_progress=None) -> ImportReport:
    """Import a table's rows as the user, all or nothing: rolled back when a row is refused or in a dry run."""
    importer = IMPORTERS[table.kind](table=table, user=user, dry_run=dry_run, on_progress=on_progress)
    with transaction.atomic():
        report = importer.run()
        report.errors.sort(key=lambda error: error.row)
        if dry_run or report.errors:
            transaction.set_rollback(True)
    report.written = not dry_run and not report.errors
    return report
