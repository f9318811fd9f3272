"""Applications: register, update a draft (or a returned one), submit (the check against the rules in force
that day), attach documents. Refused writes raise ``RuleError`` naming the field; nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write, scoped
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.kit import uploads
from landcycle.registry.checks import field_problems, raise_if
from landcycle.registry.models import Enterprise, Parcel, Park
from landcycle.rules.admission.application import FIGURE_FIELDS, figure_problems
from landcycle.rules.admission.application import Application as Figures
from landcycle.rules.admission.check import check
from landcycle.rules.admission.serialise import rule_dict
from landcycle.rules.codes import industry_problems, normalize_uscc, uscc_problems
from landcycle.rules.problems import Problem, RuleError
from landcycle.rules.units import m2_to_mu
from landcycle.supervision.checks import resolve_parcels, to_date, to_decimal

from ..models import Application, Document, Revision
from .rules import park_rules

DATE_NAMES = ("planned_delivery", "planned_start", "planned_completion", "planned_production")
TEXT_NAMES = ("number", "project", "applicant_name", "applicant_uscc", "industry_code", "note")
PLACES = {"land_mu": 4, "emissions_t": 3}
EDITABLE = {*TEXT_NAMES, *FIGURE_FIELDS, *DATE_NAMES, "park", "enterprise", "parcels"}
OPEN = (Application.Status.DRAFT, Application.Status.RETURNED)
DOCUMENT_FOLDER = "admission"
# an application's documents (可研报告, 环评, 用地预审…): office files, PDFs and photos, one at a time, ≤ 20 MB
DOCUMENTS = uploads.Allowed(
    frozenset({"pdf", "png", "jpg", "jpeg", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd"}), 1, 20
)


def application_snapshot(a: Application) -> dict[str, Any]:
    return {**snapshot(a), "parcels": sorted(a.parcels.values_list("number", flat=True)) if a.pk else []}


def figures_of(a: Application, on: dt.date | None = None) -> Figures:
    values = {k: (None if getattr(a, k) is None else Decimal(getattr(a, k))) for k in FIGURE_FIELDS}
    return Figures(industry_code=a.industry_code, applied_on=on, **values)


def figures_dict(a: Application) -> dict[str, Any]:
    """The figures as submitted, JSON-ready (numbers as text, dates ISO)."""
    out: dict[str, Any] = {
        k: None if getattr(a, k) is None else format(Decimal(getattr(a, k)).normalize(), "f") for k in FIGURE_FIELDS
    }
    out.update({k: None if getattr(a, k) is None else getattr(a, k).isoformat() for k in DATE_NAMES})
    out.update(
        industry_code=a.industry_code,
        park=a.park.code,
        park_kind=a.park.kind,
        applicant=a.applicant,
        parcels=sorted(a.parcels.values_list("number", flat=True)),
    )
    return out


def _park(actor: User, value: Any, problems: list[Problem]) -> Park | None:
    if isinstance(value, Park):
        return value
    text = str(value or "").strip()
    found = scoped(Park.objects.select_related("town"), actor).filter(code=text).first() if text else None
    if found is None:
        problems.append(
            Problem(
                "park",
                "admission.unknown_park",
                f"在您的辖区内找不到园区“{text}”" if text else "请选择拟入园区",
                f"no park '{text}' in your region" if text else "choose the park",
            )
        )
    return found


def _enterprise(actor: User, value: Any, problems: list[Problem]) -> Enterprise | None:
    if value is None or isinstance(value, Enterprise):
        return value
    text = str(value).strip()
    if not text:
        return None
    qs = scoped(Enterprise.objects.all(), actor)
    found = qs.filter(uscc=normalize_uscc(text)).first() or qs.filter(name=text).first()
    if found is None:
        problems.append(
            Problem(
                "enterprise",
                "admission.unknown_enterprise",
                f"在您的辖区内找不到企业“{text}”；新设企业请填写申请单位名称和统一社会信用代码",
                f"no enterprise '{text}' in your region; for a new firm give its name and credit code",
            )
        )
    return found


def _put(actor: User, a: Application, values: dict[str, Any]) -> tuple[list[Parcel] | None, list[Problem]]:
    unknown = set(values) - EDITABLE
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    problems: list[Problem] = []
    for name in TEXT_NAMES:
        if name in values:
            setattr(a, name, str(values[name] or "").strip())
    for name in FIGURE_FIELDS:
        if name in values:
            v = to_decimal(name, values[name], problems, PLACES.get(name, 2))
            setattr(a, name, int(v) if name == "staff" and v is not None else v)
    for name in DATE_NAMES:
        if name in values:
            setattr(a, name, to_date(name, values[name], problems))
    if "park" in values:
        park = _park(actor, values["park"], problems)
        if park is not None:
            a.park, a.town = park, park.town
    if "enterprise" in values:
        a.enterprise = _enterprise(actor, values["enterprise"], problems)
    parcels = resolve_parcels(actor, values["parcels"], problems) if "parcels" in values else None
    return parcels, problems


def _problems(a: Application, parcels: list[Parcel] | None) -> list[Problem]:
    """What cannot be right in a draft: the applicant, the codes, the figures, parcels outside the park."""
    out: list[Problem] = []
    if a.enterprise_id is None:
        if not a.applicant_name:
            out.append(
                Problem(
                    "applicant_name",
                    "admission.no_applicant",
                    "请选择已登记企业，或填写新设企业的名称和统一社会信用代码",
                    "choose a registered enterprise, or give the new firm's name and credit code",
                )
            )
        if a.applicant_uscc:
            a.applicant_uscc = normalize_uscc(a.applicant_uscc)
            out += uscc_problems(a.applicant_uscc, "applicant_uscc")
    if a.industry_code:
        out += industry_problems(a.industry_code)
    if a.park_id is not None:
        for p in parcels or ():
            if p.park_id != a.park_id:
                out.append(
                    Problem(
                        "parcels",
                        "admission.parcel_not_in_park",
                        f"地块{p.number}不在{a.park}内",
                        f"parcel {p.number} is not in park {a.park.code}",
                    )
                )
    out += figure_problems(figures_of(a))
    named = {p.field for p in out}
    return out + [p for p in field_problems(a, exclude=["town", "park"]) if p.field not in named]


def _save(actor: User, a: Application, parcels: list[Parcel] | None, action: str, before: dict | None) -> None:
    a.save()
    if parcels is not None:
        a.parcels.set(parcels)
    audit_record(
        actor=actor, action=action, obj=a, region_code=a.town.code, before=before, after=application_snapshot(a)
    )


@transaction.atomic
def application_register(*, actor: User, **values: Any) -> Application:
    """A new application (草稿) for a park in the actor's town."""
    require_write(actor, Area.ADMISSION)
    a = Application(created_by=actor)
    parcels, problems = _put(actor, a, values)
    if a.park_id is None:
        raise_if(problems or [Problem("park", "admission.unknown_park", "请选择拟入园区", "choose the park")])
    require_write(actor, Area.ADMISSION, a.town, field="park")
    raise_if(problems + _problems(a, parcels))
    _save(actor, a, parcels, "admission.register", None)
    return a


