"""The registry's data version: moved on by every statement that writes a table the reports read."""

from django.db import DEFAULT_DB_ALIAS, connections


def data_version() -> int:
    """The current data version (the sequence registry_data_version, bumped by triggers: migration 0006).

    Read on the primary even while a report reads the replica: a standby's copy of a sequence moves only when
    nextval() writes WAL, once per 32 values, so it would miss most bumps.
    """
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT last_value FROM registry_data_version")
        return cursor.fetchone()[0]
