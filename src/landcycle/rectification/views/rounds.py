"""对账: the list of rounds, one round (who has submitted, what was confirmed or challenged, each item
against its snapshot), opening and closing a round (the supervisor), submitting an item's update (the
responsible town's officer), reviewing an item (the supervisor), the round's report as .xlsx.

A round covers the whole county; each user sees its items in their scope only."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from landcycle.accounts.scope import Area, scoped, write_or_404
from landcycle.kit.listing import kpi

from ..cadence import period_containing
from ..export import round_workbook
from ..forms import DateForm, RecheckForm, ReviewForm
from ..models import RelapseCheck, Round, RoundItem
from ..pages import crumbs, is_supervisor, render_form, round_name, run_form
from ..policy import rectification_policy
from ..selectors import access_item, access_recheck, access_round, round_units, rounds_visible
from ..services import rounds as round_services
from ..services.common import may_update_task
from .tasks import progress_form

ITEM_ORDER = ("-task__town__level", "task__town__code", "task__department", "task__number", "pk")


def _round_crumbs(*extra):
    return crumbs((reverse("round_list"), _("对账销号")), *extra)


def round_list(request):
    user = request.user
    mine = scoped(RoundItem.objects.all(), user)
    rounds = list(
        rounds_visible(user)
        .annotate(
            n_items=Count("items", filter=Q(items__in=mine), distinct=True),
            n_submitted=Count("items", filter=Q(items__in=mine, items__report__isnull=False), distinct=True),
            n_confirmed=Count("items", filter=Q(items__in=mine, items__decision="confirmed"), distinct=True),
            n_challenged=Count("items", filter=Q(items__in=mine, items__decision="challenged"), distinct=True),
            n_flagged=Count("items", filter=Q(items__in=mine, items__flagged=True), distinct=True),
        )
        .order_by("-period_start")
    )
    current = next((r for r in rounds if r.is_open), None)
    policy = rectification_policy(request.user.region)
    period = period_containing(timezone.localdate(), policy.period_start_days)
    return render(
        request,
        "rectification/round_list.html",
        {
            "rounds": rounds,
            "current": current,
            "can_supervise": is_supervisor(user),
            "period": period,
            "policy": policy,
            "crumbs": crumbs(),
        },
    )


def round_detail(request, pk):
    user = request.user
    rnd = access_round(user, pk)
    items = list(
        scoped(rnd.items.all(), user)
        .select_related("task__town", "task__finding", "report", "reviewed_by")
        .prefetch_related("report__evidence")
        .order_by(*ITEM_ORDER)
    )
    for i in items:
        i.can_submit = rnd.is_open and may_update_task(user, i.task) and i.task.is_open
    units = round_units(items)
    n = len(items)
    sub = sum(i.submitted for i in items)
    conf = sum(i.decision == RoundItem.Decision.CONFIRMED for i in items)
    chal = sum(i.decision == RoundItem.Decision.CHALLENGED for i in items)
    kpis = [
        kpi(_("对账事项"), n, _("项")),
        kpi(_("已报送"), sub, _("项"), note=_("报送截止 %(d)s") % {"d": rnd.due_on.isoformat()}),
        kpi(pgettext("review", "已确认"), conf, _("项")),
        kpi(_("被质询"), chal, _("项")) | ({"tone": "yellow"} if chal else {}),
        kpi(_("未报送"), n - sub, _("项"), note=_("结束时标记") if rnd.is_open else _("已标记"))
        | ({"tone": "red"} if (n - sub) and not rnd.is_open else {}),
    ]
    waiting = sum(1 for i in items if i.submitted and i.decision == RoundItem.Decision.PENDING)
    rechecks = list(
        scoped(rnd.relapse_checks.all(), user)
        .select_related("task__town", "task__finding", "reviewed_by")
        .order_by("task__town__code", "task__number", "pk")
    )
    to_recheck = sum(c.decision == RelapseCheck.Decision.PENDING for c in rechecks)
    if rechecks:
        kpis.append(
            kpi(
                _("回头看"),
                len(rechecks),
                _("项"),
                note=_("待复核 %(n)s 项") % {"n": to_recheck} if to_recheck else _("已全部复核"),
            )
            | ({"tone": "yellow"} if to_recheck else {})
        )
    return render(
        request,
        "rectification/round_detail.html",
        {
            "round": rnd,
            "items": items,
            "units": units,
            "kpis": kpis,
            "can_supervise": is_supervisor(user),
            "waiting": waiting,
            "rechecks": rechecks,
            "to_recheck": to_recheck,
            "watch_months": rectification_policy(request.user.region).relapse_watch_months,
            "crumbs": _round_crumbs(),
        },
    )


@write_or_404(Area.RECTIFICATION)
def round_open(request):
    policy = rectification_policy(request.user.region)
    form = DateForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()}, label=_("开启日期"))
    rnd = run_form(
        request,
        form,
        lambda d: round_services.round_open(actor=request.user, on=d["on"]),
        success=_("已开启本轮对账，所有未销号任务已生成快照。"),
    )
    if rnd:
        return redirect("round_detail", rnd.pk)
    period = period_containing(timezone.localdate(), policy.period_start_days)
    current = rounds_visible(request.user).filter(status=Round.Status.OPEN).first()
    return render_form(
        request,
        form,
        title=_("开启对账"),
        crumbs=_round_crumbs(),
        cancel=reverse("round_list"),
        intro=_(
            "按所选日期所在的对账周期（每月 %(days)s 日起）开启一轮对账：所有未销号任务生成期初快照，"
            "各责任单位在本轮报送进展，纪检监督员逐项确认或质询。"
        )
        % {"days": "、".join(str(d) for d in policy.period_start_days)},
        extra={"period": period, "current": current},
        template="rectification/round_open.html",
    )


@write_or_404(Area.RECTIFICATION)
def round_close(request, pk):
    rnd = access_round(request.user, pk)
    form = DateForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()}, label=_("结束日期"))
    saved = run_form(
        request,
        form,
        lambda d: round_services.round_close(actor=request.user, round=rnd, on=d["on"]),
        success=_("本轮对账已结束，未报送的事项已标记，快照不再改变。"),
    )
    if saved:
        return redirect("round_detail", rnd.pk)
    counts = rnd.items.aggregate(
        n=Count("id"),
        missing=Count("id", filter=Q(report__isnull=True)),
        waiting=Count("id", filter=Q(report__isnull=False, decision="pending")),
    )
    return render_form(
        request,
        form,
        title=_("结束对账"),
        cancel=reverse("round_detail", args=[rnd.pk]),
        crumbs=_round_crumbs((reverse("round_detail", args=[rnd.pk]), round_name(rnd))),
        intro=_("结束后本轮快照和审核结果不再改变；未报送进展的事项将被标记。"),
        extra={
            "round": rnd,
            "counts": counts,
            "context_line": f"{round_name(rnd)}（{rnd.period_start} – {rnd.period_end}）",
        },
        template="rectification/round_close.html",
    )


def round_item_submit(request, pk):
    item = access_item(request.user, pk)
    if not may_update_task(request.user, item.task):
        raise Http404
    return progress_form(request, item.task, item=item)


@write_or_404(Area.RECTIFICATION)
def round_item_review(request, pk):
    item = access_item(request.user, pk)
    initial = {
        "seen_report": item.report_id,
        "decision": item.decision if item.decision != "pending" else "",
        "note": item.review_note,
    }
    form = ReviewForm(request.POST or None, user=request.user, initial=initial)
    saved = run_form(
        request,
        form,
        lambda d: round_services.round_item_review(
            actor=request.user, item=item, decision=d["decision"], note=d["note"], seen_report=d["seen_report"]
        ),
        success=_("审核结果已保存。"),
    )
    if saved:
        return redirect(reverse("round_detail", args=[item.round_id]) + f"#item-{item.pk}")
    return render_form(
        request,
        form,
        title=_("审核对账事项"),
        cancel=reverse("round_detail", args=[item.round_id]),
        crumbs=_round_crumbs((reverse("round_detail", args=[item.round_id]), round_name(item.round))),
        extra={"item": item, "task": item.task, "context_line": f"{item.task.number} {item.task.title}"},
        template="rectification/review_form.html",
    )


@write_or_404(Area.RECTIFICATION)
def relapse_check_review(request, pk):
    check = access_recheck(request.user, pk)
    form = RecheckForm(request.POST or None, user=request.user, initial={"on": timezone.localdate()})
    saved = run_form(
        request,
        form,
        lambda d: round_services.relapse_check_review(
            actor=request.user, check=check, decision=d["decision"], note=d["note"], on=d["on"], deadline=d["deadline"]
        ),
        success=_("复核结果已保存。"),
    )
    if saved:
        return redirect(reverse("round_detail", args=[check.round_id]) + f"#recheck-{check.pk}")
    return render_form(
        request,
        form,
        title=_("回头看复核"),
        cancel=reverse("round_detail", args=[check.round_id]),
        crumbs=_round_crumbs((reverse("round_detail", args=[check.round_id]), round_name(check.round))),
        intro=_(
            "该任务已销号，仍在回头看期内。请核实整改成果是否保持：未反弹的确认即可；"
            "出现反弹的写明情况，任务将重启整改。"
        ),
        extra={"check": check, "task": check.task, "context_line": f"{check.task.number} {check.task.title}"},
        template="rectification/recheck_form.html",
    )


def round_export(request, pk):
    rnd = access_round(request.user, pk)
    items = list(
        scoped(rnd.items.all(), request.user)
        .select_related("task__town", "task__finding", "report")
        .prefetch_related("report__evidence")
        .order_by(*ITEM_ORDER)
    )
    return round_workbook(rnd, items, round_units(items))
