"""The years each enterprise of a park has not filed (registry.NotFiledYears), kept by triggers.

A row per enterprise and park: the park it is registered with while it is active (every year), and each park it
rents in (the years a tenancy touches: from its start's year to the year of its last day, open-ended where it has
no end), less the years of its filings submitted to the bureau (submitted, returned or approved). The park report
counts a park's tenants not filed for a year as its rows holding the year.

- registry_not_filed_refresh(ids) recomputes the rows of some enterprises from the enterprises, tenancies and
  filings as they stand, after taking their enterprises' row locks (FOR NO KEY UPDATE): two transactions writing
  for one enterprise refresh it one after the other, the second reading what the first committed.
- Statement-level triggers on the three tables (after INSERT, UPDATE, DELETE), with their transition tables,
  refresh the enterprises a statement touched where it changed what counts (an enterprise's park or status; a
  tenancy's enterprise, park or dates; a filing's enterprise, year or status): in the writing transaction,
  whatever writes (ORM, admin, raw SQL, a bulk insert or a COPY).
- registry_not_filed_rebuild() recomputes the whole table: the backfill below, and the city generator's last step
  (it loads with these triggers disabled; its TRUNCATE fires none).
- The enterprise and park keys are foreign keys ON DELETE CASCADE in the database (Django is told DO_NOTHING).
"""

from django.db import migrations, models

import registry.not_filed_models

KEPT = "registry_notfiledyears"
ENTERPRISES, TENANCIES, FILINGS = "enterprises_enterprise", "enterprises_tenancy", "enterprises_annualfiling"
REFRESH, REBUILD, TRIGGER = "registry_not_filed_refresh", "registry_not_filed_rebuild", "registry_not_filed"
FILED = "('submitted', 'returned', 'approved')"  # enterprises.choices.FILED_STATUSES


def _rows(where: str) -> str:
    """SELECT (enterprise, park, years not filed) of the enterprises `where` names (`e` is the enterprise)."""
    return f"""
    WITH chosen AS (SELECT e.id, e.park_id, e.status FROM {ENTERPRISES} e WHERE {where}),
    spans AS (
        SELECT c.id AS enterprise_id, c.park_id, '(,)'::int4range AS years FROM chosen c
        WHERE c.status = 'active' AND c.park_id IS NOT NULL
        UNION ALL
        SELECT t.enterprise_id, t.park_id,
               int4range(extract(year FROM t.start)::int, extract(year FROM t."end" - 1)::int + 1)
        FROM {TENANCIES} t JOIN chosen c ON c.id = t.enterprise_id
    ), held AS (
        SELECT enterprise_id, park_id, range_agg(years) AS years FROM spans GROUP BY 1, 2
    ), filed AS (
        SELECT f.enterprise_id, range_agg(int4range(f.year, f.year + 1)) AS years
        FROM {FILINGS} f JOIN chosen c ON c.id = f.enterprise_id WHERE f.status IN {FILED} GROUP BY 1
    )
    SELECT * FROM (SELECT h.enterprise_id, h.park_id, h.years - COALESCE(filed.years, '{{}}') AS years
                   FROM held h LEFT JOIN filed ON filed.enterprise_id = h.enterprise_id) AS owed
    WHERE NOT isempty(years)"""


def _trigger_function(name: str, key: str, counts: tuple[str, ...], written: str) -> str:
    """The trigger function of a table: refresh the enterprises (at `key`) of the rows inserted or deleted where
    `written` holds of them, and of the rows an update changed in what `counts` (expressions of a row `{r}`). The
    rows changed are a set difference of the transition tables, never a join of them: the function's plan is kept
    from its first call in a session, and a join planned for one row would compare every pair of a large update."""
    columns = ", ".join(expression.format(r="r") for expression in counts)
    new, old = (f"SELECT r.{key} AS key, r.id, {columns} FROM {table} r" for table in ("new_rows", "old_rows"))
    changed = f"({new} EXCEPT {old}) UNION ALL ({old} EXCEPT {new})"
    return f"""CREATE OR REPLACE FUNCTION {TRIGGER}_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM {REFRESH}(ARRAY(SELECT DISTINCT r.{key} FROM new_rows r WHERE {written.format(r="r")}));
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM {REFRESH}(ARRAY(SELECT DISTINCT key FROM ({changed}) AS changed));
        ELSE
            PERFORM {REFRESH}(ARRAY(SELECT DISTINCT r.{key} FROM old_rows r WHERE {written.format(r="r")}));
        END IF;
        RETURN NULL;
    END $$"""


