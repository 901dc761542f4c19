"""Queries on the hot path of a request (the user's roles, the API token, the assessment's reads, a page of the park
report) compiled once per process: building and compiling a query through the ORM costs more than running it. The
query is built once with sentinel values no record has; each run sends its SQL with each parameter equal to a
sentinel (same type, same value) replaced by the value asked for in that sentinel's place. The sentinels name every
value the query's parameters are computed from (a date and the day after it both), so that none is left as a
sentinel's."""

from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db import connections

_NOTHING = ("", ())  # the compiled form of a query that matches nothing

# At most this many compiled forms of one query are kept (a key per user scope, say); beyond it they are compiled
# again.
MOST_KEYS = 1000


class CompiledQuery:
    """`build(*sentinels, **context)` (a queryset, or the (sql, params) of a statement it writes around querysets'
    SQL) compiled once per database and `key`, run with the sentinels'
    parameters replaced: the rows of `build(*values, **context)`. A sentinel must be a value of its type that no
    other parameter of the query takes (a negative id, a date long past) and that its lookups accept; a query that
    can match nothing (the ORM's EmptyResultSet, e.g. a user who may see no record) reads no rows, as the ORM's."""

    def __init__(self, build: Callable, *, sentinels: tuple):
        self.build, self.sentinels = build, sentinels
        self._compiled: dict = {}

    def sql(self, *values, using: str, key=(), **context) -> tuple[str, list] | None:
        """The SQL of `build(*values, **context)` on the database `using` and its parameters, or None where it
        matches nothing; `key` names everything of the context (and anything else) the built query's SQL depends
        on."""
        compiled = self._compiled.get((using, key))
        if compiled is None:
            if len(self._compiled) >= MOST_KEYS:
                self._compiled.clear()
            try:
                built = self.build(*self.sentinels, **context)
                compiled = built if isinstance(built, tuple) else built.query.sql_with_params()
            except EmptyResultSet:
                compiled = _NOTHING
            self._compiled[(using, key)] = compiled
        if compiled is _NOTHING:
            return None
        sql, params = compiled
        swap = {(type(sentinel), sentinel): value for sentinel, value in zip(self.sentinels, values, strict=True)}
        return sql, [swap.get((type(param), param), param) if param.__hash__ else param for param in params]

    def rows(self, *values, using: str, key=(), **context) -> list[tuple]:
        """The rows `build(*values, **context)` reads on the database `using` (`key`: as for `sql`)."""
        compiled = self.sql(*values, using=using, key=key, **context)
        if compiled is None:
            return []
        with connections[using].cursor() as cursor:
            cursor.execute(*compiled)
            return cursor.fetchall()
