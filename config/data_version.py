"""The data version: a row that moves on when a transaction that wrote a versioned table commits, whatever wrote it:
the ORM, a bulk load (COPY fires INSERT triggers), raw SQL or TRUNCATE. Report answers
(registry/api/report_responses.py) and list counts (config/api/pagination.py) are cached under it.

The interface: `data_version()` reads it; `versioned_tables()` is the set of tables that move it, which every app
declares for its own models (`versioned_models` on its AppConfig: "app_label.Model", or "app_label.Model.field" for
a many-to-many field's table), read through the models' `_meta`; `is_versioned(query)` says whether a query reads
only such tables. The table and triggers are installed by this layer's own app, config.versioning (its migrations
say how the version moves on), and tests/test_data_version_declared.py holds the triggers to the declarations.

It moves in the writing transaction, at its commit, so it is visible exactly when the write is: an answer computed
after reading version v on a database (the primary, or a replica however far behind) holds every write up to v,
and is never cached under a version whose writes it has not seen.
"""

import contextvars
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.where import ExtraWhere

VERSION_TABLE = "registry_data_version"  # (config/versioning/migrations: the names registry 0006 gave them)
TRIGGER = "registry_data_version"  # the name of the trigger on each versioned table
AT_COMMIT = "registry_data_version_at_commit"  # the deferred trigger that moves the version on

UNKNOWN_TABLE = "<raw sql>"  # what query_tables says of raw SQL: never a versioned table

_versioned_tables: frozenset[str] | None = None
_reading_version = contextvars.ContextVar("reading_version", default=None)


def data_version(*, request=None, using: str = DEFAULT_DB_ALIAS, fresh: bool = False) -> int:
    """The data version on the database an answer is read from (`using`: the primary, or a report's replica); read
    once per request and database where a request is given (its answers share it), or again if `fresh` (in a
    report's snapshot: what the request's answers read there is then that snapshot's)."""
    read = getattr(request, "_data_versions", None)
    if read is not None and using in read and not fresh:
        return read[using]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE}")
        version = cursor.fetchone()[0]
    if request is not None:
        request._data_versions = {**(read or {}), using: version}
    return version


@contextmanager
def reading_version(*, version: int):
    """Inside, the report being computed reads its data at `version` (config.db.report_snapshot_read)."""
    token = _reading_version.set(version)
    try:
        yield
    finally:
        _reading_version.reset(token)


def read_at() -> int | None:
    """The data version the report being computed reads at (its snapshot's), None outside a report."""
    return _reading_version.get()


def move_on_each_statement(using: str = DEFAULT_DB_ALIAS) -> None:
    """In this transaction, move the version on with each writing statement instead of at the commit: for tests,
    whose transaction never commits (it would lock the version row while the transaction runs)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {AT_COMMIT} IMMEDIATE")


def declared_table(name: str) -> str:
    """The table of a declared versioned model ("app_label.Model") or many-to-many field ("app_label.Model.field")."""
    app_label, model_name, *field = name.split(".")
    model = apps.get_model(app_label, model_name)
    if field:
        model = model._meta.get_field(field[0]).remote_field.through
    return model._meta.db_table


def versioned_tables() -> frozenset[str]:
    """The tables whose writes move the version on: those of the models every app declares (`versioned_models`)."""
    global _versioned_tables
    if _versioned_tables is None:
        _versioned_tables = frozenset(declared_table(name) for config in apps.get_app_configs()
                                      for name in getattr(config, "versioned_models", ()))
    return _versioned_tables


def installed_tables(using: str = DEFAULT_DB_ALIAS) -> frozenset[str]:
    """The tables carrying the version's trigger in a database (which must be exactly the declared ones)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        return frozenset(row[0] for row in cursor.fetchall())


def query_tables(query: Query) -> set[str]:
    """Every table a query reads: its own and joined ones, and those of the subqueries in its conditions and
    annotations (`pk__in=<queryset>`, Exists, Subquery); raw SQL (RawSQL, extra()) counts as UNKNOWN_TABLE, since
    what it reads cannot be known.

    This reads the Query's own attributes (alias_map, where, annotations, combined_queries, extra), which Django
    does not document, because it has no public way to list the tables a query reads: its compiled SQL is text,
    and asking PostgreSQL (EXPLAIN) would cost a query per count, the very query the count cache saves. A table
    missed here would let a count be cached that a write of that table does not end: tests/test_pagination.py
    holds the walk to the shapes of query the lists build (joins, subqueries, unions, raw SQL)."""
    tables = {alias.table_name for alias in query.alias_map.values()} | {query.get_meta().db_table}
    if query.extra or query.extra_tables:
        tables.add(UNKNOWN_TABLE)
    for combined in query.combined_queries:  # union, intersection, difference
        tables |= query_tables(combined)
    stack = [query.where, *query.annotations.values()]
    while stack:
        node = stack.pop()
        if isinstance(node, RawSQL | ExtraWhere):
            tables.add(UNKNOWN_TABLE)
            continue
        inner = node if isinstance(node, Query) else getattr(node, "query", None)
        if isinstance(inner, Query):
            tables |= query_tables(inner)
            continue
        stack.extend(getattr(node, "children", ()))
        if hasattr(node, "get_source_expressions"):
            stack.extend(expression for expression in node.get_source_expressions() if expression is not None)
    return tables


def is_versioned(query: Query) -> bool:
    """Whether every table the query reads moves the version on when written (so an answer may be cached)."""
    return query_tables(query) <= versioned_tables()
