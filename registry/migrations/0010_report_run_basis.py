"""What a tier-summary run applied: its rule set and as-of date, written by the run; runs that succeeded before are
given the rule set they applied (the one asked for, else their year's default) and the date they read on (their
year's last day, or the day they finished while their year ran)."""

import datetime

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Fill the rule set and as-of date of the runs that succeeded before the run recorded them."""
    from enterprises.tiers import rule_set_for

    ReportRun = apps.get_model("registry", "ReportRun")
    for run in ReportRun.objects.filter(status="succeeded", applied_rule_set=""):
        run.applied_rule_set = run.rule_set or rule_set_for(run.year).code
        end = datetime.date(run.year, 12, 31)
        run.as_of = min(run.finished.date(), end) if run.finished else end
        run.save(update_fields=["applied_rule_set", "as_of"])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_dates_of_status'),
    ]

    operations = [
        migrations.AddField(
            model_name='reportrun',
            name='applied_rule_set',
            field=models.CharField(blank=True, help_text="The tier rule set the run applied (the one asked for, or the year's default), written by the run.", max_length=16, verbose_name='rule set applied'),
        ),
        migrations.AddField(
            model_name='reportrun',
            name='as_of',
            field=models.DateField(blank=True, help_text="The date the run read tiers and tenancies on (the year's last day, or the run's day while the year runs), written by the run.", null=True, verbose_name='as of'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
