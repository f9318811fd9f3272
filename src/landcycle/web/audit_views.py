"""审计日志: the append-only log, read by the roles allowed to (accounts.scope.can_read_audit).

A reader at town level sees only the entries of their own region (region codes are hierarchical).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import can_read_audit
from landcycle.audit.models import AuditEntry
from landcycle.kit.cache import cached_at, scope_key
from landcycle.kit.keyset import keyset_page
from landcycle.kit.listing import Filter, Listing, code_prefix, kpi
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
    "contract.create": _("新建供地合同"),
    "contract.update": _("修改供地合同"),
    "warning.raise": _("发出预警"),
    "warning.colour": _("预警颜色变化"),
    "warning.acknowledge": _("确认预警"),
    "warning.assign": _("指定预警责任人"),
    "warning.close": _("预警销号"),
    "warning.close_exception": _("预警例外销号"),
    "inspection.create": _("登记巡视巡察"),
    "inspection.update": _("修改巡视巡察"),
    "finding.create": _("登记问题"),
    "finding.update": _("修改问题"),
    "suggestion.create": _("登记意见建议"),
    "suggestion.update": _("修改意见建议"),
    "task.create": _("新建整改任务"),
    "task.update": _("修改整改任务"),
    "task.links": _("修改整改任务关联对象"),
    "task.progress": _("报告整改进展"),
    "task.close": _("整改任务销号"),
    "task.reopen": _("整改任务重新打开"),
    "round.open": _("开启对账轮次"),
    "round.close": _("关闭对账轮次"),
    "round_item.snapshot": _("对账快照"),
    "round_item.confirmed": _("对账确认"),
    "round_item.challenged": _("对账提出异议"),
    "relapse_check.open": _("开启回头看"),
    "relapse_check.held": _("回头看：未反弹"),
    "relapse_check.relapsed": _("回头看：已反弹"),
    "evaluation_policy.create": _("新建评价办法版本"),
    "evaluation_run.create": _("新建评价批次"),
    "evaluation_run.update": _("修改评价批次"),
    "evaluation_run.recompute": _("重新计算评价批次"),
    "evaluation_run.publish": _("发布评价结果"),
    "evaluation_run.supersede": _("评价结果被替代"),
    "evaluation_fact.create": _("登记评价事项"),
    "evaluation_fact.update": _("修改评价事项"),
    "evaluation_fact.delete": _("删除评价事项"),
}
VERBS = {
    "create": _("新建"),
    "update": _("修改"),
    "end": _("终止"),
    "load": _("载入"),
    "delete": _("删除"),
    "import": _("导入"),
    "add": _("新增"),
    "open": _("开启"),
    "close": _("关闭"),
    "reopen": _("重新打开"),
    "publish": _("发布"),
    "measure": _("登记实测"),
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


def in_region(qs, code: str, town: bool = False):
    """Entries of the region ``code`` and below. A town is the finest level, so its entries are those with its very
    code: one range of the (region_code, seq) index, read newest first (a prefix LIKE could use no index: SQLite's
    LIKE ignores case, PostgreSQL's needs the C collation; and a range over a town's codes made PostgreSQL walk the
    seq index instead, 70 ms at 190,000 entries). A coarser region is the range [code, code + 1) of the hierarchical
    codes: most of its reader's entries, found early on the seq index."""
    if town:
        return qs.filter(region_code=code)
    return qs.filter(code_prefix("region_code", code))


def audit_scope(user):
    """All entries for county-level readers; a town-level reader's own region only."""
    qs = AuditEntry.objects.all()
    region = getattr(user, "region", None)
    if region is not None and region.level == Region.Level.TOWN:
        qs = in_region(qs, region.code, town=True)
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


DIVISION_CODE = re.compile(r"\d{6}(\d{3})?(\d{3})?")


class Names:
    """What the page shows instead of a stored code: division codes as the names of their regions, stored
    choices (``check``) as their labels, references (an id) as the object they name. Looked up once per page."""

    def __init__(self) -> None:
        self.regions: dict[str, str] = {}
        self.objects: dict[tuple, str] = {}

    def load_regions(self, codes: set[str]) -> None:
        wanted = codes - set(self.regions)
        if wanted:
            self.regions.update(Region.objects.filter(code__in=wanted).values_list("code", "name"))

    def region(self, code: str) -> str:
        return self.regions.get(code, code)

    def codes(self, value) -> list[str] | None:
        """The division codes ``value`` is made of (a code, or a list of codes); None when it is not that."""
        items = value if isinstance(value, list) else [value]
        if items and all(isinstance(v, str) and DIVISION_CODE.fullmatch(v) for v in items):
            return list(items)
        return None

    def prefetch(self, entries) -> None:
        """Every region and referenced object the page's entries name, one query per kind of object."""
        codes: set[str] = {e.region_code for e in entries if e.region_code}
        wanted: dict = {}
        for e in entries:
            model = _model_label(e.object_type)
            for data in (_load(e.before), _load(e.after)):
                codes |= _stored_codes(data)
                for key, value in (data or {}).items():
                    field = _field(model, key)
                    if field is not None and field.many_to_one and isinstance(value, int):
                        wanted.setdefault(field.related_model, set()).add(value)
        self.load_regions(codes)
        for related, pks in wanted.items():
            for obj in related._default_manager.filter(pk__in=pks):
                self.objects[(related, obj.pk)] = str(obj)

    def related(self, field, value) -> str | None:
        return self.objects.get((field.related_model, value))

    def show(self, model, key: str, value) -> str:
        """A stored value as a clerk reads it."""
        field = _field(model, key)
        if value not in (None, "") and field is not None:
            if getattr(field, "choices", None) and not isinstance(value, list):
                label = dict(field.flatchoices).get(value)
                if label is not None:
                    return str(label)
            if field.is_relation and field.many_to_one and isinstance(value, int):
                return self.related(field, value) or _show(value)
        codes = self.codes(value) if value not in (None, "") else None
        if codes is not None and (field is None or "region" in key or "town" in key or not field.is_relation):
            names = [self.region(c) for c in codes]
            if names != codes:
                return "、".join(names)
        return _show(value)


