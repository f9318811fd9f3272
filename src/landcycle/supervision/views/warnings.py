"""监管/预警: the warnings board (one row per subject, KPIs by colour and by handling state, a chart by town, filters,
export, the county administrator's refresh), one warning with its history and the answer to it (verify, handle,
accept: supervision.services.warnings), its evidence files, and a town's page with its warnings. Reads go through
the user's scope (404 outside); writes through supervision.services."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.accounts.redirects import safe_next
from landcycle.accounts.scope import Area, access, can_write, may_write_or_404, scoped
from landcycle.kit import charts, i18n
from landcycle.kit.listing import export_format, kpi, table_response
from landcycle.kit.pagecache import cached_page
from landcycle.registry.hooks import panel_apps, panels
from landcycle.registry.models import Park, Region
from landcycle.registry.selectors import town_choices
from landcycle.rules.problems import RuleError

from ..background import latest_run, refresh_queue
from ..board import attach_warnings, board_rows, colour_subject_counts, town_colour_counts
from ..convert import page_policies
from ..evidence import open_stored
from ..figures import page_figures
from ..labels import COLOUR_HEX, rule_label
from ..models import Contract, Warning, WarningEvidence
from ..selectors import (
    colour_counts,
    fees_due,
    last_checked,
    priority,
    state_counts,
    warning_answerers,
    warnings_in_scope,
)
from ..services.warnings import (
    may_answer,
    may_decide,
    warning_accept,
    warning_close,
    warning_decide_dispute,
    warning_handle,
    warning_progress,
    warning_send_back,
    warning_verify,
)
from ..templatetags.sv import colour_name

EVIDENCE_ACCEPT = "image/*,application/pdf"


def subject_url(w) -> str:
    """The page of a warning's subject (a Warning, or a board row with subject_type and subject_id)."""
    stype = w["subject_type"] if isinstance(w, dict) else w.subject_type
    sid = w["subject_id"] if isinstance(w, dict) else w.subject_id
    name = {Warning.SubjectType.CONTRACT: "contract_detail", Warning.SubjectType.PARCEL: "parcel_detail"}.get(
        stype, "enterprise_detail"
    )
    return reverse(name, args=[sid])


def _kpis(qs) -> list[dict]:
    """The town page's cards: warnings by colour (rule hits) and the idle-land fees."""
    counts = colour_counts(qs)
    return [
        kpi(_("红色预警"), counts["red"], _("条"), note=_("未办结")) | {"tone": "red"},
        kpi(_("黄色预警"), counts["yellow"], _("条"), note=_("未办结")) | {"tone": "yellow"},
        kpi(_("已转绿待销号"), counts["green"], _("条"), note=_("规则不再触发")) | {"tone": "green"},
        kpi(_("未能判定"), counts["grey"], _("条"), note=_("日期缺失或存疑，不算绿")) | {"tone": "grey"},
        kpi(_("已核实处置中"), counts["acknowledged"], _("条")),
        kpi(_("已办结"), counts["closed"], _("条")),
        _fee_kpi(qs),
    ]


def _fee_kpi(qs) -> dict:
    fees = fees_due(qs)
    return kpi(
        _("应征闲置费"), fees["fee_wan"], _("万元"), places=2, note=_("可无偿收回 %(n)s 宗") % {"n": fees["take_back"]}
    )


def _board_kpis(user, query, qs) -> list[dict]:
    """The board's cards: subjects (problems, not rule hits) by their worst colour, and the idle-land fees."""
    n = colour_subject_counts(user, query)
    unit = _("个对象")
    return [
        kpi(_("红色"), n["red"], unit, note=_("最重为红的合同、企业、地块")) | {"tone": "red"},
        kpi(_("黄色"), n["yellow"], unit, note=_("最重为黄")) | {"tone": "yellow"},
        kpi(_("未能判定"), n["grey"], unit, note=_("日期缺失或存疑，不算绿")) | {"tone": "grey"},
        kpi(_("到期提醒"), n["blue"], unit, note=_("约定日期临近，尚未逾期")) | {"tone": "blue"},
        kpi(_("已转绿待销号"), n["green"], unit, note=_("规则不再触发")) | {"tone": "green"},
        _fee_kpi(qs),
    ]


