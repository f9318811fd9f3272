"""What is recorded on a case as it runs: its steps (环节), its leftover items (遗留物), money, and files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, BinaryIO

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.audit.services import snapshot
from landcycle.kit import uploads
from landcycle.registry.checks import field_problems, raise_if
from landcycle.rules.problems import Problem
from landcycle.supervision.checks import to_date, to_decimal

from ..models import Case, CaseFile, CaseStep, LeftoverItem, MoneyItem
from .common import audited, not_before_opening, problem, require_case_write, require_open

FOLDER = "exits"
ALLOWED = uploads.Allowed(
    frozenset({"jpg", "jpeg", "png", "webp", "heic", "pdf", "doc", "docx", "xls", "xlsx", "ofd", "wps"}),
    max_files=20,
    max_mb=20,
    kinds_zh="照片和文档",
)
VACATING_STEPS = {"notice", "survey", "talk", "meeting", "mediation", "agreement", "cleared"}
TAKEBACK_STEPS = {"decision", "notice", "hearing", "survey", "talk", "meeting", "cleared"}
ITEM_FIELDS = {
    "category",
    "description",
    "quantity",
    "unit",
    "location",
    "claimed_owner",
    "claimed_owner_name",
    "determined_owner",
    "determined_owner_name",
    "determined_how",
    "determined_on",
    "disposal",
    "disposal_date",
    "disposal_cost_wan",
    "cost_payer",
    "contractor",
    "manifest_number",
}
ITEM_DATES = {"determined_on", "disposal_date"}


def _text(values: dict[str, Any], name: str) -> str:
    v = values.get(name)
    return "" if v is None else str(v).strip()


def step_problems(case: Case, step: CaseStep) -> list[Problem]:
    allowed = TAKEBACK_STEPS if case.kind == Case.Kind.TAKEBACK else VACATING_STEPS
    out = not_before_opening(case, "date", step.date, "环节日期", "the step's date")
    if step.kind == CaseStep.Kind.HANDOVER:
        out.append(
            problem("kind", "handover_is_closing", "验收移交请用“验收移交”办理", "hand over with the handover form")
        )
    elif step.kind not in allowed:
        out.append(
            problem(
                "kind",
                "step_not_for_kind",
                f"{case.get_kind_display()}案件没有“{step.get_kind_display()}”环节",
                f"a {case.kind} case has no '{step.kind}' step",
            )
        )
    if step.kind == CaseStep.Kind.MEDIATION:
        if not step.mediation:
            out.append(
                problem(
                    "mediation", "mediation_kind", "请选择人民调解或司法调解", "choose people's or judicial mediation"
                )
            )
        elif step.mediation == CaseStep.Mediation.JUDICIAL and not (step.court and step.court_case_number):
            out.append(
                problem(
                    "court_case_number",
                    "judicial_without_court",
                    "司法调解须填写法院和案号",
                    "judicial mediation needs the court and its case number",
                )
            )
    if step.kind == CaseStep.Kind.CLEARED:
        open_items = [i.description for i in case.items.all() if not i.disposal]
        if open_items:
            out.append(
                problem(
                    "kind",
                    "cleared_with_items",
                    f"还有{len(open_items)}项遗留物未处置（{'、'.join(open_items[:3])}），不能登记场地清理完毕",
                    f"{len(open_items)} leftover item(s) not yet disposed of: the site is not cleared",
                )
            )
    return out


@transaction.atomic
def step_add(*, actor: User, case: Case, kind: str, date: Any, **values: Any) -> CaseStep:
    """One step as it happened (steps repeat: eight surveys are eight steps). A "cleared" step needs every
    leftover item disposed of; the handover is :func:`case_close`."""
    require_case_write(actor, case)
    require_open(case)
    problems: list[Problem] = []
    step = CaseStep(
        case=case,
        kind=kind,
        date=to_date("date", date, problems),
        created_by=actor,
        **{
            k: _text(values, k)
            for k in ("people", "place", "minutes", "mediation", "court", "court_case_number", "outcome")
        },
    )
    if step.date is not None:
        problems += step_problems(case, step)
    named = {p.field for p in problems}
    problems += [p for p in field_problems(step, exclude=["case", "created_by"]) if p.field not in named]
    raise_if(problems)
    step.save()
    audited(actor, step, "exits.step_add", None, case)
    return step


def item_problems(item: LeftoverItem) -> list[Problem]:
    """An item's own rules: a quantity has its unit, an owner decision says how it was decided, hazardous
    waste goes to a licensed contractor with a transfer manifest (危险废物转移联单)."""
    out = []
    if item.quantity is not None and not item.unit:
        out.append(
            problem(
                "unit", "quantity_without_unit", f"数量{item.quantity}缺少单位", f"quantity {item.quantity} has no unit"
            )
        )
    if item.quantity is not None and item.quantity < 0:
        out.append(problem("quantity", "negative_quantity", "数量不能为负数", "the quantity cannot be negative"))
    if item.determined_owner and not item.determined_how:
        out.append(
            problem(
                "determined_how",
                "owner_without_how",
                "认定归属须写明认定方式（协商一致、调解或裁判）",
                "an owner decision needs how it was decided (agreement, mediation or ruling)",
            )
        )
    if item.determined_how and not item.determined_owner:
        out.append(problem("determined_owner", "how_without_owner", "请选择认定归属", "choose the determined owner"))
    if item.category == LeftoverItem.Category.HAZARDOUS and item.disposal:
        if item.disposal != LeftoverItem.Disposal.CONTRACTOR or not (item.contractor and item.manifest_number):
            out.append(
                problem(
                    "manifest_number",
                    "hazardous_without_manifest",
                    "危险废物须交有资质的处置单位处置，并填写处置单位和危险废物转移联单号",
                    "hazardous waste goes to a licensed contractor: give the contractor and the transfer manifest number",
                )
            )
    if item.disposal_date and not item.disposal:
        out.append(
            problem("disposal", "date_without_disposal", "请选择处置方式", "choose how the item was disposed of")
        )
    return out


def _apply_item(item: LeftoverItem, values: dict[str, Any], problems: list[Problem]) -> None:
    unknown = set(values) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"cannot set {sorted(unknown)}")
    for name, value in values.items():
        if name in ITEM_DATES:
            setattr(item, name, to_date(name, value, problems))
        elif name in ("quantity", "disposal_cost_wan"):
            setattr(item, name, to_decimal(name, value, problems, 2))
        else:
            setattr(item, name, "" if value is None else str(value).strip())


def _save_item(actor: User, item: LeftoverItem, problems: list[Problem], action: str, before: dict | None) -> None:
    problems += item_problems(item)
    named = {p.field for p in problems}
    problems += [p for p in field_problems(item, exclude=["case"]) if p.field not in named]
    raise_if(problems)
    item.save()
    audited(actor, item, action, before, item.case)


@transaction.atomic
def item_add(*, actor: User, case: Case, **values: Any) -> LeftoverItem:
    require_case_write(actor, case)
    require_open(case)
    item = LeftoverItem(case=case)
    problems: list[Problem] = []
    _apply_item(item, values, problems)
    _save_item(actor, item, problems, "exits.item_add", None)
    return item


@transaction.atomic
def item_update(*, actor: User, item: LeftoverItem, **values: Any) -> LeftoverItem:
    """The owner decided (认定归属), the item disposed of (处置), or any other correction of an open case's item."""
    case = item.case
    require_case_write(actor, case)
    require_open(case)
    before = snapshot(item)
    problems: list[Problem] = []
    _apply_item(item, values, problems)
    _save_item(actor, item, problems, "exits.item_update", before)
    return item


