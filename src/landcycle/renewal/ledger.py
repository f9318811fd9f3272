"""The renewal ledgers in the ledger machinery (``landcycle import / export / template``):

- ``renewal_projects`` (改造提升项目台账): one row per project — its town, parks, kind, plan, targets and planned
  milestones. An import registers new projects as drafts and changes drafts (the county); an approved plan is never
  changed by a file.
- ``renewal_progress`` (改造进展台账): one row per project and month — the cumulative figures, the percent, what was
  done and the milestones' actual dates known then; a row goes through the same service as the report form.
- ``renewal_firms`` (企业去向台账): one row per firm of a project — its fate, the park it moves to, the firm it merges
  into, the date; a firm that leaves opens a vacating case as the form does.

All or nothing: one row with a problem and nothing is written, each problem at its row and column; every rule is the
one the services apply (``rules.renewal``), and the rows are written by the services themselves."""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any

from django.utils import timezone

from landcycle.accounts.scope import Area, in_scope, scoped
from landcycle.audit.models import AuditHead
from landcycle.ledgers.columns import Column
from landcycle.ledgers.importers.base import Importer
from landcycle.ledgers.kinds import EXAMPLE_USCC, Kind, register
from landcycle.ledgers.lookup import Towns, fetch_in
from landcycle.ledgers.plan import CREATE, INVALID, UNCHANGED, UPDATE, RowPlan
from landcycle.registry.models import Enterprise, Park
from landcycle.rules import renewal as rules
from landcycle.rules.ledger.schema import LedgerSchema, code, date, decimal, enum, integer, text
from landcycle.rules.ledger.schemas import USCC_ALIASES
from landcycle.rules.problems import Problem

from .colours import milestone_rows
from .models import FirmFate, ProgressReport, RenewalProject
from .services.common import is_county
from .services.firms import fate_record, on_block
from .services.progress import report_progress
from .services.projects import PLAN_FIELDS, project_create, project_update

KINDS = {
    "拆除重建": rules.DEMOLISH_REBUILD,
    "原址提升": rules.UPGRADE,
    "综合整治": rules.UPGRADE,
    "归并重建": rules.MERGE_REBUILD,
    "退二优二": rules.RETREAT_OPTIMISE,
    "退二进三": rules.RETREAT_TERTIARY,
    "demolish and rebuild": rules.DEMOLISH_REBUILD,
    "upgrade in place": rules.UPGRADE,
    "merge and rebuild": rules.MERGE_REBUILD,
}
STATES = {"方案编制": rules.DRAFT, "已批准": rules.APPROVED, "实施中": rules.UNDER_WAY, "已完成": rules.DONE}
FATES = {
    "待定": rules.F_PENDING,
    "留存提升": rules.F_STAYS,
    "原址提升": rules.F_STAYS,
    "县内搬迁": rules.F_MOVES,
    "搬迁": rules.F_MOVES,
    "兼并重组": rules.F_MERGED,
    "关停退出": rules.F_CLOSED,
    "关停": rules.F_CLOSED,
    "stays": rules.F_STAYS,
    "moves": rules.F_MOVES,
    "merged": rules.F_MERGED,
    "closed": rules.F_CLOSED,
}
SPLIT = re.compile(r"[、,，;；\s]+")


def _m_fields(suffix_zh: str, kinds=rules.MILESTONES) -> tuple:
    return tuple(
        date(f"m_{k}", f"{rules.MILESTONE_ZH[k]}{suffix_zh}", label=f"{rules.MILESTONE_ZH[k]}{suffix_zh}")
        for k in kinds
    )


