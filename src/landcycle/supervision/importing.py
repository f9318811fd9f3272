"""Contract ledgers into the database — the entry points for the ledgers importer (landcycle.ledgers),
which reads a file with ``rules.supervision.ledger_rows.SUPERVISED_LAND_SUPPLY`` and hands the rows here:

    plans = contracts_plan(result.rows, actor=user, town=None)   # no write; every row checked
    counts = contracts_apply(plans, actor=user)                   # all or nothing, audited per object

A row is a dict of that schema's fields (``contract_number``, ``holder``, ``price``, ``area_m2``,
``contract_date``, ``agreed_start`` …, the commitment pairs, ``extended_*``, ``government_delay``) plus,
when the ledger has them, ``parcel_number`` (one or several, separated by 、 , ; or spaces), ``town`` (a
9-digit code, for rows without parcels) and ``holder_uscc``. ``_row`` / ``_sheet`` locate the row.
Problems name the ledger field (the importer maps it to the column the user saw). After applying, call
``warnings_refresh(actor=user, as_of=<today>, contract_ids=[...])`` (or the full refresh) so that the new
contracts get their warnings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction

from landcycle.rules.problems import Problem, RuleError
from landcycle.rules.supervision import validate_contract
from landcycle.rules.supervision.ledger_rows import COMMITMENT_FIELDS, SUPPLY_KIND, cause_code, ledger_field

from .checks import SPLIT
from .convert import policy, rule_contract
from .models import Commitment, Contract, Extension, GovernmentDelay

CREATE, UPDATE, INVALID = "create", "update", "invalid"
# ledger field -> contract field
ROW_FIELDS = {"contract_number": "number", "holder": "holder_name", "price": "price_wan", "area_m2": "area_m2",
              "contract_date": "signed_on", "project_name": "project", "location": "location", "land_use": "land_use",
              **{n: n for n in ("agreed_delivery", "agreed_start", "agreed_completion", "agreed_production",
                                "actual_delivery", "actual_start", "actual_completion", "actual_production",
                                "developed_area_share", "investment_share", "stopped_since")}}
LEDGER_FIELD = {v: k for k, v in ROW_FIELDS.items()} | {"parcels": "parcel_number", "holder": "holder_uscc",
                                                         "term_years": "term_years", "kind": "kind"}


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


def _values(row: dict, town) -> dict:
    g = row.get
    values = {ROW_FIELDS[k]: g(k) for k in ROW_FIELDS if k in row}
    values["number"] = str(g("contract_number") or "").strip()
    values["holder_name"] = str(g("holder") or "").strip()
    values["kind"] = g("kind") or SUPPLY_KIND.get(g("supply_type") or "", Contract.Kind.GRANT)
    term = re.search(r"\d+", str(g("term_years") or ""))
    if term:
        values["term_years"] = int(term.group())
    if g("parcel_number"):
        values["parcels"] = [p for p in SPLIT.split(str(g("parcel_number"))) if p]
    if g("holder_uscc"):
        values["holder"] = g("holder_uscc")
    if not values.get("parcels") and (g("town") or town):
        values["town"] = g("town") or town
    return values


# words of a ledger's "政府原因" column -> the policy's cause code (Art. 8), first match wins
CAUSE_WORDS = (("交地", "late_delivery"), ("交付", "late_delivery"), ("规划", "plan_change"), ("政策", "policy_change"),
               ("文物", "military_heritage"), ("军事", "military_heritage"), ("不可抗力", "force_majeure"),
               ("灾", "force_majeure"), ("政府", "government_action"))


def delay_cause(text: str) -> str:
    code = cause_code(text or "", policy())
    if code in GovernmentDelay.Cause.values:
        return code
    return next((c for word, c in CAUSE_WORDS if word in code), code)


def _child_problems(c: Contract, commitments, extensions, delays) -> list[Problem]:
    """What the rules say about the row's commitments, extensions and delays (named by ledger field)."""
    rc = rule_contract(c, commitments=[Commitment(**m) for m in commitments],
                       extensions=[Extension(**e) for e in extensions], delays=[GovernmentDelay(**d) for d in delays])
    out = [Problem(ledger_field(p.field, rc), p.rule, p.zh, p.en) for p in validate_contract(rc, policy())
           if p.field.startswith(("commitments", "extensions", "government_delays"))]
    for d in delays:
        if d["cause"] and d["cause"] not in GovernmentDelay.Cause.values:
            out.append(Problem("government_delay", "contract.delay_cause_unknown",
                               f"政府原因“{d['cause']}”无法识别（应为第八条所列原因之一）",
                               f"the government cause '{d['cause']}' is not one of Art. 8's causes"))
    return out


