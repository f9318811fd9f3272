# A ranking job may be the correction of a published run (issue 18): the run it corrects and the reason; the correction
# is computed by the queue as a compute is, one job per county and quarter at a time.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0003_county_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='rankingjob',
            name='corrects',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ranking.rankingrun', verbose_name='更正的已发布批次'),
        ),
        migrations.AddField(
            model_name='rankingjob',
            name='reason',
            field=models.TextField(blank=True, verbose_name='更正理由'),
        ),
    ]