def _state_kpis(qs, query) -> list[dict]:
    """The handling states (处置状态) counted, each a link to the board filtered by it."""
    counts = state_counts(qs)
    params = {k: v for k, v in query.items() if k not in ("status", "page", "export")}
    items = [
        ("open", _("待核实"), counts["open"], ""),
        ("overdue", _("核实逾期"), counts["overdue"], "red"),
        ("disputed", _("异议待裁定"), counts["disputed"], ""),
        ("confirmed", _("已核实待处置"), counts["confirmed"], ""),
        ("handling", _("处置中"), counts["handling"], ""),
        ("submitted", _("处置待验收"), counts["submitted"], ""),
        ("closed", _("已办结"), counts["closed"], "green"),
    ]
    return [
        {"state": key, "label": label, "n": n, "tone": tone, "url": "?" + urlencode({**params, "status": key})}
        for key, label, n, tone in items
    ]


CHART_COLOURS = ("red", "yellow", "grey", "blue", "green")


def _town_chart(user, query):
    """Subjects by town, stacked by worst colour; each bar segment links to the board filtered by it."""
    rows = town_colour_counts(user, query)
    if len({r["town_code"] for r in rows}) < 2 and not town_choices(user)[1:]:
        return None
    if not rows:
        return None
    names = {c: str(colour_name(c)) for c in CHART_COLOURS}
    params = {k: v for k, v in query.items() if k not in ("town", "colour", "page", "export")}
    data = [
        {
            "town": r["town"],
            "colour": names[r["colour"]],
            "n": r["n"],
            "href": reverse("warning_board")
            + "?"
            + urlencode({**params, "town": r["town_code"], "colour": r["colour"]}),
        }
        for r in rows
    ]
    present = [c for c in CHART_COLOURS if any(r["colour"] == c for r in rows)]
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["town"]] = totals.get(r["town"], 0) + r["n"]
    spec = charts.bar(
        data,
        x="town",
        y="n",
        colour="colour",
        colour_title=_("最重颜色"),
        colours={names[c]: COLOUR_HEX[c] for c in present},
        href="href",
        y_title=_("预警对象（个）"),
        horizontal=True,
        width=560,
        height=max(60, 20 * len(totals)),
        sort=sorted(totals, key=lambda t: -totals[t]),
    )
    spec["encoding"]["x"]["axis"] = charts.count_axis(data, by="town")  # whole subjects, not 0.2 of one
    return charts.svg(spec, label=_("各镇街预警对象，按最重颜色分段"))


def _board_figures(user, query, town: str, groups) -> dict:
    """The board's cards, handling states and chart by town, and the blocks of the stages above (``panels``: exits'
    vacating cases, renewal's projects, each coloured today): they read every warning, case and project of the
    scope, so they come from the cache until a write of their apps commits (supervision.figures)."""
    checked = last_checked(user)

    def compute() -> dict:
        base = warnings_in_scope(user)
        if town:
            base = base.filter(town__code=town)
        return {
            "kpis": _board_kpis(user, query, base),
            "states": _state_kpis(base, query),
            "chart": _town_chart(user, query),
            # the colours of the stages above (exits: vacating cases, renewal: projects), in the same town filter
            "panels": panels("warning_board", town, user),
            "count": groups.count(),  # the subjects listed (the paginator's count)
        }

    figures = page_figures("warning_board", user, query, checked, compute, apps=panel_apps("warning_board"))
    return {**figures, "checked": checked}


@cached_page
def warning_board(request):
    if request.method == "POST":
        return _refresh(request)
    user = request.user
    board = board_rows(user, request.GET)
    fmt = export_format(request)
    if fmt:
        return _export(user, board, fmt)
    listing = board.listing
    town = next((f.value for f in listing.filters if f.name == "town"), "")
    figures = _board_figures(user, request.GET, town, board.groups)
    page = listing.page(board.groups, count=figures.pop("count"))
    rows = attach_warnings(user, list(page.object_list), board.closed)
    for r in rows:
        r["url"] = subject_url(r)
    return render(
        request,
        "supervision/warning_board.html",
        {
            "listing": listing,
            "page_obj": page,
            "rows": rows,
            **figures,
            "show_town": len(town_choices(user)) > 1,
            "can_refresh": can_write(user, Area.SUPERVISION),
            "refresh_state": _refresh_state(user) if can_write(user, Area.SUPERVISION) else None,
            "today": timezone.localdate(),
        },
    )