@transaction.atomic
def money_add(*, actor: User, case: Case, kind: str, amount_wan: Any, **values: Any) -> MoneyItem:
    require_case_write(actor, case)
    problems: list[Problem] = []
    money = MoneyItem(
        case=case,
        kind=kind,
        amount_wan=to_decimal("amount_wan", amount_wan, problems, 2),
        payer=_text(values, "payer"),
        paid=bool(values.get("paid")),
        date=to_date("date", values.get("date"), problems),
        note=_text(values, "note"),
    )
    if money.amount_wan is not None and money.amount_wan <= 0:
        problems.append(problem("amount_wan", "amount_not_positive", "金额应大于0", "the amount must be above 0"))
    named = {p.field for p in problems}
    problems += [p for p in field_problems(money, exclude=["case"]) if p.field not in named]
    raise_if(problems)
    money.save()
    audited(actor, money, "exits.money_add", None, case)
    return money


@transaction.atomic
def money_paid(*, actor: User, money: MoneyItem, on: dt.date | None) -> MoneyItem:
    require_case_write(actor, money.case)
    before = snapshot(money)
    money.paid, money.date = True, on or money.date
    money.save()
    audited(actor, money, "exits.money_paid", before, money.case)
    return money


@transaction.atomic
def files_attach(
    *, actor: User, case: Case, files: Sequence[Any], step: CaseStep | None = None, item: LeftoverItem | None = None
) -> list[CaseFile]:
    """Photos and documents of a case (of one of its steps or items), checked and stored by their SHA-256."""
    require_case_write(actor, case)
    raise_if(uploads.upload_problems(files, ALLOWED))
    out = []
    for f in files:
        stored = uploads.store(f, FOLDER)
        cf = CaseFile.objects.create(
            case=case,
            step=step,
            item=item,
            name=stored.name,
            extension=stored.extension,
            size=stored.size,
            sha256=stored.sha256,
            path=stored.path,
            uploaded_by=actor,
        )
        audited(actor, cf, "exits.file_attach", None, case)
        out.append(cf)
    return out


def open_file(path: str) -> BinaryIO:
    return uploads.open_stored(path, FOLDER)
