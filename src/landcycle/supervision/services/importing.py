"""Contract ledgers into the database — the entry points for the ledgers importer (landcycle.ledgers),
which reads a file with ``supervision.ledger.schema.CONTRACTS`` (``SUPERVISED_LAND_SUPPLY`` plus parcel numbers, town
and the holder's credit code) and hands the rows here:

    plans = contracts_plan(result.rows, actor=user, town=None)   # no write; every row checked
    counts = contracts_apply(plans, actor=user)                   # all or nothing, audited per object

A row is a dict of that schema's fields (``contract_number``, ``holder``, ``price``, ``area_m2``,
``contract_date``, ``agreed_start`` …, the commitment pairs, ``extended_*``, ``government_delay``) plus,
when the ledger has them, ``parcel_number`` (one or several, separated by 、 , ; or spaces), ``town`` (a
``Region`` or a 9-digit code, for rows without parcels) and ``holder_uscc``. ``_row`` / ``_sheet`` locate
the row. Only the fields a row has are written: a column the file lacks keeps what is registered.

- ``town``: where a new contract without parcels goes (the importer passes the ``--town`` of the command or
  the town officer's own town); an existing contract keeps its town unless the row names one.
- Scope: a registered contract, a parcel or a town outside the actor's region is a ``scope.town`` problem
  of the row (a parcel outside it is not reported as unknown).
- ``mark_unchanged=True``: a registered contract whose row changes nothing (fields, parcels, commitments,
  extensions, delays) is ``unchanged`` and ``contracts_apply`` leaves it alone; each plan's ``changes``
  says what would change (ledger field -> (registered, in the file)) and ``adds`` what would be added.
- A registered commitment's committed value is not changed by a ledger (there is no such service): a row
  giving another value is a problem (``commitment.committed_changed``).

Problems name the ledger field (the importer maps it to the column the user saw). After applying, call
``supervision.refresh.warnings_refresh(actor=user, as_of=<today>, contract_ids=[...])`` (each plan's ``contract_id``) so that
the new contracts get their warnings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, in_scope, require_write
from landcycle.registry.models import Parcel, Region
from landcycle.rules.problems import Problem, RuleError
from landcycle.rules.supervision import validate_contract
from landcycle.rules.supervision.contract import ACTUAL_DATES, AGREED_DATES, STOPPED
from landcycle.rules.supervision.ledger_rows import COMMITMENT_FIELDS, SUPPLY_KIND, cause_code, ledger_field
from landcycle.rules.supervision.policy import WarningPolicy

from ..checks import SPLIT
from ..convert import TownPolicies, policies_held, rule_contract
from ..models import Commitment, Contract, Extension, GovernmentDelay
from .changes import copy_contract, diff
from .commitments import commitment_add, commitment_measure, extension_add, government_delay_add
from .contracts import contract_create, contract_problems, contract_update, prepare_contract

CREATE, UPDATE, UNCHANGED, INVALID = "create", "update", "unchanged", "invalid"
CHUNK = 900  # numbers per IN (SQLite allows 999 variables in a statement)
# ledger field -> contract field
ROW_FIELDS = {
    "contract_number": "number",
    "holder": "holder_name",
    "price": "price_wan",
    "area_m2": "area_m2",
    "contract_date": "signed_on",
    "project_name": "project",
    "location": "location",
    "land_use": "land_use",
    **{n: n for n in (*AGREED_DATES, *ACTUAL_DATES, "developed_area_share", "investment_share", STOPPED)},
}
LEDGER_FIELD = {v: k for k, v in ROW_FIELDS.items()} | {
    "parcels": "parcel_number",
    "holder": "holder_uscc",
    "holder_id": "holder_uscc",
    "town_id": "town",
    "term_years": "term_years",
    "kind": "kind",
}


@dataclass
class ContractRowPlan:
    row: int
    sheet: str
    number: str
    action: str
    values: dict
    commitments: list[dict] = field(default_factory=list)
    extensions: list[dict] = field(default_factory=list)
    delays: list[dict] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    changes: dict = field(default_factory=dict)  # ledger field -> (registered, in the file)
    contract_changed: bool = True  # the contract's own fields or parcels change (else only children are added)
    adds: dict = field(default_factory=dict)  # commitments / measures / extensions / delays to add
    contract_id: int | None = None  # set by contracts_apply

    def __str__(self) -> str:
        return self.values.get("holder_name") or ""


def _values(row: dict) -> dict:
    g = row.get
    values = {ROW_FIELDS[k]: g(k) for k in ROW_FIELDS if k in row}
    values["number"] = str(g("contract_number") or "").strip()
    if "holder" in row:
        values["holder_name"] = str(g("holder") or "").strip()
    kind = g("kind") or SUPPLY_KIND.get(g("supply_type") or "")
    if kind:
        values["kind"] = kind
    term = re.search(r"\d+", str(g("term_years") or ""))
    if term:
        values["term_years"] = int(term.group())
    if g("parcel_number"):
        values["parcels"] = [p for p in SPLIT.split(str(g("parcel_number"))) if p]
    if g("holder_uscc"):
        values["holder"] = g("holder_uscc")
    if not values.get("parcels") and g("town"):
        values["town"] = g("town")
    return values


# words of a ledger's "政府原因" column -> the policy's cause code (Art. 8), first match wins
CAUSE_WORDS = (
    ("交地", "late_delivery"),
    ("交付", "late_delivery"),
    ("规划", "plan_change"),
    ("政策", "policy_change"),
    ("文物", "military_heritage"),
    ("军事", "military_heritage"),
    ("不可抗力", "force_majeure"),
    ("灾", "force_majeure"),
    ("政府", "government_action"),
)


def delay_cause(text: str, pol: WarningPolicy) -> str:
    """A ledger's government cause as a code, by the names of ``pol`` (the row's county's policy, 本县政策)."""
    code = cause_code(text or "", pol)
    if code in GovernmentDelay.Cause.values:
        return code
    return next((c for word, c in CAUSE_WORDS if word in code), code)


