"""Runs and policy versions per county (issue 18): a run belongs to the county whose enterprises it evaluates,
one published run per county and year; a policy version belongs to a county or, without one, is shared (the
shipped default). Existing runs get the county of their results' towns (the first six digits of a town's code),
or the only county of the installation."""

import django.db.models.deletion
from django.db import migrations, models


def assign_counties(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    EvaluationRun = apps.get_model("evaluation", "EvaluationRun")
    EvaluationResult = apps.get_model("evaluation", "EvaluationResult")
    counties = {r.code: r.pk for r in Region.objects.filter(level="county")}
    only = next(iter(counties.values())) if len(counties) == 1 else None
    for run in EvaluationRun.objects.filter(county__isnull=True).only("pk"):
        code = (
            EvaluationResult.objects.filter(run_id=run.pk)
            .order_by("pk")
            .values_list("town__code", flat=True)
            .first()
        )
        county = counties.get((code or "")[:6], only)
        if county is None:
            raise RuntimeError(
                f"评价批次 #{run.pk} 无法确定所属县（市、区） / evaluation run #{run.pk}: no county can be found for it"
            )
        EvaluationRun.objects.filter(pk=run.pk).update(county_id=county)
    if schema_editor.connection.vendor == "postgresql":  # check the new keys now: the table is altered next
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("evaluation", "0003_evaluation_facts"),
        ("registry", "0003_edit_versions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evaluationrun", name="uniq_published_run_per_year"),
        migrations.AddField(
            model_name="evaluationrun",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.RunPython(assign_counties, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="evaluationrun",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluationrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "published")),
                fields=("county", "year"),
                name="uniq_published_run_per_county_year",
            ),
        ),
        migrations.AddField(
            model_name="policyversion",
            name="county",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AlterField(
            model_name="policyversion",
            name="version",
            field=models.CharField(max_length=40, verbose_name="版本"),
        ),
        migrations.AddConstraint(
            model_name="policyversion",
            constraint=models.UniqueConstraint(fields=("county", "version"), name="uniq_policy_county_version"),
        ),
        migrations.AddConstraint(
            model_name="policyversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("county__isnull", True)),
                fields=("version",),
                name="uniq_policy_shared_version",
            ),
        ),
    ]
