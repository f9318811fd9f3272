"""Warnings raised before the answer workflow: "acknowledged" becomes "confirmed" (核实属实, waiting for its
handling); each warning's round starts at its last colour change and its verification is due
``[handling] verify_working_days`` working days later; a closed warning records how it was closed."""

import datetime as dt
import math

from django.db import migrations

from landcycle.rules.supervision import CalendarError, WorkCalendar, load_policy


def forwards(apps, schema_editor):
    Warning = apps.get_model("supervision", "Warning")
    policy = load_policy()
    cal = WorkCalendar(policy.calendar)
    n = policy.handling.verify_working_days
    Warning.objects.filter(status="acknowledged").update(status="confirmed")
    Warning.objects.filter(status="closed", closed_exception=True).update(closure="exception")
    Warning.objects.filter(status="closed", closed_exception=False).update(closure="resolved")
    due: dict[dt.date, dt.date] = {}
    for day in Warning.objects.order_by().values_list("last_changed", flat=True).distinct():
        try:
            due[day] = cal.add(day, n)
        except CalendarError:
            due[day] = day + dt.timedelta(days=math.ceil(n * 7 / 5))
    for day, until in due.items():
        Warning.objects.filter(last_changed=day).update(opened_on=day, verify_due=until)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0004_warning_answer_workflow")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
