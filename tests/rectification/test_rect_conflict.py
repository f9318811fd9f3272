"""Two people updating one task never lose an update: every write to a task is an UPDATE … WHERE version =
<the version the writer saw>; the second writer gets a clear bilingual conflict message and nothing of theirs
is written (no report, no evidence file, no audit row). On PostgreSQL the race is also run for real, in two
threads."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from conftest import RECTIFICATION_PDF, XINPU
from landcycle.accounts.models import Role
from landcycle.audit.models import AuditEntry
from landcycle.rectification.models import Evidence, ProgressReport, RoundItem, Task
from landcycle.rectification.services.progress import progress_submit, task_close
from landcycle.rectification.services.rounds import round_item_review
from landcycle.rules.problems import RuleError

D = dt.date


def _second_officer(regions):
    from landcycle.accounts.models import User

    return User.objects.create_user(
        username="p_xinpu2",
        password="p_xinpu2-pw",
        role=Role.TOWN_OFFICER,
        region=regions[XINPU],
        display_name="新浦镇经办人二",
    )


def _files(settings):
    root = settings.UPLOADS_DIR / "evidence"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
def test_the_second_of_two_updates_from_the_same_version_is_refused(rectification_data, personas, regions, settings):
    other = _second_officer(regions)
    task = Task.objects.get(pk=rectification_data[XINPU]["task"].pk)
    seen = task.version  # both opened the form at this version
    progress_submit(
        actor=personas["xinpu"],
        task=task,
        version=seen,
        percent_done=70,
        text="第一人：拆除完成",
        reported_on=D(2026, 11, 26),
    )
    before = (ProgressReport.objects.count(), Evidence.objects.count(), AuditEntry.objects.count(), _files(settings))
    stale = Task.objects.get(pk=task.pk)
    with pytest.raises(RuleError) as exc:
        progress_submit(
            actor=other,
            task=stale,
            version=seen,
            percent_done=65,
            text="第二人：清运中",
            reported_on=D(2026, 11, 26),
            files=[SimpleUploadedFile("第二人.pdf", RECTIFICATION_PDF + b"% 2\n")],
        )
    (p,) = exc.value.problems
    assert p.rule == "task.conflict" and p.field == "version"
    assert f"第{seen}版" in p.zh and f"第{seen + 1}版" in p.zh and "刷新" in p.zh
    assert "changed by someone else" in p.en and "Reload" in p.en
    assert (
        ProgressReport.objects.count(),
        Evidence.objects.count(),
        AuditEntry.objects.count(),
        _files(settings),
    ) == before
    task.refresh_from_db()
    assert task.percent_done == 70 and task.version == seen + 1  # the first update stands
    assert RoundItem.objects.get(pk=rectification_data[XINPU]["round_item"].pk).update_text == "第一人：拆除完成"


@pytest.mark.django_db
def test_a_close_out_on_a_version_someone_updated_since_is_refused(rectification_data, personas):
    task = Task.objects.get(pk=rectification_data[XINPU]["task"].pk)
    seen = task.version
    progress_submit(
        actor=personas["xinpu"], task=task, version=seen, percent_done=80, text="复工", reported_on=D(2026, 11, 26)
    )
    with pytest.raises(RuleError) as exc:
        task_close(actor=personas["supervisor"], task=task, version=seen)
    assert exc.value.problems[0].rule == "task.conflict"
    assert Task.objects.get(pk=task.pk).status == Task.Status.OPEN


@pytest.mark.django_db
def test_a_review_of_an_update_replaced_meanwhile_is_refused(rectification_data, personas):
    item = RoundItem.objects.get(pk=rectification_data[XINPU]["round_item"].pk)
    seen = item.report_id
    task = Task.objects.get(pk=item.task_id)
    progress_submit(
        actor=personas["xinpu"],
        task=task,
        version=task.version,
        percent_done=75,
        text="更新后的进展",
        reported_on=D(2026, 11, 26),
    )
    with pytest.raises(RuleError) as exc:
        round_item_review(actor=personas["supervisor"], item=item, decision="confirmed", seen_report=seen)
    assert exc.value.problems[0].rule == "review.conflict"
    assert RoundItem.objects.get(pk=item.pk).decision == RoundItem.Decision.PENDING


@pytest.mark.django_db
def test_the_conflict_is_shown_on_the_form(client, rectification_data, personas, regions):
    other = _second_officer(regions)
    d = rectification_data[XINPU]
    url = reverse("task_update", args=[d["task"].pk])
    first, second = client, type(client)()
    first.force_login(personas["xinpu"])
    second.force_login(other)
    version = first.get(url).context["form"].initial["version"]
    assert second.get(url).context["form"].initial["version"] == version
    ok = first.post(url, {"version": version, "percent_done": "70", "reported_on": "2026-11-26", "text": "第一人"})
    assert ok.status_code == 302
    resp = second.post(url, {"version": version, "percent_done": "65", "reported_on": "2026-11-26", "text": "第二人"})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'data-rule="task.conflict"' in html
    assert "已被他人更新" in html and "changed by someone else" not in html  # the reader's language only
    assert Task.objects.get(pk=d["task"].pk).percent_done == 70


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a real race needs a server database (SQLite serialises writers)",
)
def test_two_threads_racing_on_postgresql(rectification_data, personas, regions):
    other = _second_officer(regions)
    task_id = rectification_data[XINPU]["task"].pk
    seen = Task.objects.get(pk=task_id).version
    barrier, results = threading.Barrier(2), {}

    def run(user, pct):
        try:
            barrier.wait(timeout=10)
            progress_submit(
                actor=user,
                task=Task.objects.get(pk=task_id),
                version=seen,
                percent_done=pct,
                text=f"{user.username} {pct}",
                reported_on=D(2026, 11, 26),
            )
            results[user.username] = "saved"
        except RuleError as exc:
            results[user.username] = exc.problems[0].rule
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u, p)) for u, p in ((personas["xinpu"], 70), (other, 65))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["saved", "task.conflict"]
    task = Task.objects.get(pk=task_id)
    assert task.version == seen + 1 and ProgressReport.objects.filter(task=task).count() == 2  # fixture's + winner's
