"""A ledger without a whole column the policy needs (issue 11): which indicators it takes away, the
rescaled policy, and the county's choice to refuse (``[missing_column] rule``)."""

from __future__ import annotations

import pytest

from landcycle.rules.evaluation import PolicyError, load_policy
from landcycle.rules.evaluation.absent import AbsentRefused, absent_columns, describe, without
from landcycle.rules.evaluation.policy.parse import default_policy

ALL = {"revenue", "tax", "value_added", "energy_tce", "emissions_t", "rnd", "staff", "electricity_10k_kwh", "land_mu"}


def test_a_full_ledger_changes_nothing():
    policy = default_policy()
    assert absent_columns(policy, ALL) == []
    assert without(policy, []) == (policy, {})


def test_no_electricity_rescales_the_small_firms_groups_to_100():
    policy = default_policy()
    absent = absent_columns(policy, ALL - {"electricity_10k_kwh"})
    assert [a.field for a in absent] == ["electricity_10k_kwh"]
    assert {a[0] for a in absent[0].affects} == {"tenant", "below_large", "below_small"}
    zh, en = describe(absent)
    assert (
        zh.startswith("台账缺少“用电量（万千瓦时）”列")
        and "单位电耗税收（权重50）" in zh
        and "Tax per kWh (weight 50)" in en
    )
    used, notes = without(policy, absent)
    assert used.version == policy.version and used.hash == policy.hash
    assert used.group("above") == policy.group("above")  # 规上 does not divide electricity
    for key in ("tenant", "below_large", "below_small"):
        (ind,) = used.group(key).indicators
        assert ind.key == "tax_per_mu" and ind.weight == 100 and ind.cap == 150
        assert "亩均税收 100" in notes[key][0]
    assert set(notes) == {"tenant", "below_large", "below_small"}


def test_weights_keep_their_proportions():
    policy = default_policy()
    used, notes = without(policy, absent_columns(policy, ALL - {"energy_tce"}))
    above = {i.key: i.weight for i in used.group("above").indicators}
    assert "value_added_per_energy" not in above and sum(above.values()) == pytest.approx(100)
    assert above["tax_per_mu"] == pytest.approx(37.5) and above["rnd_share"] == pytest.approx(12.5)
    assert set(notes) == {"above"}


def test_a_group_left_without_indicators_is_refused():
    policy = default_policy()
    with pytest.raises(AbsentRefused) as exc:
        without(policy, absent_columns(policy, ALL - {"tax"}))
    assert "实缴税收" in exc.value.zh and "全部指标都需要该列" in exc.value.zh


def test_the_policy_can_refuse():
    data = dict(default_policy().data)
    data["missing_column"] = {"rule": "refuse"}
    policy = load_policy(data)
    assert policy.missing_column == "refuse"
    with pytest.raises(AbsentRefused) as exc:
        without(policy, absent_columns(policy, ALL - {"electricity_10k_kwh"}))
    assert "refuse" in exc.value.en and "用电量" in exc.value.zh
    data["missing_column"] = {"rule": "ignore"}
    with pytest.raises(PolicyError) as bad:
        load_policy(data)
    assert any(p.field == "missing_column.rule" for p in bad.value.problems)
