"""Rules of the rectification ledger applied before any write: each returns the Problems it finds, in
Chinese and English, naming the field (so that a form shows them beside it)."""

from __future__ import annotations

import datetime as dt

from landcycle.accounts.scope import in_scope
from landcycle.registry.models import Region
from landcycle.rules.dates import date_problems
from landcycle.rules.problems import Problem

DATE_LABELS = {
    "started_on": ("开始日期", "start date"),
    "ended_on": ("结束日期", "end date"),
    "found_on": ("发现日期", "date found"),
    "made_on": ("提出日期", "date made"),
    "assigned_on": ("交办日期", "date assigned"),
    "deadline": ("整改时限", "deadline"),
    "reported_on": ("报送日期", "report date"),
    "closed_on": ("销号日期", "close-out date"),
    "reopened_on": ("重启日期", "reopening date"),
    "on": ("日期", "date"),
}


def plausible_dates(**dates) -> list[Problem]:
    """Each date within the plausible range (policies/registry.toml ``[dates]``: from 1949-10-01 to 70 years
    from today); a deadline in year 9999 would break the working-day calendar and the colours."""
    out = []
    for field, value in dates.items():
        out += date_problems(field, value, *DATE_LABELS.get(field, (field, field)))
    return out


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def inspection_problems(*, kind, title, body, started_on, ended_on, regions, other_units, kinds) -> list[Problem]:
    problems = []
    if kind not in kinds:
        problems.append(
            Problem(
                "kind",
                "inspection.kind",
                "请选择检查类型（巡视、巡察、巡视“回头看”或监督检查）",
                "Choose the kind of inspection (xunshi, xuncha, revisit or supervision check)",
            )
        )
    if _blank(title):
        problems.append(Problem("title", "inspection.title", "请填写检查名称", "Give the inspection a title"))
    if _blank(body):
        problems.append(
            Problem(
                "body",
                "inspection.body",
                "请填写检查机关（如省委巡视组、市纪委市监委）",
                "Name the inspecting body (e.g. the provincial inspection team)",
            )
        )
    if not isinstance(started_on, dt.date):
        problems.append(
            Problem("started_on", "inspection.started_on", "请填写检查开始日期", "Give the date the inspection started")
        )
    elif isinstance(ended_on, dt.date) and ended_on < started_on:
        problems.append(
            Problem(
                "ended_on",
                "inspection.end_before_start",
                f"结束日期{ended_on.isoformat()}早于开始日期{started_on.isoformat()}",
                f"The end date {ended_on.isoformat()} is before the start {started_on.isoformat()}",
            )
        )
    if not regions and _blank(other_units):
        problems.append(
            Problem(
                "regions",
                "inspection.no_subject",
                "请至少选择一个被检查地区，或填写被检查单位",
                "Choose at least one region inspected, or name the units inspected",
            )
        )
    problems += plausible_dates(started_on=started_on, ended_on=ended_on)
    return problems


def finding_problems(*, inspection, summary, found_on) -> list[Problem]:
    problems = []
    if _blank(summary):
        problems.append(Problem("summary", "finding.summary", "请填写问题概述", "Describe the finding"))
    if not isinstance(found_on, dt.date):
        problems.append(
            Problem("found_on", "finding.found_on", "请填写问题发现（反馈）日期", "Give the date the finding was made")
        )
    elif found_on < inspection.started_on:
        problems.append(
            Problem(
                "found_on",
                "finding.before_inspection",
                f"发现日期{found_on.isoformat()}早于检查开始日期{inspection.started_on.isoformat()}",
                f"The finding's date {found_on.isoformat()} is before the inspection started "
                f"({inspection.started_on.isoformat()})",
            )
        )
    problems += plausible_dates(found_on=found_on)
    return problems


