"""The sample county's evaluation: its three years evaluated with the shipped policy, the latest published.

Called once at the end of building the sample county (``landcycle demo``). The inputs of the three
years are read in one go; each year becomes a draft run, and the latest year's run is published.
"""

from __future__ import annotations

from django.db import transaction

from .inputs import read_inputs
from .models import EvaluationRun
from .services import policy_version_shipped, run_create, run_publish

SAMPLE_YEARS = (2023, 2024, 2025)


@transaction.atomic
def evaluate_sample(*, actor, years: tuple[int, ...] = SAMPLE_YEARS) -> list[EvaluationRun]:
    """Evaluate ``years`` with the shipped policy version and publish the latest; returns the runs."""
    policy = policy_version_shipped(actor=actor)
    inputs = read_inputs(years)
    runs = [run_create(actor=actor, year=y, policy=policy, inputs=inputs,
                       notes="示例县：按默认评价办法计算 / sample county, shipped policy") for y in sorted(years)]
    runs[-1] = run_publish(actor=actor, run=runs[-1])
    return runs
