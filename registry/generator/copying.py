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
