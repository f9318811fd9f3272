"""The navigation by stage, shown on every page. Areas not built yet say so plainly."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import can_read_audit

# (key, label, url name or None when the area is not built yet, children)
NAVIGATION = [
    ("overview", _("总览"), "overview", []),
    ("registry", _("登记"), None, [
        ("parks", _("园区"), "park_list"),
        ("parcels", _("地块"), "parcel_list"),
        ("enterprises", _("企业"), "enterprise_list"),
        ("map", _("地块地图"), "parcel_map"),
    ]),
    ("admission", _("准入"), "area_pending", []),
    ("supply", _("供地/合同"), "area_pending", []),
    ("supervision", _("监管/预警"), "area_pending", []),
    ("evaluation", _("亩均评价"), "area_pending", []),
    ("rectification", _("整改"), "area_pending", []),
    ("exits", _("腾退/改造"), "area_pending", []),
    ("ranking", _("赛马"), "area_pending", []),
    ("system", _("系统"), None, [
        ("audit", _("审计日志"), "audit_list"),
    ]),
]

PENDING_AREAS = {key: label for key, label, url, _children in NAVIGATION if url == "area_pending"}


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    for key, label, url, children in NAVIGATION:
        kids = []
        for ckey, clabel, curl in children:
            if ckey == "audit" and not can_read_audit(user):
                continue
            kids.append({"key": ckey, "label": clabel, "url": reverse(curl)})
        if not url and not kids:
            continue
        href = reverse(url, args=[key]) if url == "area_pending" else (reverse(url) if url else None)
        items.append({"key": key, "label": label, "url": href, "pending": url == "area_pending",
                      "children": kids})
    return {"navigation": items}
