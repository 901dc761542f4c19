"""The plan's tasks, the support policies and their awards (registry 0013) move the data version on: the plan board
and the support-fund report read them (the trigger as in 0001)."""

from django.db import migrations

TABLES = ("registry_plantask", "registry_supportpolicy", "registry_supportaward")
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0003_declarations"),
        ("registry", "0014_plan_tasks_and_support_funds"),
    ]

    operations = [migrations.RunSQL(
        [f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""" for table in TABLES],
        # Backwards: nothing removed (as 0001); the triggers go with their tables when registry 0013 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    )]
