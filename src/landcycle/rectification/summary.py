"""The county's summary generated from the ledger (the figures of the seed report: "累计开展监督检查86次，
监督发现问题3个，提出意见建议12条"), tasks by responsible town, and the latest reconciliation round."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from landcycle.accounts.scope import scoped

from .models import Finding, Inspection, Round, RoundItem, Suggestion
from .selectors import inspections_visible, rounds_visible, tasks_visible, with_colours


def _n(n: int, noun: str) -> str:
    """3 supervision checks, 1 supervision check."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _row(label, region=None) -> dict:
    return {
        "label": label,
        "region": region,
        "tasks": 0,
        "open": 0,
        "closed": 0,
        "reopened": 0,
        "overdue": 0,
        "red": 0,
        "yellow": 0,
        "green": 0,
    }


def _count(row: dict, t) -> None:
    row["tasks"] += 1
    if t.is_open:
        row["open"] += 1
        row[t.tc.colour] += 1
        row["overdue"] += t.tc.overdue
        row["reopened"] += t.status == t.Status.REOPENED
    else:
        row["closed"] += 1


def task_table(tasks) -> tuple[list[dict], dict]:
    """Rows by responsible town (county departments together, last) and the total row."""
    rows: OrderedDict = OrderedDict()
    total = _row(_("合计"))
    for t in sorted(tasks, key=lambda t: (t.town.level != "town", t.town.code)):
        key = t.town.code
        if key not in rows:
            rows[key] = _row(
                t.town.name if t.town.level == "town" else _("%(county)s县级部门") % {"county": t.town.name}, t.town
            )
        _count(rows[key], t)
        _count(total, t)
    for row in [*rows.values(), total]:
        row["closed_pct"] = round(row["closed"] * 100 / row["tasks"]) if row["tasks"] else 0
    return list(rows.values()), total


def last_round(user) -> dict | None:
    rnd = rounds_visible(user).filter(status=Round.Status.CLOSED).order_by("-period_start").first()
    if rnd is None:
        return None
    c = scoped(RoundItem.objects.filter(round=rnd), user).aggregate(
        items=Count("id"),
        submitted=Count("id", filter=Q(report__isnull=False)),
        confirmed=Count("id", filter=Q(decision=RoundItem.Decision.CONFIRMED)),
        challenged=Count("id", filter=Q(decision=RoundItem.Decision.CHALLENGED)),
        flagged=Count("id", filter=Q(flagged=True)),
    )
    return {"round": rnd, **c}


SOURCE_EN = {
    Inspection.Kind.XUNSHI: "Provincial inspection (巡视)",
    Inspection.Kind.XUNCHA: "Inspection tour (巡察)",
    Inspection.Kind.REVISIT: "Inspection revisit (巡视“回头看”)",
}


def _sources(insp) -> list[dict]:
    """Findings and suggestions per kind of inspection, each source counted apart."""
    kinds = dict(Inspection.Kind.choices)
    found = dict(
        Finding.objects.filter(inspection__in=insp).order_by().values_list("inspection__kind").annotate(n=Count("id"))
    )
    made = dict(
        Suggestion.objects.filter(inspection__in=insp)
        .order_by()
        .values_list("inspection__kind")
        .annotate(n=Count("id"))
    )
    held = dict(insp.order_by().values_list("kind").annotate(n=Count("id")))
    return [
        {
            "kind": k,
            "label": kinds[k],
            "inspections": held.get(k, 0),
            "findings": found.get(k, 0),
            "suggestions": made.get(k, 0),
        }
        for k in kinds
    ]


def _source_sentences(sources: list[dict]) -> tuple[str, str]:
    """One sentence per kind of inspection other than the county's own checks that has fed anything back."""
    zh, en = [], []
    for s in sources:
        if s["kind"] == Inspection.Kind.CHECK or not (s["findings"] or s["suggestions"]):
            continue
        zh.append(
            f"{s['label']}{s['inspections']}次，反馈问题{s['findings']}个"
            + (f"，意见建议{s['suggestions']}条。" if s["suggestions"] else "。")
        )
        en.append(
            f"{SOURCE_EN[s['kind']]}: {_n(s['inspections'], 'round')}, {_n(s['findings'], 'problem')} fed back"
            + (f", {_n(s['suggestions'], 'suggestion')} made. " if s["suggestions"] else ". ")
        )
    return "".join(zh), "".join(en)


def county_summary(user, as_of: dt.date) -> dict:
    """The county's figures. The first sentence counts the commission's own supervision checks and what they
    found ("监督检查N次，监督发现问题N个，提出意见建议N条", DOMAIN §5); what a provincial inspection, an
    inspection tour or a revisit fed back is counted in a sentence of its own, never added in."""
    insp = inspections_visible(user)
    sources = _sources(insp)
    own = next(s for s in sources if s["kind"] == Inspection.Kind.CHECK)
    checks, found, made = own["inspections"], own["findings"], own["suggestions"]
    findings = sum(s["findings"] for s in sources)
    suggestions = sum(s["suggestions"] for s in sources)
    other_zh, other_en = _source_sentences(sources)
    tasks = with_colours(tasks_visible(user).select_related("town"), as_of)
    rows, total = task_table(tasks)
    closed_rounds = rounds_visible(user).filter(status=Round.Status.CLOSED).count()
    zh = (
        f"累计开展监督检查{checks}次，监督发现问题{found}个，提出意见建议{made}条。{other_zh}"
        f"交办整改任务{total['tasks']}项，已销号{total['closed']}项，整改中{total['open']}项"
        f"（其中逾期{total['overdue']}项、反弹重启{total['reopened']}项）；"
        f"红色预警{total['red']}项、黄色预警{total['yellow']}项。"
        f"已完成对账{closed_rounds}轮。"
    )
    en = (
        f"{_n(checks, 'supervision check')} held, {_n(found, 'problem')} found and "
        f"{_n(made, 'suggestion')} made. {other_en}{_n(total['tasks'], 'rectification task')} assigned: "
        f"{total['closed']} closed out, {total['open']} open ({total['overdue']} overdue, {total['reopened']} "
        f"reopened on relapse); {total['red']} red and {total['yellow']} yellow "
        f"warning{'' if total['red'] + total['yellow'] == 1 else 's'}. "
        f"{_n(closed_rounds, 'reconciliation round')} completed."
    )
    kinds = [{"kind": s["kind"], "label": s["label"], "n": s["inspections"]} for s in sources]
    return {
        "checks": checks,
        "check_findings": found,
        "check_suggestions": made,
        "findings": findings,
        "suggestions": suggestions,
        "sources": sources,
        "kinds": kinds,
        "rows": rows,
        "total": total,
        "sentence_zh": zh,
        "sentence_en": en,
        "last_round": last_round(user),
        "closed_rounds": closed_rounds,
        "as_of": as_of,
        "tasks": tasks,
    }
