"""Small groups: a class is not given in a group too small for it (the policy's min_group_size), and the
notes say which group has none of which class and why."""

from __future__ import annotations

from eval_helpers import by_uscc, code, fixed_policy, frame, small

from landcycle.rules.evaluation import evaluate, parse_policy
from landcycle.rules.evaluation.classes import small_group_notes


def test_the_shipped_policy_names_the_small_group_rule():
    policy = parse_policy(fixed_policy())
    assert [(c.key, c.min_group_size) for c in policy.classes] == [("A", 3), ("B", 0), ("C", 0), ("D", 11)]
    notes = small_group_notes(policy, {"below_large": 2, "above": 12})
    assert {(n["group"], n["class"], n["reason"], n["min"]) for n in notes} == {
        ("below_large", "A", "min_group_size", 3),
        ("below_large", "D", "min_group_size", 11),
    }


def test_a_county_minimum_moves_firms_one_class_inwards():
    data = fixed_policy()
    data["classes"]["levels"][0]["min_group_size"] = 6  # no A below 6 firms
    firms = [small(i, tax=float(100 - 10 * i)) for i in range(1, 6)]
    rows = by_uscc(evaluate(frame(firms), data, year=2025))
    assert rows[code(1)]["class"] == "B" and rows[code(1)]["class_by_rank"] == "B"
    assert not any(r["class"] == "A" for r in rows.values())
    shipped = by_uscc(evaluate(frame(firms), fixed_policy(), year=2025))
    assert shipped[code(1)]["class"] == "A"  # five firms: one A by the 20 % share
    notes = small_group_notes(parse_policy(data), {"below_large": 5})
    assert [(n["class"], n["reason"]) for n in notes] == [("A", "min_group_size"), ("D", "min_group_size")]


def test_a_share_that_rounds_to_zero_is_noted_too():
    data = fixed_policy()
    for lv in data["classes"]["levels"]:
        lv.pop("min_group_size", None)
    notes = small_group_notes(parse_policy(data), {"below_large": 4})
    assert [(n["class"], n["reason"]) for n in notes] == [("D", "rounding")]
