"""The district overview's figures kept by day (registry.PlaceDay per owner, registry.PlaceDelta summed), by triggers.

Each figure of the overview that the kept path reads is a sum over owners of what each owner adds from a day on:
- an enterprise: 1 to `enterprises` of its district the days it is active (founded, or from the beginning, to the
  day it left where it moved out or deregistered; never in another status; less its gaps); 1 to each tier it holds
  of its district the days any designation of that tier is in force (granted_on to valid_until, before revoked_on);
  1 to `tenants` of each district the days it holds a tenancy in a park of that district (start to end); its
  tenancies' unit areas to `let` of their park's district the days each tenancy holds;
- a park: its units' areas to `leasable` of its district the days each unit is leasable (opened_on, or from the
  beginning, to closed_on);
- a lab, platform or benchmark project counts 1 (to `labs`, `platforms`, `projects:<its year>`) the days it is in
  operation (selected) for its park's district, owned by the park; one without a park for its enterprise's district,
  owned by the enterprise.
The days are the `config.as_of` rules (`Dated`) of the records' current values; the districts and areas are today's.
Each owner's days become +delta on a span's first day and -delta on the day after its last (PlaceDay), and PlaceDelta
holds their sum per figure and district at four grains (day, month, year; and before each decade): the figure on a
date is the sum of its deltas on or before it, read from a few thousand rows.

- registry_place_refresh_enterprise(ids) / registry_place_refresh_park(ids) take the owners' row locks (FOR NO
  KEY UPDATE), subtract their PlaceDay rows from PlaceDelta, recompute them from the records as they stand and add
  them, in one statement (a generic plan, made once a session).
- Statement-level triggers (after INSERT, UPDATE, DELETE, with transition tables) on the enterprises, designations,
  tenancies, units, parks, labs, platforms and benchmark projects refresh the owners whose counted columns a
  statement changed (a unit: its park, and the enterprises renting it; a park: itself, and the enterprises renting
  in it; a lab, platform or project: its park and its enterprise).
- registry_place_rebuild() recomputes both tables: the backfill below, and the city generator's last step (it loads
  with these triggers disabled). It empties them, drops their indexes for the inserts and makes them again.
"""

from django.db import migrations, models

from config.years import FIRST_YEAR, LAST_YEAR

OWNERS, TOTALS = "registry_placeday", "registry_placedelta"
# Their indexes' names (registry.PlaceDay, registry.PlaceDelta): the rebuild drops them and makes them again.
OWNER_INDEX, TOTALS_UNIQUE = "place_day_owner", "place_delta_unique"
ENTERPRISES, DESIGNATIONS, TENANCIES = "enterprises_enterprise", "enterprises_tierdesignation", "enterprises_tenancy"
PARKS, UNITS = "parks_park", "parks_unit"
REFRESH, REBUILD, TRIGGER, SPAN = ("registry_place_refresh", "registry_place_rebuild", "registry_place",
                                   "registry_place_span")
NO_DAYS = "'{}'::datemultirange"
DECADE = 10  # the years between two sums of every earlier change (registry.selectors.places reads them so)
# The records counted where they are (labs, platforms, projects): figure, table, their enterprise, `Dated` fields.
HOSTED = (
    ("'labs'", "registry_lab", "host_id", dict(start="established", current="('active')", ended="('closed')",
                                                end="closed_on", gaps="gaps")),
    ("'platforms'", "registry_platform", "operator_id", dict(start="launched", current="('active')",
                                                             ended="('closed')", end="closed_on", gaps="gaps")),
    ("'projects:' || h.year", "registry_benchmarkproject", "lead_id", dict(start="selected_on",
                                                                          current="('selected', 'accepted')")),
)