def suggestion_problems(*, inspection, text, made_on, finding) -> list[Problem]:
    problems = []
    if _blank(text):
        problems.append(Problem("text", "suggestion.text", "请填写意见建议的内容", "Write the suggestion"))
    if not isinstance(made_on, dt.date):
        problems.append(Problem("made_on", "suggestion.made_on", "请填写提出日期", "Give the date it was made"))
    if finding is not None and finding.inspection_id != inspection.pk:
        problems.append(
            Problem(
                "finding",
                "suggestion.finding",
                "所选问题不属于本次检查",
                "The finding chosen belongs to another inspection",
            )
        )
    problems += plausible_dates(made_on=made_on)
    return problems


def task_problems(*, finding, town, department, title, measures, assigned_on, deadline) -> list[Problem]:
    """A task needs a responsible unit (a town, or the county and a department), measures and a deadline
    that is not before the finding's date."""
    problems = []
    if town is None:
        problems.append(
            Problem(
                "town",
                "task.unit_missing",
                "请指定责任单位：选择责任镇街；由县级部门负责的，选择“（全市）”并填写责任部门",
                "Name the responsible unit: a town, or the whole county and the department responsible",
            )
        )
    elif town.level != Region.Level.TOWN and _blank(department):
        problems.append(
            Problem(
                "department",
                "task.department_missing",
                f"由{town.name}县级部门负责的任务须填写责任部门",
                f"A task of a county department ({town.code}) must name the department",
            )
        )
    if _blank(title):
        problems.append(Problem("title", "task.title", "请填写整改任务", "Name the task"))
    if _blank(measures):
        problems.append(Problem("measures", "task.measures", "请填写整改措施", "Describe the measures"))
    if not isinstance(deadline, dt.date):
        problems.append(Problem("deadline", "task.deadline_missing", "请填写整改时限", "Give the task a deadline"))
    elif deadline < finding.found_on:
        problems.append(
            Problem(
                "deadline",
                "task.deadline_before_finding",
                f"整改时限{deadline.isoformat()}早于问题发现日期{finding.found_on.isoformat()}",
                f"The deadline {deadline.isoformat()} is before the finding's date {finding.found_on.isoformat()}",
            )
        )
    if isinstance(assigned_on, dt.date):
        if assigned_on < finding.found_on:
            problems.append(
                Problem(
                    "assigned_on",
                    "task.assigned_before_finding",
                    f"交办日期{assigned_on.isoformat()}早于问题发现日期{finding.found_on.isoformat()}",
                    f"The task is assigned ({assigned_on.isoformat()}) before the finding's date "
                    f"{finding.found_on.isoformat()}",
                )
            )
        elif isinstance(deadline, dt.date) and deadline < assigned_on:
            problems.append(
                Problem(
                    "deadline",
                    "task.deadline_before_assigned",
                    f"整改时限{deadline.isoformat()}早于交办日期{assigned_on.isoformat()}",
                    f"The deadline {deadline.isoformat()} is before the task was assigned ({assigned_on.isoformat()})",
                )
            )
    else:
        problems.append(Problem("assigned_on", "task.assigned_on", "请填写交办日期", "Give the date it was assigned"))
    problems += plausible_dates(assigned_on=assigned_on, deadline=deadline)
    return problems


LINKS = (  # field, how to find an object's town, label zh, label en
    ("parks", lambda o: o.town_id, "园区", "park"),
    ("parcels", lambda o: o.park.town_id, "地块", "parcel"),
    ("enterprises", lambda o: o.town_id, "企业", "enterprise"),
    ("contracts", lambda o: o.town_id, "合同", "contract"),
)


