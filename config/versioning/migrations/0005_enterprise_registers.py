"""The enterprise's own registers (enterprises 0017: standards, IP, virtual characters and their registrations,
financing rounds, listings) move the data version on: the plan board reads them (the trigger as in 0001)."""

from django.db import migrations

TABLES = ("enterprises_standard", "enterprises_intellectualproperty", "enterprises_digitalhumanip",
          "enterprises_digitalhumanregistration", "enterprises_financinground", "enterprises_listing")
TRIGGER, NOTE = "registry_data_version", "registry_note_data_change"


class Migration(migrations.Migration):

    dependencies = [
        ("versioning", "0004_plan_tasks_and_support_funds"),
        ("enterprises", "0018_enterprise_registers"),
    ]

    operations = [migrations.RunSQL(
        f"""CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {NOTE}()""",
        # Backwards: nothing removed (as 0001); the trigger goes with its table when enterprises 0017 is reversed.
        reverse_sql=migrations.RunSQL.noop,
    ) for table in TABLES]
