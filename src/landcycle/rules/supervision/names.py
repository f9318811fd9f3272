"""The names of the warning rules (预警规则) as people read them, in Chinese and English: the one mapping from a
rule's stable code (``completion.overdue``) to its name (竣工逾期). Pages show the name in the reader's language
(``supervision.labels.rule_label``, the template filter ``rule_name``); the stand-alone report writes it beside
the code. A code without a name here is shown as it is (a county's own rule)."""

from __future__ import annotations

RULE_NAMES: dict[str, tuple[str, str]] = {
    "idle.not_started": ("闲置土地（未动工满一年）", "Idle land (not started for a full year)"),
    "idle.take_back": ("闲置满两年（可无偿收回）", "Idle two full years (may be taken back)"),
    "idle.stalled": ("闲置土地（中止开发满一年）", "Idle land (stopped for a full year)"),
    "idle.stalled_watch": ("中止开发（未满一年）", "Stopped (less than a year)"),
    "start.overdue": ("开工逾期", "Start overdue"),
    "start.due_soon": ("开工期限临近", "Start due soon"),
    "completion.overdue": ("竣工逾期", "Completion overdue"),
    "completion.due_soon": ("竣工期限临近", "Completion due soon"),
    "production.overdue": ("达产逾期", "Full production overdue"),
    "production.due_soon": ("达产期限临近", "Full production due soon"),
    "progress.behind": ("开发进度滞后", "Development behind schedule"),
    "enterprise.tax_per_mu": ("亩均税收低于园区标准", "Tax per mu below the park's minimum"),
    "enterprise.class": ("亩均效益评价类别", "Per-mu evaluation class"),
    "contract.not_judged": ("未能判定（日期缺失或存疑）", "Not judged (dates missing or doubtful)"),
    "lease.not_started": ("租赁用地未按期开工", "Leased land not started on time"),
    "lease.stalled": ("租赁用地中止开发", "Leased land stalled"),
    "lease.ended_not_vacated": ("租约到期未腾退", "Lease ended, not vacated"),
    # rectification tasks (整改任务): the reasons of a task's colour
    "task.overdue": ("整改逾期", "Rectification overdue"),
    "task.due_soon": ("整改期限临近", "Rectification deadline near"),
    "task.deadline": ("整改期限", "Rectification deadline"),
    "task.behind": ("整改进度滞后", "Rectification behind schedule"),
    "task.challenged": ("对账提出异议", "Challenged at reconciliation"),
    "task.no_update": ("未按期报告进展", "Progress not reported on time"),
    "task.closed": ("已销号", "Closed out"),
}
COMMITMENT_PREFIX = "commitment."
COMMITMENT_NAME = ("承诺指标：{name}", "Commitment: {name}")


def rule_name(rule: str, commitment_kinds: dict | None = None) -> tuple[str, str]:
    """(Chinese, English) name of the rule ``rule``; a commitment rule (``commitment.tax_per_mu``) is named by its
    kind from ``commitment_kinds`` (the policy's: key -> object with ``zh`` and ``en``); an unknown code is its own
    name in both languages."""
    if rule in RULE_NAMES:
        return RULE_NAMES[rule]
    if rule.startswith(COMMITMENT_PREFIX):
        key = rule[len(COMMITMENT_PREFIX) :]
        kind = (commitment_kinds or {}).get(key)
        zh, en = (kind.zh, kind.en) if kind is not None else (key, key)
        return COMMITMENT_NAME[0].format(name=zh), COMMITMENT_NAME[1].format(name=en)
    return rule, rule