def _in_effect(row: str, *, start: str, current: str, ended: str | None = None, end: str | None = None,
               gaps: str | None = None) -> str:
    """The days a record (`row`) with a status is in effect (`config.as_of.Dated`, open start): from its start (or
    the beginning) while in a `current` status; before its end in an `ended` one (never without the end); never in
    another status; less its gaps."""
    ended_days = (f"WHEN {row}.status IN {ended} AND {row}.{end} IS NOT NULL THEN {SPAN}({row}.{start}, {row}.{end})"
                  if ended else "")
    days = f"CASE WHEN {row}.status IN {current} THEN {SPAN}({row}.{start}, NULL) {ended_days} ELSE {NO_DAYS} END"
    return f"{days} - COALESCE((SELECT range_agg(g) FROM unnest({row}.{gaps}) AS g), {NO_DAYS})" if gaps else days


def _hosted_spans(join: str, where: str, place: str) -> str:
    """(owner, figure, place, days, 1) of the labs, platforms and projects `h` joined to their owner `c` by `join`
    (a format of the record's enterprise column) where `where` holds: each counts 1 the days it is in effect."""
    return "".join(f"""
    UNION ALL
    SELECT c.id, {figure}, {place}, {_in_effect("h", **dated)}, 1::numeric
    FROM {table} h JOIN chosen c ON {join.format(enterprise=enterprise)} WHERE {where}"""
                   for figure, table, enterprise, dated in HOSTED)


def _enterprise_spans(where: str) -> str:
    """(owner, figure, place, days, weight) of the enterprises `where` names (`e` is the enterprise)."""
    return f"""
    WITH chosen AS (SELECT e.id, e.district_id, e.status, e.founded, e.left_on, e.gaps FROM {ENTERPRISES} e
                    WHERE {where})
    SELECT c.id AS owner, 'enterprises'::text AS figure, c.district_id AS place,
           {_in_effect("c", start="founded", current="('active')", ended="('moved_out', 'deregistered')",
                       end="left_on", gaps="gaps")} AS days, 1::numeric AS weight
    FROM chosen c
    UNION ALL
    SELECT c.id, d.tier, c.district_id, range_agg(daterange(d.granted_on, LEAST(d.valid_until + 1, d.revoked_on))),
           1::numeric
    FROM {DESIGNATIONS} d JOIN chosen c ON c.id = d.enterprise_id
    WHERE d.granted_on < LEAST(d.valid_until + 1, d.revoked_on) AND d.valid_until IS NOT NULL
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT c.id, 'tenants', p.district_id, range_agg(daterange(t.start, t."end")), 1::numeric
    FROM {TENANCIES} t JOIN chosen c ON c.id = t.enterprise_id JOIN {PARKS} p ON p.id = t.park_id
    WHERE t.start < t."end" OR (t.start IS NOT NULL AND t."end" IS NULL)
    GROUP BY 1, 2, 3
    UNION ALL
    SELECT c.id, 'let', p.district_id, datemultirange(daterange(t.start, t."end")), u.area
    FROM {TENANCIES} t JOIN chosen c ON c.id = t.enterprise_id JOIN {PARKS} p ON p.id = t.park_id
    JOIN {UNITS} u ON u.id = t.unit_id
    WHERE t.start < t."end" OR (t.start IS NOT NULL AND t."end" IS NULL)
    {_hosted_spans("c.id = h.{enterprise}", "h.park_id IS NULL", "c.district_id")}"""


def _park_spans(where: str) -> str:
    """(owner, figure, place, days, weight) of the parks `where` names (`p` is the park)."""
    return f"""
    WITH chosen AS (SELECT p.id, p.district_id FROM {PARKS} p WHERE {where})
    SELECT c.id AS owner, 'leasable'::text AS figure, c.district_id AS place, {SPAN}(u.opened_on, u.closed_on) AS days,
           u.area AS weight
    FROM {UNITS} u JOIN chosen c ON c.id = u.park_id
    {_hosted_spans("c.id = h.park_id", "TRUE", "c.district_id")}"""


