"""Writing a scaled sample (``landcycle generate --database``) into the database, county by county.

Each county's divisions are loaded (``regions_load``), its rows written in bulk with one audit entry
each (the sample county's own writer, ``persist.persist_registry``), then the latest year with figures is
evaluated and published, so that the enterprise rules (class D) have something to read. All in one
transaction: the sample is wholly there or not at all. Warnings are not raised here: that is
``landcycle warnings refresh --as-of DATE`` (the date the sample was made for).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from django.db import transaction

from landcycle.accounts.services import system_user
from landcycle.audit.models import AuditEntry
from landcycle.evaluation.sample import evaluate_sample
from landcycle.registry.models import Enterprise
from landcycle.registry.regions import regions_load

from ..scaled import Scale, province_plans
from . import persist_registry


class NotEmpty(Exception):
    """The database already holds enterprises: a generated sample goes into an empty registry."""


@transaction.atomic
def persist_province(scale: Scale, *, progress: Callable[[str, dict], None] | None = None) -> dict[str, int]:
    """Generate and write the province; return the counts written, the audit entries and the seconds
    spent generating (plan_s) and writing (write_s)."""
    if Enterprise.objects.exists():
        raise NotEmpty(
            "数据库中已有企业，生成的示例只写入空库 / the database already holds enterprises: "
            "generate into an empty database"
        )
    actor = system_user()
    audit_before = AuditEntry.objects.count()
    totals: Counter = Counter()
    plan_s = write_s = 0.0
    started = time.perf_counter()
    for plan in province_plans(scale):
        generated = time.perf_counter()
        plan_s += generated - started
        regions_load(actor=actor, county=plan.towns[0].code[:6])
        counts = persist_registry(actor, plan)
        totals.update(counts)
        started = time.perf_counter()
        write_s += started - generated
        if progress:
            progress(plan.towns[0].code[:6], counts)
    summary = {
        k: totals[k] for k in ("towns", "parks", "parcels", "enterprises", "occupancies", "figures", "contracts")
    }
    evaluated = time.perf_counter()
    summary["evaluation_runs"] = len(evaluate_sample(actor=actor, years=(scale.evaluation_year,)))
    summary["audit_entries"] = AuditEntry.objects.count() - audit_before
    summary["plan_s"] = round(plan_s, 1)
    summary["write_s"] = round(write_s, 1)
    summary["evaluate_s"] = round(time.perf_counter() - evaluated, 1)
    return summary
