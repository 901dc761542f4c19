"""Migrations in tests: the database migrated back to before a migration and forward again."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrated_back_and_forth(target: tuple[str, str]) -> None:
    """Migrate the test database back to `target` (an app's migration before the one tested) and forward to every
    app's latest, so the tested migration runs (its backfill) on the rows already there; the database is left
    fully migrated, as every other test expects it, whatever happens."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        MigrationExecutor(connection).migrate([target])
        MigrationExecutor(connection).migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
