"""The district figures kept by day (registry.PlaceDelta) rebuilt in the order of their key (grain, day, figure,
place): the overview on a date reads a few thousand of them by that key (its decade's `c` rows, the decade's `y`,
the year's `m`, the month's `d`), which the rebuild's unordered insert had spread over about a thousand pages of
the 100,000-enterprise city; written in key order they fill about thirty (docs/aggregates.md).

registry_place_rebuild() is made again as migration 0023 made it, its insert of the summed rows ordered by the key,
and run once so that the rows already kept are laid out so (the undo restores the function of 0023)."""

import importlib

from django.db import migrations

KEPT = importlib.import_module("registry.migrations.0023_place_figure_days")
# The end of the rebuild's insert of the summed rows in migration 0023, and the same with the key's order.
UNORDERED = "HAVING SUM(s.delta) <> 0;\n        CREATE INDEX"
ORDERED = "HAVING SUM(s.delta) <> 0\n        ORDER BY 1, 4, 2, 3;\n        CREATE INDEX"


def _rebuild_function() -> str:
    """The CREATE OR REPLACE FUNCTION of registry_place_rebuild() in migration 0023."""
    (function,) = [sql for sql in KEPT.FORWARD if sql.startswith(f"CREATE OR REPLACE FUNCTION {KEPT.REBUILD}()")]
    assert function.count(UNORDERED) == 1, "migration 0023's rebuild is not the one this migration orders"
    return function


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0025_not_filed_years_by_park'),
    ]

    operations = [
        migrations.RunSQL([_rebuild_function().replace(UNORDERED, ORDERED), f"SELECT {KEPT.REBUILD}()"],
                          [_rebuild_function()]),
    ]