PROJECTS = LedgerSchema(
    "renewal_projects",
    "改造提升项目台账",
    "Renewal projects",
    fields=(
        code("number", "项目编号", "改造项目编号", "project number", key=True, label="项目编号", required=True),
        text("name", "项目名称", "改造项目名称", "project name", label="项目名称"),
        text("town", "所属镇街", "镇街", label="所属镇街"),
        text("parks", "涉及园区编号", "园区编号", "park codes", label="涉及园区编号"),
        enum("kind", KINDS, "改造方式", "改造类型", "kind", label="改造方式"),
        enum("state", STATES, "状态", "项目状态", label="状态"),
        text("lead_unit", "牵头单位", "责任单位", label="牵头单位"),
        text("lead_person", "责任人", label="责任人"),
        text("approval_document", "批准文件", "批复文号", label="批准文件"),
        date("planned_start", "计划开始日期", "计划开始", label="计划开始日期"),
        date("planned_end", "计划完成日期", "计划完成", label="计划完成日期"),
        decimal("area_mu", "亩", "改造面积", "改造用地面积", label="改造面积", nonnegative=True),
        decimal("demolish_mu", "亩", "拆除用地", "拆除用地面积", label="拆除用地", nonnegative=True),
        decimal("demolish_m2", "平方米", "拆除建筑面积", label="拆除建筑面积", nonnegative=True),
        decimal("rebuild_mu", "亩", "重建用地", "重建用地面积", label="重建用地", nonnegative=True),
        decimal("rebuild_m2", "平方米", "重建建筑面积", label="重建建筑面积", nonnegative=True),
        decimal("illegal_m2", "平方米", "拆除违建", "拆除违法建筑", label="拆除违建", nonnegative=True),
        decimal("investment", "万元", "计划投资", "总投资", label="计划投资", nonnegative=True),
        decimal("new_floor_m2", "平方米", "新增建筑面积", label="新增建筑面积", nonnegative=True),
        decimal("plot_ratio", None, "容积率", "plot ratio", label="容积率", nonnegative=True),
        decimal("target_tax_per_mu", None, "目标亩均税收", label="目标亩均税收（万元/亩）", nonnegative=True),
        integer("target_firms", "计划引进企业", "引进企业数", label="计划引进企业（家）"),
        *_m_fields("计划日期"),
    ),
    key=("number",),
    sheet_hints=("改造", "项目", "renewal"),
)
PROGRESS = LedgerSchema(
    "renewal_progress",
    "改造进展台账",
    "Renewal progress",
    fields=(
        code("project", "项目编号", "改造项目编号", key=True, label="项目编号", required=True),
        text("project_name", "项目名称", label="项目名称"),
        date("period", "报送月份", "月份", "period", key=True, label="报送月份", required=True),
        date("reported_on", "报送日期", label="报送日期"),
        integer("percent_done", "总体进度", "完成进度", "进度", label="总体进度（%）", required=True),
        decimal("demolished_mu", "亩", "累计拆除", "累计拆除用地", label="累计拆除", nonnegative=True),
        decimal("removed_m2", "平方米", "累计拆除建筑", "累计拆除建筑面积", label="累计拆除建筑", nonnegative=True),
        decimal("investment_made", "万元", "累计完成投资", label="累计完成投资", nonnegative=True),
        text("text", "进展情况", "进展", label="进展情况", required=True),
        *_m_fields("实际日期", rules.MILESTONES[1:]),
    ),
    key=("project", "period"),
    sheet_hints=("进展", "progress"),
)
FIRMS = LedgerSchema(
    "renewal_firms",
    "企业去向台账",
    "Firms of renewal projects",
    fields=(
        code("project", "项目编号", "改造项目编号", key=True, label="项目编号", required=True),
        code("uscc", *USCC_ALIASES, key=True, label="统一社会信用代码", required=True),
        text("enterprise_name", "企业名称", label="企业名称"),
        enum("fate", FATES, "去向", "企业去向", label="去向", required=True),
        code("destination", "迁入园区编号", "迁入园区", label="迁入园区编号"),
        code("merged_into", "并入企业信用代码", "并入企业", label="并入企业信用代码"),
        date("decided_on", "去向日期", "日期", label="去向日期"),
        text("note", "说明", "备注", label="说明"),
    ),
    key=("project", "uscc"),
    sheet_hints=("企业", "去向", "firms"),
)


def _seq() -> int:
    return AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


