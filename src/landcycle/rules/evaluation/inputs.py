"""The input frame, normalised: one column per field with a known type, whatever the caller passed.

Input columns (all but ``uscc`` optional): ``_row`` (the row number as the user sees it in the source;
defaults to the position + 1), ``_sheet``, ``year`` (when present, only rows of the evaluated year are
kept), uscc, name, town, industry_code, scale ("above"/"below", 规上/规下; empty = from revenue),
registered_on, land_owned_mu, land_leased_mu, land_let_mu or land_mu directly, the figures of
``FIGURE_FIELDS``, boolean flags named by the policy's rules, date columns named by its rules, and
``merge_key`` (the policy's merge column).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import polars as pl

from ..codes import USCC_ALPHABET, USCC_WEIGHTS, industries
from .policy import FIGURE_FIELDS, EvaluationPolicy

TEXT_COLUMNS = ("uscc", "name", "town", "industry_code", "merge_key", "_sheet")
LAND_PARTS = ("land_owned_mu", "land_leased_mu", "land_let_mu")
SCALE_WORDS = {
    "above": "above",
    "below": "below",
    "Above": "above",
    "Below": "below",
    "ABOVE": "above",
    "BELOW": "below",
    "规上": "above",
    "规下": "below",
    "规模以上": "above",
    "规模以下": "below",
    "规上企业": "above",
    "规下企业": "below",
}


@lru_cache(maxsize=1)
def industry_classes() -> pl.Series:
    """The 4-digit classes of GB/T 4754-2017."""
    return pl.Series("code", sorted(c for c, i in industries().items() if i.level == 4), dtype=pl.String)


def flag_columns(policy: EvaluationPolicy) -> list[str]:
    rules = policy.exemptions + policy.vetoes + policy.protections
    return sorted({r.column for r in rules if r.kind == "flag" and r.column})


def date_columns(policy: EvaluationPolicy) -> list[str]:
    rules = policy.exemptions + policy.protections
    cols = {r.column for r in rules if r.kind in ("registered_within_years", "granted_within_years") and r.column}
    return sorted(cols | {"registered_on"})


def _as_text(name: str, dtype: pl.DataType, strip: bool = True) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.String:
        return col.str.strip_chars() if strip else col
    if dtype.is_float():  # 3311.0 from a spreadsheet
        return col.cast(pl.Int64, strict=False).cast(pl.String)
    return col.cast(pl.String)


def _as_date(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if dtype == pl.Date:
        return col
    if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
        return col.dt.date()
    if dtype == pl.String:
        return col.str.strip_chars().str.to_date(strict=False)
    return pl.lit(None, pl.Date)


def _needs_cleaning(frame: pl.DataFrame, name: str, width: int | None) -> bool:
    """Whether a text column has values that stripping (or dropping a trailing ".0") would change:
    checked cheaply so that clean ledgers skip the string work."""
    col = pl.col(name)
    odd = col.str.starts_with(" ") | col.str.ends_with(" ") | col.str.ends_with(".0")
    if width is not None:
        odd = odd | (col.str.len_bytes() != width)
    return bool(frame.select(odd.any()).item())


def prepare(frame: pl.DataFrame, policy: EvaluationPolicy, year: int) -> pl.DataFrame:
    """Typed columns: codes stripped, figures Float64, flags Boolean (empty = false), dates Date, land_mu,
    scale (from revenue when empty), and the credit-code columns of ``uscc_columns``."""
    schema = frame.schema
    if "year" in schema:
        this_year = pl.col("year").cast(pl.Int64, strict=False) == year
        if not frame.select(this_year.all()).item():
            frame = frame.filter(this_year)
    exprs: list[pl.Expr] = [pl.int_range(pl.len(), dtype=pl.Int64).alias("_idx")]
    exprs.append(
        pl.col("_row").cast(pl.Int64)
        if "_row" in schema
        else (pl.int_range(pl.len(), dtype=pl.Int64) + 1).alias("_row")
    )
    merge = policy.merge_column
    for name in TEXT_COLUMNS:
        src = merge if name == "merge_key" else name
        if not src or src not in schema:
            exprs.append(pl.lit(None, pl.String).alias(name))
            continue
        dtype = schema[src]
        expr = _as_text(src, dtype, strip=False)
        if (
            dtype == pl.String
            and name in ("industry_code", "merge_key")
            and _needs_cleaning(frame, src, 4 if name == "industry_code" else None)
        ):
            expr = expr.str.strip_chars()
            if name == "industry_code":
                expr = expr.str.strip_suffix(".0")
        exprs.append(expr.alias(name))
    for name in (*FIGURE_FIELDS, *LAND_PARTS, "land_mu"):
        exprs.append(
            pl.col(name).cast(pl.Float64, strict=False) if name in schema else pl.lit(None, pl.Float64).alias(name)
        )
    for name in flag_columns(policy) + ["uscc_override"]:
        exprs.append(
            pl.col(name).cast(pl.Boolean, strict=False).fill_null(False)
            if name in schema
            else pl.lit(False).alias(name)
        )
    for name in date_columns(policy):
        exprs.append(_as_date(name, schema[name]).alias(name) if name in schema else pl.lit(None, pl.Date).alias(name))
    if "scale" in schema:
        exprs.append(_as_text("scale", schema["scale"], strip=False).alias("_scale_raw"))
    else:
        exprs.append(pl.lit(None, pl.String).alias("_scale_raw"))
    df = frame.select(exprs)
    codes = uscc_columns(df["uscc"])
    if not codes[0].all():  # some codes fail: maybe only spaces or lower case (GB 32100 asks for upper case)
        fixed = df["uscc"].str.strip_chars().str.to_uppercase()
        if not fixed.equals(df["uscc"]):
            df = df.with_columns(fixed.alias("uscc"))
            codes = uscc_columns(fixed)
    df = df.with_columns(codes)
    parts = [pl.col(c) for c in LAND_PARTS]
    derived = pl.when(pl.any_horizontal([p.is_not_null() for p in parts])).then(
        parts[0].fill_null(0.0) + parts[1].fill_null(0.0) - parts[2].fill_null(0.0)
    )
    revenue_scale = (
        pl.when(pl.col("revenue") >= policy.above_size_revenue_wan)
        .then(pl.lit("above"))
        .when(pl.col("revenue").is_not_null())
        .then(pl.lit("below"))
    )
    raw = pl.col("_scale_raw")
    if df.select(raw.is_in(["above", "below"]).fill_null(False).all()).item():  # usual: nothing to translate
        scale = raw
    else:
        scale = pl.when(raw.is_null() | (raw == "")).then(revenue_scale)
        for word, value in SCALE_WORDS.items():
            scale = scale.when(raw == word).then(pl.lit(value))
    return df.with_columns(pl.coalesce(pl.col("land_mu"), derived).alias("land_mu"), scale.alias("scale"))


_LUT = np.full(256, -1, dtype=np.int8)
for _i, _c in enumerate(USCC_ALPHABET):
    _LUT[ord(_c)] = _i
# one matrix product gives the check sum (weights 3^(i-1) mod 31) and the two base-31 halves; every
# value stays below 2^53, so float64 is exact
_MATRIX = np.zeros((18, 3))
_MATRIX[:17, 0] = USCC_WEIGHTS
_MATRIX[:9, 1] = 31.0 ** np.arange(8, -1, -1)
_MATRIX[9:, 2] = 31.0 ** np.arange(8, -1, -1)
_ROW = np.dtype([("a", "<u8"), ("b", "<u8"), ("c", "<u2")])  # 18 bytes: sign bits flag a bad character


def uscc_columns(codes: pl.Series) -> list[pl.Series]:
    """For a whole column of credit codes at once: ``_uscc_ok`` (18 characters of the GB 32100
    alphabet with the right check character) and ``_uk_hi`` / ``_uk_lo``, the first and last 9
    characters as base-31 integers (the alphabet is in ASCII order, so (hi, lo) sorts like the code;
    null when the code is not 18 characters of the alphabet). The 18-byte codes are joined into one
    byte buffer and checked with numpy, with no per-row Python."""
    n = len(codes)
    sized = (codes.str.len_bytes() == 18).fill_null(False)
    mask = sized.to_numpy()
    ok = np.zeros(n, dtype=bool)
    shaped = np.zeros(n, dtype=bool)
    hi = np.zeros(n, dtype=np.int64)
    lo = np.zeros(n, dtype=np.int64)
    if mask.any():
        raw = codes.filter(sized).str.join("").item().encode("utf-8")
        vals = _LUT[np.frombuffer(raw, dtype=np.uint8)].reshape(-1, 18)
        rows = vals.view(np.uint8).view(_ROW).ravel()
        good = (((rows["a"] | rows["b"]) & 0x8080808080808080) == 0) & ((rows["c"] & 0x8080) == 0)
        sums = (vals.astype(np.float64) @ _MATRIX).astype(np.int64)
        shaped[mask] = good
        ok[mask] = good & (vals[:, 17] == (31 - sums[:, 0] % 31) % 31)
        hi[mask] = sums[:, 1]
        lo[mask] = sums[:, 2]
    invalid = pl.Series(~shaped)
    return [
        pl.Series("_uscc_ok", ok, dtype=pl.Boolean),
        pl.Series("_uk_hi", hi).set(invalid, None),
        pl.Series("_uk_lo", lo).set(invalid, None),
    ]