def _deltas(spans: str) -> str:
    """SELECT (owner, figure, place, day, delta) of spans: +weight on each span's first day (0001-01-01, the first
    day a date holds, where it has none: a day every reader can load, where -infinity is none to Python), -weight on
    the day after its last (none where it is open), summed per owner, figure, place and day."""
    return f"""
    SELECT s.owner, s.figure, s.place, change.day, SUM(change.delta)
    FROM ({spans}) AS s, unnest(s.days) AS r,
         LATERAL (VALUES (COALESCE(lower(r), '0001-01-01'::date), s.weight), (upper(r), -s.weight)) AS change(day, delta)
    WHERE s.place IS NOT NULL AND change.day IS NOT NULL
    GROUP BY 1, 2, 3, 4 HAVING SUM(change.delta) <> 0"""


def _grains(changes: str) -> str:
    """SELECT (grain, figure, place, day, delta) of PlaceDelta from changes (figure, place, day, delta) summed per
    figure, place and day: `d` the change of a day, `m` of a month (on its first day), `y` of a year (on its first
    day), from FIRST_YEAR on; `c` the sum of every change before the first day of each decade FIRST_YEAR, +10, …,
    LAST_YEAR (on that day). A change touches at most one row of each of the first three grains and 11 of `c`."""
    kept = f"day >= '{FIRST_YEAR}-01-01'"
    return f"""
    SELECT 'd' AS grain, figure, place, day, delta FROM {changes} WHERE {kept}
    UNION ALL
    SELECT 'm', figure, place, date_trunc('month', day)::date, SUM(delta) FROM {changes} WHERE {kept}
    GROUP BY 1, 2, 3, 4 HAVING SUM(delta) <> 0
    UNION ALL
    SELECT 'y', figure, place, date_trunc('year', day)::date, SUM(delta) FROM {changes} WHERE {kept}
    GROUP BY 1, 2, 3, 4 HAVING SUM(delta) <> 0
    UNION ALL
    SELECT 'c', s.figure, s.place, make_date(decade, 1, 1), SUM(s.delta)
    FROM (SELECT figure, place, GREATEST(extract(year FROM day), {FIRST_YEAR - 1}) AS year, SUM(delta) AS delta
          FROM {changes} GROUP BY 1, 2, 3) AS s
    JOIN generate_series({FIRST_YEAR}, {LAST_YEAR}, {DECADE}) AS decade ON s.year < decade
    GROUP BY 1, 2, 3, 4 HAVING SUM(s.delta) <> 0"""


def _refresh(kind: str, table: str, spans) -> str:
    """The refresh function of one kind of owner (`e` enterprises, `p` parks)."""
    # A generic plan, kept for the session: planning this statement costs 10-40 ms, running it for one owner 1 ms.
    return f"""CREATE OR REPLACE FUNCTION {REFRESH}_{table.split('_')[1]}(ids bigint[]) RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
    BEGIN
        IF cardinality(ids) = 0 THEN
            RETURN;
        END IF;
        PERFORM 1 FROM {table} WHERE id IN (SELECT unnest(ids)) ORDER BY id FOR NO KEY UPDATE;
        WITH old AS (
            DELETE FROM {OWNERS} WHERE owner_kind = '{kind}' AND owner IN (SELECT unnest(ids))
            RETURNING figure, place, day, -delta AS delta
        ), new AS (
            INSERT INTO {OWNERS} (owner_kind, owner, figure, place, day, delta)
            SELECT '{kind}', * FROM ({_deltas(spans("e.id IN (SELECT unnest(ids))" if kind == "e"
                                                    else "p.id IN (SELECT unnest(ids))"))}) AS d
            RETURNING figure, place, day, delta
        ), changes AS (
            SELECT figure, place, day, SUM(delta) AS delta FROM (SELECT * FROM old UNION ALL SELECT * FROM new) AS both_
            GROUP BY 1, 2, 3 HAVING SUM(delta) <> 0
        )
        INSERT INTO {TOTALS} (grain, figure, place, day, delta) {_grains("changes")}
        ORDER BY 1, 4, 2, 3
        ON CONFLICT (grain, day, figure, place) DO UPDATE SET delta = {TOTALS}.delta + EXCLUDED.delta;
    END $$"""


