"""A supervision ``Report`` as plain JSON-ready data (dates ISO, money as "120.00" strings)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from .contract import KINDS
from .findings import Finding, money
from .run import Report, SupervisedRow


def plain(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v, "f")
    if isinstance(v, Fraction):
        return format(Decimal(v.numerator) / Decimal(v.denominator), "f")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return v


def finding_dict(f: Finding) -> dict:
    return {
        "rule": f.rule,
        "colour": f.colour,
        "reason_zh": f.zh,
        "reason_en": f.en,
        "days_overdue": f.days_overdue,
        "fee_wan": plain(f.fee_wan),
        "take_back": f.take_back,
        "exempt": f.exempt,
        "figures": plain(f.figures),
    }


def contract_dict(s: SupervisedRow) -> dict:
    c, a = s.contract, s.assessment
    return {
        "sheet": s.sheet,
        "row": s.row,
        "number": c.number,
        "holder": c.holder,
        "project": c.project,
        "location": c.location,
        "land_use": c.land_use,
        "kind": c.kind,
        "kind_zh": KINDS[c.kind][0],
        "price_wan": plain(c.price_wan),
        "area_m2": plain(c.area_m2),
        "signed_on": plain(c.signed_on),
        "agreed_start": plain(c.agreed("start")),
        "actual_start": plain(c.actual_start),
        "agreed_completion": plain(c.agreed("completion")),
        "actual_completion": plain(c.actual_completion),
        "colour": a.colour,
        "rules": a.rules,
        "days_overdue": a.days_overdue,
        "idle": a.idle,
        "idle_fee_wan": plain(a.fee_wan),
        "take_back": a.take_back,
        "exempt": a.exempt,
        "findings": [finding_dict(f) for f in a.findings],
        "unchecked": [{"rule": u.rule, "reason_zh": u.zh, "reason_en": u.en} for u in a.unchecked],
    }


def report_dict(r: Report, source_name: str = "") -> dict:
    s = r.summary()
    s["fees_wan"] = format(money(s["fees_wan"]), "f")
    return {
        "as_of": r.as_of.isoformat(),
        "policy": {"name": r.policy.name, "version": r.policy.version, "hash": r.policy.hash},
        "source": {"file": source_name, **r.source},
        "selection": r.selection,
        "summary": s,
        "notes": [{"zh": z, "en": e} for z, e in r.notes],
        "contracts": [contract_dict(x) for x in r.supervised],
        "problems": [
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": p.value,
                "rule": p.rule,
                "field": p.field,
                "message": p.message,
                "message_zh": p.zh,
                "message_en": p.en,
            }
            for p in r.problems
        ],
    }
