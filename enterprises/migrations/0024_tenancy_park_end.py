"""The tenancies by park and end (tenancy_park_end) in the place of the park's own index: every look-up by park
reads it, and the park report counts the tenancies of a page's parks ending within 90 days of its date by its
range (registry.selectors.park_days). It is made before the park's index is dropped."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0023_tenancy_ordering_by_own_park'),
        ('parks', '0006_park_services'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='tenancy',
            index=models.Index(fields=['park', 'end'], name='tenancy_park_end'),
        ),
        migrations.AlterField(
            model_name='tenancy',
            name='park',
            field=models.ForeignKey(blank=True, db_index=False, editable=False,
                                    on_delete=django.db.models.deletion.PROTECT, related_name='tenancies',
                                    to='parks.park', verbose_name='park'),
        ),
    ]