def _trigger_function(name: str, counts: tuple[str, ...], refreshes: tuple[tuple[str, str], ...]) -> str:
    """The trigger function of a table: refresh, for each (function, owners), the owners (a SELECT of ids from the
    rows `r` inserted, deleted, or changed by an update in what `counts`). The rows changed are a set difference of
    the transition tables (as in migration 0022)."""
    columns = ", ".join(counts)
    new, old = (f"SELECT r.id, {columns} FROM {table} r" for table in ("new_rows", "old_rows"))
    changed = {"INSERT": "new_rows", "UPDATE": f"(({new} EXCEPT {old}) UNION ALL ({old} EXCEPT {new}))",
               "DELETE": "old_rows"}
    branches = {op: "".join(f"""
            PERFORM {REFRESH}_{function}(ARRAY(SELECT DISTINCT {owners.format(rows=rows)}));"""
                            for function, owners in refreshes) for op, rows in changed.items()}
    return f"""CREATE OR REPLACE FUNCTION {TRIGGER}_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN{branches["INSERT"]}
        ELSIF TG_OP = 'UPDATE' THEN{branches["UPDATE"]}
        ELSE{branches["DELETE"]}
        END IF;
        RETURN NULL;
    END $$"""


RENTING = f"t.enterprise_id FROM {TENANCIES} t WHERE t.{{column}} IN (SELECT r.id FROM {{{{rows}}}} AS r)"
TABLES = (  # table, the name of its function, what counts of a row, (refresh function, owners of rows `r`)
    (ENTERPRISES, "enterprise", ("r.district_id", "r.status", "r.founded", "r.left_on", "r.gaps"),
     (("enterprise", "r.id FROM {rows} AS r"),)),
    (DESIGNATIONS, "designation", ("r.enterprise_id", "r.tier", "r.granted_on", "r.valid_until", "r.revoked_on"),
     (("enterprise", "r.enterprise_id FROM {rows} AS r"),)),
    (TENANCIES, "tenancy", ("r.enterprise_id", "r.park_id", "r.unit_id", "r.start", 'r."end"'),
     (("enterprise", "r.enterprise_id FROM {rows} AS r"),)),
    (UNITS, "unit", ("r.park_id", "r.area", "r.opened_on", "r.closed_on"),
     (("park", "r.park_id FROM {rows} AS r"), ("enterprise", RENTING.format(column="unit_id")))),
    (PARKS, "park", ("r.district_id",),
     (("park", "r.id FROM {rows} AS r"), ("enterprise", RENTING.format(column="park_id")))),
    *((table, table.split("_")[1], ("r.park_id", f"r.{enterprise}", "r.status", f"r.{dated['start']}",
                                    *(f"r.{dated[key]}" for key in ("end", "gaps") if key in dated),
                                    *(("r.year",) if "year" in figure else ())),
       (("park", "r.park_id FROM {rows} AS r"), ("enterprise", f"r.{enterprise} FROM {{rows}} AS r")))
      for figure, table, enterprise, dated in HOSTED),
)

