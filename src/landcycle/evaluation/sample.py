"""The sample county's evaluation: its three years evaluated with the shipped policy, the latest published.

Called once at the end of building the sample county (``landcycle demo``). Before the runs, two evaluation
facts of the latest year show what vetoes and merging do (deterministically, from the data itself):
- a vetoed firm: the first 规上 firm (by credit code) that ranks in class A is recorded with illegal land
  use (违法用地), so its published class is C with the reason and source on its result page;
- a merged unit: an owner and the tenant it lets part of its parcel to, both 规上 and reporting every
  figure, are evaluated as one unit (合并评价).
The inputs of the three years are then read in one go; each year becomes a draft run, and the latest year's
run is published.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import transaction

from landcycle.registry.models import Enterprise, Occupancy, Region
from landcycle.rules.evaluation import evaluate
from landcycle.rules.evaluation.policy.parse import policy_of

from .inputs import read_inputs
from .models import EvaluationRun
from .services import policy_version_shipped, run_create, run_publish
from .services.facts import fact_record

SAMPLE_YEARS = (2023, 2024, 2025)
VETO_SOURCE = "慈自然资罚〔2025〕37号（示例）"
MERGE_SOURCE = "同一地块企业合并评价认定（示例）"


def sample_facts(*, actor, year: int, policy_text: str) -> dict[str, list[int]]:
    """Record the sample's vetoed firm and merged unit of ``year``; returns their enterprise ids."""
    frame = read_inputs([year]).year(year)
    result = evaluate(frame, policy_of(policy_text), year=year, reasons=False).frame
    above = result.filter((pl.col("group") == "above") & ~pl.col("exempt"))
    out: dict[str, list[int]] = {"vetoed": [], "merged": []}
    full = set(above["_row"].to_list())
    lets = (
        Occupancy.objects.filter(lessor_id__in=full, enterprise_id__in=full, kind=Occupancy.Kind.LEASED)
        .order_by("lessor__uscc", "enterprise__uscc")
        .values_list("lessor_id", "enterprise_id")
        .first()
    )
    if lets:
        owner, tenant = lets
        key = f"HB-{year}-01"
        for ent in Enterprise.objects.filter(pk__in=lets):
            fact_record(
                actor=actor,
                enterprise=ent,
                year=year,
                kind="merge_key",
                value=key,
                source=MERGE_SOURCE,
                note="出租方与承租方同一地块，合并评价",
            )
        out["merged"] = [owner, tenant]
    candidates = above.filter((pl.col("class") == "A") & ~pl.col("_row").is_in(out["merged"])).sort("uscc")
    if candidates.height:
        ent = Enterprise.objects.get(pk=candidates["_row"][0])
        fact_record(
            actor=actor,
            enterprise=ent,
            year=year,
            kind="veto_illegal_land",
            occurred_on=dt.date(year, 8, 15),
            source=VETO_SOURCE,
            note="未批先建厂房约1.2亩，已立案查处",
        )
        out["vetoed"] = [ent.pk]
    return out


@transaction.atomic
def evaluate_sample(*, actor, years: tuple[int, ...] = SAMPLE_YEARS) -> list[EvaluationRun]:
    """Evaluate ``years`` of every county with figures, each county its own runs, with the shipped policy version,
    and publish each county's latest; returns the runs, county by county (code order), year by year."""
    policy = policy_version_shipped(actor=actor)
    sample_facts(actor=actor, year=max(years), policy_text=policy.toml)
    out: list[EvaluationRun] = []
    for county in Region.objects.filter(level=Region.Level.COUNTY).order_by("code"):
        inputs = read_inputs(years, county=county.code)
        runs = [
            run_create(
                actor=actor,
                year=y,
                county=county,
                policy=policy,
                inputs=inputs,
                notes="示例县：按默认评价办法计算 / sample county, shipped policy",
            )
            for y in sorted(set(inputs.frame["year"].to_list()))
        ]
        if runs:
            runs[-1] = run_publish(actor=actor, run=runs[-1])
        out += runs
    return out
