"""Reconciliation rounds: a closed round's snapshot and outcome never change (every service refuses, with a
bilingual message, and writes nothing); one round open at a time, periods in order; every update reviewed
before closing; the colours the rounds give a task (challenged → yellow, two rounds without an update → red)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import COUNTY, QIAOTOU, RECTIFICATION_PDF, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.rectification.colours import task_colour
from landcycle.rectification.models import ProgressReport, Round, RoundItem, Task
from landcycle.rectification.selectors import task_colours
from landcycle.rectification.services.ledger import task_create
from landcycle.rectification.services.progress import progress_submit, task_close
from landcycle.rectification.services.rounds import round_close, round_item_review, round_open
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """The rounds here run into December 2026: "today" is 2026-12-31 (reports may not be dated later)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 12, 31))


def _frozen(rnd):
    return list(
        RoundItem.objects.filter(round=rnd)
        .order_by("pk")
        .values("snapshot", "final", "report", "decision", "review_note", "flagged", "percent_reported", "update_text")
    )


def test_a_closed_rounds_snapshot_never_changes(rectification_data, personas, regions):
    sup, officer = personas["supervisor"], personas["xinpu"]
    d = rectification_data[XINPU]
    rnd = d["round"]
    for code in (XINPU, QIAOTOU):
        round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=rnd, on=D(2026, 11, 30))
    frozen, audit = _frozen(rnd), AuditEntry.objects.count()
    item = RoundItem.objects.get(pk=d["round_item"].pk)
    assert item.final["decision"] == "confirmed" and item.final["percent_reported"] == 75

    task = Task.objects.get(pk=d["task"].pk)
    attempts = [
        lambda: progress_submit(
            actor=officer,
            task=task,
            version=task.version,
            percent_done=90,
            text="补报",
            reported_on=D(2026, 11, 29),
            item=item,
            files=[SimpleUploadedFile("补.pdf", RECTIFICATION_PDF)],
        ),
        lambda: round_item_review(actor=sup, item=item, decision="challenged", note="改判"),
        lambda: round_close(actor=sup, round=rnd, on=D(2026, 12, 1)),
    ]
    for attempt in attempts:
        with pytest.raises(RuleError) as exc:
            attempt()
        assert "round.closed" in {p.rule for p in exc.value.problems}
        problem = next(p for p in exc.value.problems if p.rule == "round.closed")
        assert "已结束" in problem.zh and "closed" in problem.en
    assert _frozen(rnd) == frozen and AuditEntry.objects.count() == audit

    # later work on the task does not touch the closed round
    progress_submit(
        actor=officer, task=task, version=task.version, percent_done=95, text="继续推进", reported_on=D(2026, 11, 29)
    )
    task.refresh_from_db()
    task_close(actor=sup, task=task, version=task.version, closed_on=D(2026, 11, 29))
    assert _frozen(rnd) == frozen
    assert ProgressReport.objects.filter(task=task).latest("pk").round_item is None  # no round is open now


def test_the_snapshot_is_taken_once_at_opening(rectification_data, personas):
    d = rectification_data[XINPU]
    item = RoundItem.objects.get(pk=d["round_item"].pk)
    assert item.snapshot["percent_done"] == 0 and item.snapshot["version"] == 1  # before the 75 % update
    assert item.snapshot["unit"] == "新浦镇" and item.snapshot["deadline"] == "2026-12-31"
    assert d["task"].percent_done == 75


