"""The county's joint review (联审): each department's opinion, the decision, and signing the land contract of
an admitted project (supervision starts that day)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.registry.checks import raise_if
from landcycle.rules.admission.application import FIGURE_FIELDS
from landcycle.rules.admission.application import Application as Figures
from landcycle.rules.admission.metrics import METRICS
from landcycle.rules.problems import Problem, RuleError
from landcycle.supervision.models import Contract
from landcycle.supervision.services.commitments import commitment_add
from landcycle.supervision.services.contracts import contract_create

from ..models import Application, Decision, Opinion, Revision
from .rules import require_county

S = Application.Status


def _refuse(field: str, rule: str, zh: str, en: str) -> RuleError:
    return RuleError([Problem(field, rule, zh, en)])


def _under_review(a: Application) -> Revision:
    rev = a.revisions.order_by("-number").first()
    if a.status != S.SUBMITTED or rev is None:
        raise _refuse(
            "status",
            "admission.not_under_review",
            f"申请状态为“{a.get_status_display()}”，不在审查中",
            f"the application is {a.status}, not under review",
        )
    return rev


@transaction.atomic
def opinion_record(*, actor: User, application: Application, department: str, opinion: str, text: str = "") -> Opinion:
    """One department's opinion on the revision under review (recorded again: replaced, both kept in the audit).
    "有条件同意" and "不同意" say why."""
    require_county(actor)
    a = application
    rev = _under_review(a)
    problems = []
    if department not in Opinion.Department.values:
        problems.append(Problem("department", "admission.department", "请选择部门", "choose the department"))
    if opinion not in Opinion.Kind.values:
        problems.append(Problem("opinion", "admission.opinion", "请选择意见", "choose the opinion"))
    if opinion in (Opinion.Kind.CONDITIONAL, Opinion.Kind.DISAGREE) and not text.strip():
        problems.append(
            Problem(
                "text",
                "admission.opinion_text",
                "有条件同意或不同意时请写明条件或理由",
                "a conditional or negative opinion says its conditions or reasons",
            )
        )
    raise_if(problems)
    o = Opinion.objects.filter(revision=rev, department=department).first()
    before = snapshot(o) if o else None
    if o is None:
        o = Opinion(application=a, revision=rev, department=department)
    o.opinion, o.text, o.by = opinion, text.strip(), actor
    o.save()
    audit_record(
        actor=actor, action="admission.opinion", obj=o, region_code=a.town.code, before=before, after=snapshot(o)
    )
    return o


def _decision_problems(rev: Revision, outcome: str, reason: str, exception: bool) -> list[Problem]:
    out = []
    if outcome not in Decision.Outcome.values:
        out.append(Problem("outcome", "admission.outcome", "请选择决定", "choose the decision"))
    if not reason.strip():
        out.append(Problem("reason", "admission.reason", "请写明决定理由", "give the reason of the decision"))
    if outcome != Decision.Outcome.ADMITTED:
        return out
    have = {o.department: o.opinion for o in rev.opinions.all()}
    missing = [label for value, label in Opinion.Department.choices if value not in have]
    if missing:
        out.append(
            Problem(
                "outcome",
                "admission.opinions_missing",
                f"准予入园前应有联审各部门意见，尚缺：{'、'.join(str(m) for m in missing)}",
                "admission needs the opinion of every department of the joint review",
            )
        )
    if not rev.passed and not exception:
        names = "、".join(r["name_zh"] for r in rev.failed)
        out.append(
            Problem(
                "exception",
                "admission.failed_rules",
                f"本次审查未通过（{names}）：准予入园须按“一事一议”并写明理由",
                "the check did not pass: admitting it is an exception (一事一议) with its reason",
            )
        )
    if Opinion.Kind.DISAGREE in have.values() and not exception:
        out.append(
            Problem(
                "exception",
                "admission.disagreed",
                "有部门不同意：准予入园须按“一事一议”并写明理由",
                "a department disagreed: admitting it is an exception (一事一议) with its reason",
            )
        )
    return out


@transaction.atomic
def application_decide(
    *,
    actor: User,
    application: Application,
    outcome: str,
    reason: str,
    exception: bool = False,
    on: dt.date | None = None,
) -> Decision:
    """准予入园 / 不予准入 / 退回修改 on the revision under review, with who, when and why."""
    require_county(actor)
    a = application
    rev = _under_review(a)
    raise_if(_decision_problems(rev, outcome, reason, exception))
    d = Decision.objects.create(
        application=a,
        revision=rev,
        outcome=outcome,
        reason=reason.strip(),
        exception=bool(exception and outcome == Decision.Outcome.ADMITTED),
        decided_on=on or timezone.localdate(),
        by=actor,
    )
    before = snapshot(a)
    a.status = {"admitted": S.ADMITTED, "rejected": S.REJECTED, "returned": S.RETURNED}[outcome]
    a.version += 1
    a.save()
    audit_record(
        actor=actor, action=f"admission.{outcome}", obj=a, region_code=a.town.code, before=before, after=snapshot(a)
    )
    audit_record(actor=actor, action="admission.decision", obj=d, region_code=a.town.code, after=snapshot(d))
    return d


# the metrics of an admitted application that become the contract's 标准地 commitments: kind, unit, scale
COMMITTED = {
    "investment_intensity": ("investment_intensity", "万元/亩", Decimal(1)),
    "plot_ratio": ("plot_ratio", "", Decimal(1)),
    "tax_per_mu": ("tax_per_mu", "万元/亩", Decimal(1)),
    "energy_per_value_added": ("energy_per_value_added", "吨标准煤/万元", Decimal(1)),
    "emissions_per_value_added": ("emissions_per_value_added", "吨/万元", Decimal(1)),
    "rd_share": ("rnd_share", "%", Decimal("0.01")),  # the rules speak in %, a commitment keeps a fraction
}


def commitments_of(rev: Revision) -> dict[str, tuple[Decimal, str]]:
    """Commitment kind → (committed value, unit), worked out of the figures of the admitted revision."""
    values: dict[str, Any] = {k: None if rev.figures.get(k) is None else Decimal(rev.figures[k]) for k in FIGURE_FIELDS}
    figures = Figures(industry_code=rev.figures.get("industry_code") or "", **values)
    out = {}
    for metric, (kind, unit, scale) in COMMITTED.items():
        v = METRICS[metric].value(figures)
        if v is not None:
            out[kind] = ((v * scale).quantize(Decimal("0.000001")), unit)
    return out


@transaction.atomic
def contract_sign(
    *, actor: User, application: Application, number: str, signed_on: Any, kind: str = Contract.Kind.STANDARD
) -> Contract:
    """The land contract of an admitted application: its parcels (or town), applicant, planned dates as the agreed
    dates and the committed figures as commitments; supervision (and its warnings) starts from ``signed_on``."""
    a = application
    require_write(actor, Area.CONTRACTS, a.town, field="number")
    if a.status != S.ADMITTED or a.contract_id is not None:
        raise _refuse(
            "status",
            "admission.not_admitted",
            "只有准予入园且尚未签约的申请可以签订合同",
            "only an admitted application without a contract can be signed",
        )
    rev = a.revisions.order_by("-number").first()
    assert rev is not None  # an admitted application was submitted
    parcels = list(a.parcels.all())
    c = contract_create(
        actor=actor,
        number=number,
        holder=a.enterprise,
        holder_name=a.applicant,
        parcels=parcels,
        town=None if parcels else a.town,
        kind=kind,
        project=a.project,
        area_m2=None if a.land_mu is None else (Decimal(a.land_mu) * 10000 / 15).quantize(Decimal("0.01")),
        signed_on=signed_on,
        agreed_delivery=a.planned_delivery,
        agreed_start=a.planned_start,
        agreed_completion=a.planned_completion,
        agreed_production=a.planned_production,
        note=f"由项目准入申请{a.number}转入",
    )
    for kind_, (value, unit) in commitments_of(rev).items():
        commitment_add(actor=actor, contract=c, kind=kind_, committed=value, unit=unit)
    before = snapshot(a)
    a.contract = c
    a.version += 1
    a.save()
    audit_record(
        actor=actor, action="admission.contract", obj=a, region_code=a.town.code, before=before, after=snapshot(a)
    )
    return c
