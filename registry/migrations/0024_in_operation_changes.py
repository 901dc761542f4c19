"""The changes of the labs, platforms and benchmark projects in operation (registry.InOperationChange), kept by
triggers.

A record is in effect on the days of one multirange computed from its own columns, by the rule of its `Dated`
(config.as_of): a lab or platform from its day of opening (or the beginning, where none is recorded), while active,
or until its closing day when closed, less its gaps; a project selected or accepted from its day of selection (or the
beginning). Each range of that set adds +1 on its first day (an empty day: from the beginning) and -1 on its first
day out (none where it has no end), per kind of record, category (a lab's kind, a platform's domain, a project's
field) and, for a project, its year. The records in effect on a date are the sum of the changes up to it.

- Statement-level triggers on the three tables (after INSERT, UPDATE, DELETE), with their transition tables, add the
  changes of the rows written and take away those of the rows replaced or removed, in one upsert per statement of
  the keys whose sum moved (an edit of a name writes nothing), in the keys' order: in the writing transaction,
  whatever writes (ORM, admin, raw SQL, a bulk insert or a COPY).
- registry_in_operation_rebuild() recomputes the whole table: the backfill below, and the city generator's last
  step (its TRUNCATE fires no row triggers).
"""

from django.db import migrations, models

KEPT = "registry_inoperationchange"
APPLY, REBUILD, TRIGGER = "registry_in_operation_apply", "registry_in_operation_rebuild", "registry_in_operation"
EMPTY = "'{}'::datemultirange"


def _operating(start: str) -> str:
    """The days a lab or platform (`r`) is in operation: from `start`, while active or until its closing day, less
    its gaps (config.as_of's IN_OPERATION rule: current 'active', ended 'closed' with its closing day)."""
    return f"""CASE WHEN r.status = 'active' THEN datemultirange(daterange(r.{start}, NULL))
                    WHEN r.status = 'closed' AND r.closed_on > COALESCE(r.{start}, '-infinity')
                         THEN datemultirange(daterange(r.{start}, r.closed_on))
                    ELSE {EMPTY} END - datemultirange(VARIADIC r.gaps)"""


# Per table: its kind of record (registry.selectors.plan_progress's Metric.kind), category, year and days in effect.
TABLES = {
    "registry_lab": ("lab", "r.kind", "NULL::smallint", _operating("established")),
    "registry_platform": ("platform", "r.domain", "NULL::smallint", _operating("launched")),
    "registry_benchmarkproject": ("benchmark_project", "r.field", "r.year", f"""CASE
        WHEN r.status IN ('selected', 'accepted') THEN datemultirange(daterange(r.selected_on, NULL))
        ELSE {EMPTY} END"""),
}


def _changes(table: str, rows: str, sign: str) -> str:
    """SELECT (record, category, year, day, change) of the rows of `rows` (rows of `table`), times `sign`."""
    record, category, year, days = TABLES[table]
    return f"""SELECT '{record}'::varchar, {category}, {year}, edge.day, edge.change * {sign}
        FROM {rows} r CROSS JOIN LATERAL unnest({days}) AS span
        CROSS JOIN LATERAL (VALUES (lower(span), 1), (upper(span), -1)) AS edge (day, change)
        WHERE edge.change = 1 OR edge.day IS NOT NULL"""


INSERT = f"""INSERT INTO {KEPT} (record, category, year, day, change)
    SELECT record, category, year, day, sum(change) FROM (%s) AS delta (record, category, year, day, change)
    GROUP BY 1, 2, 3, 4 HAVING sum(change) <> 0
    ORDER BY 1, 2, 3, 4"""  # keys written in one order: two statements writing the same keys cannot deadlock
UPSERT = INSERT + f"""
    ON CONFLICT (record, category, year, day) DO UPDATE SET change = {KEPT}.change + EXCLUDED.change"""


def _apply(table: str) -> str:
    """The trigger function of one table: the changes of the rows written less those of the rows replaced."""
    return f"""CREATE OR REPLACE FUNCTION {APPLY}_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {UPSERT % _changes(table, "new_rows", "1")};
        ELSIF TG_OP = 'UPDATE' THEN
            {UPSERT % (_changes(table, "new_rows", "1") + " UNION ALL " + _changes(table, "old_rows", "-1"))};
        ELSE
            {UPSERT % _changes(table, "old_rows", "-1")};
        END IF;
        RETURN NULL;
    END $$"""


FORWARD = [
    *[_apply(table) for table in TABLES],
    f"""CREATE OR REPLACE FUNCTION {REBUILD}() RETURNS void LANGUAGE sql AS $$
        DELETE FROM {KEPT};
        {INSERT % " UNION ALL ".join(_changes(table, table, "1") for table in TABLES)};
    $$""",
    *[f"""CREATE TRIGGER {TRIGGER}_{event} AFTER {event.upper()} ON {table} REFERENCING {transition}
          FOR EACH STATEMENT EXECUTE FUNCTION {APPLY}_{table}()"""
      for table in TABLES
      for event, transition in (("insert", "NEW TABLE AS new_rows"),
                                ("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                ("delete", "OLD TABLE AS old_rows"))],
    f"SELECT {REBUILD}()",
]
BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {TRIGGER}_{event} ON {table}" for table in TABLES
      for event in ("insert", "update", "delete")],
    *[f"DROP FUNCTION IF EXISTS {APPLY}_{table}()" for table in TABLES],
    f"DROP FUNCTION IF EXISTS {REBUILD}()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0023_place_figure_days'),
    ]

    operations = [
        migrations.CreateModel(
            name='InOperationChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('record', models.CharField(max_length=20, verbose_name='kind of record')),
                ('category', models.CharField(max_length=32, verbose_name='category')),
                ('year', models.PositiveSmallIntegerField(null=True, verbose_name='year')),
                ('day', models.DateField(null=True, verbose_name='day')),
                ('change', models.IntegerField(default=0, verbose_name='change')),
            ],
            options={
                'verbose_name': 'change in operation',
                'verbose_name_plural': 'changes in operation',
                'constraints': [models.UniqueConstraint(fields=('record', 'category', 'year', 'day'), name='in_operation_change_unique', nulls_distinct=False)],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
