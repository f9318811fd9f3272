"""Indicator values, missing data, benchmarks, capped contributions and the score — all on columns.

For every indicator key ``k`` used by some group the unit frame gains ``k_value`` (numerator /
denominator; null when a field is empty or the denominator ≤ 0, and for groups that do not use ``k``),
``k_benchmark``, ``k_contribution`` and ``k_imputed``.

Benchmark ``group_mean`` is the group's RATIO OF SUMS for the year: Σ numerator / Σ denominator over
the group's scored units that report the indicator — how a county publishes its 亩均税收 (total tax /
total land), so a firm on a sliver of land cannot move it. ``industry_mean`` is the same per GB/T 4754
division (the group's when the division has fewer than ``min_firms``); ``fixed`` is a published value;
``previous_year`` is the ratio of sums of the year before (of the group, the county or the division),
computed from the previous year's units (``previous``), so that firms know their target in advance.

Contribution = clip(weight × value / benchmark, floor, cap) for direction ``higher``, with
benchmark / value for ``lower`` (a value of 0 earns the cap). A unit missing an indicator whose rule is
``group_average_score`` gets the mean contribution of the group's units that report it.
Score = the sum of the contributions in the order the group lists its indicators.
"""

from __future__ import annotations

import polars as pl

from . import problems as P
from .classes import pick
from .policy import EvaluationPolicy, Indicator


def _users(policy: EvaluationPolicy, key: str) -> list[tuple[int, Indicator]]:
    return [(gi, ind) for gi, g in enumerate(policy.groups) for ind in g.indicators if ind.key == key]


def _by_group(pairs: list[tuple[int, pl.Expr]], dtype=pl.Float64) -> pl.Expr:
    expr = pl.lit(None, dtype)
    for gi, e in reversed(pairs):
        expr = pl.when(pl.col("_gi") == gi).then(e).otherwise(expr)
    return expr


def per_group(values: list, dtype=pl.Float64) -> pl.Expr:
    """A constant per group, ``values[_gi]``, broadcast to the rows (a gather, not a window)."""
    return pl.lit(pl.Series(values, dtype=dtype)).gather(pl.col("_gi"))


def group_stats(units: pl.DataFrame, aggs: list[pl.Expr], groups: int) -> dict[str, list]:
    """Aggregates per group as lists indexed by group (None for a group without units). Units that fit
    no group (``_gi`` null, e.g. a 规下 firm with no land) belong to no group's figures."""
    table = units.filter(pl.col("_gi").is_not_null()).group_by("_gi").agg(aggs)
    out = {c: [None] * groups for c in table.columns if c != "_gi"}
    for row in table.iter_rows(named=True):
        for c in out:
            out[c][row["_gi"]] = row[c]
    return out


def uses_previous(policy: EvaluationPolicy) -> bool:
    return any(i.benchmark.method == "previous_year" for g in policy.groups for i in g.indicators)


def _ratio(frame: pl.DataFrame, num: str, den: str, has: pl.Expr) -> tuple[float | None, int]:
    row = frame.select(
        pl.when(has).then(pl.col(num)).sum().alias("n"),
        pl.when(has).then(pl.col(den)).sum().alias("d"),
        has.sum().alias("c"),
    ).row(0)
    return (row[0] / row[1] if row[1] else None), int(row[2] or 0)


def previous_benchmark(
    previous: pl.DataFrame | None, policy: EvaluationPolicy, gi: int, ind: Indicator
) -> tuple[float | None, int, list[tuple[str, float, int]]]:
    """The previous year's ratio of sums for group ``gi``'s indicator ``ind`` by its scope: (value, firms
    counted, [(division, value, firms)] for scope ``industry`` — divisions with at least ``min_firms``)."""
    if previous is None or previous.height == 0:
        return None, 0, []
    has = pl.col(f"{ind.key}_value").is_not_null()
    scope = ind.benchmark.scope
    pool = previous if scope == "county" else previous.filter(pl.col("_gi") == gi)
    value, n = _ratio(pool, ind.numerator, ind.denominator, has)
    divisions = []
    if scope == "industry":
        table = (
            previous.group_by("_div")
            .agg(
                (
                    pl.when(has).then(pl.col(ind.numerator)).sum() / pl.when(has).then(pl.col(ind.denominator)).sum()
                ).alias("b"),
                has.sum().alias("n"),
            )
            .filter(pl.col("n") >= ind.benchmark.min_firms)
            .sort("_div")
        )
        divisions = [(r["_div"], r["b"], int(r["n"])) for r in table.iter_rows(named=True) if r["_div"]]
    return value, n, divisions


