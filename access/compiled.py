"""Queries on the hot path of every request (the user's roles, the API token) compiled once per process: building and
compiling a query through the ORM costs more than running it. The query is built once with a sentinel value no
record has; each run sends its SQL with the sentinel's parameter replaced by the value asked for."""

from collections.abc import Callable

from django.db import connections


class CompiledQuery:
    """`build(sentinel)` (a queryset) compiled once per database and `key`, run with the sentinel's parameter
    replaced: the rows of `build(value)`."""

    def __init__(self, build: Callable, *, sentinel):
        self.build, self.sentinel = build, sentinel
        self._compiled: dict = {}

    def rows(self, value, *, using: str, key=()) -> list[tuple]:
        """The rows `build(value)` reads on the database `using` (`key`: what else the built query depends on)."""
        compiled = self._compiled.get((using, key))
        if compiled is None:
            compiled = self._compiled[(using, key)] = self.build(self.sentinel).query.sql_with_params()
        sql, params = compiled
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [value if param == self.sentinel else param for param in params])
            return cursor.fetchall()
