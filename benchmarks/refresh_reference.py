"""The reference for benchmarks/refresh.py: the warnings refresh as it was first written — the straightforward
ORM way — plugged into today's ``supervision.refresh`` in place of its readers and writers:

- contracts as model instances with ``prefetch_related`` (commitments, extensions, delays), parks per
  2,000-contract chunk;
- enterprises: main park and land used with per-2,000-enterprise queries (``land_used_many``);
- rows written with ``bulk_create`` (warnings and events).

The rules (``rules.supervision``), the merge with the existing warnings, the history and the audit are the
product's own in both, so the two must write the same warnings; the benchmark checks that they do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

CHUNK = 2000


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def contract_findings(out, actor, as_of: dt.date, policy, contract_ids=None) -> None:
    from landcycle.accounts.scope import scoped
    from landcycle.rules.problems import RuleError
    from landcycle.rules.supervision import evaluate_contract
    from landcycle.supervision.convert import rule_contract
    from landcycle.supervision.models import Contract, ContractParcel
    from landcycle.supervision.subjects import CONTRACT, Subject

    qs = scoped(Contract.objects.all(), actor).prefetch_related("commitments", "extensions", "government_delays")
    if contract_ids is not None:
        qs = qs.filter(pk__in=list(contract_ids))
    contracts = list(qs.order_by("pk"))
    parks: dict[int, int] = {}
    for chunk in _chunks([c.pk for c in contracts]):
        for cid, park_id in (
            ContractParcel.objects.filter(contract_id__in=chunk)
            .order_by("contract_id", "pk")
            .values_list("contract_id", "parcel__park_id")
        ):
            parks.setdefault(cid, park_id)
    for c in contracts:
        try:
            assessment = evaluate_contract(rule_contract(c), as_of, policy)
        except RuleError as exc:
            out.skipped.append((c, exc.problems))
            continue
        key = (CONTRACT, c.pk)
        out.checked.add(key)
        out.subjects[key] = Subject(f"{c.number} · {c.holder_name}"[:250], c.town_id, parks.get(c.pk))
        out.counts["contracts"] += 1
        for f in assessment.findings:
            out.found[(CONTRACT, c.pk, f.rule)] = f


def _main_parks(ids: list[int], day: dt.date, granted: dict | None = None) -> dict[int, int]:
    from landcycle.registry.models import Occupancy
    from landcycle.registry.selectors import held_q

    held: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for chunk in _chunks(ids):
        for ent, park, area, kind, start in (
            Occupancy.objects.filter(held_q(day), enterprise_id__in=chunk)
            .order_by()
            .values_list("enterprise_id", "parcel__park_id", "area_m2", "kind", "start")
        ):
            held[ent][park] += area
            if granted is not None and kind == Occupancy.Kind.OWNED and (ent not in granted or start < granted[ent]):
                granted[ent] = start
    return {ent: max(parks.items(), key=lambda kv: (kv[1], -kv[0]))[0] for ent, parks in held.items()}


def enterprise_findings(out, actor, as_of: dt.date, policy) -> None:
    from landcycle.accounts.scope import scoped
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry.models import Enterprise, Park
    from landcycle.registry.selectors import land_used_many
    from landcycle.rules.supervision import class_finding, tax_per_mu_finding
    from landcycle.rules.supervision.enterprise import stale_figures_finding, tax_exemption
    from landcycle.rules.units import m2_to_mu
    from landcycle.supervision.selectors import latest_published_classes
    from landcycle.supervision.subjects import ENTERPRISE, Subject, _ended_leases, tax_exemptions

    ents = {
        pk: (name, town_id, registered)
        for pk, name, town_id, registered in scoped(Enterprise.objects.all(), actor)
        .order_by()
        .values_list("pk", "name", "town_id", "registered_on")
    }
    minimums = dict(Park.objects.filter(min_tax_per_mu__isnull=False).values_list("pk", "min_tax_per_mu"))
    latest: dict[int, tuple[int, Decimal]] = {}
    for ent, year, tax in (
        YearlyFigure.objects.filter(year__lte=as_of.year, tax__isnull=False)
        .order_by("year")
        .values_list("enterprise_id", "year", "tax")
    ):
        if ent in ents:
            latest[ent] = (year, tax)
    by_year: dict[int, list[int]] = defaultdict(list)
    for ent, (year, _tax) in latest.items():
        by_year[year].append(ent)
    class_year, classes = latest_published_classes(as_of)
    for ent, (name, town_id, _reg) in ents.items():
        out.subjects[(ENTERPRISE, ent)] = Subject(name[:250], town_id, None)
        out.checked.add((ENTERPRISE, ent))
    for year, ids in sorted(by_year.items()):
        day = min(dt.date(year, 12, 31), as_of)
        granted: dict = {}
        parks = _main_parks(ids, day, granted)
        stale = stale_figures_finding(year, as_of, policy)
        used: dict[int, Decimal] = {}
        for chunk in _chunks([i for i in ids if minimums.get(parks.get(i))]):
            used.update(land_used_many(chunk, day))
        for ent in ids:
            park = parks.get(ent)
            out.subjects[(ENTERPRISE, ent)].park_id = park
            minimum = minimums.get(park)
            if minimum is None or used.get(ent, 0) <= 0:
                continue
            if tax_exemption(year, tax_exemptions(), ents[ent][2], granted.get(ent)) is not None:
                continue
            if stale is not None:
                out.found[(ENTERPRISE, ent, stale.rule)] = stale
                continue
            per_mu = (latest[ent][1] / m2_to_mu(used[ent])).quantize(Decimal("0.01"), ROUND_HALF_UP)
            f = tax_per_mu_finding(per_mu, minimum, policy, year)
            if f is not None:
                out.found[(ENTERPRISE, ent, f.rule)] = f
    for ent, cls in classes.items():
        if ent not in ents:
            continue
        f = class_finding(cls, policy, class_year)
        if f is not None:
            out.found[(ENTERPRISE, ent, f.rule)] = f
    out.counts["enterprises"] = len(ents)
    _ended_leases(out, actor, as_of, ents)  # issue 11: one query, shared with the refresh


def insert_rows(model, objs: list) -> None:
    model.objects.bulk_create(objs, batch_size=1000)


@contextlib.contextmanager
def reference():
    """``supervision.refresh`` with the reference's readers and writer, for the duration of the block."""
    from landcycle.supervision import refresh

    saved = {name: getattr(refresh, name) for name in ("contract_findings", "enterprise_findings", "insert_rows")}
    refresh.contract_findings, refresh.enterprise_findings = contract_findings, enterprise_findings
    refresh.insert_rows = insert_rows
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(refresh, name, value)
