"""What importing a contract row changes on a registered contract (``services.importing.contracts_plan``): its own
fields and parcels, the commitments, measured values, extensions and government delays it adds — so that
re-importing the same ledger says "unchanged" and writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from landcycle.registry.models import Parcel
from landcycle.rules.problems import Problem
from landcycle.rules.supervision.ledger_rows import COMMITMENT_FIELDS, ledger_field

from ..convert import rule_contract
from ..models import Contract

COMPARED = [f.attname for f in Contract._meta.concrete_fields if f.attname not in ("id", "note")]
# contract attribute -> ledger field, where the name differs
FIELD = {
    "number": "contract_number",
    "holder_name": "holder",
    "price_wan": "price",
    "signed_on": "contract_date",
    "project": "project_name",
    "holder_id": "holder_uscc",
    "town_id": "town",
}


def copy_contract(current: Contract) -> Contract:
    """A new instance holding what is registered (the row's values go on it, the registered one stays as is)."""
    c = Contract(**{a: getattr(current, a) for a in COMPARED}, pk=current.pk)
    c.town = current.town
    if current.holder_id:
        c.holder = current.holder
    return c


def _show(attname: str, contract: Contract) -> Any:
    if attname == "town_id":
        return contract.town if contract.town_id else None
    if attname == "holder_id":
        return contract.holder.uscc if contract.holder_id else None
    return getattr(contract, attname)


@dataclass
class RowDiff:
    changes: dict[str, tuple[Any, Any]]  # ledger field -> (registered, in the file)
    contract_changed: bool  # the contract's own fields or parcels change (else only children are added)
    adds: dict[str, int]  # commitments / measures / extensions / delays to add
    problems: list[Problem] = field(default_factory=list)  # what a ledger cannot change


def diff(plan: Any, current: Contract, c: Contract, parcels: list[Parcel]) -> RowDiff:
    """What applying ``plan`` (an ``importing.ContractRowPlan``) to ``current`` changes (``c``: current with the
    row's values on it), and what of it an import cannot do."""
    problems: list[Problem] = []
    changes: dict[str, tuple[Any, Any]] = {
        FIELD.get(a, ledger_field(a)): (_show(a, current), _show(a, c))
        for a in COMPARED
        if getattr(current, a) != getattr(c, a)
    }
    if "parcels" in plan.values:
        old, new = sorted(p.number for p in current.parcels.all()), sorted(p.number for p in parcels)
        if old != new:
            changes["parcel_number"] = ("、".join(old), "、".join(new))
    contract_changed = bool(changes)
    adds = {"commitments": 0, "measures": 0, "extensions": 0, "delays": 0}
    have = {m.kind: m for m in current.commitments.all()}
    for m in plan.commitments:
        committed, measured = COMMITMENT_FIELDS[m["kind"]]
        registered = have.get(m["kind"])
        if registered is None:
            adds["commitments"] += 1
            changes[committed] = (None, m["committed"])
        elif registered.committed != m["committed"]:
            problems.append(
                Problem(
                    committed,
                    "commitment.committed_changed",
                    f"承诺值与登记的{registered.committed.normalize()}不同；已登记的承诺指标不能通过导入修改",
                    f"the committed value differs from the registered {registered.committed.normalize()}: a "
                    "registered commitment cannot be changed by an import",
                )
            )
        elif m["measured"] is not None and registered.measured != m["measured"]:
            adds["measures"] += 1
            changes[measured] = (registered.measured, m["measured"])
    dates = {(e.milestone, e.new_date) for e in current.extensions.all()}
    for e in plan.extensions:
        if (e["milestone"], e["new_date"]) not in dates:
            adds["extensions"] += 1
            changes[f"extended_{e['milestone']}"] = (None, e["new_date"])
            agreed = rule_contract(current).agreed(e["milestone"])
            if agreed is not None and e["new_date"] <= agreed:
                problems.append(
                    Problem(
                        f"extended_{e['milestone']}",
                        "extension.not_later",
                        f"延期后日期（{e['new_date']}）应晚于现约定日期（{agreed}）",
                        f"the new date ({e['new_date']}) must be later than the agreed date ({agreed})",
                    )
                )
    causes = {(d.cause, d.evidence) for d in current.government_delays.all()}
    for d in plan.delays:
        if (d["cause"], d["evidence"]) not in causes:
            adds["delays"] += 1
            changes["government_delay"] = (None, d["cause"])
    return RowDiff(changes, contract_changed, adds, problems)
