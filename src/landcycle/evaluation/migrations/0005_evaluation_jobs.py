"""The background job of an evaluation run (issue 18): one live job (queued or running) per county and year."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('evaluation', '0004_runs_per_county'),
        ('registry', '0003_edit_versions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EvaluationJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('create', '新建草稿'), ('recompute', '重新计算草稿')], max_length=12, verbose_name='类型')),
                ('year', models.PositiveSmallIntegerField(verbose_name='评价年度')),
                ('notes', models.TextField(blank=True, verbose_name='备注')),
                ('status', models.CharField(choices=[('queued', '排队中'), ('running', '计算中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=16, verbose_name='状态')),
                ('task_id', models.CharField(blank=True, max_length=64, verbose_name='队列任务编号')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('worker', models.CharField(blank=True, max_length=100, verbose_name='处理进程')),
                ('stage', models.CharField(blank=True, max_length=20, verbose_name='阶段')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='已完成')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='总数')),
                ('error', models.TextField(blank=True, verbose_name='错误')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True, verbose_name='最近进展')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.region', verbose_name='县（市、区）')),
                ('policy', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='evaluation.policyversion', verbose_name='评价办法版本')),
                ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='evaluation.evaluationrun', verbose_name='评价批次')),
            ],
            options={
                'verbose_name': '评价计算任务',
                'verbose_name_plural': '评价计算任务',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'running'])), fields=('county', 'year'), name='one_evaluation_job_at_a_time')],
            },
        ),
    ]
