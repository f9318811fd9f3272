# The county of every run is set (0002): it becomes required, and a quarter's one draft and one published run are
# counted per county.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ranking', '0002_county_jobs'),
    ]

    operations = [
        migrations.AlterField(
            model_name='rankingrun',
            name='county',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ranking_runs', to='registry.region', verbose_name='县（市、区）'),
        ),
        migrations.AddConstraint(
            model_name='rankingrun',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'draft')), fields=('county', 'year', 'quarter'), name='uniq_ranking_draft'),
        ),
        migrations.AddConstraint(
            model_name='rankingrun',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'published')), fields=('county', 'year', 'quarter'), name='uniq_ranking_published'),
        ),
    ]
