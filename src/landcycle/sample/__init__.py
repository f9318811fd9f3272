"""The sample county (示例县): 慈溪市 (330282) with its 24 towns, ~200 parks, 8,000 parcels, ~5,000
enterprises, their occupancies and three years of figures, and the demo accounts.

It is deterministic: the same seed gives the same county, and "today" is the fixed
:data:`REFERENCE_DATE`. The parks of the seed story are in it with their facts (see ``story.py``).

- :func:`generate_plan` — the county as plain data, no database (``generate.py``)
- :func:`build_sample` — generate and write it, audited, in one transaction (``persist.py``)
"""

from __future__ import annotations

from .generate import generate_plan
from .plan import COUNTY_CODE, DEFAULT_SEED, FIGURE_YEARS, REFERENCE_DATE, SamplePlan
from .users import DEMO_USERS


def build_sample(*, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Build the sample county into the current database (migrations applied) and return the counts
    written: towns, parks, parcels, enterprises, occupancies, figures, users, audit_entries."""
    from .persist import persist_plan  # noqa: PLC0415 -- the plan is plain data without Django; writing it needs the models

    return persist_plan(generate_plan(seed))


__all__ = [
    "COUNTY_CODE",
    "DEFAULT_SEED",
    "DEMO_USERS",
    "FIGURE_YEARS",
    "REFERENCE_DATE",
    "SamplePlan",
    "build_sample",
    "generate_plan",
]
