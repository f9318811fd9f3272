"""Fill the maintained warning values of an existing database (issue 18, ``supervision.maintained``): each
contract's worst open warning, open idle-land warnings and grey flag; one ``WarningSubject`` per subject with
warnings not closed; one ``RefreshMark`` per town with its warnings' latest supervision date. A copy of the
computation at the time of writing (historical models), so that later changes to the app leave it as it was."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone

SEVERITY = {"red": 4, "yellow": 3, "grey": 2, "blue": 1}
IDLE_RULES = ("idle.not_started", "idle.take_back", "idle.stalled")
CHUNK = 2000


def fill(apps, schema_editor):
    Warning = apps.get_model("supervision", "Warning")
    WarningSubject = apps.get_model("supervision", "WarningSubject")
    Contract = apps.get_model("supervision", "Contract")
    RefreshMark = apps.get_model("supervision", "RefreshMark")
    Region = apps.get_model("registry", "Region")
    severity = Case(
        *(When(colour=c, then=Value(n)) for c, n in SEVERITY.items()), default=Value(0), output_field=IntegerField()
    )
    rows = (
        Warning.objects.exclude(status="closed")
        .order_by()
        .values("subject_type", "subject_id")
        .annotate(
            x_severity=Max(severity),
            x_rank=Max("rank"),
            x_oldest=Min("first_raised"),
            x_open_count=Count("id"),
            x_subject_label=Max("subject_label"),
            x_town_id=Max("town"),
            x_park_id=Max("park"),
            x_verify_due=Min("verify_due", filter=Q(status="open")),
            x_idle=Count("id", filter=Q(rule__in=IDLE_RULES, rank__gt=0)),
            x_grey=Count("id", filter=Q(colour="grey")),
        )
    )
    subjects, contracts = [], defaultdict(list)
    for row in rows.iterator(chunk_size=CHUNK):
        r = {k[2:] if k[:2] == "x_" else k: v for k, v in row.items()}
        subjects.append(
            WarningSubject(
                subject_type=r["subject_type"],
                subject_id=r["subject_id"],
                subject_label=r["subject_label"],
                town_id=r["town_id"],
                park_id=r["park_id"],
                severity=r["severity"],
                oldest=r["oldest"],
                open_count=r["open_count"],
                verify_due=r["verify_due"],
            )
        )
        if r["subject_type"] == "contract":
            contracts[(r["rank"], r["idle"], bool(r["grey"]))].append(r["subject_id"])
    WarningSubject.objects.bulk_create(subjects, batch_size=500)
    for (rank, idle, grey), pks in contracts.items():
        for i in range(0, len(pks), CHUNK):
            Contract.objects.filter(pk__in=pks[i : i + CHUNK]).update(warn_rank=rank, warn_idle=idle, warn_grey=grey)
    codes = dict(Region.objects.values_list("pk", "code"))
    now = timezone.now()  # the same time for all: the latest date of the reader's towns is read (ties: -as_of)
    for town_id, as_of in Warning.objects.order_by().values_list("town").annotate(d=Max("checked_on")):
        RefreshMark.objects.update_or_create(scope=codes[town_id], defaults={"as_of": as_of, "at": now})


class Migration(migrations.Migration):
    dependencies = [("supervision", "0008_warning_summaries"), ("registry", "0003_edit_versions")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
