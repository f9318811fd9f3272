"""Each indicator an app registers for the ranking, against source rows counted by hand (ranking_data)."""

from __future__ import annotations

import pytest
from ranking_data import source_rows  # noqa: F401 -- fixture

from conftest import QIAOTOU, XINPU
from landcycle.kit.indicators import Quarter, indicator_sources
from landcycle.rules.ranking.policy import load_policy

pytestmark = pytest.mark.django_db
Q2 = Quarter(2025, 2)


def _measure(key, data, quarter=Q2):
    towns = [data[XINPU]["town"], data[QIAOTOU]["town"]]
    got = indicator_sources()[key].compute(quarter, towns)
    return got[towns[0].pk], got[towns[1].pk]


def test_every_key_of_the_policy_has_a_source_but_the_hand_entered_ones():
    policy = load_policy()
    keys = {i.key for i in policy.indicators} | set(policy.denominators)
    missing = keys - set(indicator_sources())
    # the hand-entered ones come from the quarterly ledger; every other key is computed by the app owning its rows
    assert missing == {"policy_score", "investment_attracted"}


def test_evaluation_figures(source_rows):
    xp, qt = _measure("tax_per_mu_change", source_rows)
    assert xp.value == pytest.approx(30 - 20) and xp.rows == 3
    assert "town=" + XINPU in xp.link
    assert qt.value is None  # no published run of 2023 for 桥头
    xp, qt = _measure("d_class_share", source_rows)
    assert (xp.value, qt.value) == (pytest.approx(50.0), pytest.approx(0.0))  # the draft's D firm is not counted
    xp, qt = _measure("d_class_share_change", source_rows)
    assert xp.value == pytest.approx(50.0) and qt.value is None
    xp, qt = _measure("firms", source_rows)
    assert (xp.value, qt.value) == (2, 1)


def test_a_quarter_of_2023_reads_the_evaluation_of_2023(source_rows):
    xp, qt = _measure("d_class_share", source_rows, Quarter(2023, 3))
    assert xp.value == 0.0 and qt.value is None
    xp, _ = _measure("tax_per_mu_change", source_rows, Quarter(2023, 3))
    assert xp.value is None  # no 2022 to compare with


def test_admission_figures(source_rows):
    xp, qt = _measure("admitted_projects", source_rows)
    assert (xp.value, qt.value) == (2, 0)
    xp, qt = _measure("admitted_tax_vs_minimum", source_rows)
    assert xp.value == pytest.approx((150 + 100) / 2) and xp.rows == 2
    assert qt.value is None  # nothing admitted: missing, not zero
    xp, _ = _measure("admitted_projects", source_rows, Quarter(2025, 1))
    assert xp.value == 1


def test_rectification_figures(source_rows):
    xp, qt = _measure("tasks_on_time_share", source_rows)
    assert xp.value == pytest.approx(100 / 3) and xp.rows == 3
    assert qt.value == 100.0
    xp, qt = _measure("relapses", source_rows)
    assert (xp.value, qt.value) == (1, 0)
    xp, _ = _measure("relapses", source_rows, Quarter(2025, 3))
    assert xp.value == 1


def test_supervision_figures_and_denominators(source_rows):
    from landcycle.supervision.models import Warning

    xp_w = Warning.objects.filter(town=source_rows[XINPU]["town"], colour__in=["red", "yellow"])
    assert xp_w.exists()
    first = min(w.first_raised for w in xp_w)
    quarter = Quarter.of(first).next()
    xp, _ = _measure("warnings_open", source_rows, quarter)
    open_then = [w for w in xp_w if w.first_raised <= quarter.end]
    assert xp.value == len(open_then)
    age, _ = _measure("warning_age_days", source_rows, quarter)
    assert age.value == pytest.approx(sum((quarter.end - w.first_raised).days for w in open_then) / len(open_then))
    before, _ = _measure("warnings_open", source_rows, Quarter.of(first).previous())
    assert before.value == 0 and _measure("warning_age_days", source_rows, Quarter.of(first).previous())[0].value == 0
    xp, qt = _measure("contracts", source_rows)
    assert (xp.value, qt.value) == (1, 1)
    xp, _ = _measure("contracts", source_rows, Quarter(2023, 4))  # signed 2024-01-10
    assert xp.value == 0
    land, _ = _measure("industrial_land_mu", source_rows)
    parcels = source_rows[XINPU]["parcels"]
    assert land.value == pytest.approx(float(sum(p.area_m2 for p in parcels)) * 15 / 10000) and land.rows == 2


def test_idle_land_disposed_counts_the_closed_idle_warnings_of_the_quarter(source_rows, personas):
    import datetime as dt

    from landcycle.supervision.models import Warning
    from landcycle.supervision.models.warnings import WarningEvent

    idle = Warning.objects.filter(town=source_rows[XINPU]["town"], rule__startswith="idle.").first()
    assert idle is not None
    before, _ = _measure("idle_land_disposed_mu", source_rows)
    assert before.value == 0
    Warning.objects.filter(pk=idle.pk).update(status="closed")
    WarningEvent.objects.create(
        warning=idle, kind="accept", at="2025-05-05T10:00Z", as_of=dt.date(2025, 5, 5), actor_name="t"
    )
    xp, qt = _measure("idle_land_disposed_mu", source_rows)
    parcel = source_rows[XINPU]["parcels"][1]
    assert xp.value == pytest.approx(float(parcel.area_m2) * 15 / 10000) and xp.rows == 1
    assert qt.value == 0
    later, _ = _measure("idle_land_disposed_mu", source_rows, Quarter(2025, 3))
    assert later.value == 0