class _ServiceImporter(Importer, ABC):
    """Plans each row with the renewal rules and writes it with the renewal services (which audit)."""

    areas = (Area.LEDGERS, Area.RENEWAL)

    def plan(self) -> list[RowPlan]:
        rows = self.result.rows
        self.problems = list(self.result.problems)
        self._flagged = {(p.row, p.field) for p in self.problems}
        self.prefetch(rows)
        plans, first = [], {}
        for row in sorted(rows, key=self.order):
            key = self.key(row)
            if key is None:
                plans.append(RowPlan(row["_sheet"], row["_row"], "", INVALID))
                continue
            if first.setdefault(key, row["_row"]) != row["_row"]:
                self.duplicate(row, first[key])
            plans.append(self.plan_one(row, key))
        bad = {p.row for p in self.problems}
        for p in plans:
            if p.row in bad:
                p.action = INVALID
        return sorted(plans, key=lambda p: p.row)

    def order(self, row: dict) -> Any:
        return row["_row"]

    @abstractmethod
    def plan_one(self, row: dict, key: tuple) -> RowPlan:
        """What one checked row will do (create, update, unchanged) — each ledger kind of renewal says."""

    @abstractmethod
    def apply(self, plan: RowPlan) -> None:
        """Write one planned row through renewal's services."""

    def write(self, plans: list[RowPlan]) -> int:
        before = _seq()
        for p in sorted(plans, key=lambda p: self.order(p.obj["row"]) if isinstance(p.obj, dict) else p.row):
            if p.action in (CREATE, UPDATE):
                self.apply(p)
        return _seq() - before

    def given(self, row: dict, names) -> dict:
        return {n: row.get(n) for n in names if n in self.present}

    @staticmethod
    def diff(obj, values: dict) -> dict:
        out = {}
        for k, v in values.items():
            old = getattr(obj, k)
            if isinstance(old, Decimal) and isinstance(v, Decimal):
                same = old == v
            else:
                same = (old or None) == (v or None) if not isinstance(v, (int, Decimal)) else old == v
            if not same:
                out[k] = (old, v)
        return out


# ---------------------------------------------------------------------------------------------------- projects
PROJECT_FIELDS = ("name", "kind", "lead_unit", "lead_person", "planned_start", "planned_end", *PLAN_FIELDS)


