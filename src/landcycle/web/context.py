"""The navigation by stage, shown on every page. Areas not built yet say so plainly."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from landcycle.accounts.scope import can_read_audit, can_write, spans_counties

# (key, label, url name or None when the area is a group, children)
NAVIGATION = [
    ("home", _("首页"), "home", []),
    ("overview", _("总览"), "overview", []),
    ("dashboard", _("数据看板"), "dashboard", []),
    ("counties", _("各县对比"), "county_compare", []),
    (
        "registry",
        _("登记"),
        None,
        [
            ("parks", pgettext_lazy("plural", "园区"), "park_list"),
            ("parcels", pgettext_lazy("plural", "地块"), "parcel_list"),
            ("enterprises", pgettext_lazy("plural", "企业"), "enterprise_list"),
            ("map", _("地块地图"), "parcel_map"),
        ],
    ),
    ("admission", _("准入"), "application_list", []),
    ("supply", _("供地/合同"), "contract_list", []),
    ("supervision", _("监管/预警"), "warning_board", []),
    ("evaluation", _("亩均评价"), "evaluation_runs", []),
    ("rectification", _("整改"), "rectification_ledger", []),
    (
        "exits",
        _("腾退/改造"),
        None,
        [("exit_cases", _("腾退案件"), "exit_case_list"), ("renewal", _("改造提升"), "renewal_list")],
    ),
    ("ranking", _("赛马"), "ranking_home", []),
    (
        "system",
        _("系统"),
        None,
        [
            ("audit", _("审计日志"), "audit_list"),
            ("county_policies", _("本县政策"), "policies_home"),
            ("imports", _("数据导入"), "ledger_import_new"),
            ("downloads", _("下载中心"), "export_job_list"),
            ("api_tokens", _("API令牌"), "api:my_tokens"),
        ],
    ),
]

PENDING_AREAS = {key: label for key, label, url, _children in NAVIGATION if url == "area_pending"}

# What each area not built yet will hold, and which part of the product brings it (docs/architecture.md).
PENDING_DETAILS = {
    "admission": (
        _(
            "入园申请登记，按园区准入规则（最低亩均税收、投资强度、容积率、能耗排放、负面清单）逐条检查，"
            "给出准入或不予准入及未通过的规则。"
        ),
        "admission",
        _("准入阶段"),
    ),
    "supply": (
        _("出让与租赁合同、标准地“5+X”承诺指标、约定交地、开工、竣工、达产日期。"),
        "registry / supervision",
        _("供给阶段"),
    ),
    "supervision": (
        _("合同履约、闲置土地、承诺指标、项目进度的三色预警（红、黄、绿），每种颜色都写明规则、数据和变化历史。"),
        "supervision",
        _("监管阶段"),
    ),
    "evaluation": (
        _("规上、规下企业的亩均效益综合评价：指标、权重、基准值、A/B/C/D分类与一票否决，按年度留存结果。"),
        "evaluation",
        _("监管阶段"),
    ),
    "rectification": (
        _("巡视巡察发现的问题、整改任务、佐证材料，每月两次对账销号及防反弹。"),
        "rectification",
        _("整改监督"),
    ),
    "exits": (_("腾退案件、遗留物清点与归属认定、司法调解，以及老旧工业区块改造项目。"), "exits", _("退出阶段")),
    "ranking": (_("镇街季度“赛马”排名：“五位一体”指标、标准化方法、权重与名次变化。"), "ranking", _("季度赛马")),
}

# url name -> navigation key of the item that is highlighted
_ACTIVE = {
    "home": "home",
    "overview": "overview",
    "dashboard": "dashboard",
    "county": "counties",
    "parcel_map": "map",
    "audit_list": "audit",
    "evaluation": "evaluation",
    "park": "parks",
    "parcel": "parcels",
    "enterprise": "enterprises",
    "occupancy": "parcels",
    "contract": "supply",
    "commitment": "supply",
    "extension": "supply",
    "delay": "supply",
    "warning": "supervision",
    "town": "supervision",
    "ledger": "imports",
    "import": "imports",
    "export": "downloads",
    "rectification": "rectification",
    "inspection": "rectification",
    "check": "rectification",
    "finding": "rectification",
    "suggestion": "rectification",
    "task": "rectification",
    "round": "rectification",
    "evidence": "rectification",
    "application": "admission",
    "admission": "admission",
    "exit": "exit_cases",
    "ranking": "ranking",
    "renewal": "renewal",
    "policies": "county_policies",
}


def _active_key(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    name = match.url_name or ""
    if name == "area_pending":
        return match.kwargs.get("key", "")
    return _ACTIVE.get(name) or _ACTIVE.get(name.split("_")[0], "")


def navigation(request):
    user = getattr(request, "user", None)
    active = _active_key(request)
    items = []
    for key, label, url, children in NAVIGATION:
        kids = []
        for ckey, clabel, curl in children:
            if ckey == "audit" and not can_read_audit(user):
                continue
            if ckey == "imports" and not can_write(user, "ledgers"):
                continue
            kids.append({"key": ckey, "label": clabel, "url": reverse(curl), "active": ckey == active})
        if not url and not kids:
            continue
        if key == "counties" and not spans_counties(user):  # a county's own users have one county to compare
            continue
        href = reverse(url, args=[key]) if url == "area_pending" else (reverse(url) if url else None)
        items.append(
            {
                "key": key,
                "label": label,
                "url": href,
                "pending": url == "area_pending",
                "children": kids,
                "active": key == active or any(k["active"] for k in kids),
            }
        )
    return {"navigation": items, "can_edit_registry": can_write(user, "registry")}
