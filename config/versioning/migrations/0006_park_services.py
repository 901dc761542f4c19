"""The park services (parks 0006) move the data version on: the plan board and the public directory read them (the
trigger as in 0001)."""

from django.db import migrations

TABLES = ("parks_parkservice",)
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0005_enterprise_registers"),
        ("parks", "0006_park_services"),
    ]

    operations = [migrations.RunSQL(
        f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""",
        # Backwards: nothing removed (as 0001); the trigger goes with its table when parks 0006 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    ) for table in TABLES]
