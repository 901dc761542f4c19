"""SQL text for the few reads the ORM cannot say: names quoted, and taken from the models (`_meta`), never typed.

A model's table and a field's column are read off the model (`column`), so a renamed table or column is followed;
any other identifier (a column of a subquery's own naming) is quoted by `quoted`. Values are always parameters.
"""

from django.db import connection


def quoted(name: str) -> str:
    """An identifier quoted for PostgreSQL."""
    return connection.ops.quote_name(name)


def column(model, field: str) -> str:
    """A model field's column, qualified by the model's table, quoted: "table"."column"."""
    return f"{quoted(model._meta.db_table)}.{quoted(model._meta.get_field(field).column)}"