def _export(user, board, fmt: str):
    """The board's rows (one per subject, the filters and order of the page) as .xlsx or CSV."""
    en = get_language() == "en"
    groups = list(board.groups)
    rows = []
    for chunk in range(0, len(groups), 500):
        rows += attach_warnings(user, groups[chunk : chunk + 500], board.closed)
    header = [
        _("最重颜色"),
        _("对象类型"),
        _("对象"),
        _("镇街"),
        _("园区"),
        _("预警原因"),
        _("处置状态"),
        _("首次预警"),
        _("预警天数"),
        _("核实期限"),
        _("核实逾期（条）"),
        _("责任人"),
    ]
    types = dict(Warning.SubjectType.choices)

    pols = page_policies()  # each warning's rule named by its county's policy (本县政策), read once

    def line(r):
        ws = r["warnings"]
        return (
            str(colour_name(r["colour"])),
            str(types.get(r["subject_type"], r["subject_type"])),
            r["label"],
            r["town_name"],
            r["park_name"] or "",
            "\n".join(
                f"[{colour_name(w.colour)}] {rule_label(w.rule, pols.of_subject(w))}：{w.reason_en if en else w.reason_zh}"
                for w in ws
            ),
            "；".join(f"{rule_label(w.rule, pols.of_subject(w))}：{w.get_status_display()}" for w in ws),
            r["raised"].isoformat() if r["raised"] else "",
            r["age"] if r["age"] is not None else "",
            r["due"].isoformat() if r["due"] else "",
            r["overdue"],
            "、".join(sorted({str(w.assignee) for w in ws if w.assignee})),
        )

    return table_response(fmt, _("三色预警看板"), header, (line(r) for r in rows))


def _refresh(request):
    """Queue a refresh of the warnings (a task of the queue, ``supervision.background``); the board shows it."""
    may_write_or_404(request.user, Area.SUPERVISION)
    raw = request.POST.get("as_of", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, _("基准日“%(d)s”不是日期，请按 2026-11-29 的格式填写。") % {"d": raw})
        return redirect("warning_board")
    try:
        refresh_queue(actor=request.user, as_of=day)
    except RuleError as exc:
        for p in exc.problems:
            messages.error(request, i18n.text(p))
        return redirect("warning_board")
    messages.info(request, _("已开始按 %(d)s 重新计算预警，完成后结果显示在本页。") % {"d": day.isoformat()})
    return redirect(safe_next(request, reverse("warning_board")))


def _refresh_state(user) -> dict | None:
    """What the board says of the latest refresh of the user's region: waiting, running, its result or why it
    failed."""
    run = latest_run(user)
    if run is None:
        return None
    state = {"run": run, "lines": [], "tone": "ok"}
    if run.active:
        state["tone"] = "ready"
        text = _("正在按 %(d)s 重新计算预警（%(s)s），完成后结果显示在本页。") % {
            "d": run.as_of.isoformat(),
            "s": run.get_status_display(),
        }
        if run.attempts and run.error:
            state["lines"].append(run.error)
    elif run.status == run.Status.FAILED:
        state["tone"] = "bad"
        text = _("按 %(d)s 重新计算预警未完成，未改动任何预警：") % {"d": run.as_of.isoformat()}
        state["lines"].append(run.error)
    else:
        r = run.summary
        text = _(
            "已按 %(d)s 重新计算：新增 %(r)s 条，颜色变化 %(c)s 条（转绿 %(g)s 条），未变 %(u)s 条；用时 %(s).1f 秒。"
        ) % {
            "d": run.as_of.isoformat(),
            "r": r.get("raised", 0),
            "c": r.get("changed", 0),
            "g": r.get("turned_green", 0),
            "u": r.get("unchanged", 0),
            "s": r.get("seconds", 0.0),
        }
        skipped = r.get("skipped", [])
        if r.get("skipped_count"):
            state["tone"] = "warn"
            state["lines"].append(
                _("%(n)s 份合同的数据有矛盾，未能复核，请逐份修正：%(list)s")
                % {"n": r["skipped_count"], "list": "、".join(s["number"] for s in skipped)}
            )
            for s in skipped[:5]:  # which row, which date, why
                state["lines"].append(
                    _("未能复核合同 %(n)s：%(why)s") % {"n": s["number"], "why": i18n.pick(s["zh"], s["en"])}
                )
    state["text"] = text
    return state


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _act(request, w: Warning) -> None:
    """Run the posted action on ``w`` through its service (which checks role, scope and state)."""
    user, post, files = request.user, request.POST, request.FILES.getlist("files")
    action = post.get("action")
    if action == "verify":
        warning_verify(
            actor=user, warning=w, confirmed=post.get("answer") != "dispute", reason=post.get("reason", ""), files=files
        )
    elif action == "handle":
        who = next((u for u in warning_answerers(w) if str(u.pk) == post.get("assignee")), None)
        warning_handle(
            actor=user,
            warning=w,
            measures=post.get("measures", ""),
            assignee=who,
            due=_date(post.get("due")),
            files=files,
        )
    elif action == "progress":
        warning_progress(
            actor=user, warning=w, note=post.get("note", ""), files=files, submit=post.get("submit") == "1"
        )
    elif action == "decide":
        warning_decide_dispute(
            actor=user, warning=w, accept=post.get("decision") == "accept", note=post.get("note", "")
        )
    elif action == "accept":
        if post.get("decision") == "back":
            warning_send_back(actor=user, warning=w, reason=post.get("note", ""))
        else:
            warning_accept(actor=user, warning=w, note=post.get("note", ""))
    elif action == "close":
        warning_close(actor=user, warning=w, reason=post.get("reason", ""), exception=post.get("exception") == "1")
    else:
        raise Http404