def _child_problems(
    c: Contract, commitments: list[dict], extensions: list[dict], delays: list[dict], rules: WarningPolicy
) -> list[Problem]:
    """What the rules of the contract's county say about the row's commitments, extensions and delays (named by
    ledger field): the very policy ``commitment_add`` and the others apply when the row is written."""
    rc = rule_contract(
        c,
        commitments=[Commitment(**m) for m in commitments],
        extensions=[Extension(**e) for e in extensions],
        delays=[GovernmentDelay(**d) for d in delays],
    )
    out = [
        Problem(ledger_field(p.field, rc), p.rule, p.zh, p.en)
        for p in validate_contract(rc, rules)
        if p.field.startswith(("commitments", "extensions", "government_delays"))
    ]
    for d in delays:
        if d["cause"] and d["cause"] not in GovernmentDelay.Cause.values:
            out.append(
                Problem(
                    "government_delay",
                    "contract.delay_cause_unknown",
                    f"政府原因“{d['cause']}”无法识别（应为第八条所列原因之一）",
                    f"the government cause '{d['cause']}' is not one of Art. 8's causes",
                )
            )
    return out


def _children(row: dict, pol: WarningPolicy) -> tuple[list[dict], list[dict], list[dict]]:
    """The row's commitments (each with the unit of ``pol``, the row's county's warning policy), extensions and
    government delays."""
    g = row.get
    commitments = []
    for kind, (committed, measured) in COMMITMENT_FIELDS.items():
        if g(committed) is not None:
            k = pol.commitment_kinds.get(kind)
            commitments.append(
                {"kind": kind, "committed": g(committed), "unit": k.unit if k else "", "measured": g(measured)}
            )
    extensions = [
        {"milestone": m, "new_date": g(f"extended_{m}")}
        for m in ("start", "completion", "production")
        if g(f"extended_{m}") is not None
    ]
    delays = []
    if g("government_delay") or g("government_delay_evidence"):
        delays.append(
            {
                "cause": delay_cause(g("government_delay") or "", pol),
                "evidence": g("government_delay_evidence") or "",
            }
        )
    return commitments, extensions, delays


def _ledger(problems: list[Problem]) -> list[Problem]:
    return [Problem(LEDGER_FIELD.get(p.field, p.field), p.rule, p.zh, p.en) for p in problems]


def _in_chunks(qs: Any, field: str, values: Iterable[str]) -> list:
    wanted = sorted({v for v in values if v})
    return [o for i in range(0, len(wanted), CHUNK) for o in qs.filter(**{f"{field}__in": wanted[i : i + CHUNK]})]


def _scope_problem(actor: User, field: str, what_zh: str, what_en: str, town: Region) -> Problem:
    where = actor.region.name if getattr(actor, "region_id", None) else "—"
    return Problem(
        field,
        "scope.town",
        f"{what_zh}属于{town.name}，不在您的辖区（{where}）内，不能导入",
        f"{what_en} belongs to {town.name} ({town.code}), outside your region: it cannot be imported",
    )


