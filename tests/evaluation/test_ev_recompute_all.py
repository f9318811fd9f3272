"""``landcycle evaluation recompute-all --year Y [--wait]``: the province's recomputation of every county's draft
evaluation run of a year from the command line, through the runs list's own service (``counties_queue``): one job per
county with figures of the year (a draft recomputed, else a new draft with the published run's policy version),
printed; a county whose job is under way is left out with the reason (exit 1); ``--wait`` stays until every job is
done (the worker is the test's own, run where the command sleeps); ``--as`` computes for a user's region only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import COUNTY

pytestmark = pytest.mark.django_db
YUYAO = "330281"


def run(*args) -> tuple[int, str, str]:
    out = io.StringIO()
    try:
        call_command("evaluation", *args, stdout=out)
        return 0, out.getvalue(), ""
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)


@pytest.fixture
def two_counties(evaluation_data, personas):
    """慈溪 (evaluation_data: 2025 figures, a published run) and 余姚 with a firm and its 2025 figures."""
    from landcycle.accounts.services import system_user
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry import services
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load
    from landcycle.rules.codes import make_uscc

    system = system_user()
    regions_load(actor=system, county=YUYAO)
    town = Region.objects.filter(code__startswith=YUYAO, level=Region.Level.TOWN).order_by("code").first()
    firm = services.enterprise_create(
        actor=system,
        uscc=make_uscc("91", YUYAO, "YY000001"),
        name="余姚市示例电器有限公司",
        industry_code="3851",
        scale="above",
        registered_on=dt.date(2005, 3, 1),
        town=town,
    )
    YearlyFigure.objects.create(enterprise=firm, year=2025, revenue=9000, tax=400, value_added=2000)
    return evaluation_data


def test_one_job_per_county_is_queued_and_printed(two_counties):
    from landcycle.evaluation.models import EvaluationJob, EvaluationRun

    published = EvaluationRun.objects.get(county__code=COUNTY, year=2025, status="published")
    code, out, err = run("recompute-all", "--year", "2025")
    assert code == 0, err
    jobs = list(EvaluationJob.objects.select_related("county").order_by("county__code"))
    assert [(j.county.code, j.kind, j.year, j.status) for j in jobs] == [
        (YUYAO, "create", 2025, "queued"),
        (COUNTY, "create", 2025, "queued"),
    ]
    assert jobs[1].policy == published.policy  # no draft of 慈溪: a new one with its published run's version
    lines = out.splitlines()
    assert len(lines) == 2 and all(f"#{j.pk} {j.county.code} {j.county.name} 2025" in out for j in jobs)
    assert all("queued" in line for line in lines)
    # a second call while they wait: each county is left out with the reason, nothing more is queued
    code, out, err = run("recompute-all", "--year", "2025")
    assert code == 1 and "2 counties not started" in err
    assert out.count("not started") == 2 and "正在计算" in out
    assert EvaluationJob.objects.count() == 2
    # a year without figures anywhere: nothing queued, said so
    code, out, err = run("recompute-all", "--year", "2019")
    assert (code, out) == (1, "") and "no county has figures of 2019" in err


def test_wait_stays_until_every_job_is_done_and_a_draft_is_recomputed(two_counties, run_tasks, monkeypatch):
    from landcycle.evaluation.management.commands import evaluation as command
    from landcycle.evaluation.models import EvaluationJob, EvaluationRun

    looks = []

    def sleep(seconds):  # while the command waits, the queue's worker runs the jobs
        looks.append(seconds)
        run_tasks()

    monkeypatch.setattr(command.time, "sleep", sleep)
    code, out, err = run("recompute-all", "--year", "2025", "--wait", "--interval", "0")
    assert code == 0, (out, err)
    assert looks == [0.1]  # the interval is at least 0.1 s
    drafts = {
        r.county.code: r for r in EvaluationRun.objects.filter(year=2025, status="draft").select_related("county")
    }
    assert set(drafts) == {COUNTY, YUYAO}
    ends = [line for line in out.splitlines() if "→" in line]
    assert len(ends) == 2 and all(f"run #{drafts[c].pk}" in out for c in drafts)
    # again: each county now has a draft, which is recomputed (the same run)
    code, out, err = run("recompute-all", "--year", "2025", "--wait")
    assert code == 0, (out, err)
    latest = EvaluationJob.objects.order_by("-pk")[:2]
    assert {(j.kind, j.status) for j in latest} == {("recompute", "done")}
    assert {j.run_id for j in latest} == {r.pk for r in drafts.values()}


def test_as_a_user_the_counties_of_their_region_only(two_counties, personas):
    from landcycle.evaluation.models import EvaluationJob

    code, out, err = run("recompute-all", "--year", "2025", "--as", personas["analyst"].username)
    assert code == 0, err
    assert list(EvaluationJob.objects.values_list("county__code", "actor__username")) == [
        (COUNTY, personas["analyst"].username)
    ]
    code, _, err = run("recompute-all", "--year", "2025", "--as", personas["leader"].username)
    assert code == 2 and "may not compute the evaluation" in err
    code, _, err = run("recompute-all", "--year", "2025", "--as", "nobody")
    assert code == 2 and "no user 'nobody'" in err
    assert EvaluationJob.objects.count() == 1