def link_problems(*, town, parks=(), parcels=(), enterprises=(), contracts=()) -> list[Problem]:
    """Parks, parcels, enterprises and contracts linked to a town's task must be in that town (a county
    department's task may concern any town of the county)."""
    if town is None or town.level != Region.Level.TOWN:
        return []
    problems = []
    given = {"parks": parks, "parcels": parcels, "enterprises": enterprises, "contracts": contracts}
    for field, town_of, label_zh, label_en in LINKS:
        wrong = [str(o) for o in given[field] if town_of(o) != town.pk]
        if wrong:
            problems.append(
                Problem(
                    field,
                    "task.link_other_town",
                    f"{label_zh}“{'、'.join(wrong)}”不在{town.name}",
                    f"The {label_en}{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                    f"{'are' if len(wrong) > 1 else 'is'} not in {town.code}",
                )
            )
    return problems


def scope_problems(actor, **links) -> list[Problem]:
    """Objects a user links must be in the user's own scope (a town officer: their own town)."""
    problems = []
    for field, _town_of, label_zh, label_en in LINKS:
        wrong = [str(o) for o in links.get(field, ()) if not in_scope(actor, _town(o, field))]
        if wrong:
            problems.append(
                Problem(
                    field,
                    "scope.link",
                    f"不能关联您辖区以外的{label_zh}：{'、'.join(wrong)}",
                    f"You may not link a {label_en} outside your region: {', '.join(wrong)}",
                )
            )
    return problems


def _town(obj, field: str):
    return obj.park.town if field == "parcels" else obj.town


def inspection_date_problems(*, inspection, started_on) -> list[Problem]:
    """An inspection's start may not move after the date of a finding it already has."""
    if inspection.pk is None or not isinstance(started_on, dt.date):
        return []
    first = inspection.findings.order_by("found_on").values_list("found_on", flat=True).first()
    if first is not None and started_on > first:
        return [
            Problem(
                "started_on",
                "inspection.after_findings",
                f"开始日期{started_on.isoformat()}晚于本次检查已录入问题的发现日期{first.isoformat()}",
                f"The start {started_on.isoformat()} is after the date of a finding already recorded "
                f"({first.isoformat()})",
            )
        ]
    return []


def finding_date_problems(*, finding, found_on) -> list[Problem]:
    """A finding's date may not move after the assignment or the deadline of one of its tasks."""
    if finding.pk is None or not isinstance(found_on, dt.date):
        return []
    tasks = list(finding.tasks.values_list("number", "assigned_on", "deadline"))
    late = [(n, a) for n, a, _d in tasks if a < found_on] + [(n, d) for n, _a, d in tasks if d < found_on]
    if not late:
        return []
    number, day = min(late, key=lambda x: x[1])
    return [
        Problem(
            "found_on",
            "finding.after_tasks",
            f"发现日期{found_on.isoformat()}晚于任务{number}的交办日期或整改时限{day.isoformat()}",
            f"The finding's date {found_on.isoformat()} is after the assignment or deadline of task "
            f"{number} ({day.isoformat()})",
        )
    ]


def progress_problems(*, percent_done, text, reported_on, today: dt.date) -> list[Problem]:
    problems = []
    if not isinstance(percent_done, int) or isinstance(percent_done, bool) or not 0 <= percent_done <= 100:
        problems.append(
            Problem(
                "percent_done",
                "progress.percent",
                f"完成进度应为0–100的整数，实为“{percent_done}”",
                f"Progress is a whole percentage 0-100, got '{percent_done}'",
            )
        )
    if _blank(text):
        problems.append(Problem("text", "progress.text", "请填写本次进展情况", "Describe the progress made"))
    if not isinstance(reported_on, dt.date):
        problems.append(Problem("reported_on", "progress.date", "请填写报送日期", "Give the date of the report"))
    elif reported_on > today:
        problems.append(
            Problem(
                "reported_on",
                "progress.future",
                f"报送日期{reported_on.isoformat()}晚于今天",
                f"The report is dated {reported_on.isoformat()}, after today",
            )
        )
    problems += plausible_dates(reported_on=reported_on)
    return problems


def reason_problems(field: str, text, rule: str, zh: str, en: str) -> list[Problem]:
    return [Problem(field, rule, zh, en)] if _blank(text) else []
