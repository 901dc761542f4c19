"""The data version's table and triggers, owned here, by the layer that reads them (config.data_version).

They were first installed by registry 0006 (and enterprises 0011, for filing seasons), which stay for the history
of existing databases; this migration runs after them and creates only what is missing, so it changes nothing on a
database they have migrated, and it is what a reader of this app finds: how the version moves on.

- A statement-level trigger (TRIGGER) on each versioned table notes its transaction in the change table (once:
  later statements of the transaction find it noted), whatever the rows: ORM, COPY, raw SQL or TRUNCATE alike.
- A constraint trigger (AT_COMMIT) on that note, deferred to the commit, moves the version on and removes the note:
  the version row is locked only while the transaction commits, never while it runs.
- The versioned tables are those the apps declare (AppConfig.versioned_models), as they were when this migration
  was written (a migration is frozen); tests/test_data_version_declared.py checks that the database's triggers
  are exactly the declared tables, so a newly declared model fails it until a migration here adds its trigger.
"""

from django.db import migrations

VERSION, CHANGES = "registry_data_version", "registry_data_change"  # names kept: replicas and tools read them
NOTE, BUMP = "registry_note_data_change", "registry_bump_data_version"  # the trigger functions
TRIGGER = "registry_data_version"
AT_COMMIT = "registry_data_version_at_commit"
TABLES = (
    "parks_district", "parks_park", "parks_unit", "parks_parkmembership",
    "enterprises_enterprise", "enterprises_tenancy", "enterprises_enterprisemembership",
    "enterprises_annualfiling", "enterprises_tierdesignation", "enterprises_filingseason",
    "registry_lab", "registry_platform", "registry_benchmarkproject", "registry_benchmarkproject_partners",
    "registry_plantarget", "registry_tiersummary", "registry_reportrun",
    "auth_user_groups",
)

FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {VERSION} (id boolean PRIMARY KEY DEFAULT true CHECK (id), version bigint NOT NULL)",
    f"INSERT INTO {VERSION} (version) VALUES (1) ON CONFLICT DO NOTHING",
    f"CREATE TABLE IF NOT EXISTS {CHANGES} (txid bigint PRIMARY KEY)",
    f"""CREATE OR REPLACE FUNCTION {NOTE}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {CHANGES} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE {VERSION} SET version = version + 1;
        DELETE FROM {CHANGES} WHERE txid = NEW.txid;
        RETURN NULL;
    END $$""",
    # A constraint trigger has no CREATE OR REPLACE: created only where it is missing.
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = '{AT_COMMIT}' AND tgrelid = '{CHANGES}'::regclass) THEN
            CREATE CONSTRAINT TRIGGER {AT_COMMIT} AFTER INSERT ON {CHANGES}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {BUMP}();
        END IF;
    END $$""",
    *[f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""" for table in TABLES],
]


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("registry", "0006_data_version"),
        ("enterprises", "0011_filing_seasons"),
    ]

    # Backwards: nothing is removed, since registry 0006 and enterprises 0011 installed the same (their own
    # reversal removes it).
    operations = [migrations.RunSQL(FORWARD, reverse_sql=migrations.RunSQL.noop)]
