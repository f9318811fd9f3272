"""What is recorded about a contract: its 标准地 commitments and their measured values, approved extensions and
government-caused delays. Each is checked by the rules together with the contract it belongs to."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.registry.checks import field_problems, raise_if
from landcycle.rules.problems import Problem
from landcycle.rules.supervision import validate_contract

from ..checks import plausible_date, to_date, to_decimal, to_int
from ..convert import policy_of, rule_contract
from ..models import Commitment, Contract, Extension, GovernmentDelay

M = TypeVar("M", bound=Model)


def _child_problems(problems: list[Problem], prefix: str) -> list[Problem]:
    """Problems the rules found on the new child row (``commitments[0].unit`` -> ``unit``)."""
    out = []
    for p in problems:
        if p.field.startswith(prefix):
            field = p.field.split(".", 1)[1] if "." in p.field else p.field
            out.append(Problem(field, p.rule, p.zh, p.en))
    return out


def _save_child(
    actor: User, obj: M, contract: Contract, action: str, problems: list[Problem], before: dict | None = None
) -> M:
    named = {p.field for p in problems}
    problems += [p for p in field_problems(obj, exclude=["contract"]) if p.field not in named]
    raise_if(problems)
    obj.save()
    audit_record(
        actor=actor, action=action, obj=obj, region_code=contract.town.code, before=before, after=snapshot(obj)
    )
    return obj


@transaction.atomic
def commitment_add(
    *,
    actor: User,
    contract: Contract,
    kind: str,
    committed: Any,
    unit: str = "",
    direction: str = "",
    stage: str = "",
    label_zh: str = "",
    label_en: str = "",
    measured: Any = None,
    measured_on: Any = None,
) -> Commitment:
    """A 标准地 commitment ("5+X"). A kind of the policy takes its direction and stage from the policy; a
    "+X" kind must give them. The unit is required unless the policy's kind has none (plot ratio)."""
    require_write(actor, Area.CONTRACTS, contract.town, field="kind")
    problems: list[Problem] = []
    m = Commitment(
        contract=contract,
        kind=(kind or "").strip(),
        unit=(unit or "").strip(),
        direction=direction or "",
        stage=stage or "",
        label_zh=label_zh.strip(),
        label_en=label_en.strip(),
        committed=to_decimal("committed", committed, problems),
        measured=to_decimal("measured", measured, problems),
        measured_on=to_date("measured_on", measured_on, problems),
    )
    problems += plausible_date("measured_on", m.measured_on, contract)
    if m.kind and Commitment.objects.filter(contract=contract, kind=m.kind).exists():  # uniq_commitment_kind
        problems.append(
            Problem(
                "kind",
                "commitment.kind_twice",
                f"本合同已有承诺指标“{m.kind}”，请在其行内录入实测值",
                f"the contract already has the commitment '{m.kind}': record its measured value there",
            )
        )
    if m.committed is not None and not problems:
        rc = rule_contract(contract, commitments=[m], extensions=[], delays=[])
        problems += _child_problems(validate_contract(rc, policy_of(contract)), "commitments[0]")
    return _save_child(actor, m, contract, "commitment.add", problems)


@transaction.atomic
def commitment_measure(
    *, actor: User, commitment: Commitment, measured: Any, measured_on: Any = None, expected_version: int | None = None
) -> Commitment:
    """The value found at completion acceptance (竣工验收) or production review (达产复核)."""
    contract = commitment.contract
    require_write(actor, Area.CONTRACTS, contract.town, field="measured")
    before = snapshot(commitment)
    claim_version(commitment, expected_version)
    problems: list[Problem] = []
    commitment.measured = to_decimal("measured", measured, problems)
    commitment.measured_on = to_date("measured_on", measured_on, problems)
    problems += plausible_date("measured_on", commitment.measured_on, contract)
    if commitment.measured is None and not problems:
        problems.append(Problem("measured", "commitment.measured_missing", "请填写实测值", "give the measured value"))
    return _save_child(actor, commitment, contract, "commitment.measure", problems, before)


@transaction.atomic
def extension_add(
    *, actor: User, contract: Contract, milestone: str, new_date: Any, approved_on: Any = None, reason: str = ""
) -> Extension:
    """An approved extension: the milestone's new agreed date (it must be later than the date it replaces
    and must not contradict the other agreed dates)."""
    require_write(actor, Area.CONTRACTS, contract.town, field="milestone")
    problems: list[Problem] = []
    e = Extension(
        contract=contract,
        milestone=milestone,
        new_date=to_date("new_date", new_date, problems),
        approved_on=to_date("approved_on", approved_on, problems),
        reason=(reason or "").strip(),
    )
    problems += plausible_date("new_date", e.new_date, contract) + plausible_date(
        "approved_on", e.approved_on, contract
    )
    if e.new_date is not None and not problems and milestone in Extension.Milestone.values:
        rc = rule_contract(contract)
        current = rc.agreed(milestone)
        if current is not None and e.new_date <= current:
            problems.append(
                Problem(
                    "new_date",
                    "extension.not_later",
                    f"延期后日期（{e.new_date}）应晚于现约定日期（{current}）",
                    f"the new date ({e.new_date}) must be later than the agreed date ({current})",
                )
            )
        rc2 = rule_contract(contract, extensions=list(contract.extensions.all()) + [e])
        for p in validate_contract(rc2, policy_of(contract)):
            if p.field.startswith("extensions"):
                problems.append(Problem("new_date", p.rule, p.zh, p.en))
    return _save_child(actor, e, contract, "extension.add", problems)


@transaction.atomic
def government_delay_add(
    *,
    actor: User,
    contract: Contract,
    cause: str,
    evidence: str,
    description: str = "",
    evidence_ref: str = "",
    recorded_on: Any = None,
    days: Any = None,
) -> GovernmentDelay:
    """A government-caused delay (闲置土地处置办法 第八条): its cause, the evidence on record and how many days
    it held the project up. The agreed dates move by that length (by Art. 12's one year at most, and when it
    is not recorded); within it the contract is exempt from the idle-land fee and take-back (the finding stays
    visible, yellow), after it the fee and take-back apply again."""
    require_write(actor, Area.CONTRACTS, contract.town, field="cause")
    problems: list[Problem] = []
    d = GovernmentDelay(
        contract=contract,
        cause=cause or "",
        evidence=(evidence or "").strip(),
        description=(description or "").strip(),
        evidence_ref=(evidence_ref or "").strip(),
        recorded_on=to_date("recorded_on", recorded_on, problems),
        days=to_int("days", days, problems) if days not in (None, "") else None,
    )
    rc = rule_contract(contract, commitments=[], extensions=[], delays=[d])
    problems += _child_problems(validate_contract(rc, policy_of(contract)), "government_delays[0]")
    return _save_child(actor, d, contract, "government_delay.add", problems)