def _scope_parcels(actor: User, numbers: list[str], known: dict[str, Parcel]) -> tuple[list, list[Problem]]:
    """Parcel numbers -> (the parcels in scope (objects) and unknown numbers, the problems): a parcel outside
    the actor's scope is a scope problem, not a parcel of the row."""
    kept: list = []
    problems: list[Problem] = []
    for n in numbers:
        p = known.get(n)
        if p is not None and not in_scope(actor, p.park.town):
            problems.append(_scope_problem(actor, "parcels", f"地块“{n}”", f"parcel '{n}'", p.park.town))
        else:
            kept.append(p if p is not None else n)  # an unknown number is reported by resolve_parcels
    return kept, problems


def _contract_row_problems(
    actor: User, c: Contract, values: dict[str, Any], known: dict[str, Parcel], children: tuple, pols: TownPolicies
) -> tuple[list[Parcel], list[Problem]]:
    """Put the row's ``values`` on ``c`` (a copy of the registered contract, or a new one); return its parcels
    and what is wrong with the row: scope, the contract's checks and rules, its commitments, extensions and
    delays."""
    problems: list[Problem] = []
    if "parcels" in values:
        values["parcels"], problems = _scope_parcels(actor, values["parcels"], known)
    with transaction.atomic():  # prepare_contract only reads; the savepoint keeps a failed read from spoiling the plan
        parcels, found = prepare_contract(actor, c, values)
        if problems:  # parcels outside scope: not also "no parcel"
            found = [p for p in found if p.rule != "contract.no_parcel_or_town"]
        rules = pols.of_code(c.town.code if c.town_id else None)  # the county of the row's contract's town (no query)
        commitments, extensions, delays = children
        problems += contract_problems(c, found, rules) + _child_problems(c, commitments, extensions, delays, rules)
    if c.town_id and not in_scope(actor, c.town):  # another county's (or town's) row: only that is said of it
        scope = [p for p in problems if p.rule == "scope.town"]
        return parcels, scope or [_scope_problem(actor, "town", "该合同", "the contract", c.town)]
    return parcels, problems


def _town_problems(named: Any, c: Contract, parcels: list[Parcel]) -> list[Problem]:
    """A row naming a town (a ``Region``) other than the town of its parcels."""
    if not (isinstance(named, Region) and parcels and c.town_id and named.pk != c.town_id):
        return []
    return [
        Problem(
            "town",
            "contract.town_mismatch",
            f"所属镇街“{named.name}”与地块所在的{c.town.name}不一致",
            f"the town {named.name} is not the town of the parcels ({c.town.name})",
        )
    ]


def _duplicate_problem(number: str) -> Problem:
    return Problem(
        "number",
        "contract.duplicate_row",
        f"合同编号“{number}”在本台账中重复",
        f"the contract number '{number}' appears twice in this ledger",
    )


def _row_county(r: dict, values: dict, current: Contract | None, known: dict[str, Parcel], town: Any) -> str | None:
    """The code of the town the row's contract will belong to (its county's warning policy reads the row): the
    registered contract's town, else its first known parcel's, else the town it names, else the import's town."""
    if current is not None and current.town_id:
        return current.town.code
    parcel = next((known[n] for n in values.get("parcels") or () if isinstance(n, str) and n in known), None)
    if parcel is not None:
        return parcel.park.town.code
    for named in (r.get("town"), town):
        if isinstance(named, Region):
            return named.code
    return None


def _plan_row(
    actor: User,
    r: dict,
    current: Contract | None,
    known: dict[str, Parcel],
    *,
    town: Any,
    mark_unchanged: bool,
    repeated: bool,
    pols: TownPolicies,
) -> ContractRowPlan:
    """One row's plan. ``repeated``: an earlier row of the ledger has the same contract number. ``pols``: the
    counties' warning policies, read once per import."""
    values = _values(r)
    commitments, extensions, delays = _children(r, pols.of_code(_row_county(r, values, current, known, town)))
    number = values["number"]
    plan = ContractRowPlan(
        r.get("_row", 0), r.get("_sheet", ""), number, CREATE, values, commitments, extensions, delays
    )
    if current is not None and not in_scope(actor, current.town):  # say so and nothing more about it
        plan.action = INVALID
        plan.problems = _ledger(
            [_scope_problem(actor, "number", f"合同“{number}”", f"contract '{number}'", current.town)]
        )
        return plan
    if current is None and town is not None and "parcels" not in values and "town" not in values:
        values["town"] = town
    c = copy_contract(current) if current else Contract()
    parcels, problems = _contract_row_problems(actor, c, values, known, (commitments, extensions, delays), pols)
    problems += _town_problems(r.get("town"), c, parcels)
    if repeated:
        problems.append(_duplicate_problem(number))
    if current is not None:
        row_diff = diff(plan, current, c, parcels)
        plan.changes, plan.adds, plan.contract_changed = row_diff.changes, row_diff.adds, row_diff.contract_changed
        problems = [p for p in problems if p.rule != "field.unique"] + row_diff.problems
        plan.action = UPDATE if plan.changes or not mark_unchanged else UNCHANGED
    else:
        plan.adds = {
            "commitments": len(commitments),
            "measures": 0,
            "extensions": len(extensions),
            "delays": len(delays),
        }
    if problems:
        plan.action, plan.problems = INVALID, _ledger(problems)
    return plan


