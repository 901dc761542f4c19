"""The data version read through its declared interface: the tables that move it are those the apps declare (via
the models' _meta), the database's triggers are exactly on them, and the migration of config.versioning, which owns
them now, changes nothing on a database registry 0006 and enterprises 0011 have already migrated."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from config.data_version import data_version, declared_table, installed_tables, versioned_tables
from enterprises.models import Enterprise
from registry.models import BenchmarkProject

MIGRATION = import_module("config.versioning.migrations.0001_data_version")


def state() -> tuple[int, frozenset[str], int]:
    """The version, the tables carrying its trigger, and how many triggers of its own the change table has."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'registry_data_change'::regclass "
                       "AND NOT tgisinternal")
        at_commit = cursor.fetchone()[0]
    return data_version(fresh=True), installed_tables(), at_commit


def test_each_app_declares_its_versioned_models():
    declared = {config.label: set(getattr(config, "versioned_models", ())) for config in apps.get_app_configs()}
    assert {label for label, names in declared.items() if names} == {"parks", "enterprises", "registry", "versioning"}
    for label, names in declared.items():  # each declares its own models (the base app: auth's, the bureau role)
        assert all(name.split(".")[0] == label for name in names) or label == "versioning", label
    assert declared_table("enterprises.Enterprise") == Enterprise._meta.db_table
    assert declared_table("registry.BenchmarkProject.partners") == BenchmarkProject.partners.through._meta.db_table


@pytest.mark.django_db
def test_the_triggers_are_on_exactly_the_declared_tables():
    assert installed_tables() == versioned_tables()


@pytest.mark.django_db
def test_the_migration_creates_nothing_that_exists():
    before = state()
    assert before[2] == 1  # the deferred trigger that moves the version on
    with connection.cursor() as cursor:
        for statement in MIGRATION.FORWARD:
            cursor.execute(statement)
    assert state() == before  # the version kept (not reset to 1), the same triggers, one at the commit
    Enterprise.objects.filter(pk=-1).update(name="x")  # a statement on a versioned table, of no rows
    assert data_version(fresh=True) == before[0] + 1  # moved on once: no trigger doubled


@pytest.mark.django_db
def test_migrating_the_versioning_app_back_and_forth_leaves_the_database_as_it_was():
    before = state()
    executor = MigrationExecutor(connection)
    leaf = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "versioning"]
    executor.migrate([("versioning", None)])
    assert state() == before  # backwards removes nothing: registry 0006 and enterprises 0011 own the history
    MigrationExecutor(connection).migrate(leaf)
    assert state() == before
