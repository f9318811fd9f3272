"""审计日志: the append-only log, read by the roles allowed to (accounts.scope.can_read_audit).

A reader at town level sees only the entries of their own region (region codes are hierarchical).
"""

from __future__ import annotations

import datetime as dt
import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import can_read_audit
from landcycle.audit.models import AuditEntry
from landcycle.kit.listing import Filter, Listing, kpi
from landcycle.registry.models import Region
from landcycle.registry.selectors import towns_in_scope

ACTION_LABELS = {
    "park.create": _("新建园区"),
    "park.update": _("修改园区"),
    "parcel.create": _("新建地块"),
    "parcel.update": _("修改地块"),
    "enterprise.create": _("新建企业"),
    "enterprise.update": _("修改企业"),
    "occupancy.create": _("登记用地关系"),
    "occupancy.end": _("终止用地关系"),
    "region.load": _("载入行政区划"),
    "user.create": _("新建用户"),
    "user.password_change": _("修改密码"),
}
VERBS = {
    "create": _("新建"),
    "update": _("修改"),
    "end": _("终止"),
    "load": _("载入"),
    "delete": _("删除"),
    "import": _("导入"),
}
SOURCES = {"sample": _("示例数据"), "import": _("台账导入")}


def action_label(action: str, object_type: str = "") -> str:
    """新建园区 for park.create; for other actions, the verb and the object's name (示例数据 · 新建年度数据)."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    parts = action.split(".")
    verb = VERBS.get(parts[-1])
    model = _model_label(object_type)
    if verb is None or model is None:
        return action
    label = _("%(verb)s%(object)s") % {"verb": verb, "object": model._meta.verbose_name}
    source = SOURCES.get(parts[0]) if len(parts) > 2 else None
    return f"{source} · {label}" if source else label


def audit_scope(user):
    """All entries for county-level readers; a town-level reader's own region only."""
    qs = AuditEntry.objects.all()
    region = getattr(user, "region", None)
    if region is not None and region.level == Region.Level.TOWN:
        qs = qs.filter(region_code__startswith=region.code)
    return qs


def _model_label(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field_label(model, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))  # a reverse relation has no verbose_name


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False)
        return text if len(text) <= 160 else text[:157] + "…"
    return str(value)


def diff_rows(entry: AuditEntry) -> list[dict]:
    """Field-by-field before/after, changed fields first; unchanged ones are left out of updates."""

    def load(text):
        try:
            data = json.loads(text) if text else None
        except ValueError:
            return {"": text}
        return data if isinstance(data, dict) else ({"": data} if data is not None else None)

    before, after = load(entry.before), load(entry.after)
    model = _model_label(entry.object_type)
    keys = list((after or {}).keys()) + [k for k in (before or {}) if k not in (after or {})]
    rows = []
    for key in keys:
        old = (before or {}).get(key)
        new = (after or {}).get(key)
        if before is not None and after is not None and (old == new or key == "version"):
            continue  # the edit lock's version (audit.versions) moves on every update: not a change to show
        rows.append(
            {
                "field": _field_label(model, key) if key else "",
                "before": _show(old) if before is not None else "",
                "after": _show(new) if after is not None else "",
                "changed": before is not None,
            }
        )
    return rows


def _object_types(qs):
    out = []
    for value in qs.order_by().values_list("object_type", flat=True).distinct():
        model = _model_label(value)
        out.append((value, str(model._meta.verbose_name) if model else value))
    return sorted(out)


def _date(raw: str):
    try:
        return dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return None


def audit_list(request):
    if not can_read_audit(request.user):
        raise Http404
    base = audit_scope(request.user)
    user = request.user
    regions = [(t.code, t.name) for t in towns_in_scope(user).order_by("code")]
    if user.region is not None and user.region.level != Region.Level.TOWN:
        regions.insert(0, (user.region.code, f"{user.region.name}（{_('本级及以下')}）"))
    actors = list(base.order_by().values_list("actor_name", flat=True).distinct())
    actions = list(base.order_by().values_list("action", "object_type").distinct())
    listing = Listing(
        request,
        search_fields=("object_repr", "object_id"),
        search_label=_("对象名称或编号"),
        filters=[
            Filter("actor", _("操作人"), [(a, a) for a in sorted(actors)], "actor_name"),
            Filter("action", _("操作"), sorted({a: action_label(a, t) for a, t in actions}.items()), "action"),
            Filter("type", _("对象类型"), _object_types(base), "object_type"),
            Filter("region", _("区划"), regions, "region_code__startswith"),
        ],
    )
    qs = listing.filtered(base)
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    qs = qs.select_related("actor").order_by("-seq")
    page = listing.page(qs)
    for entry in page.object_list:
        entry.action_label = action_label(entry.action, entry.object_type)
        model = _model_label(entry.object_type)
        entry.type_label = model._meta.verbose_name if model else entry.object_type
        entry.diff = diff_rows(entry)
    latest = base.order_by("-seq").values_list("at", flat=True).first()
    kpis = [
        kpi(_("审计记录"), base.count(), _("条")),
        kpi(_("筛选结果"), page.paginator.count, _("条")),
        kpi(_("最近一次写入"), timezone.localtime(latest).strftime("%Y-%m-%d %H:%M") if latest else "—"),
    ]
    return render(
        request,
        "web/audit_list.html",
        {
            "listing": listing,
            "page_obj": page,
            "kpis": kpis,
            "date_from": start,
            "date_to": end,
        },
    )
