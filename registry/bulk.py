"""Bulk writes of many rows in one statement: model instances written with PostgreSQL COPY (psycopg 3)."""

import psycopg
from django.db import connection, connections


def copy_instances(model, instances) -> int:
    """Insert unsaved instances of a model with COPY, their primary keys left to the database; how many.

    What `bulk_create` does without its per-field preparation in Python (a few hundred microseconds a row): each
    field's value as `pre_save` gives it (auto_now and defaults applied), adapted by psycopg. Row triggers and
    statement triggers fire as for an INSERT; the instances' primary keys are not read back.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key and not field.generated]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for instance in instances:
            copy.write_row([field.pre_save(instance, True) for field in fields])
            count += 1
    return count


FILE_CHUNK = 8 * 1024 * 1024  # bytes of a file appended to its row per statement


def store_file(queryset, file, *, field: str = "data", chunk_size: int | None = None) -> int:
    """Store a binary file object's content in the binary field of the rows of `queryset` (one row), a chunk of
    `chunk_size` (default FILE_CHUNK) bytes per UPDATE (`field = field || chunk`), so only a chunk is ever in
    memory; the bytes stored. Each chunk is sent as a binary parameter bound by the server (Django's cursors bind on
    the client: a chunk would travel as a hex literal twice its size, copied in building the statement, and kept in
    the debug query log). The field must hold b"" (not NULL) before; call it inside the transaction that marks the
    file done."""
    model, database = queryset.model, connections[queryset.db]
    quote = database.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    statement = (f"UPDATE {quote(model._meta.db_table)} SET {column} = {column} || %b "
                 f"WHERE {quote(model._meta.pk.column)} = ANY(%s)")
    ids = list(queryset.values_list("pk", flat=True))
    size = 0
    database.ensure_connection()
    with psycopg.Cursor(database.connection) as cursor:  # the request's connection and transaction
        while chunk := file.read(chunk_size or FILE_CHUNK):
            cursor.execute(statement, [chunk, ids])
            size += len(chunk)
    return size
