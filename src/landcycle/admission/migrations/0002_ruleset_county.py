# Each saved version of the entry rules becomes one county's (issue 18): until now a version saved on the entry
# rules page applied to every county of the installation. A version goes to the county of the administrator who
# saved it; one whose saver has no county (a superuser) is kept for every county that exists, as it applied to all.

import django.db.models.deletion
from django.db import migrations, models

COUNTY_DIGITS = 6


def assign_counties(apps, schema_editor):
    RuleSet = apps.get_model("admission", "RuleSet")
    Region = apps.get_model("registry", "Region")
    counties = {r.code: r for r in Region.objects.filter(level="county")}
    for rs in RuleSet.objects.filter(county__isnull=True).select_related("saved_by__region").order_by("pk"):
        region = rs.saved_by.region if rs.saved_by_id and rs.saved_by.region_id else None
        own = counties.get(region.code[:COUNTY_DIGITS]) if region is not None else None
        if own is not None:
            rs.county = own
            rs.save(update_fields=["county"])
            continue
        targets = sorted(counties.values(), key=lambda c: c.code)
        if not targets:  # no county at all: nothing can have used it (no park, no application)
            rs.delete()
            continue
        first, *others = targets
        for county in others:  # a copy for each other county (the original keeps the revisions that cite it)
            RuleSet.objects.create(
                county=county,
                version=rs.version,
                text=rs.text,
                hash=rs.hash,
                effective_from=rs.effective_from,
                note=rs.note,
                saved_by_id=rs.saved_by_id,
            )
        rs.county = first
        rs.save(update_fields=["county"])


class Migration(migrations.Migration):

    dependencies = [
        ('admission', '0001_applications_rules_reviews'),
        ('registry', '0004_enterprise_name_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='ruleset',
            name='county',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.region', verbose_name='所属县（市、区）'),
        ),
        migrations.RunPython(assign_counties, migrations.RunPython.noop),
    ]