def contracts_plan(
    rows: list[dict],
    *,
    actor: User,
    town: Any = None,
    mark_unchanged: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[ContractRowPlan]:
    """Check every row without writing: what would be created or updated, and each row's problems."""
    require_write(actor, Area.CONTRACTS)
    existing = {
        c.number: c
        for c in _in_chunks(
            Contract.objects.select_related("town", "holder").prefetch_related(
                "parcels", "commitments", "extensions", "government_delays"
            ),
            "number",
            (str(r.get("contract_number") or "").strip() for r in rows),
        )
    }
    known = {
        p.number: p
        for p in _in_chunks(
            Parcel.objects.select_related("park__town"),
            "number",
            (n for r in rows for n in SPLIT.split(str(r.get("parcel_number") or ""))),
        )
    }
    seen: set[str] = set()
    out = []
    pols = TownPolicies()  # each row read by its county's warning policy (本县政策), read once
    for i, r in enumerate(rows, 1):
        number = str(r.get("contract_number") or "").strip()
        current = existing.get(number)
        out.append(
            _plan_row(
                actor,
                r,
                current,
                known,
                town=town,
                mark_unchanged=mark_unchanged,
                repeated=number in seen,
                pols=pols,
            )
        )
        if current is None or in_scope(actor, current.town):  # a contract outside scope does not count as seen
            seen.add(number)
        if progress and (i % 200 == 0 or i == len(rows)):
            progress("plan", i, len(rows))
    return out


def _row_errors(plan: ContractRowPlan, exc: RuleError) -> RuleError:
    return RuleError(
        [
            Problem(LEDGER_FIELD.get(q.field, q.field), q.rule, f"第{plan.row}行：{q.zh}", f"row {plan.row}: {q.en}")
            for q in exc.problems
        ]
    )


@transaction.atomic
def contracts_apply(
    plans: list[ContractRowPlan], *, actor: User, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Write a plan with no invalid row (else ``RuleError`` naming the rows); returns the counts."""
    bad = [p for p in plans if p.action == INVALID]
    if bad:
        raise RuleError(
            [Problem(q.field, q.rule, f"第{p.row}行：{q.zh}", f"row {p.row}: {q.en}") for p in bad for q in p.problems]
        )
    counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, "commitments": 0, "measures": 0, "extensions": 0, "delays": 0}
    with policies_held():  # each row's services check it by its county's policy: read once for the whole file
        for i, p in enumerate(plans, 1):
            try:
                _apply(p, actor, counts)
            except RuleError as exc:
                raise _row_errors(p, exc) from None
            if progress and (i % 200 == 0 or i == len(plans)):
                progress("write", i, len(plans))
    return counts


def _apply(p: ContractRowPlan, actor: User, counts: dict[str, int]) -> None:
    counts[p.action] += 1
    if p.action == UNCHANGED:
        return
    if p.action == CREATE:
        c = contract_create(actor=actor, **p.values)
    else:
        c = Contract.objects.select_related("town").get(number=p.number)
        if p.contract_changed:
            c = contract_update(actor=actor, contract=c, **{k: v for k, v in p.values.items() if k != "number"})
    p.contract_id = c.pk
    have = {m.kind: m for m in c.commitments.all()}
    for m in p.commitments:
        if m["kind"] in have:
            if m.get("measured") is not None and have[m["kind"]].measured != m["measured"]:
                commitment_measure(actor=actor, commitment=have[m["kind"]], measured=m["measured"])
                counts["measures"] += 1
            continue
        commitment_add(actor=actor, contract=c, **m)
        counts["commitments"] += 1
    dates = {(e.milestone, e.new_date) for e in c.extensions.all()}
    for e in p.extensions:
        if (e["milestone"], e["new_date"]) not in dates:
            extension_add(actor=actor, contract=c, **e)
            counts["extensions"] += 1
    causes = {(d.cause, d.evidence) for d in c.government_delays.all()}
    for d in p.delays:
        if (d["cause"], d["evidence"]) not in causes:
            government_delay_add(actor=actor, contract=c, **d)
            counts["delays"] += 1