def add_values(units: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    """``k_value`` of every indicator (and ``_div``, the GB/T 4754 division, for industry benchmarks)."""
    industry = any(
        i.benchmark.method == "industry_mean" or i.benchmark.scope == "industry"
        for g in policy.groups
        for i in g.indicators
    )
    exprs = [pl.col("industry_code").str.slice(0, 2).alias("_div")] if industry else []
    for key, ind in policy.indicators().items():
        uses = pl.col("_gi").is_in([gi for gi, _ in _users(policy, key)])
        num, den = pl.col(ind.numerator), pl.col(ind.denominator)
        exprs.append(pl.when(uses & (den > 0)).then(num / den).alias(f"{key}_value"))
    return units.with_columns(exprs)


def missing_checks(policy: EvaluationPolicy, eligible: pl.Expr) -> list[P.Check]:
    """Eligible units missing a figure that an indicator with rule ``problem`` of their group needs:
    the figure is empty, or it is a denominator ≤ 0. One check per field (naming the indicators)."""
    roles: dict[str, dict[int, list]] = {}
    for gi, g in enumerate(policy.groups):
        for ind in g.indicators:
            if ind.missing != "problem":
                continue
            for field, role in ((ind.numerator, "num"), (ind.denominator, "den")):
                roles.setdefault(field, {}).setdefault(gi, []).append((role, ind))
    gi_col = pl.col("_gi")
    out = []
    for field, by_group in roles.items():
        col = pl.col(field)
        all_groups = sorted(by_group)
        den_groups = sorted(gi for gi, uses in by_group.items() if any(r == "den" for r, _ in uses))
        names_zh = [
            ("、".join(dict.fromkeys(i.zh for _, i in by_group[gi])) if gi in by_group else "")
            for gi in range(len(policy.groups))
        ]
        names_en = [
            (", ".join(dict.fromkeys(i.en for _, i in by_group[gi])) if gi in by_group else "")
            for gi in range(len(policy.groups))
        ]
        null_mask = eligible & gi_col.is_in(all_groups) & col.is_null()
        nonpos = (eligible & gi_col.is_in(den_groups) & (col <= 0)) if den_groups else None
        out += P.missing_checks(
            field, null_mask, nonpos, pick(gi_col, names_zh, pl.String), pick(gi_col, names_en, pl.String)
        )
    return out


def no_peer_checks(units: pl.DataFrame, policy: EvaluationPolicy, good: pl.Series) -> list[P.Check]:
    """Units (among ``good``) missing an imputed indicator in a group where no unit reports it."""
    imputed = {ind.key for g in policy.groups for ind in g.indicators if ind.missing == "group_average_score"}
    if not imputed:
        return []
    ok = pl.lit(good)
    counts = [(pl.col(f"{k}_value").is_not_null() & pl.col("_ok")).sum().alias(k) for k in sorted(imputed)]
    reported = group_stats(units.with_columns(good.alias("_ok")), counts, len(policy.groups))
    out = []
    for gi, g in enumerate(policy.groups):
        for ind in g.indicators:
            if ind.missing != "group_average_score" or reported[ind.key][gi]:
                continue
            mask = ok & (pl.col("_gi") == gi) & pl.col(f"{ind.key}_value").is_null()
            out.append(
                P.Check(
                    mask,
                    ind.denominator,
                    "figure.no_peer",
                    f"{ind.zh}无数据，且本组没有企业报送该数据，无法按组内平均得分计",
                    f"{ind.en} has no data and no firm of the group reports it: there is no group average to use",
                )
            )
    return out


def add_benchmarks(
    units: pl.DataFrame, policy: EvaluationPolicy, *, year: int | None = None, previous: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``k_benchmark`` for every indicator, and the table of benchmarks used (group, indicator, method,
    division, benchmark, firms reporting, the year of the data it comes from). Ratios of sums are computed
    once per group (or division); ``previous``: the units of the year before (``previous_year``)."""
    groups = len(policy.groups)
    inds = policy.indicators()
    aggs: dict[str, pl.Expr] = {}
    for key, ind in inds.items():
        has = pl.col(f"{key}_value").is_not_null()
        # after the problem rows are gone, every unit of a group using a "problem" indicator has its value,
        # so its fields can be summed unmasked (and a field shared by several indicators once)
        masked = any(i.missing != "problem" for _, i in _users(policy, key))
        for field in (ind.numerator, ind.denominator):
            name = f"{field}/{key}" if masked else f"{field}/"
            aggs.setdefault(name, (pl.when(has).then(pl.col(field)) if masked else pl.col(field)).sum().alias(name))
        aggs[f"{key}/n"] = has.sum().alias(f"{key}/n")
    sums = group_stats(units, list(aggs.values()), groups)
    exprs: list[pl.Expr] = []
    table: list[tuple[str, str, str, str | None, float | None, int, int | None]] = []
    for key, ind in inds.items():
        values: list = [None] * groups
        industry = []
        prev_divisions = []
        for gi, gind in _users(policy, key):
            b = gind.benchmark
            if b.method == "fixed":
                values[gi] = b.value
            elif b.method == "previous_year":
                values[gi], n, divisions = previous_benchmark(previous, policy, gi, gind)
                table.append(
                    (
                        policy.groups[gi].key,
                        key,
                        f"previous_year:{b.scope}",
                        None,
                        values[gi],
                        n,
                        None if year is None else year - 1,
                    )
                )
                for div, value, count in divisions:
                    table.append(
                        (
                            policy.groups[gi].key,
                            key,
                            "previous_year:industry",
                            div,
                            value,
                            count,
                            None if year is None else year - 1,
                        )
                    )
                if divisions:
                    prev_divisions.append((gi, {d: v for d, v, _ in divisions}))
                continue
            else:
                masked = any(i.missing != "problem" for _, i in _users(policy, key))
                num = sums[f"{ind.numerator}/{key}" if masked else f"{ind.numerator}/"][gi]
                den = sums[f"{ind.denominator}/{key}" if masked else f"{ind.denominator}/"][gi]
                values[gi] = num / den if num is not None and den else None
                if b.method == "industry_mean":
                    industry.append((gi, b.min_firms))
            table.append(
                (
                    policy.groups[gi].key,
                    key,
                    b.method,
                    None,
                    values[gi],
                    sums[f"{key}/n"][gi] or 0,
                    None if b.method == "fixed" else year,
                )
            )
        expr = per_group(values)
        for gi, by_div in prev_divisions:
            mapped = pl.col("_div").replace_strict(by_div, default=None, return_dtype=pl.Float64)
            expr = pl.when((pl.col("_gi") == gi) & mapped.is_not_null()).then(mapped).otherwise(expr)
        if industry:
            has = pl.col(f"{key}_value").is_not_null()
            part = ["_gi", "_div"]
            divs = (
                units.group_by(part)
                .agg(
                    (
                        pl.when(has).then(pl.col(ind.numerator)).sum()
                        / pl.when(has).then(pl.col(ind.denominator)).sum()
                    ).alias("b"),
                    has.sum().alias("n"),
                )
                .sort(part)
            )
            div_b = units.select(part).join(divs, on=part, how="left", maintain_order="left")
            for gi, min_firms in industry:
                use = (pl.col("_gi") == gi) & (pl.lit(div_b["n"]) >= min_firms)
                expr = pl.when(use).then(pl.lit(div_b["b"])).otherwise(expr)
                for row in divs.filter((pl.col("_gi") == gi) & (pl.col("n") >= min_firms)).iter_rows(named=True):
                    table.append((policy.groups[gi].key, key, "industry_mean", row["_div"], row["b"], row["n"], year))
        exprs.append(expr.alias(f"{key}_benchmark"))
    bench = pl.DataFrame(
        table,
        schema={
            "group": pl.String,
            "indicator": pl.String,
            "method": pl.String,
            "division": pl.String,
            "benchmark": pl.Float64,
            "firms": pl.Int64,
            "year": pl.Int64,
        },
        orient="row",
    )
    return units.with_columns(exprs), bench


def benchmark_checks(policy: EvaluationPolicy, year: int | None = None) -> list[P.Check]:
    out = []
    for key, ind in policy.indicators().items():
        b = pl.col(f"{key}_benchmark")
        prev = [gi for gi, i in _users(policy, key) if i.benchmark.method == "previous_year"]
        if prev:
            before = "上年" if year is None else f"{year - 1}年"
            before_en = "the previous year" if year is None else str(year - 1)
            out.append(
                P.Check(
                    pl.col("_gi").is_in(prev) & b.is_null(),
                    ind.numerator,
                    "benchmark.no_previous_year",
                    f"{ind.zh}的基准值取{before}平均，但没有{before}的数据：请一并提供{before}的年度数据",
                    f"The benchmark of {ind.en} is the average of {before_en}, and there are no figures "
                    f"of {before_en}: provide them with this year's",
                    value=b,
                )
            )
        uses = pl.col("_gi").is_in([gi for gi, _ in _users(policy, key)])
        if prev:  # a missing previous year is said above, once
            uses = uses & ~(pl.col("_gi").is_in(prev) & b.is_null())
        bad = uses & (b.is_null() | ~(b > 0) | b.is_infinite())
        out.append(
            P.Check(
                bad,
                ind.numerator,
                "benchmark.invalid",
                pl.format(f"{ind.zh}的基准值为 {{}}，不大于0：本组无法按该指标评分", b),
                pl.format(f"The benchmark of {ind.en} is {{}} (not above 0): the group cannot be scored on it", b),
                value=b,
            )
        )
    return out


def _constant(values: list, dtype=pl.Float64) -> pl.Expr:
    """A per-group constant; a plain literal when every group that has one agrees (rows of the other
    groups have no value for the indicator, so what they get does not matter)."""
    known = {v for v in values if v is not None}
    return pl.lit(known.pop(), dtype) if len(known) == 1 else per_group(values, dtype)


def add_scores(units: pl.DataFrame, policy: EvaluationPolicy) -> pl.DataFrame:
    groups = len(policy.groups)
    inds = policy.indicators()
    raw: list[pl.Expr] = []
    imputable: dict[str, list[int]] = {}
    for key, ind in inds.items():
        value, bench = pl.col(f"{key}_value"), pl.col(f"{key}_benchmark")
        ratio = value / bench if ind.direction == "higher" else bench / value
        weight: list[float | None] = [None] * groups
        cap: list[float | None] = [None] * groups
        for gi, i in _users(policy, key):
            weight[gi], cap[gi] = i.weight, (i.cap if i.cap is not None else float("inf"))
            if i.missing == "group_average_score":
                imputable.setdefault(key, []).append(gi)
        raw.append((_constant(weight) * ratio).clip(pl.lit(policy.floor), _constant(cap)).alias(f"{key}_contribution"))
    units = units.with_columns(raw)
    means = (
        group_stats(units, [pl.col(f"{k}_contribution").mean().alias(k) for k in imputable], groups)
        if imputable
        else {}
    )
    fills = []
    for key in inds:
        value, contrib = pl.col(f"{key}_value"), pl.col(f"{key}_contribution")
        if key in imputable:
            imputed = pl.col("_gi").is_in(imputable[key]) & value.is_null()
            fills.append(pl.when(imputed).then(_constant(means[key])).otherwise(contrib).alias(f"{key}_contribution"))
            fills.append(imputed.alias(f"{key}_imputed"))
        else:
            fills.append(pl.lit(False).alias(f"{key}_imputed"))
    units = units.with_columns(fills)
    # the score adds a group's contributions in the order the group lists them; when every group lists
    # its indicators in the policy-wide order, one sum over all columns does it (the others are null)
    order = list(inds)
    if all(
        [k for k in order if k in {i.key for i in g.indicators}] == [i.key for i in g.indicators] for g in policy.groups
    ):
        score = pl.sum_horizontal([pl.col(f"{k}_contribution") for k in order])
    else:
        score = _by_group(
            [
                (gi, pl.sum_horizontal([pl.col(f"{i.key}_contribution") for i in g.indicators]))
                for gi, g in enumerate(policy.groups)
            ]
        )
    scale = float(10**policy.score_decimals)
    return units.with_columns(score.alias("score_exact")).with_columns(
        (pl.col("score_exact") * scale + 0.5).floor().cast(pl.Int64).alias("_score_key")
    )
