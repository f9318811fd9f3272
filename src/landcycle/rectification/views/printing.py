"""Print pages and PDFs of the rectification ledger (kit/printing.py): an inspection's three lists (三张清单:
问题清单、任务清单、责任清单) and a round's reconciliation sheet (对账单) of one town, with the signature and seal
boxes of the town and of the supervisor. Read through the user's scope: a town officer prints their town's
tasks only, and asking for another town's sheet answers 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from landcycle.accounts.scope import region_prefix, scoped
from landcycle.kit.printing import Document, document_response, government_of
from landcycle.registry.models import Region

from ..models import RelapseCheck, RoundItem, Task
from ..selectors import access_inspection, access_round, tasks_visible, with_colours

LISTS = {"problems": "问题清单", "tasks": "任务清单", "duties": "责任清单"}


def _county_name(region) -> str:
    while region is not None and region.level != Region.Level.COUNTY and region.parent_id:
        region = region.parent
    return region.name if region is not None else ""


def _reader_region(user):
    return user.region if getattr(user, "region_id", None) else None


def _duties(tasks) -> list[dict]:
    """责任清单: one row per responsible unit and person, with their tasks."""
    rows: dict[tuple, dict] = {}
    for t in tasks:
        key = (t.town.code, t.department, t.person)
        r = rows.setdefault(key, {"unit": t.unit, "town": t.town.name, "person": t.person, "tasks": []})
        r["tasks"].append(t)
    return sorted(rows.values(), key=lambda r: (r["tasks"][0].town.code, r["unit"], r["person"]))


def inspection_print(request, pk):
    """三张清单 of one inspection (``?list=problems|tasks|duties`` prints one of them)."""
    user = request.user
    insp = access_inspection(user, pk)
    as_of = timezone.localdate()
    tasks = with_colours(
        tasks_visible(user)
        .filter(finding__inspection=insp)
        .select_related("town", "finding")
        .order_by("finding__number", "number", "pk"),
        as_of,
    )
    by_finding: dict[int, list[Task]] = {}
    for t in tasks:
        by_finding.setdefault(t.finding_id, []).append(t)
    prefix = region_prefix(user) or ""
    findings = list(insp.findings.all())
    if len(prefix) > 6:  # a town sees the problems given to it
        findings = [f for f in findings if f.pk in by_finding]
    for f in findings:
        f.print_tasks = by_finding.get(f.pk, [])
        f.units = sorted({t.unit for t in f.print_tasks})
        f.all_closed = bool(f.print_tasks) and all(not t.is_open for t in f.print_tasks)
    which = request.GET.get("list", "")
    parts = [which] if which in LISTS else list(LISTS)
    region = _reader_region(user)
    title = "整改" + "、".join(LISTS[p] for p in parts) if len(parts) < len(LISTS) else "整改“三张清单”"
    doc = Document(
        kind="RC-LIST",
        title=title,
        object_ref=str(insp.pk),
        filename=f"{insp.title}_{'、'.join(LISTS[p] for p in parts)}",
        authority=government_of(region.name) if region else "",
        year=as_of.year,
    )
    ctx = {"insp": insp, "findings": findings, "tasks": tasks, "duties": _duties(tasks), "parts": parts}
    ctx["regions"] = list(insp.regions.all())
    ctx["boxes"] = [
        {"unit": "编制单位（盖章）", "lines": ["单位负责人（签字）", "经办人（签字）"], "seal": True},
        {"unit": "监督单位审核（盖章）", "lines": ["纪检监督员（签字）", "审核意见"], "seal": True},
    ]
    return document_response(
        request, "rectification/print/lists.html", ctx, doc, back=reverse("inspection_detail", args=[insp.pk])
    )


def _round_towns(user, rnd) -> list[dict]:
    """The regions that have items in the round (in the user's scope), with their counts."""
    out: dict[str, dict] = {}
    for code, name in scoped(rnd.items.all(), user).values_list("task__town__code", "task__town__name"):
        t = out.setdefault(code, {"code": code, "name": name, "n": 0})
        t["n"] += 1
    return sorted(out.values(), key=lambda t: t["code"])


def round_print(request, pk):
    """The reconciliation sheet (对账单) of one region in a round: ``?town=<code>``; a town officer's own town
    without asking. A county reader without a town chooses one first."""
    user = request.user
    rnd = access_round(user, pk)
    code = request.GET.get("town", "")
    region = _reader_region(user)
    if not code and region is not None and region.level == Region.Level.TOWN:
        code = region.code
    prefix = region_prefix(user)
    if not code:
        return render(
            request, "rectification/print/round_choose.html", {"round": rnd, "towns": _round_towns(user, rnd)}
        )
    if prefix is None or not code.startswith(prefix):
        raise Http404
    town = Region.objects.filter(code=code).first()
    if town is None:
        raise Http404
    return _round_sheet(request, rnd, town)


def _round_sheet(request, rnd, town) -> HttpResponse:
    user = request.user
    items = list(
        scoped(rnd.items.filter(task__town=town), user)
        .select_related("task__town", "report", "reviewed_by")
        .order_by("task__department", "task__number", "pk")
    )
    rechecks = list(
        scoped(RelapseCheck.objects.filter(round=rnd, task__town=town), user)
        .select_related("task")
        .order_by("task__number", "pk")
    )
    counts = {
        "n": len(items),
        "submitted": sum(i.submitted for i in items),
        "confirmed": sum(i.decision == RoundItem.Decision.CONFIRMED for i in items),
        "challenged": sum(i.decision == RoundItem.Decision.CHALLENGED for i in items),
        "pending": sum(i.submitted and i.decision == RoundItem.Decision.PENDING for i in items),
    }
    counts["missing"] = counts["n"] - counts["submitted"]
    county = _county_name(town)
    doc = Document(
        kind="RC-ROUND",
        title=f"整改任务对账销号对账单（{rnd.label_zh}）",
        object_ref=f"{rnd.pk}-{town.code}",
        filename=f"对账单_{rnd.label_zh}_{town.name}",
        authority=f"{county}纪委监委" if county else "",
        date=rnd.closed_on or timezone.localdate(),
    )
    town_unit = government_of(town.name) if town.level == Region.Level.TOWN else town.name
    ctx = {
        "round": rnd,
        "town": town,
        "items": items,
        "rechecks": rechecks,
        "counts": counts,
        "boxes": [
            {"unit": f"{town_unit}（盖章）", "lines": ["经办人（签字）", "分管负责人（签字）"], "seal": True},
            {"unit": "纪检监督机关（盖章）", "lines": ["纪检监督员（签字）", "对账意见"], "seal": True},
        ],
    }
    return document_response(
        request, "rectification/print/round.html", ctx, doc, back=reverse("round_detail", args=[rnd.pk])
    )
