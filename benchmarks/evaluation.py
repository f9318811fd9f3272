"""Per-mu evaluation at scale: the polars engine against plain pandas and DuckDB SQL, same run, JSON out.

    .venv/bin/python benchmarks/evaluation.py [--firms 500000] [--years 1 5] [--repeats 5]

Synthetic enterprises with realistic spreads (lognormal revenue, tax, value added, land; 30 % 规上, ~8 %
tenants without land of their own; exempt firms, vetoes, protections, missing emissions, firms sharing
a parcel, and rows that cannot be evaluated: duplicate codes, no land, no tax) are written once to
Parquet. Each implementation then runs in its own fresh process (spawned): it loads the data, resets
its peak-memory mark (/proc/self/clear_refs), evaluates ``--repeats`` times, and reports the median
and best wall time and the peak resident memory above what it held before the first run. The three
implement the same computation of the shipped default policy (weights, caps, benchmarks read from it):
credit-code check, duplicates, industry codes, exemptions, merging, groups, missing data, ratio-of-sums
benchmarks, capped contributions, imputed emissions, ranks with the tie-break, classes, vetoes,
protections, the electricity surcharge and a one-line reason per firm. The engine is also timed with
``reasons=False``; the references build only the plain reason sentence, and leave out two checks
that never fire on this data (a group where nobody reports emissions, a benchmark ≤ 0). Results
(score, rank, class per firm and year; exempt firms; problem rows) are checked equal. The machine's
load average is recorded: other work on it inflates every time. Benchmark-only dependencies: pandas,
duckdb.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

from landcycle.rules.codes import USCC_ALPHABET, USCC_WEIGHTS, industries, manufacturing_classes
from landcycle.rules.evaluation import default_policy, evaluate, evaluate_years

FIRST_YEAR = 2025
ALPHABET = np.frombuffer(USCC_ALPHABET.encode(), dtype=np.uint8)
FIGURES = ["revenue", "tax", "value_added", "energy_tce", "emissions_t", "rnd", "staff", "electricity_10k_kwh"]


# --------------------------------------------------------------------------------------------- data
def credit_codes(n: int, rng: np.random.Generator) -> np.ndarray:
    """n distinct valid GB 32100 codes: 91 + 330282 + 9 characters (the last 5 count) + check."""
    body = rng.integers(0, 31, size=(n, 9))
    k = np.arange(n)
    for j in range(5):
        body[:, 8 - j] = k % 31
        k = k // 31
    prefix = np.array([USCC_ALPHABET.index(c) for c in "91330282"])
    vals = np.concatenate([np.broadcast_to(prefix, (n, 8)), body], axis=1)
    check = (31 - (vals @ np.array(USCC_WEIGHTS)) % 31) % 31
    return ALPHABET[np.concatenate([vals, check[:, None]], axis=1)].view("S18").ravel().astype(str)


def firms(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    classes = np.array([c.code for c in manufacturing_classes()])
    industry = classes[rng.integers(0, len(classes), n)]
    industry[rng.random(n) < 0.01] = "4411"  # utilities: exempt
    above = rng.random(n) < 0.3
    tenant = ~above & (rng.random(n) < 0.11)
    owned = np.where(tenant, 0.0, np.round(rng.lognormal(np.log(np.where(above, 30, 6)), 0.9), 2))
    leased = np.where(
        tenant,
        np.round(rng.lognormal(np.log(2.5), 0.7), 2),
        np.where(rng.random(n) < 0.15, np.round(rng.lognormal(np.log(3), 0.8), 2), 0.0),
    )
    let = np.where(~tenant & (rng.random(n) < 0.05), np.round(owned * rng.uniform(0.1, 0.5, n), 2), 0.0)
    nothing = rng.random(n) < 0.002  # no land at all
    owned[nothing], leased[nothing], let[nothing] = 0.0, 0.0, 0.0
    days = rng.integers(0, (dt.date(2025, 12, 31) - dt.date(1990, 1, 1)).days, n)
    pairs = (rng.random(n // 2 + 1) < 0.01)[np.arange(n) // 2]  # ~1 % of firms share a parcel in pairs
    merge = pl.Series("merge_key", (np.arange(n) // 2).astype(str)).set(pl.Series(~pairs), None)
    codes = credit_codes(n, rng)
    dup = np.nonzero(rng.random(n) < 0.001)[0]
    codes[dup] = codes[np.maximum(dup - 1, 0)]
    return pl.DataFrame(
        {
            "uscc": codes,
            "name": [f"企业{i:06d}" for i in range(n)],
            "town": rng.choice(["新浦镇", "桥头镇", "横河镇", "观海卫镇", "周巷镇"], n),
            "industry_code": industry,
            "scale": np.where(above, "above", "below"),
            "registered_on": pl.Series(np.datetime64("1990-01-01") + days.astype("timedelta64[D]")).cast(pl.Date),
            "land_owned_mu": owned,
            "land_leased_mu": leased,
            "land_let_mu": let,
            "veto_safety": rng.random(n) < 0.004,
            "veto_environment": rng.random(n) < 0.004,
            "veto_energy_task": rng.random(n) < 0.003,
            "construction": rng.random(n) < 0.01,
            "protected": rng.random(n) < 0.003,
            "relocated": rng.random(n) < 0.004,
            "merge_key": merge,
            "_above": above,
        }
    )


def year_figures(base: pl.DataFrame, year: int, seed: int) -> pl.DataFrame:
    n = base.height
    rng = np.random.default_rng(seed)
    above = base["_above"].to_numpy()
    revenue = np.where(
        above, 2000 + rng.lognormal(np.log(12000), 1.1, n), np.minimum(rng.lognormal(np.log(500), 0.9, n), 1999.0)
    )
    tax = np.round(revenue * rng.lognormal(np.log(0.035), 0.6, n), 2)
    tax[rng.random(n) < 0.02] = 0.0
    tax[rng.random(n) < 0.003] = np.nan  # no tax reported
    va = np.round(revenue * rng.lognormal(np.log(0.22), 0.3, n), 2)
    emissions = np.round(va / rng.lognormal(np.log(4900), 1.0, n), 3)
    emissions[rng.random(n) < 0.08] = np.nan  # no emission data
    return base.drop("_above").with_columns(
        pl.lit(year).alias("year"),
        (pl.int_range(pl.len()) + 2).alias("_row"),
        pl.Series("revenue", np.round(revenue, 2)),
        pl.Series("tax", tax).fill_nan(None),
        pl.Series("value_added", va),
        pl.Series("energy_tce", np.round(va / rng.lognormal(np.log(2.7), 0.7, n), 2)),
        pl.Series("emissions_t", emissions).fill_nan(None),
        pl.Series("rnd", np.round(revenue * rng.lognormal(np.log(0.025), 0.8, n), 2)),
        pl.Series("staff", np.maximum(1, np.round(va / rng.lognormal(np.log(18), 0.5, n))).astype(np.int64)),
        pl.Series("electricity_10k_kwh", np.round(np.maximum(tax, 1.0) / rng.lognormal(np.log(1.5), 0.8, n), 2)),
    )


def dataset(n: int, years: int, seed: int = 7) -> pl.DataFrame:
    base = firms(n, seed)
    out = pl.concat([year_figures(base, FIRST_YEAR - k, seed + 100 + k) for k in range(years)])
    return out.with_columns(pl.col("electricity_10k_kwh").fill_nan(1.0))


# --------------------------------------------------------------------------------------------- shared
def uscc_ok(codes: np.ndarray) -> np.ndarray:
    """GB 32100 check of an object array of codes (numpy, for the pandas reference)."""
    sized = np.array([isinstance(c, str) and len(c) == 18 for c in codes])
    out = np.zeros(len(codes), dtype=bool)
    lut = np.full(256, -1, dtype=np.int64)
    for i, c in enumerate(USCC_ALPHABET):
        lut[ord(c)] = i
    buf = lut[np.frombuffer("".join(codes[sized]).encode(), dtype=np.uint8).reshape(-1, 18)]
    total = buf[:, :17] @ np.array(USCC_WEIGHTS)
    out[sized] = (buf >= 0).all(axis=1) & (buf[:, 17] == (31 - total % 31) % 31)
    return out


def within(dates, year: int, years: int):
    return dates > np.datetime64(dt.date(year - years, 12, 31))


# --------------------------------------------------------------------------------------------- pandas
def pandas_year(d, pol, year: int):
    """One year with pandas. Returns (results: DataFrame[uscc, key, rank, class, exempt], problem rows)."""
    import pandas as pd

    d = d[d["year"] == year].reset_index(drop=True)
    bad = (
        ~uscc_ok(d["uscc"].to_numpy())
        | d["uscc"].duplicated(keep=False).to_numpy()
        | ~d["industry_code"].isin(CLASSES).to_numpy()
    )
    problems = set(d.loc[bad, "_row"])
    d = d[~bad]
    exempt = pd.Series(False, index=d.index)
    for rule in pol.exemptions:
        if rule.kind == "flag":
            exempt |= d[rule.column].astype(bool)
        elif rule.kind == "industry_divisions":
            exempt |= d["industry_code"].str[:2].isin(rule.divisions)
        elif rule.column in d:
            exempt |= within(d[rule.column], year, rule.years)
    ex, d = d[exempt], d[~exempt].copy()
    d["vetoed"] = d[[r.column for r in pol.vetoes if r.column in d]].any(axis=1)
    prot = pd.Series(False, index=d.index)
    for rule in pol.protections:
        prot |= d[rule.column].astype(bool) if rule.kind == "flag" else within(d["registered_on"], year, rule.years)
    d["protected"] = prot
    d["land_mu"] = d["land_owned_mu"].fillna(0) + d["land_leased_mu"].fillna(0) - d["land_let_mu"].fillna(0)
    keyed = d["merge_key"].notna()
    single, m = d[~keyed], d[keyed]
    g = m.groupby("merge_key", sort=False)
    agg = g[["uscc", "_row", "industry_code"]].first()
    agg["scale"] = np.where((m["scale"] == "above").groupby(m["merge_key"], sort=False).any(), "above", "below")
    for c in ["land_mu", "land_owned_mu", "land_leased_mu"]:
        agg[c] = g[c].sum()
    sums = g[FIGURES].sum().mask(m[FIGURES].isna().groupby(m["merge_key"], sort=False).any())
    agg[FIGURES] = sums
    agg[["vetoed", "protected"]] = g[["vetoed", "protected"]].any()
    agg["members"] = g.size()
    u = pd.concat([single.assign(members=1), agg.reset_index()], ignore_index=True)
    conds = []
    for grp in pol.groups:
        c = pd.Series(True, index=u.index)
        if grp.scale != "any":
            c &= u["scale"] == grp.scale
        if grp.owns_land is False:
            c &= (u["land_owned_mu"].fillna(0) <= 0) & (u["land_leased_mu"].fillna(0) > 0)
        if grp.min_land_mu is not None:
            c &= u["land_mu"] >= grp.min_land_mu
        if grp.max_land_mu is not None:
            c &= u["land_mu"] < grp.max_land_mu
        conds.append(c)
    u["gi"] = np.select(conds, range(len(conds)), default=-1)
    ok = (u["land_mu"] > 0) & (u["gi"] >= 0)
    inds = pol.indicators()
    for k, ind in inds.items():
        users = [gi for gi, grp in enumerate(pol.groups) if k in {i.key for i in grp.indicators}]
        den = u[ind.denominator]
        u[k] = (u[ind.numerator] / den).where(u["gi"].isin(users) & (den > 0))
        if ind.missing == "problem":
            ok &= ~(u["gi"].isin(users) & u[k].isna())
    lost = u[~ok]
    problems |= set(lost["_row"][lost["members"] == 1]) | set(
        m.loc[m["merge_key"].isin(lost["merge_key"].dropna()), "_row"]
    )
    u = u[ok].copy()
    gi = u["gi"].to_numpy()
    score = np.zeros(len(u))
    for k, ind in inds.items():
        weight = np.array([next((i.weight for i in grp.indicators if i.key == k), np.nan) for grp in pol.groups])
        cap = np.array([next((i.cap for i in grp.indicators if i.key == k), np.nan) for grp in pol.groups])
        has = u[k].notna()
        bench = u[ind.numerator].where(has).groupby(u["gi"]).transform("sum") / u[ind.denominator].where(has).groupby(
            u["gi"]
        ).transform("sum")
        contrib = (weight[gi] * (u[k] / bench)).clip(lower=pol.floor, upper=pd.Series(cap[gi], index=u.index))
        if ind.missing == "group_average_score":
            contrib = contrib.fillna(contrib.groupby(u["gi"]).transform("mean")).where(~np.isnan(weight[gi]))
        score = score + contrib.fillna(0).to_numpy()
    u["key"] = np.floor(score * 10**pol.score_decimals + 0.5).astype(np.int64)
    u["tpm"] = u["tax"] / u["land_mu"]
    u = u.sort_values(["gi", "key", "tpm", "uscc"], ascending=[True, False, False, True])
    u["rank"] = u.groupby("gi").cumcount() + 1
    n = u.groupby("gi")["gi"].transform("size").to_numpy()
    ci, cum = np.zeros(len(u), dtype=np.int64), 0
    for level in pol.classes[:-1]:
        cum += round(level.share * 100)
        ci += u["rank"].to_numpy() > (n * cum + 5000) // 10000
    keys = [c.key for c in pol.classes]
    worst, best = keys.index(pol.protection_worst_class), keys.index(pol.veto_best_class)
    ci = np.where(u["protected"] & (ci > worst), worst, ci)
    ci = np.where(u["vetoed"] & (ci < best), best, ci)
    u["class"] = np.array(keys)[ci]
    surcharge = np.array([c.electricity_surcharge_yuan_per_kwh for c in pol.classes])
    u["surcharge"] = surcharge[ci] * u["electricity_10k_kwh"]
    labels = np.array([grp.zh for grp in pol.groups])
    u["reason_zh"] = (
        labels[u["gi"].to_numpy()]
        + "，得分 "
        + (u["key"] / 10**pol.score_decimals).astype(str)
        + "，组内第 "
        + u["rank"].astype(str)
        + "/"
        + pd.Series(n, index=u.index).astype(str)
        + " 名，"
        + u["class"]
        + " 类"
    )
    cols = ["uscc", "key", "rank", "class"]
    merged = u[u["members"] > 1]
    members = m[["merge_key", "uscc"]].merge(merged[["merge_key", "key", "rank", "class"]], on="merge_key")
    res = pd.concat([u.loc[u["members"] == 1, cols], members[cols]], ignore_index=True)
    return res, set(ex["uscc"]), problems


CLASSES = sorted(c for c, i in industries().items() if i.level == 4)


def run_pandas(data: pl.DataFrame, pol, years: list[int]):
    import pandas as pd

    frame = pd.DataFrame({c: data[c].to_numpy() for c in data.columns})
    frame["merge_key"] = frame["merge_key"].where(frame["merge_key"].notna(), None)

    def once():
        return {y: pandas_year(frame, pol, y) for y in years}

    def export(out):
        res = pl.concat(
            [
                pl.DataFrame(
                    {
                        "year": [y] * len(r),
                        "uscc": r["uscc"].to_numpy().astype(str),
                        "key": r["key"].to_numpy(),
                        "rank": r["rank"].to_numpy(),
                        "class": r["class"].to_numpy().astype(str),
                    },
                    schema_overrides={"key": pl.Int64, "rank": pl.Int64},
                )
                for y, (r, _e, _p) in out.items()
            ]
        )
        return (
            res,
            {(y, u) for y, (_r, e, _p) in out.items() for u in e},
            {(y, r) for y, (_r, _e, p) in out.items() for r in p},
        )

    return once, export


# --------------------------------------------------------------------------------------------- duckdb
def duckdb_statements(pol, columns: set[str]) -> list[str]:
    """The same computation as SQL statements over table ``firms`` (every year at once: each window
    is partitioned by year too)."""
    inds = pol.indicators()
    alpha = USCC_ALPHABET
    weights = ", ".join(str(w) for w in USCC_WEIGHTS)

    def cond(rule) -> str | None:
        if rule.kind == "flag":
            return f"coalesce({rule.column}, false)" if rule.column in columns else None
        if rule.kind == "industry_divisions":
            return f"substr(industry_code, 1, 2) IN ({', '.join(repr(d) for d in rule.divisions)})"
        col = rule.column or "registered_on"
        return f"coalesce({col} > make_date(year - {rule.years}, 12, 31), false)" if col in columns else None

    def any_of(rules) -> str:
        parts = [c for c in (cond(r) for r in rules) if c]
        return "(" + " OR ".join(parts) + ")" if parts else "false"

    groups = []
    for gi, g in enumerate(pol.groups):
        c = ["true"]
        if g.scale != "any":
            c.append(f"scale = '{g.scale}'")
        if g.owns_land is False:
            c.append("owned <= 0 AND leased > 0")
        if g.min_land_mu is not None:
            c.append(f"land_mu >= {g.min_land_mu}")
        if g.max_land_mu is not None:
            c.append(f"land_mu < {g.max_land_mu}")
        groups.append(f"WHEN {' AND '.join(c)} THEN {gi}")
    users = {k: [gi for gi, g in enumerate(pol.groups) if k in {i.key for i in g.indicators}] for k in inds}

    def per_group(k, attr) -> str:
        cases = " ".join(
            f"WHEN {gi} THEN {getattr(i, attr)}" for gi, g in enumerate(pol.groups) for i in g.indicators if i.key == k
        )
        return f"CASE gi {cases} END"

    values = ", ".join(
        f"CASE WHEN gi IN ({', '.join(map(str, users[k]))}) AND {i.denominator} > 0 "
        f"THEN {i.numerator} / {i.denominator} END AS v_{k}"
        for k, i in inds.items()
    )
    required = " AND ".join(
        f"NOT (gi IN ({', '.join(map(str, users[k]))}) AND v_{k} IS NULL)"
        for k, i in inds.items()
        if i.missing == "problem"
    )
    bench = ", ".join(
        f"sum(CASE WHEN v_{k} IS NOT NULL THEN {i.numerator} END) OVER w / "
        f"sum(CASE WHEN v_{k} IS NOT NULL THEN {i.denominator} END) OVER w AS b_{k}"
        for k, i in inds.items()
    )
    # (DuckDB's greatest/least skip NULLs: a missing value must stay NULL, hence the CASE)
    raw = ", ".join(
        f"CASE WHEN v_{k} IS NOT NULL THEN least(greatest({per_group(k, 'weight')} * (v_{k} / b_{k}), "
        f"{pol.floor}), {per_group(k, 'cap')}) END AS r_{k}"
        for k in inds
    )
    filled = ", ".join(
        (
            f"coalesce(r_{k}, CASE WHEN gi IN ({', '.join(map(str, users[k]))}) THEN avg(r_{k}) OVER w END) AS c_{k}"
            if i.missing == "group_average_score"
            else f"r_{k} AS c_{k}"
        )
        for k, i in inds.items()
    )
    total = " + ".join(f"coalesce(c_{k}, 0)" for k in inds)
    cum, bounds = 0, []
    for level in pol.classes[:-1]:
        cum += round(level.share * 100)
        bounds.append(f"(rank > (n * {cum} + 5000) // 10000)::INT")
    keys = [c.key for c in pol.classes]
    worst, best = keys.index(pol.protection_worst_class), keys.index(pol.veto_best_class)
    surcharge = "[" + ", ".join(str(c.electricity_surcharge_yuan_per_kwh) for c in pol.classes) + "]"
    labels = "[" + ", ".join(f"'{g.zh}'" for g in pol.groups) + "]"
    class_list = "[" + ", ".join(f"'{k}'" for k in keys) + "]"
    figures = ", ".join(f"CASE WHEN count({f}) = count(*) THEN sum({f}) END AS {f}" for f in FIGURES)
    scale = 10**pol.score_decimals
    return [
        f"""CREATE OR REPLACE TEMP TABLE chk AS SELECT *,
            coalesce(land_owned_mu, 0) + coalesce(land_leased_mu, 0) - coalesce(land_let_mu, 0) AS land_mu,
            coalesce(regexp_full_match(uscc, '[{alpha}]{{18}}')
              AND (31 - list_sum(list_transform(range(1, 18), lambda i: (instr('{alpha}', substr(uscc, i, 1)) - 1)
                   * ([{weights}])[i])) % 31) % 31 = instr('{alpha}', substr(uscc, 18, 1)) - 1, false) AS code_ok,
            count(*) OVER (PARTITION BY year, uscc) AS same,
            industry_code IN (SELECT code FROM classes) AS industry_ok
          FROM firms""",
        f"""CREATE OR REPLACE TEMP TABLE flagged AS SELECT *, {any_of(pol.exemptions)} AS _exempt,
            {any_of(pol.vetoes)} AS _vetoed, {any_of(pol.protections)} AS _protected,
            CASE WHEN merge_key IS NULL THEN 'u:' || uscc ELSE 'm:' || merge_key END AS ukey
          FROM chk WHERE code_ok AND same = 1 AND industry_ok""",
        f"""CREATE OR REPLACE TEMP TABLE units AS
          WITH u AS (SELECT year, ukey, arg_min(uscc, _row) AS uscc, count(*) AS members,
                   CASE WHEN bool_or(scale = 'above') THEN 'above' ELSE 'below' END AS scale,
                   sum(land_mu) AS land_mu, sum(coalesce(land_owned_mu, 0)) AS owned,
                   sum(coalesce(land_leased_mu, 0)) AS leased, {figures},
                   bool_or(_vetoed) AS vetoed, bool_or(_protected) AS protected
                 FROM flagged WHERE NOT _exempt GROUP BY year, ukey),
          g AS (SELECT *, CASE {" ".join(groups)} ELSE -1 END AS gi FROM u)
          SELECT *, {values} FROM g""",
        f"""CREATE OR REPLACE TEMP TABLE scored AS
          WITH good AS (SELECT * FROM units WHERE land_mu > 0 AND gi >= 0 AND {required}),
          b AS (SELECT *, {bench} FROM good WINDOW w AS (PARTITION BY year, gi)),
          r AS (SELECT *, {raw} FROM b),
          c AS (SELECT *, {filled} FROM r WINDOW w AS (PARTITION BY year, gi)),
          s AS (SELECT *, floor(({total}) * {scale} + 0.5)::BIGINT AS key, tax / land_mu AS tpm FROM c),
          k AS (SELECT *, row_number() OVER (PARTITION BY year, gi ORDER BY key DESC, tpm DESC, uscc) AS rank,
                       count(*) OVER (PARTITION BY year, gi) AS n FROM s),
          l AS (SELECT *, {" + ".join(bounds)} AS ci0 FROM k),
          p AS (SELECT *, CASE WHEN protected AND ci0 > {worst} THEN {worst} ELSE ci0 END AS ci1 FROM l)
          SELECT *, CASE WHEN vetoed AND ci1 < {best} THEN {best} ELSE ci1 END AS ci FROM p""",
        f"""CREATE OR REPLACE TEMP TABLE res AS
          SELECT f.year, f.uscc, f._row, s.key, s.rank, ({class_list})[s.ci + 1] AS class,
                 ({surcharge})[s.ci + 1] * f.electricity_10k_kwh AS surcharge_wan,
                 ({labels})[s.gi + 1] || '，得分 ' || (s.key / {scale})::VARCHAR || '，组内第 ' || s.rank || '/' || s.n
                 || ' 名，' || ({class_list})[s.ci + 1] || ' 类' AS reason_zh
          FROM flagged f JOIN scored s ON f.year = s.year AND f.ukey = s.ukey WHERE NOT f._exempt""",
        """CREATE OR REPLACE TEMP TABLE probs AS
          SELECT year, _row FROM chk WHERE NOT (code_ok AND same = 1 AND industry_ok)
          UNION ALL
          SELECT f.year, f._row FROM flagged f JOIN units u ON f.year = u.year AND f.ukey = u.ukey
          WHERE NOT f._exempt AND NOT EXISTS (SELECT 1 FROM scored s WHERE s.year = u.year AND s.ukey = u.ukey)""",
    ]


def run_duckdb(data: pl.DataFrame, pol, years: list[int]):
    import duckdb
    import pandas as pd

    con = duckdb.connect()
    con.execute(f"SET threads = {os.cpu_count()}")
    frame = pd.DataFrame({c: data[c].to_numpy() for c in data.columns})
    con.register("src", frame)
    con.execute("CREATE TABLE firms AS SELECT * REPLACE (CAST(registered_on AS DATE) AS registered_on) FROM src")
    con.unregister("src")
    con.register("cls", pd.DataFrame({"code": CLASSES}))
    con.execute("CREATE TABLE classes AS SELECT * FROM cls")
    statements = duckdb_statements(pol, set(data.columns))

    def once():
        for sql in statements:
            con.execute(sql)
        return con

    def export(_):
        res = con.execute("SELECT year, uscc, key, rank, class FROM res").fetchnumpy()
        ex = con.execute("SELECT year, uscc FROM flagged WHERE _exempt").fetchnumpy()
        pr = con.execute("SELECT year, _row FROM probs").fetchnumpy()
        frame = pl.DataFrame(
            {
                "year": res["year"].astype(np.int64),
                "uscc": res["uscc"].astype(str),
                "key": res["key"].astype(np.int64),
                "rank": res["rank"].astype(np.int64),
                "class": res["class"].astype(str),
            }
        )
        return (
            frame,
            set(zip(ex["year"].tolist(), ex["uscc"].tolist(), strict=False)),
            set(zip(pr["year"].tolist(), pr["_row"].tolist(), strict=False)),
        )

    return once, export


# --------------------------------------------------------------------------------------------- engine
def run_engine(data: pl.DataFrame, pol, years: list[int], reasons: bool = True):
    def once():
        if len(years) == 1:
            out = {years[0]: evaluate(data, pol, year=years[0], reasons=reasons)}
        else:
            out = evaluate_years(data, pol, reasons=reasons)
        for r in out.values():
            r.problems  # the problem objects are part of the result
        return out

    def export(out):
        scale = 10**pol.score_decimals
        frames, ex, pr = [], set(), set()
        for y, r in out.items():
            f = r.frame
            frames.append(
                f.filter(~pl.col("exempt")).select(
                    pl.lit(y, pl.Int64).alias("year"),
                    "uscc",
                    (pl.col("score") * scale).round().cast(pl.Int64).alias("key"),
                    "rank",
                    "class",
                )
            )
            ex |= {(y, u) for u in f.filter(pl.col("exempt"))["uscc"]}
            pr |= {(y, row) for row in r.problems_frame["_row"]}
        return pl.concat(frames), ex, pr

    return once, export


# --------------------------------------------------------------------------------------------- harness
def _status(key: str) -> int:
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0


def _child(impl: str, path: str, years: list[int], repeats: int, out: str, conn) -> None:
    try:
        conn.send(_measure(impl, path, years, repeats, out))
    except BaseException as exc:  # report, never leave the parent waiting
        import traceback

        conn.send({"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    conn.close()


def _measure(impl: str, path: str, years: list[int], repeats: int, out: str) -> dict:
    data = pl.read_parquet(path)
    pol = default_policy()
    runner = {
        "engine": lambda: run_engine(data, pol, years),
        "engine_no_reasons": lambda: run_engine(data, pol, years, reasons=False),
        "pandas": lambda: run_pandas(data, pol, years),
        "duckdb": lambda: run_duckdb(data, pol, years),
    }[impl]
    once, export = runner()
    once()  # warm-up: imports, caches, the DuckDB plan
    result = None
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident set (VmHWM)
        reset = True
    except OSError:
        reset = False
    base = _status("VmRSS")
    times = []
    for _ in range(repeats):
        result = None
        t0 = time.perf_counter()
        result = once()
        times.append(time.perf_counter() - t0)
    peak = _status("VmHWM") - base if reset else None
    res, ex, pr = export(result)
    res.write_parquet(out)
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "runs_s": [round(t, 3) for t in times],
        "peak_mb_above_input": None if peak is None else round(peak / 2**20),
        "exempt": sorted(ex),
        "problems": sorted(pr),
    }


def _spawn(impl: str, path: str, years: list[int], repeats: int, out: str) -> dict:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(impl, path, years, repeats, out, child))
    proc.start()
    child.close()
    try:
        msg = parent.recv()
    except EOFError:
        msg = {"error": f"the {impl} process ended without a result (exit code {proc.exitcode})"}
    proc.join()
    if "error" in msg:
        raise RuntimeError(f"{impl}: {msg['error']}\n{msg.get('traceback', '')}")
    return msg


def _compare(a: pl.DataFrame, b: pl.DataFrame) -> dict:
    j = a.join(b, on=["year", "uscc"], how="full", suffix="_b")
    both = j.filter(pl.col("key").is_not_null() & pl.col("key_b").is_not_null())
    return {
        "firms": a.height,
        "only_one_side": j.height - both.height,
        "score_differs": both.filter(pl.col("key") != pl.col("key_b")).height,
        "rank_differs": both.filter(pl.col("rank") != pl.col("rank_b")).height,
        "class_differs": both.filter(pl.col("class") != pl.col("class_b")).height,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=500_000)
    ap.add_argument("--years", type=int, nargs="+", default=[1, 5])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--only", nargs="+", default=["engine", "engine_no_reasons", "pandas", "duckdb"])
    args = ap.parse_args()
    import duckdb
    import pandas

    report = {
        "benchmark": "evaluation",
        "firms": args.firms,
        "repeats": args.repeats,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
            "load_avg_before": os.getloadavg(),
        },
        "versions": {"polars": pl.__version__, "pandas": pandas.__version__, "duckdb": duckdb.__version__},
        "scenarios": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n_years in args.years:
            data = dataset(args.firms, n_years)
            path = str(Path(tmp) / f"firms_{n_years}.parquet")
            data.write_parquet(path)
            years = sorted(data["year"].unique().to_list())
            scenario = {"years": n_years, "rows": data.height, "results": {}, "equal": {}}
            del data
            outs = {}
            for impl in args.only:
                outs[impl] = str(Path(tmp) / f"{impl}_{n_years}.parquet")
                msg = _spawn(impl, path, years, args.repeats, outs[impl])
                scenario["results"][impl] = {k: v for k, v in msg.items() if k not in ("exempt", "problems")}
                scenario["results"][impl]["exempt_firms"] = len(msg["exempt"])
                scenario["results"][impl]["problem_rows"] = len(set(map(tuple, msg["problems"])))
                outs[impl] = (outs[impl], set(map(tuple, msg["exempt"])), set(map(tuple, msg["problems"])))
            if "engine" in outs:
                ref = pl.read_parquet(outs["engine"][0])
                for impl in [i for i in outs if i != "engine"]:
                    other = pl.read_parquet(outs[impl][0])
                    cmp = _compare(ref, other)
                    cmp["same_exempt"] = outs[impl][1] == outs["engine"][1]
                    cmp["same_problem_rows"] = outs[impl][2] == outs["engine"][2]
                    cmp["equal"] = (
                        cmp["only_one_side"] == cmp["score_differs"] == cmp["class_differs"] == cmp["rank_differs"] == 0
                        and cmp["same_exempt"]
                        and cmp["same_problem_rows"]
                    )
                    scenario["equal"][impl] = cmp
            report["scenarios"].append(scenario)
    report["machine"]["load_avg_after"] = os.getloadavg()
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
