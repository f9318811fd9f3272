"""Rows that cannot be evaluated, as a frame (one row per problem), and the checks on identifiers.

A problem keeps the source row (``_row``, ``_sheet``), the field (``column``), the value, a stable
``rule`` code and a message in Chinese and English. A row with a problem is never scored as zero.
Checks are evaluated together in one pass over the frame; only the checks that hit build rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .inputs import industry_classes

PROBLEM_SCHEMA = {
    "_idx": pl.Int64,
    "_row": pl.Int64,
    "_sheet": pl.String,
    "column": pl.String,
    "value": pl.String,
    "rule": pl.String,
    "zh": pl.String,
    "en": pl.String,
}

FIELD_LABELS = {
    "uscc": ("统一社会信用代码", "credit code"),
    "industry_code": ("行业代码", "industry code"),
    "scale": ("规模", "scale"),
    "revenue": ("主营业务收入（万元）", "revenue (10k yuan)"),
    "tax": ("实缴税收（万元）", "tax paid (10k yuan)"),
    "value_added": ("工业增加值（万元）", "value added (10k yuan)"),
    "energy_tce": ("综合能耗（吨标准煤）", "energy use (tce)"),
    "emissions_t": ("主要污染物排放（吨）", "emissions (t)"),
    "rnd": ("研发经费（万元）", "R&D spending (10k yuan)"),
    "staff": ("年平均职工人数", "average staff"),
    "electricity_10k_kwh": ("用电量（万千瓦时）", "electricity (10k kWh)"),
    "land_mu": ("用地面积（亩）", "land used (mu)"),
}


@dataclass(frozen=True)
class Check:
    """Rows where ``mask`` holds have a problem with ``column``: ``rule``, messages ``zh`` / ``en``
    (text or expressions), and the offending ``value`` (default: the column)."""

    mask: pl.Expr
    column: str
    rule: str
    zh: str | pl.Expr
    en: str | pl.Expr
    value: pl.Expr | None = None


def empty(keep: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    return pl.DataFrame(schema={**PROBLEM_SCHEMA, **(keep or {})})


def _lit(x) -> pl.Expr:
    return x if isinstance(x, pl.Expr) else pl.lit(x)


def _rows(df: pl.DataFrame, c: Check, keep: tuple[str, ...]) -> pl.DataFrame:
    val = c.value if c.value is not None else (pl.col(c.column) if c.column in df.columns else pl.lit(None))
    return (
        df.lazy()
        .filter(c.mask.fill_null(False))
        .select(
            pl.col("_idx"),
            pl.col("_row"),
            pl.col("_sheet"),
            pl.lit(c.column, pl.String).alias("column"),
            val.cast(pl.String).alias("value"),
            pl.lit(c.rule, pl.String).alias("rule"),
            _lit(c.zh).cast(pl.String).alias("zh"),
            _lit(c.en).cast(pl.String).alias("en"),
            *[pl.col(k) for k in keep],
        )
        .collect()
    )


def run(df: pl.DataFrame, checks: list[Check], keep: tuple[str, ...] = ()) -> tuple[pl.DataFrame, pl.Series]:
    """The problems of every check, and a boolean Series: which rows have at least one."""
    if not checks:
        return empty({k: df.schema[k] for k in keep}), pl.Series([False] * df.height)
    masks = df.select([c.mask.fill_null(False).alias(f"m{i}") for i, c in enumerate(checks)])
    any_row = masks.select(pl.any_horizontal(pl.all())).to_series()
    hits = masks.select(pl.all().any()).row(0)
    frames = [_rows(df, c, keep) for c, hit in zip(checks, hits, strict=False) if hit]
    found = pl.concat(frames) if frames else empty({k: df.schema[k] for k in keep})
    return found, any_row


def identifier_checks() -> list[Check]:
    """Credit code (missing, malformed, wrong check character), industry code, scale."""
    u = pl.col("uscc")
    no_code = u.is_null() | (u == "")
    code = pl.col("industry_code")
    no_ind = code.is_null() | (code == "")
    raw = pl.col("_scale_raw")
    scale_null = pl.col("scale").is_null()
    given = raw.is_not_null() & (raw != "")
    return [
        Check(no_code, "uscc", "uscc.missing", "缺少统一社会信用代码", "The credit code is missing"),
        # a recorded manual override (``uscc_override``) accepts a wrong check character, not a malformed code
        Check(
            ~no_code & (pl.col("_uk_hi").is_null() | (~pl.col("_uscc_ok") & ~pl.col("uscc_override"))),
            "uscc",
            "uscc.invalid",
            pl.format("统一社会信用代码“{}”不符合GB 32100-2015（18位、字符集或校验位）", u),
            pl.format(
                "The credit code '{}' does not conform to GB 32100-2015 (18 characters, alphabet, check character)", u
            ),
        ),
        Check(
            no_ind,
            "industry_code",
            "industry.missing",
            "缺少行业代码（GB/T 4754-2017）",
            "The industry code (GB/T 4754-2017) is missing",
        ),
        Check(
            ~no_ind & ~code.is_in(industry_classes().implode()),
            "industry_code",
            "industry.unknown",
            pl.format("行业代码“{}”不是GB/T 4754-2017中的4位小类", code),
            pl.format("Industry code '{}' is not a 4-digit class of GB/T 4754-2017", code),
        ),
        Check(
            scale_null & given,
            "scale",
            "scale.unknown",
            pl.format("规模“{}”应为“规上”或“规下”", raw),
            pl.format("Scale '{}' must be 'above' (规上) or 'below' (规下)", raw),
            value=raw,
        ),
        Check(
            scale_null & ~given,
            "scale",
            "scale.missing",
            "缺少规模（规上/规下），主营业务收入也为空，无法判断",
            "The scale (above/below size) is missing and there is no revenue to derive it from",
            value=pl.lit(None, pl.String),
        ),
    ]


def duplicates(df: pl.DataFrame) -> pl.DataFrame:
    """Credit codes that appear more than once in the year: every such row is a problem (which row
    holds is unknown). Compared on the two integer halves of well-formed codes (a malformed code is a
    problem already): first the last 9 characters, then both halves among those candidates."""
    lo, hi = pl.col("_uk_lo"), pl.col("_uk_hi")
    candidates = (
        df.lazy()
        .select("_idx", "_row", "_sheet", "uscc", "_uk_hi", "_uk_lo")
        .filter(lo.is_not_null() & lo.is_duplicated())
    )
    dups = candidates.filter(pl.struct(hi, lo).is_duplicated()).collect()
    if dups.height == 0:
        return empty()
    u = pl.col("uscc")
    rows = dups.group_by("uscc").agg(pl.col("_row").sort().cast(pl.String).str.join(", ").alias("_rows"))
    dups = dups.join(rows, on="uscc", how="left")
    return run(
        dups,
        [
            Check(
                pl.lit(True),
                "uscc",
                "uscc.duplicate",
                pl.format("统一社会信用代码“{}”在本年度出现多次（第 {} 行），无法确定以哪一行为准", u, pl.col("_rows")),
                pl.format(
                    "The credit code '{}' appears more than once this year (rows {}): which row holds is unknown",
                    u,
                    pl.col("_rows"),
                ),
            )
        ],
    )[0]


def missing_checks(
    field: str, null_mask: pl.Expr, nonpositive_mask: pl.Expr | None, indicators_zh: pl.Expr, indicators_en: pl.Expr
) -> list[Check]:
    """An indicator that cannot be computed because ``field`` is empty, or (a denominator) ≤ 0."""
    zh_f, en_f = FIELD_LABELS.get(field, (field, field))
    col = pl.col(field)
    out = [
        Check(
            null_mask,
            field,
            "figure.missing",
            pl.concat_str([pl.lit(f"{zh_f}为空，无法计算"), indicators_zh]),
            pl.concat_str([pl.lit(f"{en_f} is empty: cannot compute "), indicators_en]),
        )
    ]
    if nonpositive_mask is not None:
        out.append(
            Check(
                nonpositive_mask,
                field,
                "figure.not_positive",
                pl.format(f"{zh_f}为 {{}}，应大于0，无法计算{{}}", col, indicators_zh),
                pl.format(f"{en_f} is {{}}, must be above 0: cannot compute {{}}", col, indicators_en),
            )
        )
    return out
