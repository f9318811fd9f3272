"""The board's 重新计算预警 as a task of the queue (supervision.background): the board answers at once and shows the
run; one refresh per region at a time (a second is refused; a run queued twice runs once); an error of the moment
is retried up to the limit, then the board says why. The tasks are run by the database queue's own worker
(``run_tasks``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from landcycle.rules.problems import RuleError
from landcycle.supervision import background
from landcycle.supervision.models import RefreshRun, Warning

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 30)


def test_one_refresh_of_a_region_at_a_time(supervision_data, personas, run_tasks, monkeypatch):
    admin = personas["admin"]
    run = background.refresh_queue(actor=admin, as_of=DAY)
    run.refresh_from_db()
    assert (run.status, run.scope, run.task_id) == ("queued", admin.region.code, str(DBTaskResult.objects.get().id))
    with pytest.raises(RuleError) as exc:
        background.refresh_queue(actor=admin, as_of=DAY)  # a second click while the first waits
    assert exc.value.problems[0].rule == "refresh.running"
    background.refresh_enqueue(run.pk)  # the same run queued twice (a second server, a retry crossing a worker)
    calls = []
    original = background.warnings_refresh
    monkeypatch.setattr(background, "warnings_refresh", lambda **kw: calls.append(kw) or original(**kw))
    assert run_tasks() == 2 and len(calls) == 1
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("done", 1, "") and run.summary["contracts"] >= 1
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["done", "skipped"]
    assert set(Warning.objects.values_list("checked_on", flat=True)) == {DAY}
    assert background.refresh_queue(actor=admin, as_of=DAY).status == "queued"  # once done, another may start


def test_a_failing_refresh_is_retried_then_the_board_says_why(
    client, supervision_data, personas, run_tasks, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    calls = []

    def broken(**kw):
        calls.append(kw)
        raise OSError("连接中断 / connection lost")

    monkeypatch.setattr(background, "warnings_refresh", broken)
    before = list(Warning.objects.order_by("pk").values_list("checked_on", "colour"))
    client.force_login(personas["admin"])
    client.post(reverse("warning_board"), {"as_of": DAY.isoformat()})
    assert run_tasks() == 3 and len(calls) == 3
    run = RefreshRun.objects.get()
    assert (run.status, run.attempts) == ("failed", 3) and "共尝试3次" in run.error and "连接中断" in run.error
    assert list(Warning.objects.order_by("pk").values_list("checked_on", "colour")) == before
    html = client.get(reverse("warning_board")).content.decode()
    assert "重新计算预警未完成" in html and "连接中断" in html and '<meta http-equiv="refresh"' not in html
    assert background.refresh_queue(actor=personas["admin"], as_of=DAY).status == "queued"  # the next may start


def test_the_run_belongs_to_the_region_of_the_board(client, supervision_data, personas):
    from django.test import Client

    client.force_login(personas["admin"])
    client.post(reverse("warning_board"), {"as_of": DAY.isoformat()})
    assert 'data-run="queued"' in client.get(reverse("warning_board")).content.decode()
    officer = Client()
    officer.force_login(personas["xinpu"])  # a town officer does not refresh and is not shown the county's run
    html = officer.get(reverse("warning_board")).content.decode()
    assert "重新计算预警" not in html and 'data-run="' not in html


def test_a_run_whose_worker_died_ends_failed_and_frees_the_region(supervision_data, personas):
    from django.utils import timezone

    admin = personas["admin"]
    run = background.refresh_queue(actor=admin, as_of=DAY)
    assert background.refresh_attempt(run.pk, "worker-that-dies") == "done"  # (a run that finished, for contrast)
    stuck = background.refresh_queue(actor=admin, as_of=DAY)
    RefreshRun.objects.filter(pk=stuck.pk).update(status="running", started_at=timezone.now())
    with pytest.raises(RuleError):
        background.refresh_queue(actor=admin, as_of=DAY)
    assert background.fail_stale() == 0
    later = timezone.now() + background.STALE_AFTER + dt.timedelta(seconds=1)
    assert background.fail_stale(later) == 1
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "中断" in stuck.error
    assert background.refresh_queue(actor=admin, as_of=DAY).status == "queued"
