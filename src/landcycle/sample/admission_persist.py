"""Writing the sample county's admission stage through the admission services (see ``sample.admission``)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from landcycle.admission.models import Opinion
from landcycle.admission.services.applications import application_register, application_submit, application_update
from landcycle.admission.services.review import application_decide, contract_sign, opinion_record
from landcycle.admission.services.rules import ruleset_save, shipped_text
from landcycle.registry.models import Parcel, Park
from landcycle.rules.codes import make_uscc
from landcycle.rules.units import m2_to_mu

from .admission import BRANDS, FIRMS, RULES_FROM, SAMPLES, Sample, good, rules_text

DEPARTMENTS = Opinion.Department.values
ABBR = {"330282112": "XP", "330282109": "QT", "330282114": "HH"}


def _values(s: Sample, i: int, parks: dict, parcel: Parcel | None) -> dict:
    land = s.land if parcel is None else m2_to_mu(parcel.area_m2).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    figures = {**good(land), "tax": (12 + Decimal(i % 6) * Decimal("2.5")) * land, **s.change}
    values = {k: (None if v is None else str(v)) for k, v in figures.items()}
    firm = s.firm or FIRMS[i % len(FIRMS)].format(BRANDS[i % len(BRANDS)])
    values.update(
        number=f"ZR-{ABBR[s.town]}-{s.day.year}-{i + 1:03d}",
        project=s.project,
        park=parks[s.park],
        applicant_name=firm,
        applicant_uscc=make_uscc("91", "330282", f"MA{i + 1:06d}"),
        industry_code=s.industry,
        parcels=[parcel] if parcel else [],
        planned_delivery=s.day + dt.timedelta(days=75),
        planned_start=s.day + dt.timedelta(days=180),
        planned_completion=s.day + dt.timedelta(days=720),
        planned_production=s.day + dt.timedelta(days=1080),
    )
    return values


def _review(admin, a, s: Sample, day: dt.date, n: int = 3) -> None:
    bad = s.fate == "rejected"
    for dep in DEPARTMENTS[:n]:
        kind = "disagree" if bad and dep == "economy" else ("conditional" if s.fate == "exception" else "agree")
        text = s.reason if kind != "agree" else ""
        opinion_record(actor=admin, application=a, department=dep, opinion=kind, text=text)


def _one(admin, officer, s: Sample, i: int, parks: dict, reserve: dict) -> str:
    parcel = reserve[s.park].pop(0) if s.land is None else None
    a = application_register(actor=officer, **_values(s, i, parks, parcel))
    if s.fate == "draft":
        return "draft"
    rev = application_submit(actor=officer, application=a, on=s.day)
    if s.fate == "submitted":
        return "submitted"
    if s.fate == "partial":
        _review(admin, a, s, s.day, n=1 + i % 2)
        return "submitted"
    decided = s.day + dt.timedelta(days=12)
    if s.fate in ("returned", "resubmitted"):
        _review(admin, a, s, decided, n=2)
        application_decide(actor=admin, application=a, outcome="returned", reason=s.reason, on=decided)
        if s.fate == "returned":
            return "returned"
        a.refresh_from_db()
        fixed = {k: str(v) for k, v in good(a.land_mu).items() if k in s.change}
        application_update(actor=officer, application=a, **fixed)
        application_submit(actor=officer, application=a, on=decided + dt.timedelta(days=20))
        return "submitted"
    _review(admin, a, s, decided)
    if s.fate == "rejected":
        assert not rev.passed, s.project
        application_decide(actor=admin, application=a, outcome="rejected", reason=s.reason, on=decided)
        return "rejected"
    exception = s.fate == "exception"
    reason = s.reason or "符合园区准入规则，联审各部门同意"
    application_decide(actor=admin, application=a, outcome="admitted", reason=reason, exception=exception, on=decided)
    if s.fate == "signed":
        signed = decided + dt.timedelta(days=30)
        a.refresh_from_db()
        contract_sign(actor=officer, application=a, number=f"3302822{signed.year}ZR{i + 1:03d}", signed_on=signed)
        return "signed"
    return "admitted"


def persist(admin, officers: dict) -> dict[str, int]:
    names = {s.park for s in SAMPLES}
    by_name = {p.name: p for p in Park.objects.filter(name__in=names)}
    parks = {name: p.code for name, p in by_name.items()}
    reserve = {
        name: list(Parcel.objects.filter(park=p, status=Parcel.Status.RESERVE).order_by("number"))
        for name, p in by_name.items()
    }
    ruleset_save(
        actor=admin,
        text=rules_text(shipped_text(), parks["敦和园区"], parks["横河小微企业园"], parks["新浦小微园区"]),
        effective_from=RULES_FROM,
        note="县准入规则：敦和园区腾退后准入产业、横河小微企业园亩均税收标准",
    )
    counts: dict[str, int] = {}
    for i, s in enumerate(SAMPLES):
        fate = _one(admin, officers[s.town], s, i, parks, reserve)
        counts[fate] = counts.get(fate, 0) + 1
    return counts
