"""Writes of the supervision app. Each is keyword-only, atomic, checks the actor's role and scope
(``accounts.scope.require_write``, area "supervision"), runs the checks of ``checks.py``, the rules'
``validate_contract`` and Django's field checks, and records an audit row in the same transaction. A
``RuleError`` (bilingual problems naming the field and the rule) writes nothing.

Warnings: ``warnings_refresh`` (refresh.py) recomputes them; ``warning_acknowledge``, ``warning_assign``
and ``warning_close`` (warning_actions.py) are what people do with them. Contract ledgers:
``contracts_plan`` / ``contracts_apply`` (importing.py) for the ledgers importer.
"""

from __future__ import annotations

from django.db import transaction

from landcycle.accounts.scope import require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.registry.checks import field_problems, raise_if
from landcycle.rules.problems import Problem
from landcycle.rules.supervision import validate_contract

from .checks import (
    DATE_FIELDS,
    NUMBER_FIELDS,
    contract_town,
    holder_problems,
    plausible_date,
    resolve_holder,
    resolve_parcels,
    to_date,
    to_decimal,
    to_int,
)
from .convert import policy, rule_contract
from .importing import contracts_apply, contracts_plan  # noqa: F401  (the ledgers importer's entry points)
from .models import Commitment, Contract, ContractParcel, Extension, GovernmentDelay
from .refresh import warnings_refresh  # noqa: F401
from .warning_actions import warning_acknowledge, warning_assign, warning_close  # noqa: F401

AREA = "contracts"  # contracts and what is recorded about them; warnings are "supervision"
TEXT_FIELDS = {
    "number",
    "holder_name",
    "kind",
    "project",
    "location",
    "land_use",
    "note",
    "start_criterion",
    "start_evidence",
}
CONTRACT_FIELDS = TEXT_FIELDS | set(NUMBER_FIELDS) | set(DATE_FIELDS) | {"term_years", "parcels", "holder", "town"}


def contract_snapshot(c: Contract) -> dict:
    return {**snapshot(c), "parcels": sorted(c.parcels.values_list("number", flat=True)) if c.pk else []}


def _prepare(actor, c: Contract, values: dict) -> tuple[list, list[Problem]]:
    """Put ``values`` on ``c`` (converted), resolve parcels, holder and town; return (parcels, problems)."""
    unknown = set(values) - CONTRACT_FIELDS
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    problems: list[Problem] = []
    for name in TEXT_FIELDS & set(values):
        setattr(c, name, str(values[name] or "").strip())
    for name, places in NUMBER_FIELDS.items():
        if name in values:
            setattr(c, name, to_decimal(name, values[name], problems, places))
    for name in DATE_FIELDS:
        if name in values:
            setattr(c, name, to_date(name, values[name], problems))
    if "term_years" in values:
        c.term_years = to_int("term_years", values["term_years"], problems)
    if "holder" in values:
        c.holder = resolve_holder(actor, values["holder"], problems)
        if c.holder is not None and not (values.get("holder_name") or "").strip():
            c.holder_name = c.holder.name
    parcels = (
        resolve_parcels(actor, values["parcels"], problems)
        if "parcels" in values
        else list(c.parcels.select_related("park__town"))
        if c.pk
        else []
    )
    if "parcels" in values or "town" in values or c.town_id is None:
        town = contract_town(parcels, values.get("town") or (c.town if c.town_id else None), problems)
        if town is not None:
            c.town = town
    if c.area_m2 is None and parcels and "area_m2" not in values:
        c.area_m2 = sum((p.area_m2 for p in parcels), start=0)
    problems += holder_problems(c.holder, c.holder_name)
    return parcels, problems


def _check(c: Contract, problems: list[Problem]) -> None:
    """The rules (dates, numbers, commitments) and Django's field checks; raise when anything failed."""
    problems += validate_contract(rule_contract(c), policy())  # unreadable numbers and dates are None by now
    if (c.start_criterion or c.start_evidence) and c.actual_start is None:
        problems.append(
            Problem(
                "start_criterion",
                "contract.start_criterion_without_start",
                "填写了动工认定依据或佐证，但未填实际开工日期",
                "a start criterion or evidence is given without the actual start date",
            )
        )
    named = {p.field for p in problems}
    exclude = ["town"] if c.town_id is None else []
    problems += [p for p in field_problems(c, exclude=exclude) if p.field not in named]
    raise_if(problems)


def _link_parcels(c: Contract, parcels) -> None:
    ContractParcel.objects.filter(contract=c).exclude(parcel__in=parcels).delete()
    have = set(ContractParcel.objects.filter(contract=c).values_list("parcel_id", flat=True))
    ContractParcel.objects.bulk_create([ContractParcel(contract=c, parcel=p) for p in parcels if p.pk not in have])


