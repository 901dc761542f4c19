"""The years not filed (registry.NotFiledYears) indexed by park with their years: the park report's counts of a
page's parks read that index alone (an index-only scan), not the table's pages. The index made first, then the
park's own index dropped (the new one serves the park's look-ups and the deletes cascading from a park)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0021_industry_activities'),
        ('parks', '0006_park_services'),
        ('registry', '0024_in_operation_changes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='notfiledyears',
            index=models.Index(fields=['park'], include=('years',), name='not_filed_years_park'),
        ),
        migrations.AlterField(
            model_name='notfiledyears',
            name='park',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='parks.park', verbose_name='park'),
        ),
    ]