@cached_page
def warning_detail(request, pk):
    user = request.user
    w = access(Warning.objects.select_related("town", "park", "assignee", "closed_by", "verified_by"), user, pk=pk)
    answer, decide = may_answer(user, w), may_decide(user, w)
    problems = []
    if request.method == "POST":
        if not (answer or decide):
            raise Http404  # the read-only roles (leader, supervisor, analyst) have no action here
        try:
            _act(request, w)
        except RuleError as exc:
            problems = exc.problems
            w.refresh_from_db()
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("已办理，并已记入预警记录和审计日志。"))
            return redirect(safe_next(request, reverse("warning_detail", args=[pk])))
    subject_visible = True
    if w.subject_type == Warning.SubjectType.CONTRACT:
        subject_visible = scoped(Contract.objects.filter(pk=w.subject_id), user).exists()
    others = list(
        warnings_in_scope(user)
        .filter(subject_type=w.subject_type, subject_id=w.subject_id)
        .exclude(pk=w.pk)
        .exclude(status=Warning.Status.CLOSED)
        .order_by("-rank", "rule")
    )
    return render(
        request,
        "supervision/warning_detail.html",
        {
            "w": w,
            "events": list(w.events.select_related("actor").prefetch_related("evidence").order_by("at", "pk")),
            "problems": problems,
            "post": request.POST if problems else {},
            "subject_url": subject_url(w),
            "subject_visible": subject_visible,
            "others": others,
            "panels": panels("warning", w, request.user),  # what the stages above add (exits: open a case)
            "can_answer": answer,
            "can_decide": decide,
            "assignees": warning_answerers(w) if answer else [],
            "today": timezone.localdate(),
            "accept": EVIDENCE_ACCEPT,
        },
    )


def evidence_download(request, pk):
    ev = access(WarningEvidence.objects.select_related("warning"), request.user, pk=pk)
    try:
        handle = open_stored(ev.path)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=False, filename=ev.name)


def town_detail(request, pk):
    user = request.user
    town = access(Region.objects.filter(level=Region.Level.TOWN), user, pk=pk)
    qs = warnings_in_scope(user).filter(town=town)
    contracts = scoped(Contract.objects.filter(town=town), user)
    parks = list(
        scoped(Park.objects.filter(town=town), user)
        .order_by("code")
        .annotate(n_parcels=Count("parcels", distinct=True))
    )
    by_park = {
        r["park_id"]: r
        for r in qs.exclude(status=Warning.Status.CLOSED)
        .order_by()
        .values("park_id")
        .annotate(
            red=Count("id", filter=Q(colour="red")),
            yellow=Count("id", filter=Q(colour="yellow")),
            green=Count("id", filter=Q(colour="green")),
            grey=Count("id", filter=Q(colour="grey")),
        )
    }
    n_contracts = dict(
        contracts.order_by().values_list("parcel_links__parcel__park_id").annotate(n=Count("id", distinct=True))
    )
    for p in parks:
        p.w = by_park.get(p.pk, {})
        p.n_contracts = n_contracts.get(p.pk, 0)
    kpis = _kpis(qs)
    kpis.insert(0, kpi(_("供地合同"), contracts.count(), _("份")))
    top = list(
        qs.exclude(status=Warning.Status.CLOSED)
        .filter(rank__gt=0)
        .select_related("park", "assignee")
        .annotate(priority=priority())
        .order_by("-rank", "priority", "-last_changed", "subject_label")[:30]
    )
    for w in top:
        w.url = subject_url(w)
    return render(
        request,
        "supervision/town_detail.html",
        {
            "town": town,
            "kpis": kpis,
            "parks": parks,
            "top": top,
            "checked": last_checked(user),
            "n_active": qs.exclude(status=Warning.Status.CLOSED).filter(rank__gt=0).count(),
        },
    )