def _field(model, name: str):
    if model is None or not name:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _load(text):
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return {"": text}
    return data if isinstance(data, dict) else ({"": data} if data is not None else None)


def _stored_codes(data: dict | None) -> set[str]:
    out: set[str] = set()
    for v in (data or {}).values():
        for item in v if isinstance(v, list) else [v]:
            if isinstance(item, str) and DIVISION_CODE.fullmatch(item):
                out.add(item)
    return out


def diff_rows(entry: AuditEntry, names: Names | None = None) -> list[dict]:
    """Field-by-field before/after, changed fields first; unchanged ones are left out of updates. Codes are
    shown by name (``names``)."""
    names = names or Names()

    before, after = _load(entry.before), _load(entry.after)
    model = _model_label(entry.object_type)
    keys = list((after or {}).keys()) + [k for k in (before or {}) if k not in (after or {})]
    names.load_regions(_stored_codes(before) | _stored_codes(after))
    rows = []
    for key in keys:
        old = (before or {}).get(key)
        new = (after or {}).get(key)
        if before is not None and after is not None and (old == new or key == "version"):
            continue  # the edit lock's version (audit.versions) moves on every update: not a change to show
        rows.append(
            {
                "field": _field_label(model, key) if key else "",
                "before": names.show(model, key, old) if before is not None else "",
                "after": names.show(model, key, new) if after is not None else "",
                "changed": before is not None,
            }
        )
    return rows


def _log_state() -> str:
    """Where the audit log stands: its last entry's sequence number and hash (one read of the unique index). The log
    is only appended to, so a value computed from it holds until this moves."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    return f"audit@{last[0]}:{last[1][:16]}" if last else "audit@0"


def _object_types(values):
    out = []
    for value in values:
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
    towns = {code for code, _name in regions}
    if user.region is not None and user.region.level != Region.Level.TOWN:
        regions.insert(0, (user.region.code, f"{user.region.name}（{_('本级及以下')}）"))
    # every figure below reads every entry of the scope: kept in the cache until the log grows (it only grows)
    state = _log_state()
    figures = cached_at(
        state,
        f"audit_list:{scope_key(user)}",
        lambda: {
            "actors": list(base.order_by().values_list("actor_name", flat=True).distinct()),
            "actions": list(base.order_by().values_list("action", "object_type").distinct()),
            "types": list(base.order_by().values_list("object_type", flat=True).distinct()),
            "total": base.count(),
            "latest": base.order_by("-seq").values_list("at", flat=True).first(),
        },
    )
    actors, actions = figures["actors"], figures["actions"]
    listing = Listing(
        request,
        search_fields=("object_repr", "object_id"),
        search_label=_("对象名称或编号"),
        filters=[
            Filter("actor", _("操作人"), [(a, a) for a in sorted(actors)], "actor_name"),
            Filter("action", _("操作"), sorted({a: action_label(a, t) for a, t in actions}.items()), "action"),
            Filter("type", _("对象类型"), _object_types(figures["types"]), "object_type"),
            Filter("region", _("区划"), regions, lambda qs, code: in_region(qs, code, town=code in towns)),
        ],
    )
    qs = listing.filtered(base)
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    tz = timezone.get_current_timezone()
    if start:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    qs = qs.select_related("actor")
    shown = sorted((k, v) for k, v in request.GET.lists() if k not in ("page", "older", "newer"))
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    count = (
        cached_at(state, f"audit_list:{scope_key(user)}:{digest}", qs.count) if listing.active or start or end else None
    )
    # older / newer by the sequence number (its unique index), not page numbers: the oldest page costs what the
    # newest does (kit.keyset)
    page = keyset_page(qs, "seq", request.GET, settings.PAGE_SIZE, count=figures["total"] if count is None else count)
    names = Names()
    names.prefetch(page.object_list)
    for entry in page.object_list:
        entry.action_label = action_label(entry.action, entry.object_type)
        model = _model_label(entry.object_type)
        entry.type_label = model._meta.verbose_name if model else entry.object_type
        entry.diff = diff_rows(entry, names)
        entry.region_name = names.region(entry.region_code) if entry.region_code else ""
    latest = figures["latest"]
    kpis = [
        kpi(_("审计记录"), figures["total"], _("条")),
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
