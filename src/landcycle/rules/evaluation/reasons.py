"""Why a firm got its result, in Chinese and English, built on columns (no per-row Python).

"规上企业，得分 87.3，组内第 12/340 名（前 3.5%），A 类（优先发展类）" /
"Above-size, score 87.3, rank 12 of 340 (top 3.5%), class A (priority development)", followed by the
veto, protection, imputation and merging that applied, each naming its rule; an exempt firm says which
exemption. The plain sentence is built for every row at once; the few rows with something more to say
are built separately and written into place, so long texts are never assembled for nothing.
"""

from __future__ import annotations

import polars as pl

from .classes import pick
from .policy import EvaluationPolicy


def _names(flags: list[tuple[str, str]], sep: str) -> pl.Expr:
    """The labels of the flag columns that hold, joined."""
    if not flags:
        return pl.lit("")
    return pl.concat_str(
        [pl.when(pl.col(c)).then(pl.lit(label)) for c, label in flags], separator=sep, ignore_nulls=True
    )


def _keys(flags: list[tuple[str, str]]) -> pl.Expr:
    joined = _names(flags, ",")
    return pl.when(joined != "").then(joined)


def _plain(policy: EvaluationPolicy, zh: bool) -> list[pl.Expr]:
    """The sentence up to the rank: "规上企业，得分 87.3，组内第 12/340 名（前 3.5%）"."""
    rank, n = pl.col("rank"), pl.col("group_size")
    pct = (((rank * 1000 + n // 2) // n) / 10).round(1).cast(pl.String)
    group = pick(pl.col("_gi"), [g.zh if zh else g.en for g in policy.groups], pl.String)
    score = pl.col("score").cast(pl.String)
    if zh:
        return [
            group,
            pl.lit("，得分 "),
            score,
            pl.lit("，组内第 "),
            rank.cast(pl.String),
            pl.lit("/"),
            n.cast(pl.String),
            pl.lit(" 名（前 "),
            pct,
            pl.lit("%）"),
        ]
    return [
        group,
        pl.lit(", score "),
        score,
        pl.lit(", rank "),
        rank.cast(pl.String),
        pl.lit(" of "),
        n.cast(pl.String),
        pl.lit(" (top "),
        pct,
        pl.lit("%)"),
    ]


def _class(policy: EvaluationPolicy, zh: bool) -> list[pl.Expr]:
    label = pick(pl.col("_ci"), [c.zh if zh else c.en for c in policy.classes], pl.String)
    if zh:
        return [pl.lit("，"), pl.col("class"), pl.lit(" 类（"), label, pl.lit("）")]
    return [pl.lit(", class "), pl.col("class"), pl.lit(" ("), label, pl.lit(")")]


def _plain_fast(frame: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    """The plain sentence of every row, both languages, from few pieces: the constant text around the
    numbers depends only on (group, class) and is looked up, the numbers are written once."""
    groups, classes = policy.groups, policy.classes
    rank, n = pl.col("rank"), pl.col("group_size")
    combo = pl.col("_gi") * len(classes) + pl.col("_ci")
    nums = frame.select(
        pl.col("score").cast(pl.String).alias("s"),
        rank.cast(pl.String).alias("r"),
        (((rank * 1000 + n // 2) // n) / 10).round(1).cast(pl.String).alias("p"),
        pl.col("_gi"),
        combo.alias("c"),
        n.alias("n"),
    )
    sizes = nums.group_by("_gi").agg(pl.col("n").first())
    size = dict(zip(sizes["_gi"].to_list(), sizes["n"].to_list(), strict=False))
    head_zh = pick(pl.col("_gi"), [f"{g.zh}，得分 " for g in groups], pl.String)
    head_en = pick(pl.col("_gi"), [f"{g.en}, score " for g in groups], pl.String)
    mid_zh = pick(pl.col("_gi"), [f"/{size.get(i)} 名（前 " for i in range(len(groups))], pl.String)
    mid_en = pick(pl.col("_gi"), [f" of {size.get(i)} (top " for i in range(len(groups))], pl.String)
    tail_zh = pick(pl.col("c"), [f"%），{c.key} 类（{c.zh}）" for _g in groups for c in classes], pl.String)
    tail_en = pick(pl.col("c"), [f"%), class {c.key} ({c.en})" for _g in groups for c in classes], pl.String)
    s, r, p = pl.col("s"), pl.col("r"), pl.col("p")
    return nums.select(
        pl.concat_str([head_zh, s, pl.lit("，组内第 "), r, mid_zh, p, tail_zh]).alias("reason_zh"),
        pl.concat_str([head_en, s, pl.lit(", rank "), r, mid_en, p, tail_en]).alias("reason_en"),
    )


def _special(policy: EvaluationPolicy, zh: bool) -> pl.Expr:
    """The whole sentence for a unit with a veto, protection, imputation or merge."""
    worst = policy.class_index(policy.protection_worst_class)
    lifted = pl.col("protected") & (pl.col("_ci_rank") > worst)
    changed = pl.col("_ci") != pl.col("_ci_rank")
    label = pick(pl.col("_ci"), [c.zh if zh else c.en for c in policy.classes], pl.String)
    vetoes = _names([(f"_veto_{i}", r.zh if zh else r.en) for i, r in enumerate(policy.vetoes)], "、" if zh else "; ")
    prots = _names(
        [(f"_prot_{i}", r.zh if zh else r.en) for i, r in enumerate(policy.protections)], "、" if zh else "; "
    )
    inds = policy.indicators()
    imputed = _names([(f"{k}_imputed", i.zh if zh else i.en) for k, i in inds.items()], "、" if zh else ", ")
    others = (pl.col("members").cast(pl.Int64) - 1).cast(pl.String)
    best, low = policy.veto_best_class, policy.protection_worst_class
    if zh:
        parts = [
            pl.when(changed)
            .then(pl.concat_str([pl.lit("，按名次为 "), pl.col("class_by_rank"), pl.lit(" 类")]))
            .otherwise(pl.concat_str(_class(policy, True))),
            pl.when(pl.col("vetoed")).then(
                pl.concat_str([pl.lit("；一票否决："), vetoes, pl.lit(f"，不得高于 {best} 类")])
            ),
            pl.when(lifted).then(pl.concat_str([pl.lit("；保护："), prots, pl.lit(f"，不低于 {low} 类")])),
            pl.when(changed).then(
                pl.concat_str([pl.lit("；定为 "), pl.col("class"), pl.lit(" 类（"), label, pl.lit("）")])
            ),
            pl.when(pl.col("missing_data")).then(
                pl.concat_str([pl.lit("；"), imputed, pl.lit("缺少数据，按组内平均得分计")])
            ),
            pl.when(pl.col("members") > 1).then(
                pl.concat_str([pl.lit("；与同一地块的其他 "), others, pl.lit(" 家企业合并评价")])
            ),
        ]
    else:
        parts = [
            pl.when(changed)
            .then(pl.concat_str([pl.lit(", class "), pl.col("class_by_rank"), pl.lit(" by rank")]))
            .otherwise(pl.concat_str(_class(policy, False))),
            pl.when(pl.col("vetoed")).then(
                pl.concat_str([pl.lit("; veto: "), vetoes, pl.lit(f" — not above class {best}")])
            ),
            pl.when(lifted).then(pl.concat_str([pl.lit("; protected: "), prots, pl.lit(f" — not below class {low}")])),
            pl.when(changed).then(
                pl.concat_str([pl.lit("; final class "), pl.col("class"), pl.lit(" ("), label, pl.lit(")")])
            ),
            pl.when(pl.col("missing_data")).then(
                pl.concat_str([pl.lit("; no data for "), imputed, pl.lit(": the group's average score is used")])
            ),
            pl.when(pl.col("members") > 1).then(
                pl.concat_str(
                    [pl.lit("; evaluated together with "), others, pl.lit(" other firm(s) on the same parcel")]
                )
            ),
        ]
    return pl.concat_str([pl.concat_str(_plain(policy, zh)), *parts], ignore_nulls=True)


def _sparse(frame: pl.DataFrame, mask: pl.Expr, expr: pl.Expr, base: pl.Series) -> pl.Series:
    """``base`` with ``expr`` written into the rows where ``mask`` holds (computed on those rows only)."""
    hit = frame.select(mask.fill_null(False)).to_series()
    where = hit.arg_true()
    if len(where) == 0:
        return base
    return base.scatter(where, frame.lazy().filter(hit).select(expr).collect().to_series())


def text_columns(units: pl.DataFrame, policy: EvaluationPolicy) -> list[pl.Series]:
    """``reason_zh`` and ``reason_en`` of evaluated units."""
    worst = policy.class_index(policy.protection_worst_class)
    special = (
        pl.col("vetoed")
        | (pl.col("protected") & (pl.col("_ci_rank") > worst))
        | pl.col("missing_data")
        | (pl.col("members") > 1)
        | (pl.col("_ci") != pl.col("_ci_rank"))
    )
    plain = _plain_fast(units, policy)
    return [
        _sparse(units, special, _special(policy, True), plain["reason_zh"]),
        _sparse(units, special, _special(policy, False), plain["reason_en"]),
    ]


def flag_key_columns(units: pl.DataFrame, policy: EvaluationPolicy) -> list[pl.Series]:
    """The keys of the ``vetoes``, ``protections`` and ``imputed`` indicators that apply to each unit
    (comma-separated, null when none)."""
    out = []
    for name, mask, flags in (
        ("vetoes", pl.col("vetoed"), [(f"_veto_{i}", r.key) for i, r in enumerate(policy.vetoes)]),
        ("protections", pl.col("protected"), [(f"_prot_{i}", r.key) for i, r in enumerate(policy.protections)]),
        ("imputed", pl.col("missing_data"), [(f"{k}_imputed", k) for k in policy.indicators()]),
    ):
        empty = pl.repeat(None, units.height, dtype=pl.String, eager=True).alias(name)
        out.append(_sparse(units, mask, _keys(flags), empty))
    return out


def exempt_text(index: pl.Series, policy: EvaluationPolicy) -> list[pl.Expr]:
    """Reasons of exempt firms: which exemption applies."""
    return [
        pl.concat_str(
            [pl.lit("不参评（豁免）："), pick(pl.lit(index), [r.zh for r in policy.exemptions], pl.String)]
        ).alias("reason_zh"),
        pl.concat_str(
            [pl.lit("Not evaluated (exempt): "), pick(pl.lit(index), [r.en for r in policy.exemptions], pl.String)]
        ).alias("reason_en"),
    ]
