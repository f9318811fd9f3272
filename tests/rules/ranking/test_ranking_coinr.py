"""The COINr ASEM index (tests/data/coinr_asem, MIT, from bluefoxr/COINr) reproduced stage by stage to 1e-9:
denominated, imputed (group mean), treated (winsorisation: which points, how many), normalised (min-max with
direction), aggregated (weighted arithmetic mean up the structure, missing left out)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from landcycle.rules.ranking.engine import Table, compute
from landcycle.rules.ranking.policy import parse_policy
from landcycle.rules.ranking.stages import (
    aggregate_tree,
    default_winmax,
    denominate,
    impute_group_mean,
    normalise,
    winsorise,
)

ASEM = Path(__file__).resolve().parents[2] / "data" / "coinr_asem"
TOL = 1e-9


def table(name: str) -> list[dict[str, str]]:
    with (ASEM / f"{name}.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


META = table("indicator_meta")
CODES = [m["IndCode"] for m in META]
UNITS = [r["UnitCode"] for r in table("data_raw")]


def matrix(name: str, columns: list[str] | None = None) -> np.ndarray:
    rows = {r["UnitCode"]: r for r in table(name)}
    cols = columns or CODES
    return np.array([[float(rows[u][c]) if rows[u][c] not in ("", "NA") else np.nan for c in cols] for u in UNITS])


def close(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b))
    ok = ~np.isnan(a)
    assert np.max(np.abs(a[ok] - b[ok]), initial=0.0) <= TOL


def denominated() -> np.ndarray:
    dens = ["Den_Area", "Den_Energy", "Den_GDP", "Den_Pop"]
    which = [dens.index(m["Denominator"]) if m["Denominator"] else None for m in META]
    return denominate(matrix("data_raw"), matrix("denominators", dens), which)


def test_denominated():
    close(denominated(), matrix("data_denominated"))


def test_imputed_by_group_mean():
    groups = [r["Group_EurAsia"] for r in table("data_raw")]
    assert json.loads((ASEM / "method.json").read_text())["impute"]["groupvar"] == ["Group_EurAsia"]
    out = impute_group_mean(matrix("data_denominated"), groups)
    close(out, matrix("data_imputed"))


def test_treated_values_flags_and_counts():
    x = matrix("data_imputed")
    assert default_winmax(len(UNITS)) == 6  # "Default, winmax = 6" in treat_summary.csv
    out, done = winsorise(x, t_skew=2.0, t_kurt=3.5, fallback="ctlog")
    close(out, matrix("data_treated"))
    summary = {r["IndCode"]: r for r in table("treat_summary")}
    flags = {r["UnitCode"]: r for r in table("treat_flags")}
    treated = 0
    for j, code in enumerate(CODES):
        t = done[j]
        s = summary[code]
        assert (len(t.low), len(t.high)) == (int(float(s["Low"])), int(float(s["High"]))), code
        expected = f"Winsorised {t.points} points" if t.kind == "winsorised" else "None"
        assert s["Treatment"] == expected, code
        for i, unit in enumerate(UNITS):
            flag = "WHigh" if i in t.high else "WLow" if i in t.low else "No"
            assert flags[unit][code] == flag, (code, unit)
        treated += t.kind != "none"
    assert treated == 15


def test_normalised_minmax_with_direction():
    directions = np.array([float(m["Direction"]) for m in META])
    close(normalise(matrix("data_treated"), "minmax", directions), matrix("data_normalised"))


def test_aggregated_up_the_structure():
    structure = table("structure")
    weights = {r["Code"]: float(r["Weight"]) for r in table("weights")}
    assert [s["IndCode"] for s in structure] == CODES
    levels, names, level_weights = [], [CODES], []
    child, child_col = CODES, "IndCode"
    for col in ("Agg1", "Agg2", "Agg3"):
        parent_of = {s[child_col]: s[col] for s in structure}
        parents = list(dict.fromkeys(parent_of[c] for c in child))
        levels.append([parents.index(parent_of[c]) for c in child])
        level_weights.append(np.array([weights[c] for c in child]))
        names.append(parents)
        child, child_col = parents, col
    # the reference weights are all 1 (test_weighted_mean_leaves_missing_out exercises other weights)
    assert set(weights.values()) == {1.0}
    scores = aggregate_tree(matrix("data_normalised"), levels, level_weights, ["arithmetic"] * 3)
    for level, cols in zip(scores, names[1:], strict=True):
        close(level, matrix("data_aggregated", cols))
    top = np.argsort(-scores[-1][:, 0])[:5]
    assert [UNITS[i] for i in top] == ["CHE", "NLD", "DNK", "NOR", "BEL"]


@pytest.mark.parametrize("w", [np.array([1.0, 3.0]), np.array([2.0, 0.5])])
def test_weighted_mean_leaves_missing_out(w):
    x = np.array([[10.0, 20.0], [np.nan, 40.0], [np.nan, np.nan]])
    (out,) = aggregate_tree(x, [[0, 0]], [w], ["arithmetic"])
    assert out[0, 0] == pytest.approx((10 * w[0] + 20 * w[1]) / w.sum())
    assert out[1, 0] == 40.0 and np.isnan(out[2, 0])


def test_the_whole_pipeline_gives_the_pillars():
    """``compute`` end to end (raw → denominated → group mean → winsorised → min-max → weighted mean), with the
    eight ASEM pillars as dimensions, gives COINr's pillar scores."""
    structure = {s["IndCode"]: s["Agg1"] for s in table("structure")}
    pillars = list(dict.fromkeys(structure[c] for c in CODES))
    dens = ["Den_Area", "Den_Energy", "Den_GDP", "Den_Pop"]
    meta = {m["IndCode"]: m for m in META}
    ordered = [c for p in pillars for c in CODES if structure[c] == p]
    data = {
        "version": "asem",
        "denominators": {d: {"name_zh": d, "source": "COINr ASEM"} for d in dens},
        "methods": {"impute": "group_mean", "normalise": "minmax", "weights": "fixed"},
        "dimensions": [
            {
                "key": p,
                "name_zh": p,
                "indicators": [
                    {
                        "key": c,
                        "name_zh": c,
                        "direction": int(float(meta[c]["Direction"])),
                        "source": "COINr ASEM",
                        **({"denominator": meta[c]["Denominator"]} if meta[c]["Denominator"] else {}),
                    }
                    for c in ordered
                    if structure[c] == p
                ],
            }
            for p in pillars
        ],
    }
    policy = parse_policy(data)
    groups = tuple(r["Group_EurAsia"] for r in table("data_raw"))
    t = Table(tuple(UNITS), matrix("data_raw", ordered), matrix("denominators", dens), groups)
    c = compute(t, policy)
    close(c.treated, matrix("data_treated", ordered))
    close(c.normalised, matrix("data_normalised", ordered))
    close(c.dimensions, matrix("data_aggregated", pillars))
