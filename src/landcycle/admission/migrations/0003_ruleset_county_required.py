# Every saved version of the entry rules has its county (0002): it becomes required.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('admission', '0002_ruleset_county'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ruleset',
            name='county',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.region', verbose_name='所属县（市、区）'),
        ),
    ]
