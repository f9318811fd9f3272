"""``evaluate``: one year of enterprise figures in, every firm's result with its reasons out.

Steps, each on whole columns: normalise the input -> identifier problems (credit code, duplicates,
industry code, scale) -> exemptions (taken out, reported with their rule) -> merge firms sharing a
``merge_key`` into one unit -> land and group -> indicator values and missing data -> benchmarks ->
capped contributions and score -> rank, class, protections and vetoes -> reasons -> back to one row
per firm. A row that cannot be evaluated becomes a problem with its source row; nothing is a zero.
"""

from __future__ import annotations

import polars as pl

from . import problems as P
from . import scoring
from .classes import classify, cost_columns, pick, rank_units
from .inputs import prepare
from .policy import EvaluationPolicy
from .policy.parse import load_policy
from .reasons import exempt_text, flag_key_columns, text_columns
from .result import EvaluationResult
from .units import LEAD_COLUMNS, exemption_index, group_index, merge_units, rule_flags, unit_source_columns

KEEP = ("_unit",)


def _land_checks() -> list[P.Check]:
    land = pl.col("land_mu")
    return [
        P.Check(
            land.is_null(),
            "land_mu",
            "land.missing",
            "没有用地面积（自有、租赁、出租用地均为空），无法计算亩均指标",
            "No land is recorded (owned, leased and let land all empty): per-mu figures cannot be computed",
        ),
        P.Check(
            land <= 0,
            "land_mu",
            "land.none",
            pl.format("用地面积（自有+租赁−出租）为 {} 亩，不大于0，无法计算亩均指标", land),
            pl.format(
                "Land used (owned + leased − let) is {} mu, not above 0: per-mu figures cannot be computed", land
            ),
        ),
        P.Check(
            (land > 0) & pl.col("_gi").is_null(),
            "scale",
            "group.none",
            "不属于评价办法中的任何分组",
            "The firm falls in none of the policy's groups",
            value=pl.col("scale"),
        ),
    ]


def _expand_problems(found: pl.DataFrame, members: pl.DataFrame | None) -> pl.DataFrame:
    """Problems found on merged units are reported on every member row."""
    if members is None or found.height == 0:
        return found.drop("_unit")
    merged = found["_unit"].is_in(members["_unit"].unique().implode())
    rows = members.select("_unit", "_idx", "_row", "_sheet")
    spread = found.filter(merged).drop("_idx", "_row", "_sheet").join(rows, on="_unit")
    return pl.concat([found.filter(~merged), spread.select(found.columns)]).drop("_unit")


def output_columns(policy: EvaluationPolicy) -> list[str]:
    """The columns of ``EvaluationResult.frame``, in order: the firm (``_row`` and ``_sheet`` of the
    source, code, name, town, industry, ``merge_key`` and the number of ``members`` of its unit), its
    group, ``land_mu`` (of the unit), per indicator ``k``: ``k_value``, ``k_benchmark``,
    ``k_contribution`` (capped) and ``k_imputed``; ``score`` (published, rounded), ``score_exact``,
    ``rank`` / ``group_size`` / ``percentile`` (100 × rank / n), ``class_by_rank`` and the final ``class``;
    flags ``exempt`` (+ ``exemption`` rule), ``vetoed`` (+ ``vetoes``), ``protected`` (+ ``protections``),
    ``missing_data`` (+ ``imputed`` indicators); what the class costs (electricity surcharge per kWh and
    in 万元 on the firm's own use, water surcharge %, land-use-tax relief %); ``reason_zh`` / ``reason_en``."""
    cols = [
        "_row",
        "_sheet",
        "uscc",
        "name",
        "town",
        "industry_code",
        "merge_key",
        "members",
        "group",
        "group_zh",
        "group_en",
        "land_mu",
    ]
    for k in policy.indicators():
        cols += [f"{k}_value", f"{k}_benchmark", f"{k}_contribution", f"{k}_imputed"]
    return cols + [
        "score",
        "score_exact",
        "rank",
        "group_size",
        "percentile",
        "class_by_rank",
        "class",
        "class_zh",
        "class_en",
        "exempt",
        "exemption",
        "vetoed",
        "vetoes",
        "protected",
        "protections",
        "missing_data",
        "imputed",
        "electricity_10k_kwh",
        "electricity_surcharge_yuan_per_kwh",
        "electricity_surcharge_wan",
        "water_surcharge_pct",
        "land_use_tax_relief_pct",
        "reason_zh",
        "reason_en",
    ]


