"""The registry's data version: a sequence moved on by every statement that writes a table the reports read.

Report responses are cached under it (registry/api/report_responses.py), so any write ends their entries: through
the ORM, a bulk load (COPY fires INSERT triggers), raw SQL or TRUNCATE alike. Statement-level triggers cost one
nextval() per statement, whatever the rows. History tables, file jobs, sessions and tokens are left out: the
reports never read them.
"""

from django.db import migrations

SEQUENCE = "registry_data_version"
FUNCTION = "registry_bump_data_version"
TABLES = (
    "parks_district", "parks_park", "parks_unit", "parks_parkmembership",
    "enterprises_enterprise", "enterprises_tenancy", "enterprises_enterprisemembership",
    "enterprises_annualfiling", "enterprises_tierdesignation",
    "registry_lab", "registry_platform", "registry_benchmarkproject", "registry_benchmarkproject_partners",
    "registry_plantarget", "registry_tiersummary", "registry_reportrun",
    "auth_user_groups",  # the bureau role
)

CREATE = [
    f"CREATE SEQUENCE {SEQUENCE}",
    # last_value only moves from the second nextval() on: start it called, so the first write shows.
    f"SELECT nextval('{SEQUENCE}')",
    f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('{SEQUENCE}');
        RETURN NULL;
    END $$""",
    *[f"""CREATE TRIGGER {SEQUENCE} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()""" for table in TABLES],
]
DROP = [
    *[f"DROP TRIGGER {SEQUENCE} ON {table}" for table in TABLES],
    f"DROP FUNCTION {FUNCTION}()",
    f"DROP SEQUENCE {SEQUENCE}",
]


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("parks", "0002_memberships_and_history_source"),
        ("enterprises", "0004_due_from_generated"),
        ("registry", "0005_file_jobs"),
    ]

    operations = [migrations.RunSQL(CREATE, reverse_sql=DROP)]
