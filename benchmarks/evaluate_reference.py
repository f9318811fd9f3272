"""The reference for ``benchmarks/evaluate_cli.py``: the same evaluation as a plain calamine → polars → CSV
pipeline, with none of the reader's work (no header search, no units, no per-cell checks, no problem
report). The columns are taken by position from the generated ledger (title row, header row, data).

    .venv/bin/python benchmarks/evaluate_reference.py LEDGER.xlsx OUT.csv

It runs in its own process, as ``landcycle evaluate`` does, so both times include starting Python and
importing polars and the engine.
"""

from __future__ import annotations

import sys

import polars as pl
from python_calamine import CalamineWorkbook

from landcycle.rules.evaluation import evaluate, load_policy

FIELDS = [
    "uscc",
    "name",
    "year",
    "town",
    "industry_code",
    "scale",
    "registered_on",
    "revenue",
    "tax",
    "value_added",
    "energy_tce",
    "emissions_t",
    "rnd",
    "staff",
    "electricity_10k_kwh",
    "land_owned_mu",
    "land_leased_mu",
    "land_let_mu",
]
TEXT = {"uscc", "name", "town", "industry_code", "scale", "registered_on"}


def main(src: str, out: str) -> None:
    book = CalamineWorkbook.from_path(src)
    rows = book.get_sheet_by_name(book.sheet_names[0]).to_python(skip_empty_area=False)[2:]
    width = len(FIELDS)
    cols = list(zip(*[r[:width] + [""] * (width - len(r)) for r in rows], strict=False))
    data = {}
    for name, col in zip(FIELDS, cols, strict=False):
        if name in TEXT:
            data[name] = pl.Series(name, [v if type(v) is str and v else None for v in col], dtype=pl.String)
        else:
            data[name] = pl.Series(name, [v if type(v) is float else None for v in col], dtype=pl.Float64)
    frame = pl.DataFrame(data).with_columns(
        pl.col("year").cast(pl.Int64),
        pl.col("registered_on").str.to_date(strict=False),
        (pl.int_range(pl.len()) + 3).alias("_row"),
    )
    result = evaluate(frame, load_policy(), year=2025)
    result.frame.sort("_row").write_csv(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
