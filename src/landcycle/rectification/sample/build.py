"""The sample county's rectification ledger (``build_rectification_sample``): the provincial inspection's
"回头看" of the seed report with the problem it fed back, the commission's 86 supervision checks (three of
them found the report's 3 problems and made its 12 suggestions), tasks for 新浦镇, 桥头镇, 横河镇 and two
county departments (linked to 敦和园区, 桥头镇东/西工业区 and 彭桥工业园区 when the sample parks exist, and to
敦和园区's parcels being vacated, the firms that have not left and the contracts of its re-granted lots), six
twice-monthly rounds from 2026-09-01 (five reconciled, the sixth open on 2026-11-29), close-outs, the 回头看 re-checks of closed tasks in every round
(one of them finds the relapse that reopens a task). Deterministic (data.py holds the story).

Everything goes through the services (checked and audited as a person would do it: the demo supervisor
records and reviews, each town's demo officer reports); the 86 checks are written in bulk with one audit row
each. Runs once: a second call finds the 回头看 and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from landcycle.accounts.models import User
from landcycle.audit.services import audit_record_many
from landcycle.registry.models import Enterprise, Parcel, Park, Region
from landcycle.supervision.models import Contract

from ..cadence import next_period, period_containing
from ..colours import work_calendar
from ..models import Inspection, RoundItem, Task
from ..policy import rectification_policy
from ..services.ledger import finding_create, inspection_create, suggestion_create, task_create
from ..services.progress import progress_submit, task_close
from ..services.rounds import relapse_check_review, round_close, round_item_review, round_open
from . import data as S

COUNTY = "330282"
PEOPLE = {"supervisor": "supervisor", S.XINPU: "xinpu", S.QIAOTOU: "qiaotou", S.HENGHE: "henghe"}


def _pdf(title: str) -> SimpleUploadedFile:
    body = f"%PDF-1.4\n% {title}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return SimpleUploadedFile(f"{title}.pdf", body.encode("utf-8"), content_type="application/pdf")


def _jpg(title: str) -> SimpleUploadedFile:
    body = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + title.encode("utf-8") + b"\xff\xd9"
    return SimpleUploadedFile(f"{title}.jpg", body, content_type="image/jpeg")


def _people(actor) -> dict:
    users = {u.username: u for u in User.objects.filter(username__in=PEOPLE.values())}
    return {key: users.get(name, actor) for key, name in PEOPLE.items()}


def _checks(actor, supervisor, regions: dict, today: dt.date) -> int:
    """The 86 supervision checks (监督检查), spread over the working days from March 2026 to ``today``, in bulk."""
    calendar = work_calendar()
    first = dt.date(2026, 3, 2)
    span = (today - first).days
    rows, links = [], []
    bulk = S.CHECKS - len(S.FINDING_CHECKS)  # the others are recorded with their findings
    for n in range(bulk):
        day = calendar.next_workday(first + dt.timedelta(days=n * span // bulk))
        code = S.CHECK_REGIONS[n % len(S.CHECK_REGIONS)]
        region = regions[code or COUNTY]
        body = S.TOWN_BODIES[code] if code and n % 5 == 0 else "慈溪市纪委市监委"
        topics = S.CHECK_TOPICS[code]
        topic = topics[(n // len(S.CHECK_REGIONS)) % len(topics)]
        rows.append(
            Inspection(
                kind=Inspection.Kind.CHECK,
                title=f"{region.name}{topic}" if code else topic,
                body=body,
                started_on=day,
                ended_on=day,
                recorded_by=supervisor if supervisor.pk else None,
            )
        )
        links.append(region)
    made = Inspection.objects.bulk_create(rows)
    if made and made[0].pk is None:
        made = list(Inspection.objects.filter(kind=Inspection.Kind.CHECK).order_by("pk"))[-len(rows) :]
    through = Inspection.regions.through
    through.objects.bulk_create(
        [through(inspection_id=i.pk, region_id=r.pk) for i, r in zip(made, links, strict=False)]
    )
    items = [
        (
            i,
            None,
            {
                "kind": i.kind,
                "title": i.title,
                "body": i.body,
                "started_on": i.started_on.isoformat(),
                "regions": [r.code],
            },
        )
        for i, r in zip(made, links, strict=False)
    ]
    codes = {i.pk: r.code for i, r in zip(made, links, strict=False)}
    audit_record_many(actor=actor, action="inspection.create", items=items, region_code_of=lambda i: codes[i.pk])
    return len(made)


def _links(key: str, parks: list[Park]) -> dict:
    """The parcels, enterprises and contracts of ``S.LINKS[key]`` in ``parks`` (empty when none exist)."""
    kinds = S.LINKS.get(key, ())
    towns = {p.town_id for p in parks}
    vacating = Parcel.objects.filter(park__in=parks, status=Parcel.Status.VACATING).order_by("number")
    out = {}
    if "vacating_parcels" in kinds:
        out["parcels"] = list(vacating.select_related("park"))
    if "vacating_tenants" in kinds:
        out["enterprises"] = list(
            Enterprise.objects.filter(occupancies__parcel__in=vacating, town__in=towns).distinct().order_by("uscc")
        )
    if "park_contracts" in kinds:
        out["contracts"] = list(
            Contract.objects.filter(parcels__park__in=parks, town__in=towns).distinct().order_by("number")
        )
    return out


def _submit(officer, task, pct, day, item=None, *, close=False, label=""):
    files = [_pdf(f"{task.title}进展（{label or day.isoformat()}）")]
    if pct % 20 == 0:
        files.append(_jpg(f"现场照片-{task.number}-{day.isoformat()}"))
    task.refresh_from_db()
    return progress_submit(
        actor=officer,
        task=task,
        version=task.version,
        percent_done=pct,
        text=_progress_text(pct, close),
        files=files,
        reported_on=day,
        request_close=close,
        item=item,
    )


def _progress_text(pct: int, close: bool) -> str:
    if close or pct >= 100:
        return "整改任务已全部完成，佐证材料已上传，申请销号。"
    if pct < 30:
        return f"已制定工作方案、明确责任分工，正在组织实施（完成{pct}%）。"
    if pct < 60:
        return f"按方案推进实施，已完成{pct}%；下一步加快推进，确保按期完成。"
    return f"主体工作基本完成（{pct}%），正在逐项收尾并整理佐证材料。"


def _close(supervisor, task, day, note="经核查佐证材料，整改到位，同意销号"):
    task.refresh_from_db()
    task_close(actor=supervisor, task=task, version=task.version, note=note, closed_on=day)


def _rechecks(sup, rnd, tasks: dict, k: int, day: dt.date, reconciled: bool) -> None:
    """The round's 回头看 re-checks: the story's relapse in its round, every other one holds when the round is
    reconciled (an open round's wait for the supervisor)."""
    relapse_key, relapse_on, relapse_deadline, relapse_reason = S.RELAPSE
    for check in rnd.relapse_checks.select_related("task"):
        if k == S.RELAPSE_ROUND and check.task_id == tasks[relapse_key].pk:
            relapse_check_review(
                actor=sup,
                check=check,
                decision="relapsed",
                note=relapse_reason,
                on=relapse_on,
                deadline=relapse_deadline,
            )
        elif reconciled:
            relapse_check_review(actor=sup, check=check, decision="held", note=S.RECHECK_HELD, on=day)


def _round(people, rnd, tasks: dict, k: int, today: dt.date) -> None:
    """Round k (0-based): each item's update, review and close-out, and the re-checks, as the story says."""
    sup = people["supervisor"]
    day = rnd.period_start + dt.timedelta(days=7)
    _rechecks(sup, rnd, tasks, k, min(day, today), rnd.due_on <= today)
    for item in rnd.items.select_related("task__town"):
        key = next(key for key, t in tasks.items() if t.pk == item.task_id)
        spec = S.TASKS[[t[0] for t in S.TASKS].index(key)][10]
        entry = spec[k] if k < len(spec) else None
        if entry is None:
            continue
        pct, _sep, rest = str(entry).partition(":")
        officer = people[item.task.town.code] if item.task.town.level == "town" else sup
        _submit(officer, item.task, int(pct), day, item, close=rest == "close", label=rnd.label_zh)
        review_day = min(day + dt.timedelta(days=2), today)
        if rest == "pending":
            continue
        challenged = rest.startswith("c:")
        round_item_review(
            actor=sup,
            item=item,
            on=review_day,
            note=rest[2:] if challenged else "",
            decision=RoundItem.Decision.CHALLENGED if challenged else RoundItem.Decision.CONFIRMED,
        )
        if rest == "close":
            _close(sup, item.task, day + dt.timedelta(days=3))


@transaction.atomic
def build_rectification_sample(*, actor, today: dt.date = dt.date(2026, 11, 29)) -> dict[str, int]:
    """Build the sample ledger (see the module's docstring). Returns counts."""
    if Inspection.objects.filter(kind=Inspection.Kind.REVISIT, title=S.REVISIT["title"]).exists():
        return {"inspections": 0, "tasks": 0, "rounds": 0}
    regions = {r.code: r for r in Region.objects.filter(code__in=[COUNTY, S.XINPU, S.QIAOTOU, S.HENGHE])}
    people = _people(actor)
    sup = people["supervisor"]
    revisit = inspection_create(actor=sup, kind=Inspection.Kind.REVISIT, regions=[regions[COUNTY]], **S.REVISIT)
    fed_back = finding_create(
        actor=sup,
        inspection=revisit,
        summary=S.REVISIT_FINDING[0],
        source_text=S.REVISIT_FINDING[1],
        found_on=S.REVISIT_FEEDBACK_ON,
    )
    checks, findings = [], []
    for (title, body, code, day), (summary, text) in zip(S.FINDING_CHECKS, S.FINDINGS, strict=False):
        check = inspection_create(
            actor=sup,
            kind=Inspection.Kind.CHECK,
            title=title,
            body=body,
            started_on=day,
            ended_on=day,
            regions=[regions[code or COUNTY]],
        )
        checks.append(check)
        findings.append(finding_create(actor=sup, inspection=check, summary=summary, source_text=text, found_on=day))
    for number, text in S.SUGGESTIONS:
        suggestion_create(
            actor=sup,
            inspection=checks[number - 1 if number else 1],
            text=text,
            made_on=S.FINDINGS_ON,
            finding=findings[number - 1] if number else None,
        )
    parks = {p.name: p for p in Park.objects.filter(town__code__in=[S.XINPU, S.QIAOTOU, S.HENGHE])}
    tasks: dict[str, Task] = {}
    for key, f, town, dept, person, title, measures, deadline, park_names, _before, _rounds in S.TASKS:
        linked = [parks[n] for n in park_names if n in parks]
        tasks[key] = task_create(
            actor=sup,
            finding=findings[f - 1] if f else fed_back,
            town=regions[town or COUNTY],
            department=dept,
            person=person,
            title=title,
            measures=measures,
            deadline=deadline,
            assigned_on=S.ASSIGNED_ON,
            parks=linked,
            **_links(key, linked),
        )
    for key, _f, town, *_rest, before, _rounds in S.TASKS:
        officer = people[town] if town else sup
        for day, pct in before:
            _submit(officer, tasks[key], pct, day, close=pct == 100)
        if key in S.CLOSED_BEFORE_ROUNDS:
            _close(sup, tasks[key], S.CLOSED_BEFORE_ROUNDS[key])
    starts = rectification_policy().period_start_days
    period = period_containing(S.FIRST_ROUND, starts)
    opened_after = period.start
    for k in range(S.ROUNDS):
        rnd = round_open(actor=sup, county=regions[COUNTY], on=max(period.start, opened_after))
        _round(people, rnd, tasks, k, today)
        if rnd.due_on <= today:  # reconciled on the day the updates were due
            round_close(actor=sup, round=rnd, on=rnd.due_on)
            opened_after = rnd.due_on
        period = next_period(period, starts)
    bulk_checks = _checks(actor, sup, regions, today)
    return {
        "inspections": 1 + len(checks) + bulk_checks,
        "findings": 1 + len(findings),
        "suggestions": len(S.SUGGESTIONS),
        "tasks": len(tasks),
        "rounds": S.ROUNDS,
    }
