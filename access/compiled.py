"""Queries on the hot path of every request (the user's roles, the API token, a page of the park report) compiled once
per process: building and compiling a query through the ORM costs more than running it. The query is built once with
a sentinel value no record has; each run sends its SQL with the sentinel's parameter replaced by the value asked for.
A query of several values is built from a tuple of sentinels, each parameter equal to one of them (same type, same
value) replaced by the value at its place; the tuple names every value the query's parameters are computed from (a
date and the day after it both), so that none is left as the sentinel's."""

from collections.abc import Callable

from django.db import connections


class CompiledQuery:
    """`build(sentinel)` (a queryset) compiled once per database and `key`, run with the sentinel's parameter
    replaced: the rows of `build(value)`. `sentinel` may be a tuple (`build` then takes a tuple, and `value` is a
    tuple of the same length)."""

    def __init__(self, build: Callable, *, sentinel):
        self.build, self.sentinel = build, sentinel
        self._compiled: dict = {}

    def sql(self, value, *, using: str, key=()) -> tuple[str, list]:
        """The SQL of `build(value)` on the database `using` and its parameters (`key`: what else the built query
        depends on)."""
        compiled = self._compiled.get((using, key))
        if compiled is None:
            compiled = self._compiled[(using, key)] = self.build(self.sentinel).query.sql_with_params()
        sql, params = compiled
        if not isinstance(self.sentinel, tuple):
            return sql, [value if param == self.sentinel else param for param in params]
        swap = {(type(sentinel), sentinel): given for sentinel, given in zip(self.sentinel, value, strict=True)}
        return sql, [swap.get((type(param), param), param) if param.__hash__ else param for param in params]

    def rows(self, value, *, using: str, key=()) -> list[tuple]:
        """The rows `build(value)` reads on the database `using` (`key`: what else the built query depends on)."""
        sql, params = self.sql(value, using=using, key=key)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
