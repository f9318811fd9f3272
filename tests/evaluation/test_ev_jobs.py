"""An evaluation run's computation as a task of the queue (evaluation.background, issue 18): the page and the API
answer at once with the job; one job of a county's year at a time (a second is refused; a job queued twice runs
once); its page shows the stage and progress while it runs, then the run; an error of the moment is retried up to
the limit, then the page says why and nothing is written; a refusal of the rules is not retried. The tasks are run by
the database queue's own worker (``run_tasks``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import COUNTY
from landcycle.audit.models import AuditEntry
from landcycle.evaluation import background
from landcycle.evaluation.models import EvaluationJob, EvaluationResult, EvaluationRun
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db


def test_one_job_of_a_countys_year_at_a_time_and_a_job_queued_twice_runs_once(evaluation_data, personas, run_tasks):
    analyst = personas["analyst"]
    job = background.job_queue(actor=analyst, year=2025, notes="复核")
    job.refresh_from_db()
    shipped = next(iter(evaluation_data.values()))["policy_version"]
    assert (job.status, job.kind, job.county.code, job.policy) == ("queued", "create", COUNTY, shipped)
    assert job.task_id == str(DBTaskResult.objects.get().id)
    with pytest.raises(RuleError) as exc:
        background.job_queue(actor=personas["admin"], year=2025)  # a second click while the first waits
    assert exc.value.problems[0].rule == "evaluation.computing"
    background.job_enqueue(job.pk)  # the same job queued twice (a second server, a retry crossing a worker)
    assert run_tasks() == 2
    assert sorted(DBTaskResult.objects.values_list("return_value", flat=True)) == ["done", "skipped"]
    job.refresh_from_db()
    draft = EvaluationRun.objects.get(status="draft")
    assert (job.status, job.attempts, job.error, job.run) == ("done", 1, "", draft)
    assert draft.notes == "复核" and AuditEntry.objects.filter(action="evaluation_run.create").count() == 2
    # once done, the draft may be recomputed: the same run, a new job
    again = background.job_queue(actor=analyst, run=draft)
    assert (again.kind, again.run) == ("recompute", draft)
    assert run_tasks() == 1
    again.refresh_from_db()
    assert again.status == "done" and EvaluationRun.objects.filter(status="draft").count() == 1
    assert AuditEntry.objects.filter(action="evaluation_run.recompute", object_id=str(draft.pk)).count() == 1


def test_what_can_be_refused_at_once_is_refused_before_anything_is_queued(evaluation_data, personas):
    published = next(iter(evaluation_data.values()))["run"]
    with pytest.raises(RuleError) as exc:
        background.job_queue(actor=personas["analyst"], run=published)
    assert exc.value.problems[0].rule == "run.immutable"
    with pytest.raises(RuleError) as exc:
        background.job_queue(actor=personas["analyst"], year=2019)
    assert exc.value.problems[0].rule == "run.no_figures"
    with pytest.raises(Exception, match="不能修改"):
        background.job_queue(actor=personas["leader"], year=2025)
    assert not EvaluationJob.objects.exists() and not DBTaskResult.objects.exists()


def test_a_failing_job_is_retried_then_the_page_says_why(
    client, evaluation_data, personas, run_tasks, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 3, 0
    calls = []
    real_write = background.services.persist.write_results

    def broken(*args, **kw):  # the results' write fails: the run's transaction must leave nothing
        calls.append(1)
        real_write(*args, **kw)
        raise OSError("连接中断 / connection lost")

    monkeypatch.setattr(background.services.persist, "write_results", broken)
    client.force_login(personas["analyst"])
    shipped = next(iter(evaluation_data.values()))["policy_version"]
    resp = client.post(reverse("evaluation_run_new"), {"year": 2025, "policy": shipped.pk})
    job = EvaluationJob.objects.get()
    assert resp.url == reverse("evaluation_job", args=[job.pk])
    assert run_tasks() == 3 and len(calls) == 3
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 3) and "共尝试3次" in job.error and "连接中断" in job.error
    assert EvaluationRun.objects.filter(status="draft").count() == 0  # nothing written, in any attempt
    assert not EvaluationResult.objects.exclude(run__status="published").exists()
    html = client.get(resp.url).content.decode()
    assert "评价计算未完成" in html and "连接中断" in html and '<meta http-equiv="refresh"' not in html
    assert background.job_queue(actor=personas["analyst"], year=2025).status == "queued"  # the next may start


def test_a_worker_lost_after_its_run_was_written_leaves_the_job_done(evaluation_data, personas, run_tasks, monkeypatch):
    """The job is marked done in the run's own transaction: an error after the commit neither retries the job nor
    writes a second draft."""
    real_create = background.services.run_create

    def then_lost(**kw):
        real_create(**kw)
        raise OSError("进程中断 / the worker was lost")

    monkeypatch.setattr(background.services, "run_create", then_lost)
    job = background.job_queue(actor=personas["analyst"], year=2025)
    assert run_tasks() == 1  # no retry queued
    job.refresh_from_db()
    draft = EvaluationRun.objects.get(status="draft")
    assert (job.status, job.run, job.attempts, job.error) == ("done", draft, 1, "")


def test_a_refusal_of_the_rules_is_not_retried(evaluation_data, personas, run_tasks):
    from landcycle.evaluation import services

    analyst = personas["analyst"]
    draft = services.run_create(actor=analyst, year=2025)
    job = background.job_queue(actor=analyst, run=draft)
    services.run_publish(actor=analyst, run=draft)  # meanwhile
    assert run_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("failed", 1) and "不能重新计算" in job.error
    # an actor whose role no longer writes the evaluation: refused once, not retried
    late = background.job_queue(actor=analyst, year=2025)
    analyst.role = "leader"
    analyst.save(update_fields=["role"])
    assert run_tasks() == 1
    late.refresh_from_db()
    assert (late.status, late.attempts, late.run) == ("failed", 1, None) and "leader" in late.error


def test_the_page_shows_the_progress_then_the_run(client, evaluation_data, personas, run_tasks, monkeypatch):
    client.force_login(personas["admin"])
    shipped = next(iter(evaluation_data.values()))["policy_version"]
    resp = client.post(reverse("evaluation_run_new"), {"year": 2025, "policy": shipped.pk, "notes": ""})
    waiting = client.get(resp.url).content.decode()
    assert 'data-job="queued"' in waiting and '<meta http-equiv="refresh" content="3">' in waiting
    listed = client.get(reverse("evaluation_runs")).content.decode()
    assert resp.url in listed  # the runs list shows the job under way
    seen = []
    real_evaluate = background.services.evaluate

    def watched(*args, **kw):  # what the page shows while the engine runs
        seen.append(client.get(resp.url).content.decode())
        return real_evaluate(*args, **kw)

    monkeypatch.setattr(background.services, "evaluate", watched)
    assert run_tasks() == 1
    running = seen[0]
    assert 'data-job="running"' in running and "按评价办法计算得分和分类" in running
    assert 'aria-valuenow="35"' in running
    done = client.get(resp.url)
    run = EvaluationRun.objects.get(status="draft")
    body = done.content.decode()
    assert done.context["percent"] == 100 and reverse("evaluation_run_detail", args=[run.pk]) in body
    assert f"参评 {run.summary['evaluated']} 家" in body and '<meta http-equiv="refresh"' not in body
    # the job is the county's writers': a reader of the county and a town officer do not see it
    for who in ("leader", "xinpu"):
        client.force_login(personas[who])
        assert client.get(resp.url).status_code == 404


def test_the_api_answers_202_with_the_job_to_follow(client, evaluation_data, personas, run_tasks):
    client.force_login(personas["analyst"])
    resp = client.post("/api/evaluation/runs/", {"year": 2025}, content_type="application/json")
    assert (
        resp.status_code == 202
        and resp["Location"] == resp.json()["url"] == f"/api/evaluation/jobs/{resp.json()['id']}/"
    )
    body = client.get(resp["Location"]).json()
    assert (body["status"], body["kind"], body["county"], body["year"], body["run"]) == (
        "queued",
        "create",
        COUNTY,
        2025,
        None,
    )
    again = client.post("/api/evaluation/runs/", {"year": 2025}, content_type="application/json")
    assert again.status_code == 400 and again.json()["problems"][0]["rule"] == "evaluation.computing"
    run_tasks()
    body = client.get(resp["Location"]).json()
    assert (body["status"], body["percent"]) == ("done", 100)
    assert client.get(f"/api/evaluation/runs/{body['run']}/").json()["status"] == "draft"
    assert [j["id"] for j in client.get("/api/evaluation/jobs/?status=done").json()["results"]] == [body["id"]]
    for who in ("leader", "xinpu"):  # not a writer of the evaluation: 404, in the county too
        client.force_login(personas[who])
        assert client.get(resp["Location"]).status_code == 404
        assert client.get("/api/evaluation/jobs/").json()["results"] == []


def test_a_job_whose_worker_died_is_taken_up_again_then_fails(evaluation_data, personas, settings):
    settings.TASK_MAX_ATTEMPTS, settings.TASK_RETRY_SECONDS = 2, 0
    job = background.job_queue(actor=personas["analyst"], year=2025)
    EvaluationJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=timezone.now())
    with pytest.raises(RuleError):
        background.job_queue(actor=personas["analyst"], year=2025)  # running, with progress: not stale
    assert background.fail_stale() == 0
    past = timezone.now() - background.STALE_AFTER - dt.timedelta(seconds=1)
    EvaluationJob.objects.filter(pk=job.pk).update(heartbeat_at=past)
    assert background.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "queued" and "中断" in job.error  # an attempt left: queued again
    EvaluationJob.objects.filter(pk=job.pk).update(status="running", attempts=2, heartbeat_at=past)
    assert background.fail_stale() == 1
    job.refresh_from_db()
    assert job.status == "failed" and "共尝试2次" in job.error
