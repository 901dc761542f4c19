"""The enterprises' industry activities (enterprises 0020: talent, events and cooperation) move the data version on:
the plan board reads them (the trigger as in 0001)."""

from django.db import migrations

TABLE = "enterprises_industryactivity"
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0007_compliance_filings"),
        ("enterprises", "0021_industry_activities"),
    ]

    operations = [migrations.RunSQL(
        f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {TABLE}
            FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""",
        # Backwards: nothing removed (as 0001); the trigger goes with its table when enterprises 0020 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    )]