class ProjectImporter(_ServiceImporter):
    kind = "renewal_projects"
    schema = PROJECTS
    model = RenewalProject
    field_of = {"area": "area_mu", "planned_end": "planned_end", "milestones": "number"}

    def prefetch(self, rows):
        self.existing = {
            p.number: p
            for p in fetch_in(
                RenewalProject.objects.select_related("town").prefetch_related("parks", "milestones"),
                "number",
                (r.get("number") for r in rows),
            )
        }
        self.towns_lookup = Towns(self.actor, (str(r["town"]) for r in rows if r.get("town")))
        codes = {c for r in rows for c in SPLIT.split(r.get("parks") or "") if c}
        self.parks = {p.code: p for p in fetch_in(Park.objects.select_related("town"), "code", codes)}

    def _parks(self, row) -> list[Park] | None:
        if "parks" not in self.present:
            return None
        out = []
        for c in (x for x in SPLIT.split(row.get("parks") or "") if x):
            park = self.parks.get(c)
            if park is None:
                self.add(row, "parks", "park.unknown", f"园区编号“{c}”未登记", f"park code '{c}' is not registered")
            else:
                out.append(park)
        return out

    def _changes(self, obj, values, town, parks, milestones) -> dict:
        changes = self.diff(
            obj, {k: v for k, v in values.items() if v is not None or k in ("lead_unit", "lead_person")}
        )
        if town is not None and town.pk != obj.town_id:
            changes["town"] = (obj.town.name, town.name)
        if parks is not None and {p.pk for p in parks} != {p.pk for p in obj.parks.all()}:
            changes["parks"] = ("、".join(p.code for p in obj.parks.all()), "、".join(p.code for p in parks))
        current = {m.kind: m.planned_on for m in obj.milestones.all()}
        if milestones and milestones != {k: current.get(k) for k in milestones}:
            changes["milestones"] = (str(current), str(milestones))
        return changes

    def _town(self, row):
        if not row.get("town"):
            return None
        town, err = self.towns_lookup.resolve(str(row["town"]))
        if err:
            self.add(row, "town", *err)
        return town

    def _missing(self, row, obj, merged, town, parks) -> bool:
        missing = [
            f for f in ("name", "kind", "planned_start", "planned_end", "area_mu") if merged.get(f) in (None, "")
        ]
        if obj is None and town is None:
            missing.append("town")
        if obj is None and not parks:
            missing.append("parks")
        for f in missing:
            self.add(row, f, "renewal.required", f"请填写{PROJECTS.field(f).title}", f"{f} is required")
        return bool(missing)

    def _check(self, row, the_town, merged, the_parks) -> None:
        plan_obj = RenewalProject(town=the_town, **{k: merged[k] for k in PROJECT_FIELDS if k in merged})
        self.add_problems(row, rules.plan_problems(plan_obj.plan))
        for park in the_parks:
            if park.town_id != the_town.pk:
                self.add(
                    row,
                    "parks",
                    "renewal.park_town",
                    f"园区“{park.name}”不属于{the_town.name}",
                    f"{park.code} is not in {the_town.code}",
                )
        if not in_scope(self.actor, the_town):
            self.add(
                row, "town", "scope.town", f"{the_town.name}不在您的辖区", f"{the_town.code} is outside your region"
            )

    def plan_one(self, row, key):
        number = key[0]
        obj = self.existing.get(number)
        values = self.given(row, PROJECT_FIELDS)
        milestones = {k: row[f"m_{k}"] for k in rules.MILESTONES if row.get(f"m_{k}")}
        parks, town = self._parks(row), self._town(row)
        plan = RowPlan(row["_sheet"], row["_row"], number, CREATE if obj is None else UPDATE)
        if obj is not None:
            if not in_scope(self.actor, obj.town):
                self.add(row, "number", "scope.town", f"项目{number}不在您的辖区", f"{number} is outside your region")
                plan.action = INVALID
                return plan
            plan.changes = self._changes(obj, values, town, parks, milestones)
            if not plan.changes:
                plan.action = UNCHANGED
                return plan
            if obj.state != rules.DRAFT:
                self.add(
                    row,
                    "number",
                    "renewal.not_draft",
                    f"项目{number}状态为“{obj.get_state_display()}”，已批准的方案不能由台账修改",
                    f"project {number} is {obj.state}: an approved plan is not changed by a ledger",
                )
        if not is_county(self.actor):
            self.add(row, "number", "renewal.county_only", "改造项目方案由县级登记和修改", "plans are the county's")
            return plan
        merged = {**({k: getattr(obj, k) for k in PROJECT_FIELDS} if obj else {}), **values}
        if self._missing(row, obj, merged, town, parks):
            return plan
        the_town = town or obj.town
        self._check(row, the_town, merged, parks if parks is not None else list(obj.parks.all()))
        plan.obj = {
            "row": row,
            "project": obj,
            "values": merged if obj is None else {k: merged[k] for k in values},
            "town": the_town,
            "parks": parks,
            "milestones": milestones or None,
        }
        return plan

    def apply(self, plan):
        o = plan.obj
        fields = {k: v for k, v in o["values"].items() if k not in ("kind", "name", "planned_start", "planned_end")}
        base = {k: o["values"][k] for k in ("kind", "name", "planned_start", "planned_end") if k in o["values"]}
        if o["project"] is None:
            project_create(
                actor=self.actor,
                number=plan.key,
                town=o["town"],
                parks=o["parks"],
                milestones=o["milestones"],
                **base,
                **{k: v for k, v in fields.items() if v is not None},
            )
        else:
            town = {"town": o["town"]} if o["town"].pk != o["project"].town_id else {}
            project_update(
                actor=self.actor,
                project=o["project"],
                parks=o["parks"],
                milestones=o["milestones"],
                **base,
                **fields,
                **town,
            )


def _milestone(kind: str):
    return lambda p: next((m.planned_on for m in p.milestones.all() if m.kind == kind), None)


