"""Writing the sample's contracts (with their parcels, commitments, extensions and government-caused
delays) in bulk, audited, then raising the warnings as of the sample's reference date.

Generation guarantees what ``supervision.services`` would check (tests/test_sample.py runs the rules on
every contract); the rows go in with ``insert_rows`` (COPY on PostgreSQL, ``bulk_create`` elsewhere) and one
audit entry per object.
"""

from __future__ import annotations

from landcycle.audit.services import audit_record_many, snapshot
from landcycle.kit.bulk import insert_rows
from landcycle.registry.models import Enterprise, Parcel
from landcycle.rules.supervision.contract import DATE_FIELDS
from landcycle.supervision.models import Commitment, Contract, ContractParcel, Extension, GovernmentDelay
from landcycle.supervision.refresh import warnings_refresh

from ..plan import REFERENCE_DATE, SamplePlan


def _audit(actor, action: str, objects: list, code_of, extra=None) -> None:
    audit_record_many(
        actor=actor,
        action=action,
        region_code_of=code_of,
        items=[(o, None, {**snapshot(o), **(extra(o) if extra else {})}) for o in objects],
    )


def persist_contracts(actor, plan: SamplePlan, parcels: dict[str, Parcel], firms: dict[str, Enterprise]) -> int:
    towns = {p.number: p.park.town for p in parcels.values()}
    rows = []
    for c in plan.contracts:
        rows.append(
            Contract(
                number=c.number,
                town=towns[c.parcel],
                holder=firms[c.holder] if c.holder else None,
                holder_name=c.holder_name,
                kind=c.kind,
                project=c.project,
                location=parcels[c.parcel].address,
                land_use="工业用地",
                price_wan=c.price_wan,
                area_m2=c.area_m2,
                term_years=c.term_years,
                developed_area_share=c.developed_area_share,
                investment_share=c.investment_share,
                **{name: getattr(c, name) for name in DATE_FIELDS},
            )
        )
    insert_rows(Contract, rows)
    if any(r.pk is None for r in rows):
        raise RuntimeError("Contract: the database did not return primary keys on bulk insert")
    links, commitments, extensions, delays = [], [], [], []
    for row, c in zip(rows, plan.contracts, strict=False):
        links.append(ContractParcel(contract=row, parcel=parcels[c.parcel]))
        commitments += [Commitment(contract=row, **m) for m in c.commitments]
        extensions += [Extension(contract=row, **e) for e in c.extensions]
        delays += [GovernmentDelay(contract=row, **d) for d in c.delays]
    for model, objects in (
        (ContractParcel, links),
        (Commitment, commitments),
        (Extension, extensions),
        (GovernmentDelay, delays),
    ):
        insert_rows(model, objects)
    number_of = {c.number: c.parcel for c in plan.contracts}
    _audit(actor, "sample.contract.create", rows, lambda o: o.town.code, lambda o: {"parcels": [number_of[o.number]]})
    for action, objects in (
        ("sample.commitment.create", commitments),
        ("sample.extension.create", extensions),
        ("sample.government_delay.create", delays),
    ):
        _audit(actor, action, objects, lambda o: o.contract.town.code)
    return len(rows)


def raise_warnings(actor) -> int:
    """Warnings of every contract and enterprise as of the sample's reference date (2026-11-29)."""
    result = warnings_refresh(actor=actor, as_of=REFERENCE_DATE)
    return result.raised
