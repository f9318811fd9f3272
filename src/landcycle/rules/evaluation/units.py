"""From firms to evaluation units: exemptions, rule flags, merging of firms on one parcel, groups."""

from __future__ import annotations

import datetime as dt

import polars as pl

from .policy import FIGURE_FIELDS, EvaluationPolicy, Rule

# Columns a unit carries from its first member (lowest position in the ledger).
LEAD_COLUMNS = ("_idx", "_row", "_sheet", "uscc", "_uk_hi", "_uk_lo", "name", "town", "industry_code", "merge_key")


def rule_condition(rule: Rule, year: int) -> pl.Expr:
    """Whether ``rule`` applies to a row, as a boolean expression (empty = does not apply)."""
    if rule.kind == "flag":
        cond = pl.col(rule.column or "")  # a flag rule always names its column (policy/parse.py)
    elif rule.kind in ("registered_within_years", "granted_within_years"):
        cond = pl.col(rule.column or "registered_on") > pl.lit(dt.date(year - (rule.years or 0), 12, 31))
    elif rule.kind == "industry_divisions":
        cond = pl.col("industry_code").str.slice(0, 2).is_in(list(rule.divisions))
    else:  # pragma: no cover - excluded by validation
        raise ValueError(rule.kind)
    return cond.fill_null(False)


def exemption_index(policy: EvaluationPolicy, year: int) -> pl.Expr:
    """Index of the first exemption that applies, or null."""
    expr = pl.lit(None, pl.Int32)
    for i in reversed(range(len(policy.exemptions))):
        expr = pl.when(rule_condition(policy.exemptions[i], year)).then(pl.lit(i, pl.Int32)).otherwise(expr)
    return expr.alias("_exempt")


def rule_flags(policy: EvaluationPolicy, year: int) -> list[pl.Expr]:
    """One boolean column per veto (``_veto_i``) and protection (``_prot_i``) rule."""
    return [rule_condition(r, year).alias(f"_veto_{i}") for i, r in enumerate(policy.vetoes)] + [
        rule_condition(r, year).alias(f"_prot_{i}") for i, r in enumerate(policy.protections)
    ]


def unit_source_columns(policy: EvaluationPolicy) -> list[str]:
    """The columns evaluation needs from a firm's row (the rest of the input is not carried along)."""
    flags = [f"_veto_{i}" for i in range(len(policy.vetoes))] + [f"_prot_{i}" for i in range(len(policy.protections))]
    return [*LEAD_COLUMNS, "scale", "land_mu", "land_owned_mu", "land_leased_mu", *FIGURE_FIELDS, *flags]


def merge_units(df: pl.DataFrame, policy: EvaluationPolicy) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Evaluation units and, when some firms were merged, the member rows with their unit.

    Rows sharing a ``merge_key`` become one unit: land summed over the members that report it (land is
    often recorded once, with the owner), every figure summed but missing when any member's is missing
    (never a silent zero), 规上 when any member is, vetoes and protections of any member, the lead
    member's (first row's) code, name, town and industry. ``_unit`` is the lead member's ``_idx``.
    """
    cols = unit_source_columns(policy)
    keyed = pl.col("merge_key").is_not_null() & (pl.col("merge_key") != "")
    has_keys = df.select(keyed.any()).item()
    if not has_keys:
        return df.select(cols).with_columns(pl.col("_idx").alias("_unit"), pl.lit(1, pl.UInt32).alias("_members")), None
    single = (
        df.filter(~keyed)
        .select(cols)
        .with_columns(pl.col("_idx").alias("_unit"), pl.lit(1, pl.UInt32).alias("_members"))
    )
    grouped = df.filter(keyed).sort("_idx")
    aggs = [pl.col(c).first() for c in LEAD_COLUMNS if c != "merge_key"]
    aggs += [
        pl.when((pl.col("scale") == "above").any()).then(pl.lit("above")).otherwise(pl.lit("below")).alias("scale"),
        pl.col("land_owned_mu").sum(),
        pl.col("land_leased_mu").sum(),
        pl.when(pl.col("land_mu").is_not_null().any()).then(pl.col("land_mu").sum()).alias("land_mu"),
        *[pl.when(pl.col(f).null_count() == 0).then(pl.col(f).sum()).alias(f) for f in FIGURE_FIELDS],
        *[pl.col(c).any() for c in cols if c.startswith(("_veto_", "_prot_"))],
        pl.col("_idx").first().alias("_unit"),
        pl.len().cast(pl.UInt32).alias("_members"),
    ]
    merged = grouped.group_by("merge_key", maintain_order=True).agg(aggs).select([*cols, "_unit", "_members"])
    members = grouped.select(
        *LEAD_COLUMNS, "electricity_10k_kwh", pl.col("_idx").min().over("merge_key").alias("_unit")
    )
    return pl.concat([single, merged], rechunk=False), members


def group_index(policy: EvaluationPolicy) -> pl.Expr:
    """Index of the first group whose conditions hold (null when none does)."""
    land = pl.col("land_mu")
    owned = pl.col("land_owned_mu").fill_null(0.0)
    leased = pl.col("land_leased_mu").fill_null(0.0)
    expr = pl.lit(None, pl.Int32)
    for i in reversed(range(len(policy.groups))):
        g = policy.groups[i]
        cond = pl.lit(True)
        if g.scale != "any":
            cond = cond & (pl.col("scale") == g.scale)
        if g.owns_land is False:
            cond = cond & (owned <= 0) & (leased > 0)
        elif g.owns_land is True:
            cond = cond & (owned > 0)
        if g.min_land_mu is not None:
            cond = cond & (land >= g.min_land_mu)
        if g.max_land_mu is not None:
            cond = cond & (land < g.max_land_mu)
        expr = pl.when(cond.fill_null(False)).then(pl.lit(i, pl.Int32)).otherwise(expr)
    return expr.alias("_gi")
