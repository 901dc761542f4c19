"""Declaration rounds, declarations and their steps (enterprises 0013) move the data version on: the declaration
pipeline report and the tier summary's declared and in-review counts read them, so a step answers at once (the
trigger as in 0001)."""

from django.db import migrations

TABLES = ("enterprises_declarationround", "enterprises_declaration", "enterprises_declarationstep")
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0002_district_staff"),
        ("enterprises", "0013_declarations"),
    ]

    operations = [migrations.RunSQL(
        [f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
             FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""" for table in TABLES],
        # Backwards: nothing removed (as 0001); the triggers go with their tables when enterprises 0013 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    )]
