"""Filing seasons (when the filing of a year opens and closes), with the data-version trigger of the tables the
reports read (registry 0006): a season changed moves the reports' default year, so their cached answers go."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0010_left_on_and_due_from'),
        ('registry', '0006_data_version'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FilingSeason',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(help_text='The year whose figures are filed in this season.', unique=True, validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('opens', models.DateField(help_text='The first day filings of the year may be submitted.', verbose_name='opens')),
                ('closes', models.DateField(help_text="The last day of the season (it is open through this day); from the next day the year is the reports' default year.", verbose_name='closes')),
            ],
            options={
                'verbose_name': 'filing season',
                'verbose_name_plural': 'filing seasons',
                'ordering': ['-year'],
                'constraints': [models.CheckConstraint(condition=models.Q(('closes__gte', models.F('opens'))), name='filing_season_closes_after_opening', violation_error_message='The season cannot close before it opens.'), models.CheckConstraint(condition=models.Q(('closes__year__gt', models.F('year'))), name='filing_season_closes_after_its_year', violation_error_message='The season of a year closes after that year ends.'), models.CheckConstraint(condition=models.Q(('year__gte', 2000), ('year__lte', 2100)), name='filing_season_year_range', violation_error_message='The year must be between 2000 and 2100.')],
            },
        ),
        migrations.CreateModel(
            name='HistoricalFilingSeason',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_source', models.CharField(choices=[('api', 'API'), ('web', 'Web page'), ('celery', 'Celery job'), ('command', 'Management command'), ('shell', 'Shell'), ('other', 'Other')], default='other', max_length=10, verbose_name='source')),
                ('history_origin', models.CharField(blank=True, max_length=200, verbose_name='origin')),
                ('year', models.PositiveSmallIntegerField(db_index=True, help_text='The year whose figures are filed in this season.', validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='year')),
                ('opens', models.DateField(help_text='The first day filings of the year may be submitted.', verbose_name='opens')),
                ('closes', models.DateField(help_text="The last day of the season (it is open through this day); from the next day the year is the reports' default year.", verbose_name='closes')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical filing season',
                'verbose_name_plural': 'historical filing seasons',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunSQL(
            """CREATE TRIGGER registry_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
            ON enterprises_filingseason FOR EACH STATEMENT EXECUTE FUNCTION registry_note_data_change()""",
            reverse_sql="DROP TRIGGER registry_data_version ON enterprises_filingseason",
        ),
    ]
