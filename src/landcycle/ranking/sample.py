"""The sample county's ranking: eight quarters (2024Q1–2025Q4) computed and published for its towns, after every
other stage's sample (the figures come from the sample's own rows), with the county's hand-entered figures imported
through the ``ranking_inputs`` ledger as a county would (a policy score and the investment attracted, drawn from a
fixed seed so the sample is the same every time)."""

from __future__ import annotations

import random

from landcycle.accounts.models import User
from landcycle.kit.indicators import Quarter, indicator_sources
from landcycle.kit.sheets import csv_bytes
from landcycle.ledgers.services import ledger_import

from .services import run_compute, run_publish
from .services.gather import ranked_towns

FIRST, LAST = Quarter(2024, 1), Quarter(2025, 4)
SEED = 17


def sample_quarters() -> list[Quarter]:
    out, q = [], FIRST
    while q <= LAST:
        out.append(q)
        q = q.next()
    return out


def sample_inputs_csv(quarters: list[Quarter]) -> bytes:
    """policy_score (60–98, each town around its own level) and investment_attracted (万元 a quarter, about its
    industrial land × a town's own rate) for every ranked town and quarter."""
    towns = ranked_towns()
    land = indicator_sources()["industrial_land_mu"].compute(quarters[-1], towns)
    rnd = random.Random(SEED)
    level = {t.pk: rnd.uniform(70, 90) for t in towns}
    rate = {t.pk: rnd.uniform(0.5, 6.0) for t in towns}
    rows = []
    for q in quarters:
        for t in towns:
            score = max(60.0, min(98.0, level[t.pk] + rnd.gauss(0, 4)))
            mu = land[t.pk].value or 0.0
            money = round(mu * rate[t.pk] * rnd.uniform(0.6, 1.4), 1)
            rows.append([t.code, q.label, "policy_score", f"{score:.1f}", f"县考核办{q.label}政策落实评分（示例）"])
            rows.append(
                [t.code, q.label, "investment_attracted", f"{money:.1f}", f"县商务局{q.label}招商引资统计（示例）"]
            )
    return csv_bytes(["镇街", "季度", "指标", "数值", "来源说明"], rows)


def build_ranking_sample(*, actor: User) -> dict[str, int]:
    """Import the hand-entered figures, then compute and publish each quarter in order."""
    quarters = sample_quarters()
    report = ledger_import(
        actor=actor, kind="ranking_inputs", source=sample_inputs_csv(quarters), filename="季度手工指标.csv"
    )
    if report.problems:
        raise RuntimeError(f"the sample's hand-entered indicators do not import: {report.problems[:3]}")
    runs = [run_publish(actor=actor, run=run_compute(actor=actor, quarter=q)) for q in quarters]
    return {"ranking_runs": len(runs)}
