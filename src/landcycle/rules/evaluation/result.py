"""What an evaluation returns: one row per firm, the problems, the benchmarks and the policy used."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import polars as pl

from ..ledger.result import LedgerProblem
from .policy import EvaluationPolicy


def _num(x, places: int = 6):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return round(x, places) if isinstance(x, float) else x


@dataclass
class EvaluationResult:
    """``frame``: one row per firm (evaluated firms by group and rank, then exempt firms), columns as in
    ``engine.output_columns``; ``problems_frame``: one row per problem (``_row``, ``_sheet``, ``column``,
    ``value``, ``rule``, ``zh``, ``en``); ``benchmarks``: the benchmark of every group and indicator."""

    frame: pl.DataFrame
    problems_frame: pl.DataFrame
    policy: EvaluationPolicy
    year: int
    benchmarks: pl.DataFrame = field(default_factory=pl.DataFrame)

    @cached_property
    def problems(self) -> list[LedgerProblem]:
        return [
            LedgerProblem(
                sheet=r["_sheet"] or "",
                row=r["_row"],
                column=r["column"],
                value=r["value"],
                rule=r["rule"],
                zh=r["zh"],
                en=r["en"],
                field=r["column"],
            )
            for r in self.problems_frame.iter_rows(named=True)
        ]

    def class_counts(self) -> pl.DataFrame:
        """Firms per group and class (exempt firms under class null)."""
        return self.frame.group_by("group", "class", maintain_order=True).len().sort("group", "class")

    def policy_record(self) -> dict:
        return {**self.policy.describe(), "year": self.year}

    def to_records(self) -> dict:
        """The JSON shape of ``landcycle evaluate``: ``{"policy", "enterprises", "problems"}``; ``row`` is
        the row number as the user sees it in the source file."""
        by_group = {g.key: [i.key for i in g.indicators] for g in self.policy.groups}
        enterprises = []
        for r in self.frame.iter_rows(named=True):
            keys = by_group.get(r["group"], []) if not r["exempt"] else []
            enterprises.append(
                {
                    "row": r["_row"],
                    "sheet": r["_sheet"],
                    "name": r["name"],
                    "uscc": r["uscc"],
                    "town": r["town"],
                    "industry_code": r["industry_code"],
                    "group": r["group"],
                    "land_mu": _num(r["land_mu"]),
                    "indicators": {
                        k: {
                            "value": _num(r[f"{k}_value"]),
                            "benchmark": _num(r[f"{k}_benchmark"]),
                            "contribution": _num(r[f"{k}_contribution"]),
                            "imputed": r[f"{k}_imputed"],
                        }
                        for k in keys
                    },
                    "score": r["score"],
                    "rank": r["rank"],
                    "group_size": r["group_size"],
                    "percentile": _num(r["percentile"], 3),
                    "class": r["class"],
                    "class_by_rank": r["class_by_rank"],
                    "flags": {
                        "exempt": r["exempt"],
                        "exemption": r["exemption"],
                        "vetoed": bool(r["vetoed"]),
                        "vetoes": r["vetoes"].split(",") if r["vetoes"] else [],
                        "protected": bool(r["protected"]),
                        "protections": r["protections"].split(",") if r["protections"] else [],
                        "missing_data": bool(r["missing_data"]),
                        "imputed": r["imputed"].split(",") if r["imputed"] else [],
                        "merged": (r["members"] or 1) > 1,
                        "merge_key": r["merge_key"],
                    },
                    "costs": {
                        "electricity_surcharge_yuan_per_kwh": r["electricity_surcharge_yuan_per_kwh"],
                        "electricity_surcharge_wan": _num(r["electricity_surcharge_wan"]),
                        "water_surcharge_pct": r["water_surcharge_pct"],
                        "land_use_tax_relief_pct": r["land_use_tax_relief_pct"],
                    },
                    "reasons": {"zh": r["reason_zh"], "en": r["reason_en"]},
                }
            )
        problems = [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "rule": p.rule,
                "message": p.message,
                "zh": p.zh,
                "en": p.en,
            }
            for p in self.problems
        ]
        return {"policy": self.policy_record(), "enterprises": enterprises, "problems": problems}