TABLES = (  # table, the name of its function, its enterprise key, what counts of a row, which rows count
    (ENTERPRISES, "enterprise", "id", ("{r}.park_id", "{r}.status"), "TRUE"),
    (TENANCIES, "tenancy", "enterprise_id", ("{r}.enterprise_id", "{r}.park_id", "{r}.start", '{r}."end"'), "TRUE"),
    (FILINGS, "filing", "enterprise_id", ("{r}.enterprise_id", "{r}.year", f"{{r}}.status IN {FILED}"),
     f"{{r}}.status IN {FILED}"),
)

FORWARD = [
    f"""CREATE OR REPLACE FUNCTION {REFRESH}(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        IF cardinality(ids) = 0 THEN
            RETURN;
        END IF;
        PERFORM 1 FROM {ENTERPRISES} WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;
        DELETE FROM {KEPT} WHERE enterprise_id IN (SELECT unnest(ids));
        INSERT INTO {KEPT} (enterprise_id, park_id, years) {_rows("e.id IN (SELECT unnest(ids))")};
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {REBUILD}() RETURNS void LANGUAGE sql AS $$
        DELETE FROM {KEPT};
        INSERT INTO {KEPT} (enterprise_id, park_id, years) {_rows("TRUE")};
    $$""",
    *[_trigger_function(name, key, counts, written) for _table, name, key, counts, written in TABLES],
    *[f"""CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON {table} REFERENCING {transition}
          FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_{name}()"""
      for table, name, *_ in TABLES
      for event, transition in (("INSERT", "NEW TABLE AS new_rows"),
                                ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                ("DELETE", "OLD TABLE AS old_rows"))],
    *[f"""ALTER TABLE {KEPT} ADD CONSTRAINT {KEPT}_{column}_fk FOREIGN KEY ({column}_id)
        REFERENCES {table} (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"""
      for column, table in (("enterprise", ENTERPRISES), ("park", "parks_park"))],
    f"SET CONSTRAINTS {KEPT}_enterprise_fk, {KEPT}_park_fk IMMEDIATE",
    f"SELECT {REBUILD}()",
]
BACKWARD = [
    *[f"ALTER TABLE {KEPT} DROP CONSTRAINT IF EXISTS {KEPT}_{column}_fk" for column in ("enterprise", "park")],
    *[f"DROP TRIGGER IF EXISTS {TRIGGER}_{event} ON {table}" for table, *_ in TABLES
      for event in ("insert", "update", "delete")],
    *[f"DROP FUNCTION IF EXISTS {TRIGGER}_{name}()" for _table, name, *_ in TABLES],
    f"DROP FUNCTION IF EXISTS {REBUILD}()",
    f"DROP FUNCTION IF EXISTS {REFRESH}(bigint[])",
]


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0021_industry_activities'),
        ('parks', '0006_park_services'),
        ('registry', '0021_file_jobs_of_characters_and_park_services'),
    ]

    operations = [
        migrations.CreateModel(
            name='NotFiledYears',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('years', registry.not_filed_models.YearsField(verbose_name='years not filed')),
                ('enterprise', models.ForeignKey(db_constraint=False, db_index=False, on_delete=models.deletion.DO_NOTHING, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
                ('park', models.ForeignKey(db_constraint=False, on_delete=models.deletion.DO_NOTHING, related_name='+', to='parks.park', verbose_name='park')),
            ],
            options={
                'verbose_name': 'years not filed',
                'verbose_name_plural': 'years not filed',
                'constraints': [models.UniqueConstraint(fields=('enterprise', 'park'), name='not_filed_years_unique')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