def test_one_round_at_a_time_in_order(rectification_data, personas, regions):
    sup, county = personas["supervisor"], regions[COUNTY]
    with pytest.raises(RuleError) as exc:
        round_open(actor=sup, county=county, on=D(2026, 12, 1))
    assert "round.still_open" in {p.rule for p in exc.value.problems}
    with pytest.raises(RuleError) as exc:  # every submitted update must be confirmed or challenged first
        round_close(actor=sup, round=rectification_data[XINPU]["round"], on=D(2026, 11, 30))
    assert exc.value.problems[0].rule == "round.unreviewed" and "2" in exc.value.problems[0].zh
    for code in (XINPU, QIAOTOU):
        round_item_review(actor=sup, item=rectification_data[code]["round_item"], decision="confirmed")
    round_close(actor=sup, round=rectification_data[XINPU]["round"], on=D(2026, 11, 30))
    for day, rule in ((D(2026, 11, 20), "round.exists"), (D(2026, 10, 5), "round.past")):
        with pytest.raises(RuleError) as exc:
            round_open(actor=sup, county=county, on=day)
        assert exc.value.problems[0].rule == rule
    assert Round.objects.count() == 1
    nxt = round_open(actor=sup, county=county, on=D(2026, 12, 1))
    assert (nxt.period_start, nxt.period_end) == (D(2026, 12, 1), D(2026, 12, 15))


def test_reviews_need_an_update_to_confirm_and_a_note_to_challenge(rectification_data, personas, regions, tmp_path):
    sup = personas["supervisor"]
    d = rectification_data[XINPU]
    finding = d["finding"]
    extra = task_create(
        actor=sup,
        finding=finding,
        town=d["town"],
        title="补充任务",
        measures="措施",
        deadline=D(2026, 12, 31),
        assigned_on=D(2026, 11, 1),
    )
    assert not RoundItem.objects.filter(task=extra).exists()  # assigned after the round opened: not in it
    with pytest.raises(RuleError) as exc:
        round_item_review(actor=sup, item=d["round_item"], decision="challenged", note="  ")
    assert exc.value.problems[0].rule == "review.note"
    round_item_review(actor=sup, item=d["round_item"], decision="confirmed")
    round_item_review(actor=sup, item=rectification_data[QIAOTOU]["round_item"], decision="confirmed")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 30))
    rnd = round_open(actor=sup, county=regions[COUNTY], on=D(2026, 12, 1))
    empty = rnd.items.get(task=extra)
    with pytest.raises(RuleError) as exc:
        round_item_review(actor=sup, item=empty, decision="confirmed")
    assert exc.value.problems[0].rule == "review.no_update"
    round_item_review(actor=sup, item=empty, decision="challenged", note="未报送进展")


def test_two_rounds_without_an_update_turn_a_task_red(rectification_data, personas, regions):
    sup = personas["supervisor"]
    d, q = rectification_data[XINPU], rectification_data[QIAOTOU]
    round_item_review(actor=sup, item=d["round_item"], decision="confirmed")
    round_item_review(actor=sup, item=q["round_item"], decision="challenged", note="进度滞后")
    round_close(actor=sup, round=d["round"], on=D(2026, 11, 30))
    # 桥头镇: challenged in the last round → yellow; 新浦镇 confirmed → green
    colours = task_colours([d["task"], q["task"]], D(2026, 12, 1))
    assert colours[d["task"].pk].colour == "green" and colours[q["task"].pk].colour == "yellow"
    for start in (D(2026, 12, 1), D(2026, 12, 16)):  # two rounds where 新浦镇 says nothing
        rnd = round_open(actor=sup, county=regions[COUNTY], on=start)
        task = Task.objects.get(pk=q["task"].pk)
        progress_submit(
            actor=personas["qiaotou"],
            task=task,
            version=task.version,
            percent_done=90,
            text="已补充台账",
            reported_on=start,
        )
        round_item_review(actor=sup, item=rnd.items.get(task=task), decision="confirmed", on=start)
        round_close(actor=sup, round=rnd, on=start + dt.timedelta(days=14))
    q["task"].refresh_from_db()  # 90 % reported since
    colours = task_colours([d["task"], q["task"]], D(2026, 12, 18))
    red = colours[d["task"].pk]
    assert red.colour == "red" and "连续2轮对账未报送进展" in red.zh and "no update in the last 2" in red.en
    assert colours[q["task"].pk].colour == "green", colours[q["task"].pk]  # the challenge was answered and confirmed
    assert RoundItem.objects.filter(task=d["task"], flagged=True).count() == 2