FORWARD = [
    f"""CREATE OR REPLACE FUNCTION {SPAN}(first date, stop date) RETURNS datemultirange LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN first IS NULL OR stop IS NULL OR first < stop THEN datemultirange(daterange(first, stop))
                    ELSE {NO_DAYS} END
    $$""",
    _refresh("e", ENTERPRISES, _enterprise_spans),
    _refresh("p", PARKS, _park_spans),
    # The rebuild replaces every row, so it empties both tables with TRUNCATE (a DELETE left the old rows dead, and
    # each insert's unique check visited them), drops their indexes and makes them again after the inserts (one sort
    # each instead of 600,000 insertions), runs without JIT (the planner expects 100 times the rows the multiranges
    # unnest to, and compiled for 6 s of 29) and with memory enough to aggregate without spilling to disk.
    f"""CREATE OR REPLACE FUNCTION {REBUILD}() RETURNS void LANGUAGE plpgsql
    SET jit = off SET work_mem = '128MB' SET maintenance_work_mem = '256MB' AS $$
    BEGIN
        TRUNCATE {OWNERS}, {TOTALS};
        DROP INDEX {OWNER_INDEX};
        ALTER TABLE {TOTALS} DROP CONSTRAINT {TOTALS_UNIQUE};
        INSERT INTO {OWNERS} (owner_kind, owner, figure, place, day, delta)
        SELECT 'e', * FROM ({_deltas(_enterprise_spans("TRUE"))}) AS d
        UNION ALL SELECT 'p', * FROM ({_deltas(_park_spans("TRUE"))}) AS d;
        INSERT INTO {TOTALS} (grain, figure, place, day, delta)
        WITH changes AS (SELECT figure, place, day, SUM(delta) AS delta FROM {OWNERS} GROUP BY 1, 2, 3
                         HAVING SUM(delta) <> 0)
        {_grains("changes")};
        CREATE INDEX {OWNER_INDEX} ON {OWNERS} (owner_kind, owner);
        ALTER TABLE {TOTALS} ADD CONSTRAINT {TOTALS_UNIQUE} UNIQUE (grain, day, figure, place);
    END $$""",
    *[_trigger_function(name, counts, refreshes) for _table, name, counts, refreshes in TABLES],
    *[f"""CREATE TRIGGER {TRIGGER}_{event.lower()} AFTER {event} ON {table} REFERENCING {transition}
          FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}_{name}()"""
      for table, name, *_ in TABLES
      for event, transition in (("INSERT", "NEW TABLE AS new_rows"),
                                ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                                ("DELETE", "OLD TABLE AS old_rows"))],
    f"SELECT {REBUILD}()",
]
BACKWARD = [
    *[f"DROP TRIGGER IF EXISTS {TRIGGER}_{event} ON {table}" for table, *_ in TABLES
      for event in ("insert", "update", "delete")],
    *[f"DROP FUNCTION IF EXISTS {TRIGGER}_{name}()" for _table, name, *_ in TABLES],
    f"DROP FUNCTION IF EXISTS {REBUILD}()",
    f"DROP FUNCTION IF EXISTS {REFRESH}_enterprise(bigint[])",
    f"DROP FUNCTION IF EXISTS {REFRESH}_park(bigint[])",
    f"DROP FUNCTION IF EXISTS {SPAN}(date, date)",
]


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0021_industry_activities'),
        ('parks', '0006_park_services'),
        ('registry', '0022_not_filed_years'),
    ]

    operations = [
        migrations.CreateModel(
            name='PlaceDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('owner_kind', models.CharField(max_length=1, verbose_name='owner kind')),
                ('owner', models.BigIntegerField(verbose_name='owner')),
                ('figure', models.CharField(max_length=16, verbose_name='figure')),
                ('place', models.BigIntegerField(verbose_name='district')),
                ('day', models.DateField(verbose_name='day')),
                ('delta', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='change')),
            ],
            options={
                'verbose_name': "owner's change of a district figure",
                'verbose_name_plural': "owners' changes of district figures",
            },
        ),
        # Made now, not at the end of the migration as a model's indexes are: the backfill below drops and remakes it.
        migrations.AddIndex(
            model_name='placeday',
            index=models.Index(fields=['owner_kind', 'owner'], name=OWNER_INDEX),
        ),
        migrations.CreateModel(
            name='PlaceDelta',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(max_length=1, verbose_name='grain')),
                ('figure', models.CharField(max_length=16, verbose_name='figure')),
                ('place', models.BigIntegerField(verbose_name='district')),
                ('day', models.DateField(verbose_name='day')),
                ('delta', models.DecimalField(decimal_places=2, max_digits=20, verbose_name='change')),
            ],
            options={
                'verbose_name': 'change of a district figure',
                'verbose_name_plural': 'changes of district figures',
                'constraints': [models.UniqueConstraint(fields=('grain', 'day', 'figure', 'place'),
                                                name=TOTALS_UNIQUE)],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