@transaction.atomic
def application_update(
    *, actor: User, application: Application, expected_version: int | None = None, **values: Any
) -> Application:
    """Change a draft or a returned application (a submitted or decided one is not changed)."""
    a = application
    require_write(actor, Area.ADMISSION, a.town, field="park")
    _require_open(a)
    before = application_snapshot(a)
    claim_version(a, expected_version)
    parcels, problems = _put(actor, a, values)
    require_write(actor, Area.ADMISSION, a.town, field="park")
    raise_if(problems + _problems(a, parcels))
    _save(actor, a, parcels, "admission.update", before)
    return a


def _require_open(a: Application) -> None:
    if a.status not in OPEN:
        raise RuleError(
            [
                Problem(
                    "status",
                    "admission.not_open",
                    f"申请状态为“{a.get_status_display()}”，不能修改或提交",
                    f"the application is {a.status}: it cannot be changed or submitted",
                )
            ]
        )


def submit_problems(a: Application, day: dt.date) -> list[Problem]:
    """Why ``a`` cannot be checked: figures that cannot be right, land larger than the parcels, an unknown
    industry code, a park without rules."""
    parcels = list(a.parcels.all())
    parcel_mu = sum((m2_to_mu(p.area_m2) for p in parcels), start=Decimal(0)) if parcels else None
    out = figure_problems(figures_of(a, day), parcel_mu)
    if a.land_mu is None and parcels:
        a.land_mu = parcel_mu
    if a.land_mu is None:
        out.append(Problem("land_mu", "admission.no_land", "请填写申请用地面积或申请地块", "give the land asked"))
    if a.industry_code:
        out += industry_problems(a.industry_code)
    rules, _rs = park_rules(a.park, day)
    if rules.is_empty:
        out.append(
            Problem(
                "park",
                "admission.no_rules",
                f"园区“{a.park}”没有准入规则，无法审查",
                f"the park {a.park.code} has no entry rules: the application cannot be checked",
            )
        )
    return out


@transaction.atomic
def application_submit(
    *, actor: User, application: Application, on: dt.date | None = None, expected_version: int | None = None
) -> Revision:
    """Submit (or resubmit a returned one): the figures checked against the rules in force ``on`` (today by
    default), kept with the rules' version and hash as a new revision."""
    a = application
    require_write(actor, Area.ADMISSION, a.town, field="park")
    _require_open(a)
    day = on or timezone.localdate()
    raise_if(submit_problems(a, day))
    before = application_snapshot(a)
    claim_version(a, expected_version)
    rules, rs = park_rules(a.park, day)
    verdict = check(figures_of(a, day), rules)
    number = (a.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    rev = Revision.objects.create(
        application=a,
        number=number,
        submitted_on=day,
        submitted_by=actor,
        figures=figures_dict(a),
        rule_set=rs,
        rules_version=verdict.version,
        rules_hash=verdict.hash,
        passed=verdict.passed,
        results=[rule_dict(r) for r in verdict.results],
    )
    a.status = Application.Status.SUBMITTED
    a.save()
    audit_record(
        actor=actor, action="admission.submit", obj=a, region_code=a.town.code, before=before, after=snapshot(a)
    )
    audit_record(
        actor=actor,
        action="admission.check",
        obj=rev,
        region_code=a.town.code,
        after={k: v for k, v in snapshot(rev).items() if k not in ("results", "figures")},
    )
    return rev


@transaction.atomic
def document_attach(*, actor: User, application: Application, name: str, content: bytes) -> Document:
    """A document attached to the application, stored under ``admission/`` of the uploads storage by its SHA-256."""
    a = application
    require_write(actor, Area.ADMISSION, a.town, field="file")
    upload = ContentFile(content, name=name or "file")
    raise_if(uploads.upload_problems([upload], DOCUMENTS))
    stored = uploads.store(upload, DOCUMENT_FOLDER)
    doc = Document.objects.create(
        application=a,
        name=stored.name,
        extension=stored.extension,
        size=stored.size,
        sha256=stored.sha256,
        path=stored.path,
        uploaded_by=actor,
    )
    audit_record(actor=actor, action="admission.document", obj=doc, region_code=a.town.code, after=snapshot(doc))
    return doc