PROJECT_COLUMNS = (
    Column("number", lambda p: p.number, width=16, example="GZ-QT-2026-01"),
    Column("name", lambda p: p.name, width=30, example="桥头镇东工业区老旧厂房改造提升"),
    Column("town", lambda p: p.town, width=10, example="桥头镇"),
    Column("parks", lambda p: "、".join(sorted(x.code for x in p.parks.all())), width=22, example="P330282109-01"),
    Column("kind", lambda p: p.kind, width=10, example="退二优二"),
    Column("state", lambda p: p.state, width=8, example="方案编制"),
    Column("lead_unit", lambda p: p.lead_unit, width=18, example="桥头镇人民政府"),
    Column("lead_person", lambda p: p.lead_person, width=8, example="王建国"),
    Column("approval_document", lambda p: p.approval_document, width=18, example=""),
    Column("planned_start", lambda p: p.planned_start, width=12, example="2026-01-01"),
    Column("planned_end", lambda p: p.planned_end, width=12, example="2027-12-31"),
    *(Column(f, (lambda n: lambda p: getattr(p, n))(f), width=12, example=None) for f in PLAN_FIELDS),
    *(Column(f"m_{k}", _milestone(k), width=12) for k in rules.MILESTONES),
)


# ---------------------------------------------------------------------------------------------------- progress
ACHIEVED = ("percent_done", "demolished_mu", "removed_m2", "investment_made")


class ProgressImporter(_ServiceImporter):
    kind = "renewal_progress"
    schema = PROGRESS
    model = ProgressReport

    def order(self, row):
        return (str(row.get("project") or ""), row.get("period") or timezone.localdate(), row["_row"])

    def prefetch(self, rows):
        qs = scoped(RenewalProject.objects.select_related("town").prefetch_related("milestones", "reports"), self.actor)
        self.projects = {p.number: p for p in fetch_in(qs, "number", (r.get("project") for r in rows))}
        self.previous: dict[str, rules.Achieved] = {}
        self.done: dict[str, dict[str, Any]] = {}

    def plan_one(self, row, key):
        number, period = key[0], key[1].replace(day=1)
        plan = RowPlan(row["_sheet"], row["_row"], f"{number} / {period:%Y-%m}", CREATE)
        project = self.projects.get(number)
        if project is None:
            self.not_found(row, "project", "renewal.project_unknown", "改造项目", "Renewal project")
            return plan
        report = next((r for r in project.reports.all() if r.period == period), None)
        achieved = rules.Achieved(
            int(row.get("percent_done") or 0),
            row.get("demolished_mu"),
            row.get("removed_m2"),
            row.get("investment_made"),
        )
        ms = {m.kind: m for m in project.milestones.all()}
        done = self.done.setdefault(number, {k: m.done_on for k, m in ms.items()})
        given = {k: row[f"m_{k}"] for k in rules.MILESTONES[1:] if row.get(f"m_{k}") and k in ms}
        changed_ms = {k: d for k, d in given.items() if done.get(k) != d}
        if report is not None:
            plan.action = UPDATE
            changes = self.diff(report, {**dataclasses.asdict(achieved), "text": row.get("text")})
            changes.update({f"m_{k}": (done.get(k), d) for k, d in changed_ms.items()})
            if not changes:
                plan.action = UNCHANGED
                self.previous[number] = achieved
                return plan
            plan.changes = changes
        if project.state != rules.UNDER_WAY:
            self.add(
                row,
                "project",
                "renewal.not_under_way",
                f"项目{number}状态为“{project.get_state_display()}”，不能报送进展",
                f"project {number} is {project.state}: no progress can be reported",
            )
        if not in_scope(self.actor, project.town):
            self.add(row, "project", "scope.town", f"项目{number}不在您的辖区", f"{number} is outside your region")
        prev = self.previous.get(number)
        if prev is None:
            earlier = [r for r in project.reports.all() if r.period < period]
            last = max(earlier, key=lambda r: r.period) if earlier else None
            prev = (
                rules.Achieved(last.percent_done, last.demolished_mu, last.removed_m2, last.investment_made)
                if last
                else None
            )
        self.add_problems(row, rules.report_problems(project.plan, achieved, prev))
        rows_ms = [
            dataclasses.replace(r, done_on={**done, **given}.get(r.kind, r.done_on)) for r in milestone_rows(project)
        ]
        for p in rules.milestone_problems(rows_ms, timezone.localdate()):
            self.add(row, "m_" + p.field.split(".", 1)[1], p.rule, p.zh, p.en)
        done.update(given)
        if not any(p.row == row["_row"] for p in self.problems):  # a bad row is no base for the next one
            self.previous[number] = achieved
        plan.obj = {"row": row, "project": project, "period": period, "achieved": achieved, "milestones": changed_ms}
        return plan

    def apply(self, plan):
        o = plan.obj
        a, row = o["achieved"], o["row"]
        report_progress(
            actor=self.actor,
            project=o["project"],
            period=o["period"],
            percent_done=a.percent_done,
            demolished_mu=a.demolished_mu,
            removed_m2=a.removed_m2,
            investment_made=a.investment_made,
            text=row.get("text") or "",
            milestones_done=o["milestones"],
            reported_on=row.get("reported_on"),
        )


