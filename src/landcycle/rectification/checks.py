"""Rules of the rectification ledger applied before any write: each returns the Problems it finds, in
Chinese and English, naming the field (so that a form shows them beside it)."""

from __future__ import annotations

import datetime as dt

from landcycle.registry.models import Region
from landcycle.rules.problems import Problem


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def inspection_problems(*, kind, title, body, started_on, ended_on, regions, other_units, kinds) -> list[Problem]:
    problems = []
    if kind not in kinds:
        problems.append(Problem("kind", "inspection.kind", "请选择检查类型（巡视、巡察、巡视“回头看”或监督检查）",
                                "Choose the kind of inspection (xunshi, xuncha, revisit or supervision check)"))
    if _blank(title):
        problems.append(Problem("title", "inspection.title", "请填写检查名称", "Give the inspection a title"))
    if _blank(body):
        problems.append(Problem("body", "inspection.body", "请填写检查机关（如省委巡视组、市纪委市监委）",
                                "Name the inspecting body (e.g. the provincial inspection team)"))
    if not isinstance(started_on, dt.date):
        problems.append(Problem("started_on", "inspection.started_on", "请填写检查开始日期",
                                "Give the date the inspection started"))
    elif isinstance(ended_on, dt.date) and ended_on < started_on:
        problems.append(Problem("ended_on", "inspection.end_before_start",
                                f"结束日期{ended_on.isoformat()}早于开始日期{started_on.isoformat()}",
                                f"The end date {ended_on.isoformat()} is before the start {started_on.isoformat()}"))
    if not regions and _blank(other_units):
        problems.append(Problem("regions", "inspection.no_subject", "请至少选择一个被检查地区，或填写被检查单位",
                                "Choose at least one region inspected, or name the units inspected"))
    return problems


def finding_problems(*, inspection, summary, found_on) -> list[Problem]:
    problems = []
    if _blank(summary):
        problems.append(Problem("summary", "finding.summary", "请填写问题概述", "Describe the finding"))
    if not isinstance(found_on, dt.date):
        problems.append(Problem("found_on", "finding.found_on", "请填写问题发现（反馈）日期",
                                "Give the date the finding was made"))
    elif found_on < inspection.started_on:
        problems.append(Problem("found_on", "finding.before_inspection",
                                f"发现日期{found_on.isoformat()}早于检查开始日期{inspection.started_on.isoformat()}",
                                f"The finding's date {found_on.isoformat()} is before the inspection started "
                                f"({inspection.started_on.isoformat()})"))
    return problems


def suggestion_problems(*, inspection, text, made_on, finding) -> list[Problem]:
    problems = []
    if _blank(text):
        problems.append(Problem("text", "suggestion.text", "请填写意见建议的内容", "Write the suggestion"))
    if not isinstance(made_on, dt.date):
        problems.append(Problem("made_on", "suggestion.made_on", "请填写提出日期", "Give the date it was made"))
    if finding is not None and finding.inspection_id != inspection.pk:
        problems.append(Problem("finding", "suggestion.finding", "所选问题不属于本次检查",
                                "The finding chosen belongs to another inspection"))
    return problems


def task_problems(*, finding, town, department, title, measures, assigned_on, deadline) -> list[Problem]:
    """A task needs a responsible unit (a town, or the county and a department), measures and a deadline
    that is not before the finding's date."""
    problems = []
    if town is None:
        problems.append(Problem("town", "task.unit_missing", "请指定责任单位：选择责任镇街；由县级部门负责的，选择“（全市）”并填写责任部门",
                                "Name the responsible unit: a town, or the whole county and the department responsible"))
    elif town.level != Region.Level.TOWN and _blank(department):
        problems.append(Problem("department", "task.department_missing",
                                f"由{town.name}县级部门负责的任务须填写责任部门",
                                f"A task of a county department ({town.code}) must name the department"))
    if _blank(title):
        problems.append(Problem("title", "task.title", "请填写整改任务", "Name the task"))
    if _blank(measures):
        problems.append(Problem("measures", "task.measures", "请填写整改措施", "Describe the measures"))
    if not isinstance(deadline, dt.date):
        problems.append(Problem("deadline", "task.deadline_missing", "请填写整改时限", "Give the task a deadline"))
    elif deadline < finding.found_on:
        problems.append(Problem("deadline", "task.deadline_before_finding",
                                f"整改时限{deadline.isoformat()}早于问题发现日期{finding.found_on.isoformat()}",
                                f"The deadline {deadline.isoformat()} is before the finding's date "
                                f"{finding.found_on.isoformat()}"))
    if isinstance(assigned_on, dt.date):
        if assigned_on < finding.found_on:
            problems.append(Problem("assigned_on", "task.assigned_before_finding",
                                    f"交办日期{assigned_on.isoformat()}早于问题发现日期{finding.found_on.isoformat()}",
                                    f"The task is assigned ({assigned_on.isoformat()}) before the finding's date "
                                    f"{finding.found_on.isoformat()}"))
        elif isinstance(deadline, dt.date) and deadline < assigned_on:
            problems.append(Problem("deadline", "task.deadline_before_assigned",
                                    f"整改时限{deadline.isoformat()}早于交办日期{assigned_on.isoformat()}",
                                    f"The deadline {deadline.isoformat()} is before the task was assigned "
                                    f"({assigned_on.isoformat()})"))
    else:
        problems.append(Problem("assigned_on", "task.assigned_on", "请填写交办日期", "Give the date it was assigned"))
    return problems


def link_problems(*, town, parks, parcels, enterprises) -> list[Problem]:
    """Parks, parcels and enterprises linked to a town's task must be in that town."""
    if town is None or town.level != Region.Level.TOWN:
        return []
    problems = []
    for field, objs, town_of, label_zh, label_en in (
            ("parks", parks, lambda o: o.town_id, "园区", "park"),
            ("parcels", parcels, lambda o: o.park.town_id, "地块", "parcel"),
            ("enterprises", enterprises, lambda o: o.town_id, "企业", "enterprise")):
        wrong = [str(o) for o in objs if town_of(o) != town.pk]
        if wrong:
            problems.append(Problem(field, "task.link_other_town", f"{label_zh}“{'、'.join(wrong)}”不在{town.name}",
                                    f"The {label_en}{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                                    f"{'are' if len(wrong) > 1 else 'is'} not in {town.code}"))
    return problems


def progress_problems(*, percent_done, text, reported_on, today: dt.date) -> list[Problem]:
    problems = []
    if not isinstance(percent_done, int) or isinstance(percent_done, bool) or not 0 <= percent_done <= 100:
        problems.append(Problem("percent_done", "progress.percent", f"完成进度应为0–100的整数，实为“{percent_done}”",
                                f"Progress is a whole percentage 0-100, got '{percent_done}'"))
    if _blank(text):
        problems.append(Problem("text", "progress.text", "请填写本次进展情况", "Describe the progress made"))
    if not isinstance(reported_on, dt.date):
        problems.append(Problem("reported_on", "progress.date", "请填写报送日期", "Give the date of the report"))
    elif reported_on > today:
        problems.append(Problem("reported_on", "progress.future", f"报送日期{reported_on.isoformat()}晚于今天",
                                f"The report is dated {reported_on.isoformat()}, after today"))
    return problems


def reason_problems(field: str, text, rule: str, zh: str, en: str) -> list[Problem]:
    return [Problem(field, rule, zh, en)] if _blank(text) else []