@transaction.atomic
def contract_create(
    *,
    actor,
    number: str,
    holder_name: str = "",
    holder=None,
    parcels=(),
    town=None,
    kind: str = Contract.Kind.GRANT,
    **fields,
) -> Contract:
    """A new contract. ``parcels``: Parcel objects or parcel numbers (in the actor's scope); ``holder``: a
    registered Enterprise, its credit code or exact name (optional: real ledgers name holders not in the
    registry, kept in ``holder_name``); ``town`` only for a contract without parcels."""
    require_write(actor, AREA)
    c = Contract()
    values = {
        "number": number,
        "holder_name": holder_name,
        "holder": holder,
        "parcels": parcels,
        "kind": kind,
        **({"town": town} if town is not None else {}),
        **fields,
    }
    parcels, problems = _prepare(actor, c, values)
    if c.town_id:
        require_write(actor, AREA, c.town, field="parcels")
    _check(c, problems)
    c.save()
    _link_parcels(c, parcels)
    audit_record(actor=actor, action="contract.create", obj=c, region_code=c.town.code, after=contract_snapshot(c))
    return c


@transaction.atomic
def contract_update(*, actor, contract: Contract, expected_version=None, **changes) -> Contract:
    """``expected_version``: the version the edit form was read at (a later write by someone else is a
    conflict, audit.versions.EditConflict); None for imports, which still bump the version."""
    require_write(actor, AREA, contract.town, field="parcels")
    before = contract_snapshot(contract)
    claim_version(contract, expected_version)
    parcels, problems = _prepare(actor, contract, changes)
    require_write(actor, AREA, contract.town, field="parcels")
    _check(contract, problems)
    contract.save()
    if "parcels" in changes:
        _link_parcels(contract, parcels)
    audit_record(
        actor=actor,
        action="contract.update",
        obj=contract,
        region_code=contract.town.code,
        before=before,
        after=contract_snapshot(contract),
    )
    return contract


# ------------------------------------------------------------------ commitments, extensions, delays
def _child_problems(problems: list[Problem], prefix: str) -> list[Problem]:
    """Problems the rules found on the new child row (``commitments[0].unit`` -> ``unit``)."""
    out = []
    for p in problems:
        if p.field.startswith(prefix):
            field = p.field.split(".", 1)[1] if "." in p.field else p.field
            out.append(Problem(field, p.rule, p.zh, p.en))
    return out


def _save_child(actor, obj, contract: Contract, action: str, problems: list[Problem], before=None):
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
    actor,
    contract: Contract,
    kind: str,
    committed,
    unit: str = "",
    direction: str = "",
    stage: str = "",
    label_zh: str = "",
    label_en: str = "",
    measured=None,
    measured_on=None,
) -> Commitment:
    """A 标准地 commitment ("5+X"). A kind of the policy takes its direction and stage from the policy; a
    "+X" kind must give them. The unit is required unless the policy's kind has none (plot ratio)."""
    require_write(actor, AREA, contract.town, field="kind")
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
        problems += _child_problems(validate_contract(rc, policy()), "commitments[0]")
    return _save_child(actor, m, contract, "commitment.add", problems)


@transaction.atomic
def commitment_measure(
    *, actor, commitment: Commitment, measured, measured_on=None, expected_version=None
) -> Commitment:
    """The value found at completion acceptance (竣工验收) or production review (达产复核)."""
    contract = commitment.contract
    require_write(actor, AREA, contract.town, field="measured")
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
    *, actor, contract: Contract, milestone: str, new_date, approved_on=None, reason: str = ""
) -> Extension:
    """An approved extension: the milestone's new agreed date (it must be later than the date it replaces
    and must not contradict the other agreed dates)."""
    require_write(actor, AREA, contract.town, field="milestone")
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
        for p in validate_contract(rc2, policy()):
            if p.field.startswith("extensions"):
                problems.append(Problem("new_date", p.rule, p.zh, p.en))
    return _save_child(actor, e, contract, "extension.add", problems)


@transaction.atomic
def government_delay_add(
    *,
    actor,
    contract: Contract,
    cause: str,
    evidence: str,
    description: str = "",
    evidence_ref: str = "",
    recorded_on=None,
    days=None,
) -> GovernmentDelay:
    """A government-caused delay (闲置土地处置办法 第八条): its cause, the evidence on record and how many days
    it held the project up. The agreed dates move by that length (by Art. 12's one year at most, and when it
    is not recorded); within it the contract is exempt from the idle-land fee and take-back (the finding stays
    visible, yellow), after it the fee and take-back apply again."""
    require_write(actor, AREA, contract.town, field="cause")
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
    problems += _child_problems(validate_contract(rc, policy()), "government_delays[0]")
    return _save_child(actor, d, contract, "government_delay.add", problems)