def _known(kind: str):
    def get(r: ProgressReport):
        end = r.reported_on
        return next(
            (m.done_on for m in r.project.milestones.all() if m.kind == kind and m.done_on and m.done_on <= end), None
        )

    return get


PROGRESS_COLUMNS = (
    Column("project", lambda r: r.project.number, width=16, example="GZ-QT-2026-01"),
    Column("project_name", lambda r: r.project.name, width=28, example="桥头镇东工业区老旧厂房改造提升"),
    Column("period", lambda r: r.period, width=12, example="2026-06-01"),
    Column("reported_on", lambda r: r.reported_on, width=12, example="2026-06-28"),
    Column("percent_done", lambda r: r.percent_done, width=10, example="35"),
    Column("demolished_mu", lambda r: r.demolished_mu, width=12, example="18"),
    Column("removed_m2", lambda r: r.removed_m2, width=14, example="12000"),
    Column("investment_made", lambda r: r.investment_made, width=14, example="2500"),
    Column("text", lambda r: r.text, width=36, example="东区企业搬迁完成，拆除厂房18亩"),
    *(Column(f"m_{k}", _known(k), width=12) for k in rules.MILESTONES[1:]),
)


# ---------------------------------------------------------------------------------------------------- firms
class FirmImporter(_ServiceImporter):
    kind = "renewal_firms"
    schema = FIRMS
    model = FirmFate
    uscc_fields = ("uscc", "merged_into")
    field_of = {"enterprise": "uscc"}

    def prefetch(self, rows):
        qs = scoped(RenewalProject.objects.select_related("town").prefetch_related("parks"), self.actor)
        self.projects = {p.number: p for p in fetch_in(qs, "number", (r.get("project") for r in rows))}
        codes = {r.get(f) for r in rows for f in ("uscc", "merged_into") if r.get(f)}
        self.firms = {e.uscc: e for e in fetch_in(Enterprise.objects.all(), "uscc", codes)}
        self.parks = {
            p.code: p
            for p in fetch_in(Park.objects.select_related("town"), "code", (r.get("destination") for r in rows))
        }
        self.rows = {
            (f.project_id, f.enterprise_id): f
            for f in FirmFate.objects.filter(project__in=self.projects.values()).select_related(
                "destination", "merged_into"
            )
        }

    def _ref(self, row, field, table, rule, zh, en):
        v = row.get(field)
        if not v:
            return None
        found = table.get(v)
        if found is None:
            self.not_found(row, field, rule, zh, en)
        return found

    def plan_one(self, row, key):
        number, uscc = key
        plan = RowPlan(row["_sheet"], row["_row"], f"{number} / {uscc}", CREATE)
        project = self.projects.get(number)
        firm = self._ref(row, "uscc", self.firms, "enterprise.unknown", "企业", "Enterprise")
        destination = self._ref(row, "destination", self.parks, "park.unknown", "园区编号", "Park code")
        merged = self._ref(row, "merged_into", self.firms, "enterprise.unknown", "并入企业", "Merged-into firm")
        if project is None:
            self.not_found(row, "project", "renewal.project_unknown", "改造项目", "Renewal project")
            return plan
        if firm is None:
            return plan
        fate = row.get("fate") or rules.F_PENDING
        values = {
            "fate": fate,
            "destination": destination,
            "merged_into": merged,
            "decided_on": row.get("decided_on"),
            "note": row.get("note") or "",
        }
        existing = self.rows.get((project.pk, firm.pk))
        if existing is not None:
            plan.action = UPDATE
            changes = self.diff(existing, values)
            if not changes:
                plan.action = UNCHANGED
                return plan
            plan.changes = {
                k: (str(a) if a is not None else None, str(b) if b is not None else None)
                for k, (a, b) in changes.items()
            }
        parks = {p.pk for p in project.parks.all()}
        problems = rules.fate_problems(
            firm.name,
            on_block(project, firm),
            fate,
            destination.name if destination else None,
            bool(destination and destination.pk in parks),
        )
        if fate != rules.F_PENDING and values["decided_on"] is None:
            problems.append(Problem("decided_on", "renewal.no_date", "请填写去向日期", "give the date of the fate"))
        if project.state == rules.DRAFT:
            problems.append(
                Problem(
                    "project", "renewal.draft", "方案未批准的项目不能登记企业去向", "a draft project records no fates"
                )
            )
        if not in_scope(self.actor, project.town):
            problems.append(
                Problem("project", "scope.town", f"项目{number}不在您的辖区", f"{number} is outside your region")
            )
        self.add_problems(row, problems)
        plan.obj = {"row": row, "project": project, "firm": firm, "values": values}
        return plan

    def apply(self, plan):
        o = plan.obj
        fate_record(actor=self.actor, project=o["project"], enterprise=o["firm"], **o["values"])


