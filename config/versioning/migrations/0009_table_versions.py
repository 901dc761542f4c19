"""A version per table beside the data version: each commit that writes versioned tables moves the data version on
once and stamps each table it wrote with the new version (`registry_table_version`), so an answer that reads some
tables only can be cached under the latest version of those (config.data_version) and outlive writes to the others.

- The statement trigger of each versioned table (0001) now notes its transaction with the table's name: one note
  per table written, however many statements.
- The deferred trigger on the notes, at the commit, takes every note of its transaction at once (the first to run
  finds them all; the others find none and do nothing), moves the data version on and stamps the tables noted
  with it. The version row is locked before any table's row, in every transaction, so two commits never wait for
  each other the other way round.
- A table never written since this migration has no row: its version reads as 0.
- Like 0001, it creates only what is missing, so it changes nothing where it already ran.
"""

from django.db import migrations

VERSION, CHANGES, TABLES = "registry_data_version", "registry_data_change", "registry_table_version"
NOTE, BUMP = "registry_note_data_change", "registry_bump_data_version"

FORWARD = [
    f"CREATE TABLE IF NOT EXISTS {TABLES} (name text PRIMARY KEY, version bigint NOT NULL)",
    f"ALTER TABLE {CHANGES} ADD COLUMN IF NOT EXISTS table_name text NOT NULL DEFAULT ''",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = '{CHANGES}_per_table') THEN
            ALTER TABLE {CHANGES} DROP CONSTRAINT {CHANGES}_pkey;
            ALTER TABLE {CHANGES} ADD CONSTRAINT {CHANGES}_per_table PRIMARY KEY (txid, table_name);
        END IF;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {NOTE}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {CHANGES} (txid, table_name) VALUES (txid_current(), TG_TABLE_NAME) ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        written text[];
        moved bigint;
    BEGIN
        WITH taken AS (DELETE FROM {CHANGES} WHERE txid = NEW.txid RETURNING table_name)
        SELECT array_agg(DISTINCT table_name) INTO written FROM taken;
        IF written IS NULL THEN
            RETURN NULL;
        END IF;
        UPDATE {VERSION} SET version = version + 1 RETURNING version INTO moved;
        INSERT INTO {TABLES} (name, version) SELECT name, moved FROM unnest(written) AS name WHERE name <> ''
            ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
        RETURN NULL;
    END $$""",
]

class Migration(migrations.Migration):

    dependencies = [("versioning", "0008_industry_activities")]

    # Backwards: nothing is removed (as 0001: this app's migrations create only what is missing, so running them
    # again changes nothing).
    operations = [migrations.RunSQL(FORWARD, reverse_sql=migrations.RunSQL.noop)]
