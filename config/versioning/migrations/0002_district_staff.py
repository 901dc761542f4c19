"""District staff memberships (parks 0005) move the data version on, as every membership table does: the reports a
district's staff read are scoped by them (the trigger as in 0001)."""

from django.db import migrations

TABLE = "parks_districtmembership"
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0001_data_version"),
        ("parks", "0005_district_staff"),
    ]

    operations = [migrations.RunSQL(
        f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""",
        # Backwards: nothing removed (as 0001); the trigger goes with its table when parks 0005 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    )]
