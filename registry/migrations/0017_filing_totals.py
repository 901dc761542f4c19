"""The approved filings' totals per year, district and park, kept by triggers on the filings.

- Three statement-level triggers on enterprises_annualfiling (after INSERT, UPDATE, DELETE), each with its
  transition tables, add the approved rows written and take away the approved rows replaced or removed, grouped
  by year, district and park, in one upsert per statement: in the writing transaction, whatever writes (ORM, raw
  SQL or COPY), and set-based, so a COPY of a city's filings costs one grouped insert.
- The district and park keys are foreign keys ON DELETE CASCADE in the database (Django is told DO_NOTHING, so a
  place's deletion costs no query of its own here).
- registry_filing_totals_rebuild() recomputes the whole table from the filings: the backfill below, and the
  generator's last step (a TRUNCATE of the filings fires no row triggers).
"""

import django.db.models.deletion
from django.db import migrations, models


TOTALS, FILINGS = "registry_filingtotal", "enterprises_annualfiling"
APPLY, REBUILD = "registry_filing_totals_apply", "registry_filing_totals_rebuild"
SUMS = """count(*) FILTER (WHERE f.status = 'approved') * {sign},
          COALESCE(sum(f.revenue) FILTER (WHERE f.status = 'approved'), 0) * {sign},
          COALESCE(sum(f.digital_human_revenue) FILTER (WHERE f.status = 'approved'), 0) * {sign},
          count(*) FILTER (WHERE f.status = 'approved' AND f.digital_human_revenue > 0) * {sign}"""
COLUMNS = "year, district_id, park_id, filings, revenue, digital_human_revenue, digital_human_filings"


def _delta(table: str, sign: str) -> str:
    return f"SELECT f.year, f.district_id, f.park_id, {SUMS.format(sign=sign)} FROM {table} f " \
           f"WHERE f.status = 'approved' GROUP BY 1, 2, 3"


UPSERT = f"""INSERT INTO {TOTALS} ({COLUMNS})
    SELECT year, district_id, park_id, sum(filings), sum(revenue), sum(digital_human_revenue),
           sum(digital_human_filings)
    FROM (%s) AS delta (year, district_id, park_id, filings, revenue, digital_human_revenue, digital_human_filings)
    GROUP BY 1, 2, 3
    ON CONFLICT (year, district_id, park_id) DO UPDATE SET
        filings = {TOTALS}.filings + EXCLUDED.filings,
        revenue = {TOTALS}.revenue + EXCLUDED.revenue,
        digital_human_revenue = {TOTALS}.digital_human_revenue + EXCLUDED.digital_human_revenue,
        digital_human_filings = {TOTALS}.digital_human_filings + EXCLUDED.digital_human_filings"""

FORWARD = [
    f"""CREATE OR REPLACE FUNCTION {APPLY}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {UPSERT % _delta("new_rows", "1")};
        ELSIF TG_OP = 'UPDATE' THEN
            {UPSERT % (_delta("new_rows", "1") + " UNION ALL " + _delta("old_rows", "-1"))};
        ELSE
            {UPSERT % _delta("old_rows", "-1")};
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {REBUILD}() RETURNS void LANGUAGE sql AS $$
        DELETE FROM {TOTALS};
        INSERT INTO {TOTALS} ({COLUMNS}) {_delta(FILINGS, "1")};
    $$""",
    f"""CREATE TRIGGER {TOTALS}_insert AFTER INSERT ON {FILINGS} REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {APPLY}()""",
    f"""CREATE TRIGGER {TOTALS}_update AFTER UPDATE ON {FILINGS} REFERENCING OLD TABLE AS old_rows
        NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {APPLY}()""",
    f"""CREATE TRIGGER {TOTALS}_delete AFTER DELETE ON {FILINGS} REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION {APPLY}()""",
    # the places' keys, removed with their place by the database (the model says DO_NOTHING: no query in Django)
    *[f"""ALTER TABLE {TOTALS} ADD CONSTRAINT {TOTALS}_{column}_fk FOREIGN KEY ({column}_id)
        REFERENCES {table} (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"""
      for column, table in (("district", "parks_district"), ("park", "parks_park"))],
    # checked as the backfill writes: no check left pending when Django then creates the keys' indexes
    f"SET CONSTRAINTS {TOTALS}_district_fk, {TOTALS}_park_fk IMMEDIATE",
    f"SELECT {REBUILD}()",
]
BACKWARD = [
    *[f"ALTER TABLE {TOTALS} DROP CONSTRAINT IF EXISTS {TOTALS}_{column}_fk" for column in ("district", "park")],
    *[f"DROP TRIGGER IF EXISTS {TOTALS}_{event} ON {FILINGS}" for event in ("insert", "update", "delete")],
    f"DROP FUNCTION IF EXISTS {APPLY}()",
    f"DROP FUNCTION IF EXISTS {REBUILD}()",
]

class Migration(migrations.Migration):

    dependencies = [
        ('parks', '0005_district_staff'),
        ('registry', '0016_file_jobs_of_the_registers'),
        ('enterprises', '0017_filing_filed_enterprise_year_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='FilingTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('filings', models.IntegerField(default=0, verbose_name='approved filings')),
                ('revenue', models.DecimalField(decimal_places=2, default=0, max_digits=20, verbose_name='revenue (万元)')),
                ('digital_human_revenue', models.DecimalField(decimal_places=2, default=0, max_digits=20, verbose_name='digital-human revenue (万元)')),
                ('digital_human_filings', models.IntegerField(default=0, verbose_name='approved filings with digital-human revenue')),
                ('district', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='parks.district', verbose_name='district')),
                ('park', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='parks.park', verbose_name='park')),
            ],
            options={
                'verbose_name': 'approved filings total',
                'verbose_name_plural': 'approved filings totals',
                'constraints': [models.UniqueConstraint(fields=('year', 'district', 'park'), name='filing_total_unique_place', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