@pytest.mark.parametrize(
    "deadline, as_of, colour, state",
    [
        (D(2026, 12, 31), D(2026, 11, 29), "green", "open"),
        (D(2026, 12, 4), D(2026, 11, 29), "yellow", "due_soon"),  # 5 working days left (11-30 … 12-04)
        (D(2026, 12, 7), D(2026, 11, 29), "green", "open"),  # 6 working days left
        (D(2026, 11, 20), D(2026, 11, 29), "red", "overdue"),
        (D(2026, 10, 1), D(2026, 9, 28), "yellow", "due_soon"),  # National Day: 10-01 rolls to 10-09
        (D(2026, 10, 5), D(2026, 10, 8), "yellow", "due_soon"),  # 10-05 is a holiday: due 10-09, not overdue
        (D(2027, 6, 30), D(2026, 11, 29), "green", "open"),  # 2027 holidays not configured: far enough to be sure
    ],
)
def test_deadline_colours_on_the_official_calendar(deadline, as_of, colour, state):
    tc = task_colour(deadline=deadline, as_of=as_of, closed=False)
    assert (tc.colour, tc.deadline_state) == (colour, state), tc.zh


def test_a_deadline_near_an_unconfigured_year_says_it_is_estimated():
    tc = task_colour(deadline=D(2027, 1, 5), as_of=D(2026, 12, 30), closed=False)
    assert tc.colour == "yellow" and "按自然日估算" in tc.zh and "calendar days" in tc.en
    assert task_colour(deadline=D(2026, 1, 5), as_of=D(2026, 11, 29), closed=True).colour == "green"


# progress against the time-proportional plan (序时进度) from assignment to deadline: 2026-09-01 → 2026-12-10 is
# 100 days, so on 2026-11-10 (70 days) the plan is 70 %; 10–30 points behind is yellow, more than 30 red
@pytest.mark.parametrize("done, colour", [(70, "green"), (61, "green"), (60, "yellow"), (40, "yellow"), (39, "red")])
def test_progress_behind_the_plan_colours_a_task(done, colour):
    tc = task_colour(
        deadline=D(2026, 12, 10), as_of=D(2026, 11, 10), closed=False, assigned_on=D(2026, 9, 1), percent_done=done
    )
    assert tc.colour == colour, tc.zh
    behind = [r for r in tc.reasons if r.rule == "task.behind"]
    assert bool(behind) == (colour != "green")
    if behind:
        assert "序时进度应达70.0%" in behind[0].zh and f"done {done}.0%" in behind[0].en


def test_progress_is_not_judged_without_a_schedule_or_when_switched_off():
    assert task_colour(deadline=D(2026, 12, 10), as_of=D(2026, 11, 10), closed=False).colour == "green"
    from dataclasses import replace

    from landcycle.rectification.policy import rectification_policy

    off = replace(rectification_policy(), progress_against_plan=False)
    assert (
        task_colour(
            deadline=D(2026, 12, 10),
            as_of=D(2026, 11, 10),
            closed=False,
            assigned_on=D(2026, 9, 1),
            percent_done=0,
            policy=off,
        ).colour
        == "green"
    )


def test_a_reopened_tasks_plan_starts_again_on_the_day_it_reopened(rectification_data, personas):
    from landcycle.rectification.models import TaskEvent

    d = rectification_data[XINPU]
    Task.objects.filter(pk=d["task"].pk).update(status=Task.Status.REOPENED, percent_done=30)
    TaskEvent.objects.create(
        task=d["task"],
        kind=TaskEvent.Kind.REOPENED,
        on=D(2026, 11, 21),
        actor_name="监督员",
        from_status="closed",
        to_status="reopened",
        percent_done=0,
        note="反弹",
    )
    task = Task.objects.get(pk=d["task"].pk)
    # from 2026-09-15 the plan on 12-01 would be 72 % (30 % done: red); from the reopening on 11-21 it is 25 %
    tc = task_colours([task], D(2026, 12, 1))[task.pk]
    assert tc.colour == "green" and not [r for r in tc.reasons if r.rule == "task.behind"], tc.zh
