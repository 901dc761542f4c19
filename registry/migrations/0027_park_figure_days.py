"""The park report's figures kept by day (registry.ParkDay per owner, registry.ParkDelta summed), by the triggers
of migration 0023.

Each figure a park's row reads on a date is a sum over owners of what each owner adds from a day on:
- a park: 1 to `units` and its area to `leasable` of the park for each of its units, the days the unit is leasable
  (opened_on, or from the beginning, to closed_on);
- an enterprise: 1 to `tenants` of each park it rents in, the days it holds any tenancy there (its tenancies' days
  merged: range_agg), and each tenancy's unit area to `let` of its park, the days the tenancy holds.
The days and grains are those of migration 0023 (PlaceDay, PlaceDelta); ParkDelta also holds, per row, `weighted`:
the sum of each change times its day's number (days since 0001-01-01). A figure's sum over the days before a date
D is then D's number times the sum of its changes before D, less the sum of their `weighted`: both prefix sums of
the rows, so a period's area-days are two reads (docs/aggregates.md).

The refresh functions of migration 0023 are made again with a second statement each writing the owners' park rows,
and the rebuild (in the key order of migration 0026) with the park tables rebuilt the same way, after the district
ones; it is run once. The triggers of 0023 already refresh the owners of every column these figures read (a
tenancy's enterprise, park, unit and dates refresh its enterprise; a unit's park, area and dates its park and the
enterprises renting it), so they are kept as they are.
"""

import importlib

from django.db import migrations, models

from config.years import FIRST_YEAR

KEPT = importlib.import_module("registry.migrations.0023_place_figure_days")
ORDERED = importlib.import_module("registry.migrations.0026_place_delta_in_key_order")

OWNERS, TOTALS = "registry_parkday", "registry_parkdelta"
OWNER_INDEX, TOTALS_UNIQUE = "park_day_owner", "park_delta_unique"
HOLDING = 't.start < t."end" OR (t.start IS NOT NULL AND t."end" IS NULL)'  # a tenancy with any day (0023's)
DAY_NUMBER = "(day - '0001-01-01'::date)"  # a day's number: weighted = delta times it


def _park_spans(where: str) -> str:
    """(owner, figure, place, days, weight) of the parks `where` names (`u` is a unit, its park the owner)."""
    return f"""
    SELECT u.park_id AS owner, 'units'::text AS figure, u.park_id AS place,
           {KEPT.SPAN}(u.opened_on, u.closed_on) AS days, 1::numeric AS weight
    FROM {KEPT.UNITS} u WHERE {where}
    UNION ALL
    SELECT u.park_id, 'leasable', u.park_id, {KEPT.SPAN}(u.opened_on, u.closed_on), u.area
    FROM {KEPT.UNITS} u WHERE {where}"""


def _enterprise_spans(where: str) -> str:
    """(owner, figure, place, days, weight) of the enterprises `where` names (`t` is a tenancy, its enterprise the
    owner, its park the place)."""
    return f"""
    SELECT t.enterprise_id AS owner, 'tenants'::text AS figure, t.park_id AS place,
           range_agg(daterange(t.start, t."end")) AS days, 1::numeric AS weight
    FROM {KEPT.TENANCIES} t WHERE ({where}) AND ({HOLDING})
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT t.enterprise_id, 'let', t.park_id, datemultirange(daterange(t.start, t."end")), u.area
    FROM {KEPT.TENANCIES} t JOIN {KEPT.UNITS} u ON u.id = t.unit_id WHERE ({where}) AND ({HOLDING})"""


def _grains(changes: str) -> str:
    """SELECT (grain, figure, place, day, delta, weighted) of ParkDelta from changes (figure, place, day, delta),
    at the grains of migration 0023 (`d`, `m`, `y` from FIRST_YEAR on, `c` before each decade). A row is kept
    where either sum is not zero: a month whose changes cancel (a tenancy of a few days) still weighs its days."""
    kept = f"day >= '{FIRST_YEAR}-01-01'"
    weighted = f"delta * {DAY_NUMBER}"
    having = f"HAVING SUM(delta) <> 0 OR SUM({weighted}) <> 0"
    return f"""
    SELECT 'd' AS grain, figure, place, day, delta, {weighted} AS weighted FROM {changes} WHERE {kept}
    UNION ALL
    SELECT 'm', figure, place, date_trunc('month', day)::date, SUM(delta), SUM({weighted}) FROM {changes}
    WHERE {kept} GROUP BY 1, 2, 3, 4 {having}
    UNION ALL
    SELECT 'y', figure, place, date_trunc('year', day)::date, SUM(delta), SUM({weighted}) FROM {changes}
    WHERE {kept} GROUP BY 1, 2, 3, 4 {having}
    UNION ALL
    SELECT 'c', s.figure, s.place, make_date(decade, 1, 1), SUM(s.delta), SUM(s.weighted)
    FROM (SELECT figure, place, GREATEST(extract(year FROM day), {FIRST_YEAR - 1}) AS year, SUM(delta) AS delta,
                 SUM({weighted}) AS weighted
          FROM {changes} GROUP BY 1, 2, 3) AS s
    JOIN generate_series({FIRST_YEAR}, {KEPT.LAST_YEAR}, {KEPT.DECADE}) AS decade ON s.year < decade
    GROUP BY 1, 2, 3, 4 HAVING SUM(s.delta) <> 0 OR SUM(s.weighted) <> 0"""


