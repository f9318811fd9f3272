"""计算赛马 as a task of the queue (ranking.background): the page and the API answer at once with the job; one
compute of a county's quarter at a time (a second is refused; a job queued twice runs once); its page shows the
stage and progress while it runs, then the draft; an error of the moment is retried up to the limit, then the page
says why; a refusal of the rules is not retried. The tasks are run by the database queue's own worker
(``run_tasks``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import COUNTY
from landcycle.kit.indicators import Quarter
from landcycle.ranking import background
from landcycle.ranking.models import RankingJob, RankingRun
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
Q2 = Quarter(2025, 2)


@pytest.fixture
def small(monkeypatch):
    """The task's computation with a small Monte Carlo (the tests' budget); every call recorded."""
    calls = []
    original = background.services.run_compute

    def run_compute(**kw):
        calls.append(kw)
        return original(**{**kw, "runs": 20})

    monkeypatch.setattr(background.services, "run_compute", run_compute)
    return calls


def test_one_compute_of_a_countys_quarter_at_a_time(registry_data, personas, run_tasks, small):
    admin = personas["admin"]
    job = background.compute_queue(actor=admin, quarter=Q2)
    job.refresh_from_db()
    assert (job.status, job.county.code, job.task_id) == ("queued", COUNTY, str(DBTaskResult.objects.get().id))
    with pytest.raises(RuleError) as exc:
        background.compute_queue(actor=personas["analyst"], quarter=Q2)  # a second click while the first waits
    assert exc.value.problems[0].rule == "ranking.computing"
    assert background.compute_queue(actor=admin, quarter=Quarter(2025, 3)).status == "queued"  # another quarter
    background.compute_enqueue(job.pk)  # the same job queued twice (a second server, a retry crossing a worker)
    assert run_tasks() == 3 and len(small) == 2
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error, job.stage) == ("done", 1, "", "save")
    assert job.run == RankingRun.objects.get(county__code=COUNTY, year=2025, quarter=2, state="draft")
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["done", "done", "skipped"]
    again = background.compute_queue(actor=admin, quarter=Q2)  # once done, the draft may be recomputed
    run_tasks()
    again.refresh_from_db()
    assert again.status == "done" and again.run_id == job.run_id  # the same draft, recomputed


def test_a_failing_compute_is_retried_then_the_page_says_why(
    client, registry_data, personas, run_tasks, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    calls = []

    def broken(**kw):
        calls.append(kw)
        raise OSError("连接中断 / connection lost")

    monkeypatch.setattr(background.services, "run_compute", broken)
    client.force_login(personas["admin"])
    resp = client.post(reverse("ranking_compute"), {"quarter": "2025Q2"})
    job = RankingJob.objects.get()
    assert resp.url == reverse("ranking_job", args=[job.pk])
    assert run_tasks() == 3 and len(calls) == 3
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 3) and "共尝试3次" in job.error and "连接中断" in job.error
    assert not RankingRun.objects.exists()
    html = client.get(resp.url).content.decode()
    assert "赛马计算未完成" in html and "连接中断" in html and '<meta http-equiv="refresh"' not in html
    assert background.compute_queue(actor=personas["admin"], quarter=Q2).status == "queued"  # the next may start


def test_a_refusal_of_the_rules_is_not_retried(registry_data, personas, run_tasks, small):
    from landcycle.ranking.services import run_compute, run_publish

    admin = personas["admin"]
    job = background.compute_queue(actor=admin, quarter=Q2)
    run_publish(actor=admin, run=run_compute(actor=admin, quarter=Q2, runs=20, gains=False))  # meanwhile
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.run_id) == ("failed", 1, None) and "已发布" in job.error
    # an actor whose role no longer computes the ranking: refused once, not retried
    late = background.compute_queue(actor=admin, quarter=Quarter(2025, 3))
    admin.role = "leader"
    admin.save(update_fields=["role"])
    assert run_tasks() == 1
    late.refresh_from_db()
    assert (late.status, late.attempts) == ("failed", 1) and "leader" in late.error


def test_the_page_shows_the_progress_then_the_draft(client, registry_data, personas, run_tasks, small, monkeypatch):
    client.force_login(personas["admin"])
    resp = client.post(reverse("ranking_compute"), {"quarter": "2025Q2", "county": COUNTY})
    waiting = client.get(resp.url).content.decode()
    assert 'data-job="queued"' in waiting and '<meta http-equiv="refresh" content="3">' in waiting
    seen = []
    original = background.services.run_compute

    def watched(**kw):
        report = kw["progress"]

        def progress(stage, done, total):
            report(stage, done, total)
            if stage == "monte_carlo" and done == 0:  # what the page shows while the Monte Carlo runs
                seen.append(client.get(resp.url).content.decode())

        return original(**{**kw, "progress": progress})

    monkeypatch.setattr(background.services, "run_compute", watched)
    assert run_tasks() == 1
    running = seen[0]
    assert 'data-job="running"' in running and "蒙特卡洛稳健性分析" in running and 'aria-valuenow="30"' in running
    done = client.get(resp.url)
    run = RankingRun.objects.get()
    assert done.context["percent"] == 100 and reverse("ranking_run", args=[run.pk]) in done.content.decode()
    assert "已计算 2025Q2 的赛马草稿：2 个镇街" in done.content.decode()
    assert '<meta http-equiv="refresh"' not in done.content.decode()
    # the job is the county's: a town officer and the province do not see it
    client.force_login(personas["xinpu"])
    assert client.get(resp.url).status_code == 404


def test_the_api_answers_202_with_the_job_to_follow(client, registry_data, personas, run_tasks, small):
    client.force_login(personas["admin"])
    resp = client.post("/api/ranking/runs/", {"quarter": "2025Q2"}, content_type="application/json")
    assert resp.status_code == 202 and resp["Location"] == resp.json()["url"]
    body = client.get(resp["Location"]).json()
    assert (body["status"], body["county"], body["label"], body["run"]) == ("queued", COUNTY, "2025Q2", None)
    again = client.post("/api/ranking/runs/", {"quarter": "2025Q2"}, content_type="application/json")
    assert again.status_code == 400 and again.json()["problems"][0]["rule"] == "ranking.computing"
    run_tasks()
    body = client.get(resp["Location"]).json()
    assert (body["status"], body["percent"]) == ("done", 100)
    assert client.get(f"/api/ranking/runs/{body['run']}/").json()["state"] == "draft"
    client.force_login(personas["qiaotou"])
    assert client.get(resp["Location"]).status_code == 404


def test_a_job_whose_worker_died_is_taken_up_again_then_fails(registry_data, personas, settings):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 2, 0
    job = background.compute_queue(actor=personas["admin"], quarter=Q2)
    RankingJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=timezone.now())
    with pytest.raises(RuleError):
        background.compute_queue(actor=personas["admin"], quarter=Q2)  # running, with progress: not stale
    assert background.fail_stale() == 0
    past = timezone.now() - background.STALE_AFTER - dt.timedelta(seconds=1)
    RankingJob.objects.filter(pk=job.pk).update(heartbeat_at=past)
    assert background.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "queued" and "中断" in job.error  # an attempt left: queued again
    RankingJob.objects.filter(pk=job.pk).update(status="running", attempts=2, heartbeat_at=past)
    assert background.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "共尝试2次" in job.error


@pytest.fixture
def published(registry_data, personas, monkeypatch):
    """2025Q2 of 慈溪 published; the queued corrections computed with a small Monte Carlo, each call recorded."""
    from landcycle.ranking.services import run_compute, run_publish

    admin = personas["admin"]
    run = run_publish(actor=admin, run=run_compute(actor=admin, quarter=Q2, runs=20, gains=False))
    calls = []
    original = background.services.run_correct

    def run_correct(**kw):
        calls.append(kw)
        return original(**{**kw, "runs": 20})

    monkeypatch.setattr(background.services, "run_correct", run_correct)
    return {"run": run, "calls": calls}


def test_a_correction_is_a_job_one_at_a_time_with_its_progress_then_its_draft(
    client, personas, run_tasks, published, monkeypatch
):
    from landcycle.audit.models import AuditEntry

    run = published["run"]
    client.force_login(personas["admin"])
    resp = client.post(reverse("ranking_run_correct", args=[run.pk]), {"reason": "桥头镇税收录入有误"})
    job = RankingJob.objects.get()
    assert resp.url == reverse("ranking_job", args=[job.pk])
    assert (job.status, job.corrects, job.reason, job.county.code, job.label) == (
        "queued",
        run,
        "桥头镇税收录入有误",
        COUNTY,
        "2025Q2",
    )
    assert not RankingRun.objects.filter(supersedes=run).exists()  # nothing computed in the request
    waiting = client.get(resp.url).content.decode()
    assert 'data-job="queued"' in waiting and "赛马更正" in waiting and "桥头镇税收录入有误" in waiting
    with pytest.raises(RuleError) as exc:  # a second correction (or any job of the quarter) while it waits
        background.correct_queue(actor=personas["analyst"], run=run, reason="再改")
    assert exc.value.problems[0].rule == "ranking.computing"
    with pytest.raises(RuleError) as exc:
        background.correct_queue(actor=personas["admin"], run=run, reason="  ")
    assert exc.value.problems[0].rule == "ranking.reason"
    stages = []
    job_progress = background._update

    def watched(job_id, **values):
        if "stage" in values:
            stages.append(values["stage"])
        return job_progress(job_id, **values)

    monkeypatch.setattr(background, "_update", watched)
    assert run_tasks() == 1
    assert {"gather", "monte_carlo", "gains", "save"} <= set(stages)
    job.refresh_from_db()
    fix = RankingRun.objects.get(supersedes=run)
    assert (job.status, job.run, fix.state, fix.reason, fix.computed_by) == (
        "done",
        fix,
        "draft",
        "桥头镇税收录入有误",
        personas["admin"],
    )
    entry = AuditEntry.objects.get(action="ranking_run.correct")
    assert (entry.actor, entry.object_id, entry.region_code) == (personas["admin"], str(fix.pk), COUNTY)
    done = client.get(resp.url).content.decode()
    assert "<span>更正 2025Q2</span>" in done  # the crumb names what the job does
    assert "已计算 2025Q2 赛马的更正草稿：2 个镇街" in done and reverse("ranking_run", args=[fix.pk]) in done
    with pytest.raises(RuleError) as exc:  # corrected: no second correction
        background.correct_queue(actor=personas["admin"], run=run, reason="再改")
    assert exc.value.problems[0].rule == "ranking.correcting"
    # the job is the county's: a town officer does not see it, nor queue one
    client.force_login(personas["xinpu"])
    assert client.get(resp.url).status_code == 404
    assert client.post(reverse("ranking_run_correct", args=[run.pk]), {"reason": "x"}).status_code == 404
    assert len(published["calls"]) == 1


def test_a_correction_made_meanwhile_fails_the_queued_one_without_retry(personas, run_tasks, published):
    from landcycle.ranking.services import run_correct

    run, admin = published["run"], personas["admin"]
    job = background.correct_queue(actor=admin, run=run, reason="第一次")
    run_correct(actor=admin, run=run, reason="命令行更正", runs=20)  # meanwhile, directly
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.run_id) == ("failed", 1, None) and "已有更正草稿" in job.error
    assert RankingRun.objects.get(supersedes=run).reason == "命令行更正"
