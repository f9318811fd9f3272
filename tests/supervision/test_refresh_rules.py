"""The shortcuts the refresh's speed-up added to the rules say what the rules said before: a contract milestone
that is done, or open and not yet near, is passed over only where ``deadline_colour`` says green; the
cached threshold fractions give the same tax-per-mu colours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from landcycle.rules.supervision import Contract, Extension, load_policy, tax_per_mu_finding
from landcycle.rules.supervision.milestones import milestone_findings
from landcycle.rules.supervision.schedule import DUE_SOON, OVERDUE, deadline_colour

POLICY = load_policy()
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


@settings(max_examples=400, deadline=None)
@given(
    agreed=days,
    as_of=days,
    actual=st.none() | days,
    notice=st.integers(0, 90),
    grace=st.integers(0, 120),
    extended=st.none() | days,
)
def test_milestone_findings_follow_deadline_colour(agreed, as_of, actual, notice, grace, extended):
    rule = dataclasses.replace(POLICY.contract_dates, notice=notice, grace=grace)
    policy = dataclasses.replace(POLICY, contract_dates=rule)
    c = Contract(
        number="T",
        holder="H",
        agreed_start=agreed,
        actual_start=actual,
        extensions=(Extension("start", extended),) if extended else (),
    )
    found = {f.rule: f for f in milestone_findings(c, as_of, policy)}
    status = deadline_colour(c.agreed("start"), as_of, c.actual("start", as_of), rule, working_days=False)
    expected = {OVERDUE: "start.overdue", DUE_SOON: "start.due_soon"}.get(status.state)
    assert set(found) == ({expected} if expected else set())
    if expected:  # a date that is near is a reminder (the policy's notice_colour), not yellow
        assert found[expected].colour == (rule.notice_colour if status.state == DUE_SOON else status.colour)


@given(tax=st.decimals(min_value=0, max_value=200, places=2), minimum=st.sampled_from(["3", "4", "5", "30.5"]))
def test_tax_per_mu_colours_are_exact(tax, minimum):
    from fractions import Fraction

    f = tax_per_mu_finding(tax, Decimal(minimum), POLICY, 2025)
    share = Fraction(str(tax)) / Fraction(minimum)
    rule = POLICY.enterprise.tax_per_mu
    if share >= Fraction(str(rule.yellow_below)):
        assert f is None
    else:
        assert f.colour == ("red" if share < Fraction(str(rule.red_below)) else "yellow")
