"""What ``landcycle evaluate`` writes: JSON in the shape of the issue, or one table (CSV, Parquet, .xlsx)
with a row per source row — evaluated, exempt, or a problem (then no score and no class, never a zero).

JSON: ``{"policy": {...}, "enterprises": [{"row", "name", "uscc", "group", "land_mu", "indicators":
{key: {"value", "benchmark", "contribution"}}, "score", "rank", "percentile", "class", "flags", "reasons"}],
"problems": [{"sheet", "row", "column", "value", "message"}]}`` — ``row`` is the row number as the user
sees it in the source file, ``column`` the source column's header.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from decimal import Decimal

import polars as pl

from landcycle.rules.evaluation import EvaluationResult
from landcycle.rules.evaluation.problems import FIELD_LABELS
from landcycle.rules.formula_guard import csv_text

from ..ledger import LedgerInput
from .xlsx import write_xlsx

PROBLEM_COLUMNS = ("sheet", "row", "column", "value", "message")


def _json_value(v):
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def problems(result: EvaluationResult, ledger: LedgerInput) -> list[dict]:
    """The reader's and the engine's problems in source order, each naming the column as the file does."""
    items = [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "value": _json_value(p.value),
            "message": p.message,
            "rule": p.rule,
        }
        for p in ledger.problems
    ]
    for p in result.problems:
        column = ledger.headers.get(p.column)
        if column is None and p.column == "land_mu":
            column = (
                "、".join(
                    ledger.headers[c] for c in ("land_owned_mu", "land_leased_mu", "land_let_mu") if c in ledger.headers
                )
                or None
            )
        column = column or FIELD_LABELS.get(p.column, (p.column,))[0]
        items.append(
            {
                "sheet": p.sheet or ledger.result.sheet,
                "row": p.row,
                "column": column,
                "value": _json_value(p.value),
                "message": p.message,
                "rule": p.rule,
            }
        )
    items.sort(key=lambda x: (x["row"] or 0, x["rule"]))
    return items


def to_json(result: EvaluationResult, ledger: LedgerInput) -> dict:
    records = result.to_records()
    enterprises = [
        {
            "row": e["row"],
            "name": e["name"],
            "uscc": e["uscc"],
            "group": e["group"],
            "land_mu": e["land_mu"],
            "indicators": {
                k: {"value": v["value"], "benchmark": v["benchmark"], "contribution": v["contribution"]}
                for k, v in e["indicators"].items()
            },
            "score": e["score"],
            "rank": e["rank"],
            "percentile": e["percentile"],
            "class": e["class"],
            "flags": e["flags"],
            "reasons": e["reasons"],
        }
        for e in records["enterprises"]
    ]
    enterprises.sort(key=lambda e: e["row"])
    out = {
        "policy": records["policy"],
        "enterprises": enterprises,
        "problems": [{k: p[k] for k in PROBLEM_COLUMNS} for p in problems(result, ledger)],
    }
    if ledger.notes:  # what the whole ledger lacks or how it was read, said once, at the top
        out = {"notes": [{"zh": zh, "en": en} for zh, en in ledger.notes], **out}
    return out


def table(result: EvaluationResult, ledger: LedgerInput) -> pl.DataFrame:
    """One row per source row in source order: the engine's columns (``engine.output_columns``) with
    ``outcome`` (evaluated | exempt | problem) and, for rows that could not be evaluated, ``problems``."""
    frame = result.frame.rename({"_row": "row", "_sheet": "sheet"}).with_columns(
        pl.when(pl.col("exempt")).then(pl.lit("exempt")).otherwise(pl.lit("evaluated")).alias("outcome")
    )
    found = problems(result, ledger)
    if found:
        msgs = pl.DataFrame(
            {
                "row": [p["row"] for p in found],
                "message": [p["message"] for p in found],
                "sheet": [p["sheet"] for p in found],
            },
            schema={"row": pl.Int64, "message": pl.String, "sheet": pl.String},
        )
        msgs = msgs.group_by("row", maintain_order=True).agg(
            pl.col("sheet").first(), pl.col("message").str.join("；").alias("problems")
        )
        ids = ledger.result.frame
        who = ids.select(
            pl.col("_row").alias("row"),
            *[
                (pl.col(c) if c in ids.columns else pl.lit(None, pl.String)).cast(pl.String).alias(c)
                for c in ("uscc", "name")
            ],
        )
        bad = msgs.join(who, on="row", how="left").with_columns(pl.lit("problem").alias("outcome"))
        frame = pl.concat([frame, bad], how="diagonal_relaxed")
    cols = ["row", "sheet", "outcome"] + [c for c in frame.columns if c not in ("row", "sheet", "outcome")]
    return frame.select(cols).sort("row")


def write(path, result: EvaluationResult, ledger: LedgerInput) -> None:
    suffix = str(path).lower().rsplit(".", 1)[-1]
    if suffix == "json":
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(to_json(result, ledger), fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    elif suffix == "csv":
        data = table(result, ledger)
        data = data.with_columns(
            pl.col(c).map_elements(csv_text, return_dtype=pl.String) for c, t in data.schema.items() if t == pl.String
        )  # no live formulas
        buf = io.BytesIO()
        data.write_csv(buf)
        with open(path, "wb") as fh:
            fh.write("\ufeff".encode("utf-8") + buf.getvalue())  # BOM: Excel opens it as UTF-8
    elif suffix == "parquet":
        table(result, ledger).write_parquet(path)
    else:
        write_xlsx(path, table(result, ledger), result, problems(result, ledger), notes=ledger.notes)