def _expand_units(units: pl.DataFrame, members: pl.DataFrame | None) -> pl.DataFrame:
    """One row per member firm of a merged unit, with the unit's result and the member's own identity."""
    if members is None:
        return units
    merged = pl.col("_unit").is_in(members["_unit"].unique().implode())
    own = [*LEAD_COLUMNS, "electricity_10k_kwh"]
    spread = units.filter(merged).drop(own, strict=False).join(members, on="_unit")
    return pl.concat([units.filter(~merged), spread.select(units.columns)])


def _previous_units(frame: pl.DataFrame | None, policy: EvaluationPolicy, year: int) -> pl.DataFrame | None:
    """The units of ``year`` (the year before the evaluated one) with their indicator values, for
    ``previous_year`` benchmarks: rows with a bad identifier or a duplicate code and exempt firms are left
    out, merged firms are one unit, each in its group of that year."""
    if frame is None or frame.height == 0:
        return None
    df = prepare(frame, policy, year)
    if df.height == 0:
        return None
    _, bad = P.run(df, P.identifier_checks())
    dups = P.duplicates(df)
    if dups.height:
        bad = bad | df["_idx"].is_in(dups["_idx"].implode())
    df = df.filter(~bad).with_columns(exemption_index(policy, year), *rule_flags(policy, year))
    kept = df.lazy().filter(pl.col("_exempt").is_null()).select(unit_source_columns(policy)).collect()
    units, _ = merge_units(kept, policy)
    units = scoring.add_values(units.with_columns(group_index(policy)), policy)
    if "_div" not in units.columns:
        units = units.with_columns(pl.col("industry_code").str.slice(0, 2).alias("_div"))
    return units.filter(pl.col("_gi").is_not_null())


def _score_units(
    units: pl.DataFrame, policy: EvaluationPolicy, year: int | None = None, previous: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, list, pl.DataFrame]:
    """Land and group checks, indicator values, missing data, benchmarks, scores, ranks and classes.
    Units with a problem are taken out in one filter, so benchmarks count only scorable units."""
    units = scoring.add_values(units, policy)
    eligible = (pl.col("land_mu") > 0) & pl.col("_gi").is_not_null()
    found, bad = P.run(units, _land_checks() + scoring.missing_checks(policy, eligible), KEEP)
    problems = [found]
    peer = scoring.no_peer_checks(units, policy, ~bad)
    if peer:
        more, bad_peer = P.run(units, peer, KEEP)
        problems.append(more)
        bad = bad | bad_peer
    if bad.any():
        units = units.filter(~bad)
    units, benchmarks = scoring.add_benchmarks(units, policy, year=year, previous=previous)
    more, bad = P.run(units, scoring.benchmark_checks(policy, year), KEEP)
    if bad.any():
        problems.append(more)
        units = units.filter(~bad)
    units = classify(rank_units(scoring.add_scores(units, policy), policy), policy)
    return units, problems, benchmarks


def _exempt_rows(df: pl.DataFrame, policy: EvaluationPolicy, groups: list[pl.Expr]) -> pl.DataFrame:
    exempt = (
        df.lazy()
        .filter(pl.col("_exempt") >= 0)
        .select(
            "_idx",
            "_row",
            "_sheet",
            "uscc",
            "name",
            "town",
            "industry_code",
            "merge_key",
            "land_mu",
            "electricity_10k_kwh",
            "scale",
            "land_owned_mu",
            "land_leased_mu",
            "_exempt",
        )
        .collect()
    )
    exempt = exempt.with_columns(group_index(policy))
    return exempt.with_columns(
        *groups,
        pl.lit(1, pl.UInt32).alias("members"),
        pl.lit(True).alias("exempt"),
        pick(pl.col("_exempt"), [r.key for r in policy.exemptions], pl.String).alias("exemption"),
        pl.lit(False).alias("vetoed"),
        pl.lit(False).alias("protected"),
        pl.lit(False).alias("missing_data"),
        *exempt_text(exempt["_exempt"], policy),
    )


