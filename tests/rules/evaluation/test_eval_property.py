"""The column engine against a small pure-Python reference (loops over dicts) on random ledgers.

The reference is written from the rules (DOMAIN §2 and the comments of evaluation.toml), not from the
engine's code. Figures are whole numbers and land comes in halves, so sums are exact in floating point
and both sides compute the same benchmarks.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
from eval_helpers import SCHEMA, code, policy_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcycle.rules.evaluation import evaluate, parse_policy

YEAR = 2025
INDUSTRIES = ["3851", "1311", "2929", "4411", "3311"]


# ----------------------------------------------------------------------------------------------- reference
def _within(date, years: int) -> bool:
    return date is not None and date > dt.date(YEAR - years, 12, 31)


def _applies(rule, row) -> bool:
    if rule.kind == "flag":
        return bool(row.get(rule.column))
    if rule.kind in ("registered_within_years", "granted_within_years"):
        return _within(row.get(rule.column or "registered_on"), rule.years)
    return row["industry_code"][:2] in rule.divisions


def _land(row):
    parts = [row.get("land_owned_mu"), row.get("land_leased_mu"), row.get("land_let_mu")]
    if all(p is None for p in parts):
        return None
    owned, leased, let = (p or 0.0 for p in parts)
    return owned + leased - let


def _group(policy, unit):
    for gi, g in enumerate(policy.groups):
        if g.scale != "any" and unit["scale"] != g.scale:
            continue
        owned, leased = unit["land_owned_mu"] or 0.0, unit["land_leased_mu"] or 0.0
        if g.owns_land is False and not (owned <= 0 and leased > 0):
            continue
        if g.owns_land is True and not owned > 0:
            continue
        land = unit["land_mu"]
        if g.min_land_mu is not None and not (land is not None and land >= g.min_land_mu):
            continue
        if g.max_land_mu is not None and not (land is not None and land < g.max_land_mu):
            continue
        return gi
    return None


def reference(rows: list[dict], policy) -> tuple[dict, set, set]:
    """{uscc: (group, score_key, rank, class)}, {exempt uscc}, {(row, rule) problems}."""
    problems = set()
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["uscc"]] = counts.get(r["uscc"], 0) + 1
    ok = []
    for r in rows:
        if counts[r["uscc"]] > 1:
            problems.add((r["_row"], "uscc.duplicate"))
        else:
            ok.append(r)
    exempt, evaluated = set(), []
    for r in ok:
        if any(_applies(rule, r) for rule in policy.exemptions):
            exempt.add(r["uscc"])
        else:
            evaluated.append(r)
    units: dict[str, list[dict]] = {}
    for r in evaluated:  # merge firms sharing a merge_key; the first row leads
        units.setdefault(r["merge_key"] or f"#{r['uscc']}", []).append(r)
    figures = ["revenue", "tax", "value_added", "energy_tce", "emissions_t", "rnd", "staff", "electricity_10k_kwh"]
    built = []
    for members in units.values():
        lead = members[0]
        lands = [_land(m) for m in members if _land(m) is not None]
        unit = {
            "members": members,
            "uscc": lead["uscc"],
            "industry_code": lead["industry_code"],
            "scale": "above" if any(m["scale"] == "above" for m in members) else "below",
            "land_mu": sum(lands) if lands else None,
            "land_owned_mu": sum(m["land_owned_mu"] or 0.0 for m in members),
            "land_leased_mu": sum(m["land_leased_mu"] or 0.0 for m in members),
            "vetoed": any(_applies(v, m) for v in policy.vetoes for m in members),
            "protected": any(_applies(p, m) for p in policy.protections for m in members),
        }
        for f in figures:
            values = [m[f] for m in members]
            unit[f] = None if any(v is None for v in values) else sum(values)
        unit["gi"] = _group(policy, unit)
        built.append(unit)

    def problem(unit, rule):
        for m in unit["members"]:
            problems.add((m["_row"], rule))

    scorable = []
    for u in built:
        land = u["land_mu"]
        if land is None or land <= 0 or u["gi"] is None:
            problem(u, "land.missing" if land is None else "land.none" if land <= 0 else "group.none")
            continue
        u["values"] = {}
        bad = False
        for ind in policy.groups[u["gi"]].indicators:
            num, den = u[ind.numerator], u[ind.denominator]
            value = num / den if num is not None and den is not None and den > 0 else None
            u["values"][ind.key] = value
            if value is None and ind.missing == "problem":
                bad = True
                if num is None:
                    problem(u, "figure.missing")
                if den is None:
                    problem(u, "figure.missing")
                elif den <= 0:
                    problem(u, "figure.not_positive")
        if not bad:
            scorable.append(u)
    final = []
    for u in scorable:  # an imputed indicator needs at least one firm of the group reporting it
        g = policy.groups[u["gi"]]
        lost = [
            i
            for i in g.indicators
            if u["values"][i.key] is None
            and not any(v["gi"] == u["gi"] and v["values"][i.key] is not None for v in scorable)
        ]
        if lost:
            problem(u, "figure.no_peer")
        else:
            final.append(u)
    results = {}
    for gi, g in enumerate(policy.groups):
        members = [u for u in final if u["gi"] == gi]
        if not members:
            continue
        bench = {}
        for ind in g.indicators:
            has = [u for u in members if u["values"][ind.key] is not None]
            num, den = sum(u[ind.numerator] for u in has), sum(u[ind.denominator] for u in has)
            bench[ind.key] = num / den if den > 0 and num / den > 0 else None
        if any(b is None for b in bench.values()):  # e.g. nobody in the group paid tax: no benchmark
            for u in members:
                problem(u, "benchmark.invalid")
            continue
        for u in members:
            u["contrib"] = {}
            for ind in g.indicators:
                v = u["values"][ind.key]
                if v is None:
                    continue
                ratio = v / bench[ind.key] if ind.direction == "higher" else bench[ind.key] / v
                u["contrib"][ind.key] = min(max(ind.weight * ratio, policy.floor), ind.cap)
        for ind in g.indicators:
            reported = [u["contrib"][ind.key] for u in members if ind.key in u["contrib"]]
            for u in members:
                if ind.key not in u["contrib"]:
                    u["contrib"][ind.key] = sum(reported) / len(reported)
        for u in members:
            score = 0.0
            for ind in g.indicators:
                score += u["contrib"][ind.key]
            u["key"] = math.floor(score * 10**policy.score_decimals + 0.5)
            u["tpm"] = u["tax"] / u["land_mu"]
        members.sort(key=lambda u: (-u["key"], -u["tpm"], u["uscc"]))
        n = len(members)
        bounds, cum = [], 0
        for level in policy.classes[:-1]:
            cum += round(level.share * 100)
            bounds.append((n * cum + 5000) // 10000)
        keys = [c.key for c in policy.classes]
        best, worst = keys.index(policy.veto_best_class), keys.index(policy.protection_worst_class)
        for rank, u in enumerate(members, start=1):
            ci = sum(rank > b for b in bounds)
            if u["protected"] and ci > worst:
                ci = worst
            if u["vetoed"] and ci < best:
                ci = best
            for m in u["members"]:
                results[m["uscc"]] = (g.key, u["key"], rank, keys[ci])
    return results, exempt, problems


# ----------------------------------------------------------------------------------------------- inputs
def _firm(draw, i: int) -> dict:
    above = draw(st.booleans())
    tenant = not above and draw(st.integers(0, 4)) == 0
    halves = st.integers(0, 80).map(lambda k: k / 2)
    owned = 0.0 if tenant else draw(halves)
    return {
        "uscc": code(draw(st.integers(0, 40)) if draw(st.integers(0, 15)) == 0 else 1000 + i),
        "name": f"企业{i}",
        "town": "新浦镇",
        "industry_code": draw(st.sampled_from(INDUSTRIES)),
        "scale": "above" if above else "below",
        "registered_on": dt.date(draw(st.integers(2000, 2025)), draw(st.integers(1, 12)), 1),
        "land_owned_mu": owned,
        "land_leased_mu": draw(halves) if tenant or draw(st.booleans()) else 0.0,
        "land_let_mu": draw(st.sampled_from([0.0, 0.0, 0.5, 2.0])),
        "revenue": float(draw(st.integers(1, 50000))),
        "tax": draw(st.one_of(st.none(), st.integers(0, 3000).map(float)))
        if draw(st.integers(0, 9)) == 0
        else float(draw(st.integers(0, 3000))),
        "value_added": float(draw(st.integers(0, 20000))),
        "energy_tce": float(draw(st.integers(1, 5000))),
        "emissions_t": draw(st.one_of(st.none(), st.integers(1, 50).map(float))),
        "rnd": float(draw(st.integers(0, 2000))),
        "staff": float(draw(st.integers(1, 900))),
        "electricity_10k_kwh": float(draw(st.integers(0, 3000))),
        "veto_safety": draw(st.integers(0, 9)) == 0,
        "veto_illegal_land": draw(st.integers(0, 19)) == 0,
        "construction": draw(st.integers(0, 9)) == 0,
        "protected": False,
        "relocated": draw(st.integers(0, 19)) == 0,
        "merge_key": draw(st.sampled_from([None] * 8 + ["P1", "P2"])),
    }


@st.composite
def ledgers(draw) -> list[dict]:
    n = draw(st.integers(1, 40))
    rows = [_firm(draw, i) for i in range(n)]
    for k, r in enumerate(rows):
        r["_row"] = k + 3
    return rows


POLICY = parse_policy(policy_dict())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_the_engine_agrees_with_the_reference(rows):
    expected, exempt, problems = reference(rows, POLICY)
    result = evaluate(pl.DataFrame(rows, schema=SCHEMA), POLICY, year=YEAR)
    frame = result.frame
    scale = 10**POLICY.score_decimals
    got = {
        r["uscc"]: (r["group"], round(r["score"] * scale), r["rank"], r["class"])
        for r in frame.filter(~pl.col("exempt")).iter_rows(named=True)
    }
    assert got == expected
    assert set(frame.filter(pl.col("exempt"))["uscc"]) == exempt
    assert {(p.row, p.rule) for p in result.problems} == problems
    # every input row is accounted for exactly once: a result or a problem
    listed = frame["_row"].to_list()
    assert len(listed) == len(set(listed))
    assert set(listed) | {row for row, _ in problems} == {r["_row"] for r in rows}
    assert not set(listed) & {row for row, _ in problems}
