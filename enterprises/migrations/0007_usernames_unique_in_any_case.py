"""Usernames unique whatever their case: a unique index on upper(username) of Django's user table.

Django's `username__iexact` lookup compares UPPER(username::text), which this index serves, so sign-in by any case
finds the account through it. Creating it fails on a database already holding two names that differ only in case:
rename one of them first.
"""

from django.db import migrations

INDEX = "auth_user_username_upper_uniq"


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("enterprises", "0006_invitation"),
    ]

    operations = [
        migrations.RunSQL(
            f'CREATE UNIQUE INDEX IF NOT EXISTS {INDEX} ON auth_user (UPPER("username"::text))',
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
