"""Contracts: ``contract_create`` and ``contract_update``, and the two steps they share with the ledger importer
(``services.importing``): ``prepare_contract`` puts (converted) values on a contract, ``contract_problems`` says
what the rules and Django's field checks find wrong with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.registry.checks import field_problems, raise_if
from landcycle.registry.models import Parcel
from landcycle.rules.problems import Problem
from landcycle.rules.supervision import validate_contract
from landcycle.rules.supervision.contract import DATE_FIELDS
from landcycle.rules.supervision.policy import WarningPolicy

from ..checks import (
    NUMBER_FIELDS,
    contract_town,
    holder_problems,
    resolve_holder,
    resolve_parcels,
    to_date,
    to_decimal,
    to_int,
)
from ..convert import policy_of, rule_contract
from ..models import Contract, ContractParcel

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


def contract_snapshot(c: Contract) -> dict[str, Any]:
    return {**snapshot(c), "parcels": sorted(c.parcels.values_list("number", flat=True)) if c.pk else []}


def prepare_contract(actor: User, c: Contract, values: dict[str, Any]) -> tuple[list[Parcel], list[Problem]]:
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


def contract_problems(c: Contract, problems: list[Problem], rules: WarningPolicy | None = None) -> list[Problem]:
    """``problems`` (found while preparing ``c``) and what the rules (dates, numbers, commitments) and Django's
    field checks find: all of them, in that order, without raising. ``rules``: the warning policy of ``c``'s county
    when the caller has read it (an import reads them once), else read here."""
    # unreadable numbers and dates are None by now
    found = problems + validate_contract(rule_contract(c), rules or policy_of(c))
    if (c.start_criterion or c.start_evidence) and c.actual_start is None:
        found.append(
            Problem(
                "start_criterion",
                "contract.start_criterion_without_start",
                "填写了动工认定依据或佐证，但未填实际开工日期",
                "a start criterion or evidence is given without the actual start date",
            )
        )
    named = {p.field for p in found}
    exclude = ["town"] if c.town_id is None else []
    return found + [p for p in field_problems(c, exclude=exclude) if p.field not in named]


def _link_parcels(c: Contract, parcels: Iterable[Parcel]) -> None:
    ContractParcel.objects.filter(contract=c).exclude(parcel__in=parcels).delete()
    have = set(ContractParcel.objects.filter(contract=c).values_list("parcel_id", flat=True))
    ContractParcel.objects.bulk_create([ContractParcel(contract=c, parcel=p) for p in parcels if p.pk not in have])


@transaction.atomic
def contract_create(
    *,
    actor: User,
    number: str,
    holder_name: str = "",
    holder: Any = None,
    parcels: Iterable[Any] = (),
    town: Any = None,
    kind: str = Contract.Kind.GRANT,
    **fields: Any,
) -> Contract:
    """A new contract. ``parcels``: Parcel objects or parcel numbers (in the actor's scope); ``holder``: a
    registered Enterprise, its credit code or exact name (optional: real ledgers name holders not in the
    registry, kept in ``holder_name``); ``town`` only for a contract without parcels."""
    require_write(actor, Area.CONTRACTS)
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
    parcels, problems = prepare_contract(actor, c, values)
    if c.town_id:
        require_write(actor, Area.CONTRACTS, c.town, field="parcels")
    raise_if(contract_problems(c, problems))
    c.save()
    _link_parcels(c, parcels)
    audit_record(actor=actor, action="contract.create", obj=c, region_code=c.town.code, after=contract_snapshot(c))
    return c


@transaction.atomic
def contract_update(
    *, actor: User, contract: Contract, expected_version: int | None = None, **changes: Any
) -> Contract:
    """``expected_version``: the version the edit form was read at (a later write by someone else is a
    conflict, audit.versions.EditConflict); None for imports, which still bump the version."""
    require_write(actor, Area.CONTRACTS, contract.town, field="parcels")
    before = contract_snapshot(contract)
    claim_version(contract, expected_version)
    parcels, problems = prepare_contract(actor, contract, changes)
    require_write(actor, Area.CONTRACTS, contract.town, field="parcels")
    raise_if(contract_problems(contract, problems))
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
