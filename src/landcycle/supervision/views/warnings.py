"""监管/预警: the warnings board (KPIs by colour, filters, CSV, the county administrator's refresh), one
warning with its history and the actions on it, and a town's page with its warnings. Reads go through
the user's scope (404 outside); writes through supervision.services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from landcycle.accounts.models import User
from landcycle.accounts.redirects import safe_next
from landcycle.accounts.scope import Area, access, can_write, in_scope, may_write_or_404, scoped
from landcycle.kit.listing import Filter, Listing, choice_list, csv_response, kpi, wants_csv
from landcycle.registry.models import Park, Region
from landcycle.registry.selectors import park_choices, town_choices
from landcycle.rules.problems import RuleError

from ..labels import rule_choices, rule_label
from ..models import Contract, Warning
from ..refresh import warnings_refresh
from ..selectors import AGE_BUCKETS, age_filter, colour_counts, fees_due, last_checked, priority, warnings_in_scope
from ..services.warnings import warning_acknowledge, warning_assign, warning_close

STATUS_ACTIVE, STATUS_MINE = "active", "mine"


def _status(qs, value, user=None):
    if value == STATUS_ACTIVE:
        return qs.exclude(status=Warning.Status.CLOSED)
    if value == STATUS_MINE:
        return qs.filter(assignee=user).exclude(status=Warning.Status.CLOSED)
    return qs.filter(status=value)


def _listing(request, base) -> Listing:
    user = request.user
    towns = town_choices(user)
    filters = [Filter("town", _("镇街"), towns, "town__code")] if len(towns) > 1 else []  # one town: no choice
    filters += [
        Filter("park", _("园区"), park_choices(user, request.GET.get("town")), "park_id"),
        Filter("rule", _("规则"), rule_choices(base.order_by().values_list("rule", flat=True).distinct()), "rule"),
        Filter("subject", _("对象类型"), choice_list(Warning.SubjectType), "subject_type"),
        Filter("colour", _("颜色"), choice_list(Warning.Colour), "colour"),
        Filter("age", _("预警时长"), [(k, str(label)) for k, label, _lo, _hi in AGE_BUCKETS], age_filter),
        Filter(
            "status",
            _("处理状态"),
            [(STATUS_ACTIVE, _("未销号")), *choice_list(Warning.Status), (STATUS_MINE, _("指派给我"))],
            lambda qs, v: _status(qs, v, user),
        ),
    ]
    return Listing(
        request,
        search_fields=("subject_label", "reason_zh", "reason_en"),
        search_label=_("对象名称或原因"),
        filters=filters,
        sorts={
            "colour": ("rank", "last_changed"),
            "changed": ("last_changed",),
            "raised": ("first_raised",),
            "town": ("town__code", "-rank"),
            "subject": ("subject_label",),
            "rule": ("rule", "-rank"),
        },
        default_order=("closed_last", "-rank", "priority", "-last_changed", "subject_label"),
    )


def subject_url(w: Warning) -> str:
    name = {Warning.SubjectType.CONTRACT: "contract_detail", Warning.SubjectType.PARCEL: "parcel_detail"}.get(
        w.subject_type, "enterprise_detail"
    )
    return reverse(name, args=[w.subject_id])


def _kpis(qs) -> list[dict]:
    counts = colour_counts(qs)
    fees = fees_due(qs)
    return [
        kpi(_("红色预警"), counts["red"], _("条"), note=_("未销号")) | {"tone": "red"},
        kpi(_("黄色预警"), counts["yellow"], _("条"), note=_("未销号")) | {"tone": "yellow"},
        kpi(_("已转绿待销号"), counts["green"], _("条"), note=_("规则不再触发")) | {"tone": "green"},
        kpi(_("未能判定"), counts["grey"], _("条"), note=_("日期缺失或存疑，不算绿")) | {"tone": "grey"},
        kpi(_("到期提醒"), counts["blue"], _("条"), note=_("约定日期临近，尚未逾期")) | {"tone": "blue"},
        kpi(_("已确认处理中"), counts["acknowledged"], _("条")),
        kpi(_("已销号"), counts["closed"], _("条")),
        kpi(
            _("应征闲置费"),
            fees["fee_wan"],
            _("万元"),
            places=2,
            note=_("可无偿收回 %(n)s 宗") % {"n": fees["take_back"]},
        ),
    ]


def warning_board(request):
    if request.method == "POST":
        return _refresh(request)
    user = request.user
    base = warnings_in_scope(user)
    listing = _listing(request, base)
    qs = listing.filtered(base).annotate(
        closed_last=Case(
            When(status=Warning.Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        priority=priority(),
    )
    rows = listing.ordered(qs.select_related("town", "park", "assignee"))
    if wants_csv(request):
        return _csv(rows)
    page = listing.page(rows)
    for w in page.object_list:
        w.url = subject_url(w)
    towns, many = [], len(town_choices(user)) > 1
    if many:
        towns = list(
            base.exclude(status=Warning.Status.CLOSED)
            .order_by()
            .values("town_id", "town__name", "town__code")
            .annotate(
                red=Count("id", filter=Q(colour="red")),
                yellow=Count("id", filter=Q(colour="yellow")),
                green=Count("id", filter=Q(colour="green")),
                grey=Count("id", filter=Q(colour="grey")),
                blue=Count("id", filter=Q(colour="blue")),
            )
            .order_by("-red", "-yellow", "town__code")
        )
    return render(
        request,
        "supervision/warning_board.html",
        {
            "listing": listing,
            "page_obj": page,
            "kpis": _kpis(qs),
            "checked": last_checked(user),
            "towns": towns,
            "show_town": many,
            "can_refresh": can_write(user, Area.SUPERVISION),
            "today": timezone.localdate(),
        },
    )


def _csv(rows):
    en = get_language() == "en"
    return csv_response(
        _("三色预警"),
        [
            _("颜色"),
            _("对象类型"),
            _("对象"),
            _("规则"),
            _("原因"),
            _("镇街"),
            _("园区"),
            _("首次预警"),
            _("颜色变化"),
            _("最近复核"),
            _("处理状态"),
            _("责任人"),
            _("逾期天数"),
            _("应征闲置费（万元）"),
        ],
        (
            (
                w.get_colour_display(),
                w.get_subject_type_display(),
                w.subject_label,
                rule_label(w.rule),
                (w.reason_en if en else w.reason_zh),
                w.town.name,
                w.park.name if w.park else "",
                w.first_raised.isoformat(),
                w.last_changed.isoformat(),
                w.checked_on.isoformat(),
                w.get_status_display(),
                str(w.assignee or ""),
                w.days_overdue if w.days_overdue is not None else "",
                w.fee_wan if w.fee_wan is not None else "",
            )
            for w in rows.iterator(chunk_size=2000)
        ),
    )


def _refresh(request):
    may_write_or_404(request.user, Area.SUPERVISION)
    raw = request.POST.get("as_of", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        messages.error(request, _("基准日“%(d)s”不是日期，请按 2026-11-29 的格式填写。") % {"d": raw})
        return redirect("warning_board")
    try:
        result = warnings_refresh(actor=request.user, as_of=day)
    except RuleError as exc:
        for p in exc.problems:
            messages.error(request, p.message)
        return redirect("warning_board")
    messages.success(
        request,
        _("已按 %(d)s 重新计算：新增 %(r)s 条，颜色变化 %(c)s 条（转绿 %(g)s 条），未变 %(u)s 条；用时 %(s).1f 秒。")
        % {
            "d": day.isoformat(),
            "r": result.raised,
            "c": result.changed,
            "g": result.turned_green,
            "u": result.unchanged,
            "s": result.seconds,
        },
    )
    if result.skipped:
        messages.warning(
            request,
            _("%(n)s 份合同的数据有矛盾，未能复核，请逐份修正：%(list)s")
            % {"n": len(result.skipped), "list": "、".join(n for n, _m in result.skipped[:10])},
        )
        for number, why in result.skipped[:5]:  # which row, which date, why
            messages.warning(request, _("未能复核合同 %(n)s：%(why)s") % {"n": number, "why": why})
    return redirect(safe_next(request, reverse("warning_board")))


def _assignees(w: Warning):
    return [
        u
        for u in User.objects.filter(is_active=True, region__isnull=False)
        .select_related("region")
        .order_by("region__code", "username")
        if in_scope(u, w.town)
    ]


def warning_detail(request, pk):
    user = request.user
    w = access(Warning.objects.select_related("town", "park", "assignee", "closed_by", "acknowledged_by"), user, pk=pk)
    problems = []
    if request.method == "POST":
        may_write_or_404(user, Area.SUPERVISION)
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                warning_acknowledge(actor=user, warning=w, note=request.POST.get("note", ""))
            elif action == "assign":
                who = next((u for u in _assignees(w) if str(u.pk) == request.POST.get("assignee")), None)
                warning_assign(actor=user, warning=w, assignee=who)
            elif action == "close":
                warning_close(
                    actor=user,
                    warning=w,
                    reason=request.POST.get("reason", ""),
                    exception=request.POST.get("exception") == "1",
                )
            else:
                raise Http404
        except RuleError as exc:
            problems = exc.problems
            w.refresh_from_db()
        else:
            messages.success(request, _("已处理，并已记入预警记录和审计日志。"))
            return redirect(safe_next(request, reverse("warning_detail", args=[pk])))
    subject_visible = True
    if w.subject_type == Warning.SubjectType.CONTRACT:
        subject_visible = scoped(Contract.objects.filter(pk=w.subject_id), user).exists()
    return render(
        request,
        "supervision/warning_detail.html",
        {
            "w": w,
            "events": list(w.events.select_related("actor").order_by("at", "pk")),
            "problems": problems,
            "subject_url": subject_url(w),
            "subject_visible": subject_visible,
            "can_act": can_write(user, Area.SUPERVISION),
            "assignees": _assignees(w) if can_write(user, Area.SUPERVISION) else [],
        },
    )


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