FIRM_COLUMNS = (
    Column("project", lambda f: f.project.number, width=16, example="GZ-HH-2024-01"),
    Column("uscc", lambda f: f.enterprise.uscc, width=22, example=EXAMPLE_USCC),
    Column("enterprise_name", lambda f: f.enterprise.name, width=28, example="慈溪市彭桥五金有限公司"),
    Column("fate", lambda f: f.fate, width=10, example="县内搬迁"),
    Column(
        "destination", lambda f: f.destination.code if f.destination_id else None, width=16, example="P330282114-03"
    ),
    Column("merged_into", lambda f: f.merged_into.uscc if f.merged_into_id else None, width=22),
    Column("decided_on", lambda f: f.decided_on, width=12, example="2026-05-20"),
    Column("note", lambda f: f.note, width=24, example="搬迁至镇内工业园区"),
)


def register_kinds() -> None:
    """Called by ``RenewalConfig.ready()``."""
    register(
        Kind(
            "renewal_projects",
            PROJECTS,
            "改造提升项目：编号、名称、镇街、涉及园区、改造方式、方案指标、目标和计划节点（导入为方案编制，已批准的方案不被修改）",
            "renewal projects: number, name, town, parks, kind, plan figures, targets and planned milestones (imported "
            "as drafts; an approved plan is never changed)",
            PROJECT_COLUMNS,
            lambda: RenewalProject.objects.order_by("number"),
            importer_class=ProjectImporter,
            related=("town",),
            prefetch=("parks", "milestones"),
        )
    )
    register(
        Kind(
            "renewal_progress",
            PROGRESS,
            "改造进展：项目编号、报送月份、累计拆除和投资、总体进度、进展情况、节点实际日期",
            "renewal progress: project, month, cumulative figures, percent, what was done, milestones' actual dates",
            PROGRESS_COLUMNS,
            lambda: ProgressReport.objects.order_by("project__number", "period"),
            importer_class=ProgressImporter,
            related=("project",),
            prefetch=("project__milestones",),
        )
    )
    register(
        Kind(
            "renewal_firms",
            FIRMS,
            "企业去向：项目编号、企业信用代码、去向（留存提升、县内搬迁、兼并重组、关停退出）、迁入园区、日期",
            "firm fates: project, credit code, fate (stays, moves, merged, closed), destination park, date",
            FIRM_COLUMNS,
            lambda: FirmFate.objects.order_by("project__number", "enterprise__uscc"),
            importer_class=FirmImporter,
            related=("project", "enterprise", "destination", "merged_into"),
        )
    )
