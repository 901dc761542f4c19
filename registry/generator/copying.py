"""COPY of generated rows into a model's table (psycopg 3), and the small random helpers the generators share."""

import datetime
import random

from django.db import connection

# The generated city's parks and units are of long standing: their opening unknown (counted from the beginning),
# not the model's default of today.
LONG_STANDING = {"opened_on"}


class Table:
    """COPY rows into a model's table: the columns given, plus every other column at its model default (generated
    columns left to the database)."""

    def __init__(self, model, columns: tuple[str, ...], now: datetime.datetime):
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = set(columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
        extra = [field for name, field in fields.items()
                 if name not in columns and not field.primary_key and not field.generated]
        self.extra = tuple(self._default(field, now) for field in extra)
        self.columns = [fields[name].column for name in columns] + [field.column for field in extra]
        self.table = model._meta.db_table

    @staticmethod
    def _default(field, now):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.name in LONG_STANDING:
            return None
        value = field.get_default()
        if value is None and not field.null:
            raise ValueError(f"{field} needs a value in the generated rows")
        return value

    def copy(self, rows) -> int:
        """COPY the rows (tuples in the order of the columns given); the number copied."""
        columns = ", ".join(f'"{column}"' for column in self.columns)
        count = 0
        connection.ensure_connection()
        with connection.connection.cursor() as cursor, cursor.copy(
                f'COPY "{self.table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row + self.extra)
                count += 1
        return count


def weighted(rng: random.Random, weights: dict):
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(tuple(weights), tuple(weights.values()))[0]


def clamp(value: float, low: float, high: float) -> float:
    """The value within [low, high]."""
    return low if value < low else high if value > high else value


class Deferred:
    """The secondary indexes, unique, exclusion and foreign-key constraints of the tables being loaded, dropped
    (`drop`) before the COPYs and made again (`restore`) after them, inside the caller's transaction: a failure
    rolls the drop back with the rest.

    Loading into a table without them and building each index once, sorted, is several times faster than
    maintaining every index and queueing a deferred foreign-key check per copied row; the constraints are
    validated when they are added back, so every row still passes them. Primary keys and CHECK constraints stay.
    """

    CONSTRAINTS = """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
        FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u', 'x')
        ORDER BY contype DESC, conname
    """  # unique and exclusion constraints before foreign keys (which may need a unique index)
    INDEXES = """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'x'))
        ORDER BY 1
    """

    def __init__(self, tables: list[str]):
        self.tables = tables
        self.constraints, self.indexes = [], []

    def drop(self) -> None:
        """Note the indexes and constraints, then drop them."""
        with connection.cursor() as cursor:
            cursor.execute(self.CONSTRAINTS, [self.tables])
            self.constraints = cursor.fetchall()
            cursor.execute(self.INDEXES, [self.tables])
            self.indexes = cursor.fetchall()
            for table, name, _definition, _kind in reversed(self.constraints):  # foreign keys first
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def restore(self) -> None:
        """Build the indexes and add the constraints back (validating every row)."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition, _kind in self.constraints:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
