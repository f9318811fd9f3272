"""Building blocks for the evaluation tests: firms as dicts, a frame, and a policy with fixed benchmarks."""

from __future__ import annotations

import copy
import datetime as dt

import polars as pl

from landcycle.rules.codes import make_uscc
from landcycle.rules.evaluation import default_policy

# 黄岩 2022 published 规上 benchmarks, in the order of the default policy's 规上 indicators
HUANGYAN_2022 = {
    "tax_per_mu": 24.097,
    "value_added_per_mu": 136.16,
    "value_added_per_energy": 2.694,
    "value_added_per_emission": 4929.81,
    "labour_productivity": 18.14,
    "rnd_share": 0.0302,
}

SCHEMA = {
    "_row": pl.Int64,
    "uscc": pl.String,
    "name": pl.String,
    "town": pl.String,
    "industry_code": pl.String,
    "scale": pl.String,
    "registered_on": pl.Date,
    "land_owned_mu": pl.Float64,
    "land_leased_mu": pl.Float64,
    "land_let_mu": pl.Float64,
    "revenue": pl.Float64,
    "tax": pl.Float64,
    "value_added": pl.Float64,
    "energy_tce": pl.Float64,
    "emissions_t": pl.Float64,
    "rnd": pl.Float64,
    "staff": pl.Float64,
    "electricity_10k_kwh": pl.Float64,
    "veto_safety": pl.Boolean,
    "veto_illegal_land": pl.Boolean,
    "construction": pl.Boolean,
    "protected": pl.Boolean,
    "relocated": pl.Boolean,
    "merge_key": pl.String,
}


def code(i: int) -> str:
    return make_uscc("91", "330282", f"{i:08d}")


def at_benchmark(i: int, **over) -> dict:
    """An above-size firm exactly at the 黄岩 2022 benchmarks (10 mu)."""
    land = 10.0
    va = HUANGYAN_2022["value_added_per_mu"] * land
    row = {
        "uscc": code(i),
        "name": f"企业{i}",
        "town": "新浦镇",
        "industry_code": "3851",
        "scale": "above",
        "registered_on": dt.date(2010, 1, 1),
        "land_owned_mu": land,
        "land_leased_mu": 0.0,
        "land_let_mu": 0.0,
        "tax": HUANGYAN_2022["tax_per_mu"] * land,
        "value_added": va,
        "energy_tce": va / HUANGYAN_2022["value_added_per_energy"],
        "emissions_t": va / HUANGYAN_2022["value_added_per_emission"],
        "staff": None,
        "revenue": 10000.0,
        "rnd": HUANGYAN_2022["rnd_share"] * 10000.0,
        "electricity_10k_kwh": 100.0,
        "veto_safety": False,
        "veto_illegal_land": False,
        "construction": False,
        "protected": False,
        "relocated": False,
        "merge_key": None,
    }
    row["staff"] = va / HUANGYAN_2022["labour_productivity"]
    row.update(over)
    return row


def small(i: int, tax: float, land: float = 5.0, electricity: float = 10.0, **over) -> dict:
    """A below-size firm on its own land."""
    row = at_benchmark(i, scale="below", land_owned_mu=land, tax=tax, electricity_10k_kwh=electricity, revenue=500.0)
    row.update(over)
    return row


def frame(rows: list[dict]) -> pl.DataFrame:
    rows = [dict(r) for r in rows]
    for n, r in enumerate(rows):
        r.setdefault("_row", n + 2)  # row 1 is the header in the source file
    return pl.DataFrame(rows, schema=SCHEMA)


def policy_dict() -> dict:
    """The shipped default as a dict (a deep copy: tests edit it)."""
    return copy.deepcopy(default_policy().data)


def fixed_policy() -> dict:
    """The default with 黄岩 2022 fixed benchmarks for 规上 and fixed 规下 benchmarks (tax per mu 10,
    tax per kWh 1)."""
    data = policy_dict()
    for g in data["groups"]:
        for ind in g["indicators"]:
            if g["key"] == "above":
                ind["benchmark"] = {"method": "fixed", "value": HUANGYAN_2022[ind["key"]]}
            else:
                ind["benchmark"] = {"method": "fixed", "value": 10.0 if ind["key"] == "tax_per_mu" else 1.0}
    return data


def by_uscc(result) -> dict[str, dict]:
    return {r["uscc"]: r for r in result.frame.iter_rows(named=True)}
