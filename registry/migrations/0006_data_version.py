"""The registry's data version: one row, moved on when a transaction that wrote a table the reports read commits.

Report answers and list counts are cached under it (config/data_version.py), so any write ends their entries:
through the ORM, a bulk load (COPY fires INSERT triggers), raw SQL or TRUNCATE alike. The version is data of its
own, moved on in the writing transaction at its commit, so a reader sees it move exactly when it sees the write,
on the primary and on a replica alike: an answer computed after reading version v holds every write up to v.

- A statement-level trigger on each versioned table notes its transaction in registry_data_change (once: later
  statements of the transaction find it noted), whatever the rows.
- A constraint trigger on that note, deferred to the commit, moves the version on and removes the note: the
  version row is locked only while the transaction commits, never while it runs.
- Tests that never commit (their transaction is rolled back) set the constraint IMMEDIATE: every statement then
  moves the version on at once (tests/conftest.py).

History tables, file jobs, sessions and tokens have no trigger: the reports never read them.
"""

from django.db import migrations

VERSION, CHANGES = "registry_data_version", "registry_data_change"
TRIGGER = "registry_data_version"  # on each versioned table (config.data_version.TRIGGER)
AT_COMMIT = "registry_data_version_at_commit"  # on the note (config.data_version.AT_COMMIT)
TABLES = (
    "parks_district", "parks_park", "parks_unit", "parks_parkmembership",
    "enterprises_enterprise", "enterprises_tenancy", "enterprises_enterprisemembership",
    "enterprises_annualfiling", "enterprises_tierdesignation",
    "registry_lab", "registry_platform", "registry_benchmarkproject", "registry_benchmarkproject_partners",
    "registry_plantarget", "registry_tiersummary", "registry_reportrun",
    "auth_user_groups",  # the bureau role
)

CREATE = [
    f"CREATE TABLE {VERSION} (id boolean PRIMARY KEY DEFAULT true CHECK (id), version bigint NOT NULL)",
    f"INSERT INTO {VERSION} (version) VALUES (1)",
    f"CREATE TABLE {CHANGES} (txid bigint PRIMARY KEY)",
    f"""CREATE FUNCTION registry_note_data_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {CHANGES} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION registry_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {VERSION} SET version = version + 1;
        DELETE FROM {CHANGES} WHERE txid = NEW.txid;
        RETURN NULL;
    END $$""",
    f"""CREATE CONSTRAINT TRIGGER {AT_COMMIT} AFTER INSERT ON {CHANGES}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION registry_bump_data_version()""",
    *[f"""CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION registry_note_data_change()""" for table in TABLES],
]
DROP = [
    *[f"DROP TRIGGER {TRIGGER} ON {table}" for table in TABLES],
    f"DROP TABLE {CHANGES}",
    "DROP FUNCTION registry_bump_data_version()",
    "DROP FUNCTION registry_note_data_change()",
    f"DROP TABLE {VERSION}",
]


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("parks", "0002_memberships_and_history_source"),
        ("enterprises", "0004_due_from_generated"),
        ("registry", "0005_file_jobs"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
