"""The data version: a row that moves on when a transaction that wrote a versioned table commits, whatever wrote it:
the ORM, a bulk load (COPY fires INSERT triggers), raw SQL or TRUNCATE. Report answers
(registry/api/report_responses.py) and list counts (config/api/pagination.py) are cached under it.

The interface: `data_version()` reads it; `versioned_tables()` is the set of tables that move it, which every app
declares for its own models (`versioned_models` on its AppConfig: "app_label.Model", or "app_label.Model.field" for
a many-to-many field's table), read through the models' `_meta`; `is_versioned(query_tables(query))` says whether
a query reads only such tables. The table and triggers are installed by this layer's own app, config.versioning
(its migrations say how the version moves on), and tests/test_data_version_declared.py holds the triggers to the
declarations.

Each commit also stamps every versioned table it wrote with the version it moved to, so `data_version(tables=...)`
is the version of a set of tables: the latest commit that wrote one of them. An answer read from some tables only
is cached under theirs and outlives writes to the others (a report's tables are those its SQL named, `Reads`; a
count's, `query_tables`). A table kept by the database from others (a kept total, a record's history) counts as the
tables it is kept from (`sources()`); an answer that read any other table falls back to the data version itself.

It moves in the writing transaction, at its commit, so it is visible exactly when the write is: an answer computed
after reading version v on a database (the primary, or a replica however far behind) holds every write up to v,
and is never cached under a version whose writes it has not seen.
"""

import contextvars
import re
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.db.models.sql.where import ExtraWhere

VERSION_TABLE = "registry_data_version"  # (config/versioning/migrations: the names registry 0006 gave them)
TABLE_VERSIONS = "registry_table_version"  # per table, the version of the last commit that wrote it (versioning 0009)
TRIGGER = "registry_data_version"  # the name of the trigger on each versioned table
AT_COMMIT = "registry_data_version_at_commit"  # the deferred trigger that moves the version on

UNKNOWN_TABLE = "<raw sql>"  # what query_tables says of raw SQL: never a versioned table

_versioned_tables: frozenset[str] | None = None
_sources: dict[str, frozenset[str]] | None = None
_reading_version = contextvars.ContextVar("reading_version", default=None)


def data_version(*, request=None, using: str = DEFAULT_DB_ALIAS, fresh: bool = False,
                 tables: frozenset[str] | None = None) -> int:
    """The data version on the database an answer is read from (`using`: the primary, or a report's replica), or,
    given `tables`, the version of those tables: of the latest commit that wrote one of them (0 if none has been
    written since versions per table began; the data version itself where one of them is not versioned). Read once
    per request and database where a request is given (its answers share it), or again if `fresh` (in a report's
    snapshot: what the request's answers read there is then that snapshot's)."""
    versions = _versions(request=request, using=using, fresh=fresh)
    if tables is None or not is_versioned(tables):
        return versions[""]
    return max((versions.get(table, 0) for table in tables), default=0)


def _versions(*, request, using: str, fresh: bool) -> dict[str, int]:
    """{table: its version} and, under "", the data version: one query, kept on the request."""
    read = getattr(request, "_data_versions", None)
    if read is not None and using in read and not fresh:
        return read[using]
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT '', version FROM {VERSION_TABLE} UNION ALL SELECT name, version FROM {TABLE_VERSIONS}")
        versions = dict(cursor.fetchall())
    if request is not None:
        request._data_versions = {**(read or {}), using: versions}
    return versions


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


def is_versioned(tables) -> bool:
    """Whether every table of `tables` (what a query reads: `query_tables`) moves the version on when written, so an
    answer read from them may be cached under their version."""
    return set(tables) <= versioned_tables()


def sources() -> dict[str, frozenset[str]]:
    """Tables the database keeps from versioned ones, in the same transaction as their writes -> those tables: each
    model's history (django-simple-history's, written with the record) and the kept tables every app declares
    (`kept_models` on its AppConfig: "app_label.Model" -> the "app_label.Model" names its triggers read)."""
    global _sources
    if _sources is None:
        kept = {declared_table(name): frozenset(declared_table(source) for source in names)
                for config in apps.get_app_configs() for name, names in getattr(config, "kept_models", {}).items()}
        history = {model._meta.db_table: frozenset({model.instance_type._meta.db_table})
                   for model in apps.get_models() if hasattr(model, "instance_type")}
        _sources = {**history, **kept}
    return _sources


class Reads:
    """The versioned tables a computation read, from the SQL it ran on some connections (any word of it that names a
    table): `with Reads(*aliases) as reads: ...`, then `reads.tables`, which is None where it read a table that is
    neither versioned nor kept from versioned ones: no table version covers that."""

    def __init__(self, *aliases: str):
        self.aliases, self.words = aliases or (DEFAULT_DB_ALIAS,), set()
        self._wrappers = []

    def __enter__(self):
        self._wrappers = [connections[alias].execute_wrapper(self._note) for alias in self.aliases]
        for wrapper in self._wrappers:
            wrapper.__enter__()
        self._token = _recording.set((*_recording.get(), self))
        return self

    def __exit__(self, *exc):
        _recording.reset(self._token)
        for wrapper in reversed(self._wrappers):
            wrapper.__exit__(*exc)

    def _note(self, execute, sql, params, many, context):
        self.words.update(_WORD.findall(sql))
        return execute(sql, params, many, context)

    @property
    def tables(self) -> frozenset[str] | None:
        """The versioned tables read (kept tables counted as their sources), or None (see the class)."""
        known, kept, read = versioned_tables(), sources(), set()
        for name in self.words & all_tables():
            if name in known:
                read.add(name)
            elif name in kept:
                read |= kept[name]
            elif name not in (VERSION_TABLE, TABLE_VERSIONS):
                return None
        return frozenset(read)


_WORD = re.compile(r"[A-Za-z0-9_]+")
_recording = contextvars.ContextVar("recording", default=())


def note_read(tables) -> None:
    """Count tables as read by the computations being recorded (`Reads`): for a figure one of them takes from the
    cache instead of reading it (a list's count), whose tables its own SQL then does not name."""
    for reads in _recording.get():
        reads.words.update(tables)
_tables: frozenset[str] | None = None


def all_tables() -> frozenset[str]:
    """Every table of the models and of the database (read once per process), so that a word of SQL naming none (a
    column, a keyword) is not taken for one."""
    global _tables
    if _tables is None:
        models = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
        _tables = frozenset(connections[DEFAULT_DB_ALIAS].introspection.table_names(include_views=True)) | models
    return _tables
