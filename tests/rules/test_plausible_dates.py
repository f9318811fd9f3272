"""rules.dates: the plausible range of policies/registry.toml [dates] (issue 10)."""

from __future__ import annotations

import datetime as dt

from landcycle.rules.dates import add_years, bounds, date_problems, year_problems
from landcycle.rules.supervision import load_policy, validate_contract
from landcycle.rules.supervision.contract import Contract, Extension, GovernmentDelay

D = dt.date
TODAY = D(2026, 11, 29)


def test_the_shipped_bounds():
    b = bounds()
    assert (b.earliest, b.contract_years_after_signing, b.years_after_today) == (D(1949, 10, 1), 50, 70)


def test_bounds_of_a_plain_date():
    assert date_problems("start", D(1949, 10, 1), "起始日期", "start", today=TODAY) == []
    assert date_problems("start", D(2096, 11, 29), "起始日期", "start", today=TODAY) == []
    [early] = date_problems("start", D(1949, 9, 30), "起始日期", "start", today=TODAY)
    [late] = date_problems("start", D(2096, 11, 30), "起始日期", "start", today=TODAY)
    assert (early.field, early.rule, late.rule) == ("start", "date.too_early", "date.too_late")
    assert "起始日期（1949-09-30）早于1949-10-01" in early.zh and "70 years" in late.en
    assert date_problems("start", None, "x", "x") == date_problems("start", "9999-12-31", "x", "x") == []


def test_a_contract_date_counts_from_the_signing_date():
    kw = dict(signed_on=D(2024, 2, 29), contract=True, today=TODAY)
    assert add_years(D(2024, 2, 29), 50) == D(2074, 2, 28) and add_years(D(9999, 1, 1), 5) == D(9999, 1, 1)
    assert date_problems("agreed_start", D(2074, 2, 28), "约定开工日期", "agreed start", **kw) == []
    [p] = date_problems("agreed_start", D(2074, 3, 1), "约定开工日期", "agreed start", **kw)
    assert "合同签订后50年（2074-02-28）" in p.zh
    # an implausible signing date is no base: the general bound applies
    [p] = date_problems(
        "agreed_start",
        D(9999, 1, 1),
        "约定开工日期",
        "agreed start",
        signed_on=D(9000, 1, 1),
        contract=True,
        today=TODAY,
    )
    assert "70" in p.zh


def test_years():
    assert year_problems("year", 2025, "年度", "year", today=TODAY) == []
    assert [p.rule for p in year_problems("year", 0, "年度", "year", today=TODAY)] == ["date.year_range"]
    assert year_problems("year", 10**30, "年度", "year", today=TODAY)[0].en.startswith("year (10000")


def test_validate_contract_names_every_far_date():
    c = Contract(
        number="HT-1",
        holder="甲",
        signed_on=D(2024, 1, 10),
        agreed_start=D(2024, 6, 30),
        extensions=(Extension("start", D(9999, 12, 31), D(1900, 1, 1)),),
        government_delays=(GovernmentDelay("plan_change", "批复", recorded_on=D(9999, 1, 1)),),
    )
    got = [(p.field, p.rule) for p in validate_contract(c, load_policy()) if p.rule.startswith("date.")]
    assert got == [
        ("extensions[0].new_date", "date.too_late"),
        ("extensions[0].approved_on", "date.too_early"),
        ("government_delays[0].recorded_on", "date.too_late"),
    ]
