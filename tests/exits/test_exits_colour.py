"""The colour of a case (rules/exits.py), computed by hand: progress against the time-proportional plan, the
deadline near or overdue, the worse one wins; closed green, cancelled no colour, unplanned grey."""

from __future__ import annotations

import datetime as dt

from landcycle.rules.exits import case_colour, percent_done

START, DEADLINE = dt.date(2026, 1, 1), dt.date(2026, 12, 31)  # 364 planned days


def colour(steps, as_of, state="open", kind="vacating", start=START, deadline=DEADLINE, handover=None):
    return case_colour(
        kind=kind, state=state, steps=steps, planned_start=start, deadline=deadline, handover=handover, as_of=as_of
    )


def test_percent_done_is_the_furthest_step_reached():
    assert percent_done("vacating", []) == 0
    assert percent_done("vacating", ["survey"] * 8 + ["notice"]) == 20
    assert percent_done("vacating", ["notice", "mediation", "survey"]) == 50
    assert percent_done("vacating", ["decision"]) == 0  # not a vacating step
    assert percent_done("takeback", ["decision", "hearing"]) == 60


def test_halfway_with_two_steps_is_yellow():
    # 2026-07-02: 182 of 364 days = 50 % planned; notice + survey = 20 %: 30 points behind -> yellow (not > 30)
    c = colour(["notice", "survey"], dt.date(2026, 7, 2))
    assert (c.colour, c.percent_done, c.state) == ("yellow", 20, "open")
    assert "滞后30.0个百分点" in c.zh


def test_halfway_with_notice_only_is_red():
    c = colour(["notice"], dt.date(2026, 7, 2))  # 50 - 10 = 40 points behind
    assert c.colour == "red"


def test_on_schedule_is_green():
    c = colour(["notice", "survey", "talk", "meeting", "mediation"], dt.date(2026, 7, 2))  # 50 - 50 = 0
    assert c.colour == "green" and "未滞后" in c.zh


def test_deadline_near_is_yellow_even_on_schedule():
    # 2026-12-10: 21 days left (≤ 30); planned 343/364 = 94.2 %, cleared 90 %: 4.2 points behind (green)
    c = colour(["cleared"], dt.date(2026, 12, 10))
    assert (c.colour, c.state) == ("yellow", "due_soon")
    assert "剩余21天" in c.zh


def test_overdue_within_grace_is_yellow_past_grace_red():
    assert colour(["cleared"], dt.date(2027, 1, 20)).colour == "yellow"  # 20 days over, 10 points behind
    late = colour(["cleared"], dt.date(2027, 2, 15))  # 46 days over > 30
    assert (late.colour, late.state, late.days_overdue) == ("red", "overdue", 46)


def test_closed_cancelled_and_unplanned():
    done = colour(["cleared"], dt.date(2027, 6, 1), state="closed", handover=dt.date(2027, 5, 1))
    assert (done.colour, done.percent_done, done.state) == ("green", 100, "done")
    assert colour([], dt.date(2027, 6, 1), state="cancelled").colour is None
    assert colour([], dt.date(2026, 6, 1), deadline=None).colour == "grey"