def _children(row: dict) -> tuple[list[dict], list[dict], list[dict]]:
    g, pol = row.get, policy()
    commitments = []
    for kind, (committed, measured) in COMMITMENT_FIELDS.items():
        if g(committed) is not None:
            k = pol.commitment_kinds.get(kind)
            commitments.append({"kind": kind, "committed": g(committed), "unit": k.unit if k else "",
                                "measured": g(measured)})
    extensions = [{"milestone": m, "new_date": g(f"extended_{m}")} for m in ("start", "completion", "production")
                  if g(f"extended_{m}") is not None]
    delays = []
    if g("government_delay") or g("government_delay_evidence"):
        delays.append({"cause": delay_cause(g("government_delay") or ""), "evidence": g("government_delay_evidence") or ""})
    return commitments, extensions, delays


def _ledger(problems: list[Problem]) -> list[Problem]:
    return [Problem(LEDGER_FIELD.get(p.field, p.field), p.rule, p.zh, p.en) for p in problems]


def contracts_plan(rows, *, actor, town=None) -> list[ContractRowPlan]:
    """Check every row without writing: what would be created or updated, and each row's problems."""
    from .services import AREA, _check, _prepare

    from landcycle.accounts.scope import require_write
    require_write(actor, AREA)
    existing = {c.number: c for c in Contract.objects.filter(
        number__in=[str(r.get("contract_number") or "").strip() for r in rows]).select_related("town")}
    seen: set[str] = set()
    out = []
    for r in rows:
        values = _values(r, town)
        commitments, extensions, delays = _children(r)
        number = values["number"]
        current = existing.get(number)
        c = Contract(pk=current.pk, town=current.town) if current else Contract()
        with transaction.atomic():  # _prepare only reads; the savepoint keeps a failed read from spoiling the plan
            parcels, problems = _prepare(actor, c, values)
            try:
                _check(c, problems)
            except RuleError:
                pass
            problems += _child_problems(c, commitments, extensions, delays)
        if number in seen:
            problems.append(Problem("number", "contract.duplicate_row", f"合同编号“{number}”在本台账中重复",
                                    f"the contract number '{number}' appears twice in this ledger"))
        seen.add(number)
        if current is not None:
            problems = [p for p in problems if p.rule != "field.unique"]
        out.append(ContractRowPlan(r.get("_row", 0), r.get("_sheet", ""), number,
                                   INVALID if problems else (UPDATE if current else CREATE), values, commitments,
                                   extensions, delays, _ledger(problems)))
    return out


@transaction.atomic
def contracts_apply(plans: list[ContractRowPlan], *, actor) -> dict[str, int]:
    """Write a plan with no invalid row (else ``RuleError`` naming the rows); returns the counts."""
    from . import services

    bad = [p for p in plans if p.action == INVALID]
    if bad:
        raise RuleError([Problem(q.field, q.rule, f"第{p.row}行：{q.zh}", f"row {p.row}: {q.en}")
                         for p in bad for q in p.problems])
    counts = {CREATE: 0, UPDATE: 0, "commitments": 0, "extensions": 0, "delays": 0}
    for p in plans:
        if p.action == CREATE:
            c = services.contract_create(actor=actor, **p.values)
        else:
            c = Contract.objects.select_related("town").get(number=p.number)
            values = {k: v for k, v in p.values.items() if k != "number"}
            c = services.contract_update(actor=actor, contract=c, **values)
        counts[p.action] += 1
        have = {m.kind: m for m in c.commitments.all()}
        for m in p.commitments:
            if m["kind"] in have:
                if m.get("measured") is not None and have[m["kind"]].measured != m["measured"]:
                    services.commitment_measure(actor=actor, commitment=have[m["kind"]], measured=m["measured"])
                continue
            services.commitment_add(actor=actor, contract=c, **m)
            counts["commitments"] += 1
        dates = {(e.milestone, e.new_date) for e in c.extensions.all()}
        for e in p.extensions:
            if (e["milestone"], e["new_date"]) not in dates:
                services.extension_add(actor=actor, contract=c, **e)
                counts["extensions"] += 1
        causes = {(d.cause, d.evidence) for d in c.government_delays.all()}
        for d in p.delays:
            if (d["cause"], d["evidence"]) not in causes:
                services.government_delay_add(actor=actor, contract=c, **d)
                counts["delays"] += 1
    return counts