def evaluate(
    frame: pl.DataFrame,
    policy: EvaluationPolicy | dict | str | None = None,
    *,
    year: int,
    reasons: bool = True,
    previous: pl.DataFrame | None = None,
) -> EvaluationResult:
    """Evaluate one year. ``policy``: an ``EvaluationPolicy``, a parsed dict, a TOML path or text, or
    None for the shipped default. See ``inputs`` for the input columns and ``output_columns`` for the
    result. ``reasons=False`` leaves the reason texts empty (a what-if that only counts classes).

    Evaluated firms come first, in ledger order (members of merged units after the others), then exempt
    firms in ledger order; rows that cannot be evaluated are in ``problems``. Sort by ``_row`` for the
    ledger's order (the engine does not, to avoid copying every column once more).

    ``previous``: the rows of the year before, for ``previous_year`` benchmarks; by default the rows of
    ``frame`` whose ``year`` is the year before (a ledger holding both years)."""
    policy = load_policy(policy)
    prev_units = None
    if scoring.uses_previous(policy):
        if previous is None and "year" in frame.columns:
            previous = frame
        prev_units = _previous_units(previous, policy, year - 1)
    df = prepare(frame, policy, year)
    found, bad = P.run(df, P.identifier_checks())
    dups = P.duplicates(df)
    if dups.height:
        found = pl.concat([found, dups])
        bad = bad | df["_idx"].is_in(dups["_idx"].implode())
    df = df.with_columns(exemption_index(policy, year), *rule_flags(policy, year))
    if bad.any():  # marked -1: neither evaluated nor exempt (one filter of the wide frame less)
        df = df.with_columns(pl.when(bad).then(pl.lit(-1, pl.Int32)).otherwise(pl.col("_exempt")).alias("_exempt"))
    evaluated = df.lazy().filter(pl.col("_exempt").is_null()).select(unit_source_columns(policy)).collect()
    units, members = merge_units(evaluated, policy)
    units, unit_found, benchmarks = _score_units(units.with_columns(group_index(policy)), policy, year, prev_units)
    groups = [
        pick(pl.col("_gi"), [g.key for g in policy.groups], pl.String).alias("group"),
        pick(pl.col("_gi"), [g.zh for g in policy.groups], pl.String).alias("group_zh"),
        pick(pl.col("_gi"), [g.en for g in policy.groups], pl.String).alias("group_en"),
    ]
    scale = float(10**policy.score_decimals)
    units = units.with_columns(
        *groups,
        pl.col("_members").alias("members"),
        (pl.col("_score_key") / scale).round(policy.score_decimals).alias("score"),
        pick(pl.col("_ci"), [c.zh for c in policy.classes], pl.String).alias("class_zh"),
        pick(pl.col("_ci"), [c.en for c in policy.classes], pl.String).alias("class_en"),
        pl.lit(False).alias("exempt"),
        pl.lit(None, pl.String).alias("exemption"),
        pl.any_horizontal([pl.col(f"{k}_imputed") for k in policy.indicators()]).alias("missing_data"),
    )
    units = units.with_columns(flag_key_columns(units, policy))
    if reasons:  # written per unit (the members of a merged unit share them), before units become firms
        units = units.with_columns(text_columns(units, policy))
    units = _expand_units(units, members).with_columns(cost_columns(pl.col("_ci"), policy))
    exempt = _exempt_rows(df, policy, groups)
    cols = output_columns(policy)
    units = _typed(
        units.with_columns([pl.lit(None).alias(c) for c in cols if c not in units.columns]).select(cols), policy
    )
    if exempt.height:  # same columns and types, so the two stack without copying
        exempt = exempt.with_columns([pl.lit(None, units.schema[c]).alias(c) for c in cols if c not in exempt.columns])
        units = pl.concat([units, exempt.select([pl.col(c).cast(units.schema[c]) for c in cols])])
    unit_problems = pl.concat([_expand_problems(f, members) for f in unit_found])
    problems = pl.concat([found, unit_problems]).sort("_idx", maintain_order=True).drop("_idx")
    return EvaluationResult(frame=units, problems_frame=problems, policy=policy, year=year, benchmarks=benchmarks)


def _typed(out: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    """Columns that were all null (no exempt firm, say) get their proper type."""
    casts = {
        "exempt": pl.Boolean,
        "vetoed": pl.Boolean,
        "protected": pl.Boolean,
        "missing_data": pl.Boolean,
        "score": pl.Float64,
        "score_exact": pl.Float64,
        "rank": pl.Int64,
        "group_size": pl.Int64,
        "percentile": pl.Float64,
        "members": pl.UInt32,
    }
    for k in policy.indicators():
        casts.update(
            {
                f"{k}_value": pl.Float64,
                f"{k}_benchmark": pl.Float64,
                f"{k}_contribution": pl.Float64,
                f"{k}_imputed": pl.Boolean,
            }
        )
    for c in (
        "_sheet",
        "group",
        "group_zh",
        "group_en",
        "class_by_rank",
        "class",
        "class_zh",
        "class_en",
        "exemption",
        "vetoes",
        "protections",
        "imputed",
        "reason_zh",
        "reason_en",
    ):
        casts[c] = pl.String
    return out.with_columns([pl.col(c).cast(t) for c, t in casts.items() if out.schema[c] != t])
