"""Names of the warning rules, colours and subjects as the pages show them (gettext: Chinese first)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .convert import policy

RULE_LABELS = {
    "idle.not_started": _("闲置土地（未动工满一年）"),
    "idle.take_back": _("闲置满两年（可无偿收回）"),
    "idle.stalled": _("闲置土地（中止开发满一年）"),
    "idle.stalled_watch": _("中止开发（未满一年）"),
    "start.overdue": _("开工逾期"),
    "start.due_soon": _("开工期限临近"),
    "completion.overdue": _("竣工逾期"),
    "completion.due_soon": _("竣工期限临近"),
    "production.overdue": _("达产逾期"),
    "production.due_soon": _("达产期限临近"),
    "progress.behind": _("开发进度滞后"),
    "enterprise.tax_per_mu": _("亩均税收低于园区标准"),
    "enterprise.class": _("亩均效益评价类别"),
    "contract.not_judged": _("未能判定（日期缺失或存疑）"),
    "lease.not_started": _("租赁用地未按期开工"),
    "lease.stalled": _("租赁用地中止开发"),
    "lease.ended_not_vacated": _("租约到期未腾退"),
}
COMMITMENT_PREFIX = "commitment."

# the colours of the three-colour warning, as CSS custom properties of web/app.css
COLOUR_HEX = {"red": "#d93b3b", "yellow": "#e0a100", "green": "#2e9d5b", "blue": "#3b78b8", "grey": "#8a919c"}
NO_WARNING_HEX = "#b8bec8"


def rule_label(rule: str) -> str:
    if rule in RULE_LABELS:
        return str(RULE_LABELS[rule])
    if rule.startswith(COMMITMENT_PREFIX):
        kind = rule[len(COMMITMENT_PREFIX) :]
        k = policy().commitment_kinds.get(kind)
        name = (k.en if get_language() == "en" else k.zh) if k else kind
        return str(_("承诺指标：%(name)s")) % {"name": name}
    return rule


def rule_choices(rules) -> list[tuple[str, str]]:
    return sorted(((r, rule_label(r)) for r in set(rules)), key=lambda x: (not x[0].startswith("idle"), x[0]))


def commitment_name(kind: str, label_zh: str = "", label_en: str = "") -> str:
    en = get_language() == "en"
    k = policy().commitment_kinds.get(kind)
    if k:
        return k.en if en else k.zh
    return (label_en if en else label_zh) or label_zh or kind