def _refresh_statement(kind: str) -> str:
    """The statement refreshing the park rows of the owners `ids` of one kind (`e` enterprises, `p` parks), run
    after 0023's statement for the district rows (which took the owners' row locks): delete their ParkDay rows,
    write them again, add the difference to ParkDelta in the order of its key."""
    spans = (_enterprise_spans("t.enterprise_id IN (SELECT unnest(ids))") if kind == "e"
             else _park_spans("u.park_id IN (SELECT unnest(ids))"))
    return f"""
        WITH old AS (
            DELETE FROM {OWNERS} WHERE owner_kind = '{kind}' AND owner IN (SELECT unnest(ids))
            RETURNING figure, park AS place, day, -delta AS delta
        ), new AS (
            INSERT INTO {OWNERS} (owner_kind, owner, figure, park, day, delta)
            SELECT '{kind}', * FROM ({KEPT._deltas(spans)}) AS d
            RETURNING figure, park AS place, day, delta
        ), changes AS (
            SELECT figure, place, day, SUM(delta) AS delta FROM (SELECT * FROM old UNION ALL SELECT * FROM new) AS both_
            GROUP BY 1, 2, 3 HAVING SUM(delta) <> 0
        )
        INSERT INTO {TOTALS} (grain, figure, park, day, delta, weighted) {_grains("changes")}
        ORDER BY 3, 1, 4, 2
        ON CONFLICT (park, grain, day, figure)
        DO UPDATE SET delta = {TOTALS}.delta + EXCLUDED.delta, weighted = {TOTALS}.weighted + EXCLUDED.weighted;"""


REBUILD_PARKS = f"""
        TRUNCATE {OWNERS}, {TOTALS};
        DROP INDEX {OWNER_INDEX};
        ALTER TABLE {TOTALS} DROP CONSTRAINT {TOTALS_UNIQUE};
        INSERT INTO {OWNERS} (owner_kind, owner, figure, park, day, delta)
        SELECT 'e', * FROM ({KEPT._deltas(_enterprise_spans("TRUE"))}) AS d
        UNION ALL SELECT 'p', * FROM ({KEPT._deltas(_park_spans("TRUE"))}) AS d;
        INSERT INTO {TOTALS} (grain, figure, park, day, delta, weighted)
        WITH changes AS (SELECT figure, park AS place, day, SUM(delta) AS delta FROM {OWNERS} GROUP BY 1, 2, 3
                         HAVING SUM(delta) <> 0)
        {_grains("changes")}
        ORDER BY 3, 1, 4, 2;
        CREATE INDEX {OWNER_INDEX} ON {OWNERS} (owner_kind, owner);
        ALTER TABLE {TOTALS} ADD CONSTRAINT {TOTALS_UNIQUE} UNIQUE (park, grain, day, figure);"""
END = "\n    END $$"


def _function(name: str, functions: list[str]) -> str:
    """The CREATE OR REPLACE FUNCTION of `name` among `functions` (the SQL of an earlier migration)."""
    (function,) = [sql for sql in functions if sql.startswith(f"CREATE OR REPLACE FUNCTION {name}(")]
    assert function.endswith(END), f"{name} does not end as this migration expects"
    return function


def _with(function: str, statements: str) -> str:
    """A function of an earlier migration with `statements` run after its own."""
    return function.removesuffix(END) + statements + END


REFRESHES = [_function(f"{KEPT.REFRESH}_{name}", KEPT.FORWARD) for name in ("enterprise", "park")]
REBUILD = ORDERED._rebuild_function().replace(ORDERED.UNORDERED, ORDERED.ORDERED)

FORWARD = [
    _with(REFRESHES[0], _refresh_statement("e")),
    _with(REFRESHES[1], _refresh_statement("p")),
    _with(REBUILD, REBUILD_PARKS),
    f"SELECT {KEPT.REBUILD}()",
    f"ANALYZE {OWNERS}, {TOTALS}",  # the planner's statistics of the new tables (the generator makes them too)
]
BACKWARD = [*REFRESHES, REBUILD]


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0026_place_delta_in_key_order'),
    ]

    operations = [
        migrations.CreateModel(
            name='ParkDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_kind', models.CharField(max_length=1, verbose_name='owner kind')),
                ('owner', models.BigIntegerField(verbose_name='owner')),
                ('figure', models.CharField(max_length=16, verbose_name='figure')),
                ('park', models.BigIntegerField(verbose_name='park')),
                ('day', models.DateField(verbose_name='day')),
                ('delta', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='change')),
            ],
            options={
                'verbose_name': "owner's change of a park figure",
                'verbose_name_plural': "owners' changes of park figures",
            },
        ),
        # Made now, not at the end of the migration: the backfill below drops and remakes it (as 0023's).
        migrations.AddIndex(
            model_name='parkday',
            index=models.Index(fields=['owner_kind', 'owner'], name=OWNER_INDEX),
        ),
        migrations.CreateModel(
            name='ParkDelta',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(max_length=1, verbose_name='grain')),
                ('figure', models.CharField(max_length=16, verbose_name='figure')),
                ('park', models.BigIntegerField(verbose_name='park')),
                ('day', models.DateField(verbose_name='day')),
                ('delta', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='change')),
                ('weighted', models.DecimalField(decimal_places=2, max_digits=30,
                                                 verbose_name='change times its day')),
            ],
            options={
                'verbose_name': 'change of a park figure',
                'verbose_name_plural': 'changes of park figures',
                'constraints': [models.UniqueConstraint(fields=('park', 'grain', 'day', 'figure'),
                                                        name=TOTALS_UNIQUE)],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
