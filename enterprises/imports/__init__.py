"""Imports and exports of enterprises, tenancies and annual filings as XLSX or CSV tables.

`read_table` reads an uploaded file (a ValidationError on `file` when it cannot be read as the kind's table);
`table_import` imports its rows in one transaction: nothing is written unless every row is good, and a dry run
runs the same writes and rolls them back. `template` gives a kind's blank table; `export_queryset`,
`export_rows` and `headers` give a register's rows, which config.tables writes as CSV or XLSX.
"""

from django.db import transaction

from .base import ImportReport, RowError
from .columns import COLUMNS
from .kinds import IMPORTERS
from .reading import FORMATS, Table, file_format, read_table
from .tables import SHEET, SUBJECT_TITLES, export_queryset, export_rows, export_xlsx, headers, template

KINDS = tuple(COLUMNS)

__all__ = [
    "FORMATS", "KINDS", "SHEET", "SUBJECT_TITLES", "ImportReport", "RowError", "Table", "export_queryset",
    "export_rows", "export_xlsx", "file_format", "headers", "read_table", "table_import", "template",
]


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
