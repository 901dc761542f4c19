"""The data version: a PostgreSQL sequence that every statement writing a versioned table moves on (statement-level
triggers, migration registry 0006), so that an answer cached under it ends with any write: through the ORM, a bulk
load (COPY fires INSERT triggers), raw SQL or TRUNCATE alike. Report answers (registry/api/report_responses.py)
and list counts (config/api/pagination.py) are cached under it.

The version moves with the writing statement, before its commit: an answer computed in between is cached under
the new version without the write, and lives until its cache timeout.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql import Query

SEQUENCE = "registry_data_version"
TRIGGER = "registry_data_version"  # the name of the trigger on each versioned table

_versioned_tables: frozenset[str] | None = None


def data_version(*, request=None) -> int:
    """The current data version; read once per request where one is given (its answers share it).

    Read on the primary even while a report reads the replica: a standby's copy of a sequence moves only when
    nextval() writes WAL, once per 32 values, so it would miss most writes.
    """
    cached = getattr(request, "_data_version", None)
    if cached is not None:
        return cached
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
        version = cursor.fetchone()[0]
    if request is not None:
        request._data_version = version
    return version


def versioned_tables() -> frozenset[str]:
    """The tables whose writes move the version on: those carrying its trigger (read once per process)."""
    global _versioned_tables
    if _versioned_tables is None:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
            _versioned_tables = frozenset(row[0] for row in cursor.fetchall())
    return _versioned_tables


def query_tables(query: Query) -> set[str]:
    """Every table a query reads: its own and joined ones, and those of the subqueries in its conditions and
    annotations (`pk__in=<queryset>`, Exists, Subquery)."""
    tables = {alias.table_name for alias in query.alias_map.values()} | {query.get_meta().db_table}
    for combined in query.combined_queries:  # union, intersection, difference
        tables |= query_tables(combined)
    stack = [query.where, *query.annotations.values()]
    while stack:
        node = stack.pop()
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
