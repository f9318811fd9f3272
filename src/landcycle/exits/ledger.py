"""The exit ledgers in the ledger machinery (``landcycle import / export / template``):

- ``vacating_cases`` (腾退案件台账): a case per row by its number — town, ground, parcels and enterprises, the
  responsible unit and person, dates; an import opens new cases and changes the plan of open ones;
- ``case_steps`` (腾退办理过程): a step per row — case number, step, date, people, place, minutes, mediation;
- ``leftover_items`` (遗留物清单): an item per row — case number, description, category, quantity and unit,
  location, claimed and determined owner, how determined, disposal, cost, hazardous-waste contractor and manifest.

All or nothing: one bad row and nothing is written; every problem names its sheet, row and column, in Chinese and
English. The rules are the services' own (a quantity without its unit, an owner decision without how it was made,
a parcel of another town, a handover that only the handover form records, a closed case that no file changes).
"""

from __future__ import annotations

import re

from landcycle.accounts.scope import Area
from landcycle.ledgers.columns import Column
from landcycle.ledgers.importers.base import Col, Importer
from landcycle.ledgers.importers.land import TownColumn
from landcycle.ledgers.kinds import Kind, register
from landcycle.ledgers.lookup import fetch_in
from landcycle.ledgers.plan import CREATE, UNCHANGED, UPDATE
from landcycle.registry.models import Enterprise, Parcel
from landcycle.rules.ledger.schema import LedgerSchema, code, date, decimal, enum, text
from landcycle.rules.problems import Problem

from .models import Case, CaseStep, LeftoverItem
from .services.cases import plan_problems
from .services.common import audited, is_county
from .services.records import item_problems, step_problems

SPLIT = re.compile(r"[、,，;；\s]+")


def _table(choices) -> dict[str, str]:
    """Labels (Chinese as the template writes them) and stored values of a model's choices."""
    out: dict[str, str] = {}
    for value, label in choices:
        out[str(label)] = value
        out[value] = value
    return out


def _label(choices, value) -> str:
    return str(dict(choices).get(value, value or ""))


CASES = LedgerSchema(
    "vacating_cases",
    "腾退案件台账",
    "Vacating cases",
    fields=(
        code("number", "案件编号", "编号", "case number", key=True, label="案件编号"),
        enum("kind", _table(Case.Kind.choices), "案件类型", "类型", "kind", label="案件类型"),
        enum("ground", _table(Case.Ground.choices), "退出事由", "事由", "ground", required=True, label="退出事由"),
        code("town", "镇街代码", "镇街", "所属镇街", "town", required=True, label="镇街代码"),
        text("parcels", "地块编号", "地块", "parcels", label="地块编号"),
        text("enterprises", "涉及企业", "企业统一社会信用代码", "enterprises", label="涉及企业（统一社会信用代码）"),
        text("responsible_unit", "责任单位", "responsible unit", label="责任单位"),
        text("responsible_person", "责任人", "responsible person", label="责任人"),
        date("opened_on", "立案日期", "opened on", required=True, label="立案日期"),
        date("planned_start", "计划开始", "计划开始日期", "planned start", label="计划开始"),
        date("deadline", "完成期限", "期限", "deadline", label="完成期限"),
        enum("state", _table(Case.State.choices), "状态", "state", label="状态"),
        date("handover_on", "移交日期", "handover", label="移交日期"),
        text("reason", "立案理由", "reason", label="立案理由"),
    ),
    key=("number",),
    sheet_hints=("腾退", "案件", "case"),
)
STEPS = LedgerSchema(
    "case_steps",
    "腾退办理过程",
    "Steps of vacating cases",
    fields=(
        code("case", "案件编号", "case number", key=True, required=True, label="案件编号"),
        enum("kind", _table(CaseStep.Kind.choices), "环节", "step", key=True, required=True, label="环节"),
        date("date", "日期", "date", key=True, required=True, label="日期"),
        text("people", "参加人员", "people", label="参加人员"),
        text("place", "地点", "place", label="地点"),
        text("minutes", "纪要", "minutes", label="纪要"),
        enum("mediation", _table(CaseStep.Mediation.choices), "调解方式", "mediation", label="调解方式"),
        text("court", "法院", "court", label="法院"),
        text("court_case_number", "案号", "court case number", label="案号"),
        text("outcome", "结果", "outcome", label="结果"),
    ),
    key=("case", "kind", "date"),
    sheet_hints=("环节", "过程", "step"),
)
ITEMS = LedgerSchema(
    "leftover_items",
    "遗留物清单",
    "Leftover items",
    fields=(
        code("case", "案件编号", "case number", key=True, required=True, label="案件编号"),
        text("description", "名称及描述", "名称", "description", key=True, required=True, label="名称及描述"),
        enum("category", _table(LeftoverItem.Category.choices), "类别", "category", required=True, label="类别"),
        decimal("quantity", None, "数量", "quantity", label="数量"),
        text("unit", "单位", "unit", label="单位"),
        text("location", "存放位置", "位置", "location", label="存放位置"),
        enum("claimed_owner", _table(LeftoverItem.Owner.choices), "主张归属", "claimed owner", label="主张归属"),
        text("claimed_owner_name", "主张归属方名称", label="主张归属方名称"),
        enum("determined_owner", _table(LeftoverItem.Owner.choices), "认定归属", "determined owner", label="认定归属"),
        text("determined_owner_name", "认定归属方名称", label="认定归属方名称"),
        enum("determined_how", _table(LeftoverItem.How.choices), "认定方式", "how determined", label="认定方式"),
        date("determined_on", "认定日期", label="认定日期"),
        enum("disposal", _table(LeftoverItem.Disposal.choices), "处置方式", "disposal", label="处置方式"),
        date("disposal_date", "处置日期", label="处置日期"),
        decimal("disposal_cost_wan", "万元", "处置费用", "disposal cost", label="处置费用"),
        text("cost_payer", "费用承担方", label="费用承担方"),
        text("contractor", "危废处置单位", label="危废处置单位"),
        text("manifest_number", "危险废物转移联单号", "转移联单号", "联单号", label="危险废物转移联单号"),
    ),
    key=("case", "description"),
    sheet_hints=("遗留物", "item"),
)


def _closed(obj_case: Case) -> list[Problem]:
    if obj_case.state == Case.State.OPEN:
        return []
    return [
        Problem(
            "case",
            "exits.case_not_open",
            f"案件{obj_case.number}状态为“{obj_case.get_state_display()}”，台账导入不能修改",
            f"case {obj_case.number} is {obj_case.state}: an import cannot change it",
        )
    ]


class CaseImporter(TownColumn, Importer):
    kind = "vacating_cases"
    schema = CASES
    model = Case
    areas = (Area.LEDGERS, Area.EXITS)
    cols = (
        Col("kind", "kind"),
        Col("ground", "ground"),
        Col("responsible_unit", "responsible_unit", "blank"),
        Col("responsible_person", "responsible_person", "blank"),
        Col("opened_on", "opened_on"),
        Col("planned_start", "planned_start", "null"),
        Col("deadline", "deadline", "null"),
        Col("reason", "reason", "blank"),
    )

    def prefetch(self, rows):
        self.load_towns(rows)
        self.existing = {
            c.number: c
            for c in fetch_in(Case.objects.select_related("town"), "number", (r.get("number") for r in rows))
        }
        words = {w for r in rows for f in ("parcels", "enterprises") for w in SPLIT.split(r.get(f) or "") if w}
        self.parcels = {p.number: p for p in fetch_in(Parcel.objects.select_related("park__town"), "number", words)}
        self.firms = {e.uscc: e for e in fetch_in(Enterprise.objects.all(), "uscc", {w.upper() for w in words})}
        self.links: dict[int, tuple[list | None, list | None]] = {}
        self.objs: dict[int, Case] = {}

    def find(self, key):
        return self.existing.get(key[0])

    def defaults(self, row):
        return {"number": row["number"], "state": Case.State.OPEN, "created_by": self.actor}

    def resolve(self, row):
        return self.town_of(row)

    def _links(self, row, town) -> tuple[list | None, list | None]:
        parcels = firms = None
        if "parcels" in self.present:
            parcels = []
            for n in SPLIT.split(row.get("parcels") or ""):
                p = self.parcels.get(n) if n else None
                if n and p is None:
                    self.add(row, "parcels", "exits.unknown_parcel", f"找不到地块{n}", f"no parcel numbered {n}")
                elif p is not None and town is not None and p.park.town_id != town.pk:
                    self.add(
                        row,
                        "parcels",
                        "exits.parcel_other_town",
                        f"地块{n}属于{p.park.town}，不在本案所属镇街{town}内",
                        f"parcel {n} lies in {p.park.town.code}, not in the case's town {town.code}",
                    )
                elif p is not None:
                    parcels.append(p)
        if "enterprises" in self.present:
            firms = []
            for w in SPLIT.split(row.get("enterprises") or ""):
                e = self.firms.get(w.upper()) if w else None
                if w and e is None:
                    self.add(row, "enterprises", "exits.unknown_enterprise", f"找不到企业{w}", f"no enterprise {w}")
                elif e is not None:
                    firms.append(e)
        return parcels, firms

    def plan_row(self, row):
        plan = super().plan_row(row)
        obj = plan.obj or self.find(self.key(row) or (None,))
        self.links[row["_row"]] = self._links(row, obj.town if obj is not None and obj.town_id else None)
        if obj is not None:
            self.objs[row["_row"]] = obj
        return plan

    def towns(self, obj):
        return [(obj.town, "town")] if obj.town_id else []

    def rules(self, obj, creating):
        out = plan_problems(obj)
        if not creating:
            out += _closed(obj)
        if obj.kind == Case.Kind.TAKEBACK and not is_county(self.actor):
            out.append(
                Problem(
                    "kind",
                    "exits.takeback_county",
                    "闲置土地收回由县（市、区）决定，镇街不能导入",
                    "a take-back is decided by the county: a town cannot import it",
                )
            )
        return out

    def region_code(self, obj):
        return obj.town.code

    def write(self, plans):
        entries = super().write(plans)
        for p in plans:
            obj = self.objs.get(p.row)
            parcels, firms = self.links.get(p.row, (None, None))
            if obj is None or obj.pk is None or p.action not in (CREATE, UPDATE, UNCHANGED):
                continue
            before = {"parcels": sorted(obj.parcels.values_list("pk", flat=True))}
            changed = False
            if parcels is not None and set(parcels) != set(obj.parcels.all()):
                obj.parcels.set(parcels)
                changed = True
            if firms is not None and set(firms) != set(obj.enterprises.all()):
                obj.enterprises.set(firms)
                changed = True
            if changed:
                audited(self.actor, obj, "import.vacating_cases.links", before, obj)
                entries += 1
        return entries


class CaseChildImporter(Importer):
    """Rows of a case's steps or items: the case by its number, in the actor's scope and open."""

    areas = (Area.LEDGERS, Area.EXITS)

    def prefetch(self, rows):
        self.cases = {
            c.number: c for c in fetch_in(Case.objects.select_related("town"), "number", (r.get("case") for r in rows))
        }
        self.load_existing([c.pk for c in self.cases.values()])

    def load_existing(self, case_ids):
        self.existing = {}

    def resolve(self, row):
        case = self.cases.get(row.get("case") or "")
        if case is None:
            self.not_found(row, "case", "exits.unknown_case", "案件编号", "Case number")
            return {}
        return {"case": case}

    def towns(self, obj):
        return [(obj.case.town, "case")] if obj.case_id else []

    def region_code(self, obj):
        return obj.case.town.code


class StepImporter(CaseChildImporter):
    kind = "case_steps"
    schema = STEPS
    model = CaseStep
    cols = (
        Col("kind", "kind"),
        Col("date", "date"),
        *(Col(n, n, "blank") for n in ("people", "place", "minutes", "mediation", "court", "court_case_number")),
        Col("outcome", "outcome", "blank"),
    )

    def load_existing(self, case_ids):
        self.existing = {
            (s.case.number, s.kind, s.date): s
            for s in CaseStep.objects.filter(case_id__in=case_ids).select_related("case__town")
        }

    def find(self, key):
        return self.existing.get(tuple(key))

    def defaults(self, row):
        return {"created_by": self.actor}

    def rules(self, obj, creating):
        if not obj.case_id or obj.date is None:
            return []
        return _closed(obj.case) + step_problems(obj.case, obj)


class ItemImporter(CaseChildImporter):
    kind = "leftover_items"
    schema = ITEMS
    model = LeftoverItem
    cols = (
        Col("category", "category"),
        Col("description", "description"),
        Col("quantity", "quantity", "null"),
        Col("unit", "unit", "blank"),
        Col("location", "location", "blank"),
        Col("claimed_owner", "claimed_owner"),
        Col("claimed_owner_name", "claimed_owner_name", "blank"),
        Col("determined_owner", "determined_owner", "blank"),
        Col("determined_owner_name", "determined_owner_name", "blank"),
        Col("determined_how", "determined_how", "blank"),
        Col("determined_on", "determined_on", "null"),
        Col("disposal", "disposal", "blank"),
        Col("disposal_date", "disposal_date", "null"),
        Col("disposal_cost_wan", "disposal_cost_wan", "null"),
        Col("cost_payer", "cost_payer", "blank"),
        Col("contractor", "contractor", "blank"),
        Col("manifest_number", "manifest_number", "blank"),
    )

    def load_existing(self, case_ids):
        self.existing = {
            (i.case.number, i.description): i
            for i in LeftoverItem.objects.filter(case_id__in=case_ids).select_related("case__town")
        }

    def find(self, key):
        return self.existing.get(tuple(key))

    def rules(self, obj, creating):
        return (_closed(obj.case) if obj.case_id else []) + item_problems(obj)


CASE_COLUMNS = (
    Column("number", lambda c: c.number, width=16, example="TT2026-112-001"),
    Column("kind", lambda c: _label(Case.Kind.choices, c.kind), width=10, example="腾退"),
    Column("ground", lambda c: _label(Case.Ground.choices, c.ground), width=16, example="租约到期未续租"),
    Column("town", lambda c: c.town.code, width=12, example="330282112"),
    Column("parcels", lambda c: "、".join(p.number for p in c.parcels.all()), width=24, example="330282112-0009"),
    Column("enterprises", lambda c: "、".join(e.uscc for e in c.enterprises.all()), width=24),
    Column("responsible_unit", lambda c: c.responsible_unit, width=20, example="新浦镇经济发展办公室"),
    Column("responsible_person", lambda c: c.responsible_person, width=10, example="胡晓东"),
    Column("opened_on", lambda c: c.opened_on, width=12, example="2026-07-10"),
    Column("planned_start", lambda c: c.planned_start, width=12, example="2026-07-10"),
    Column("deadline", lambda c: c.deadline, width=12, example="2026-12-31"),
    Column("state", lambda c: _label(Case.State.choices, c.state), width=10, example="办理中"),
    Column("handover_on", lambda c: c.handover_on, width=12),
    Column("reason", lambda c: c.reason, width=30, example="租约到期未腾退"),
)
STEP_COLUMNS = (
    Column("case", lambda s: s.case.number, width=16, example="TT2026-112-001"),
    Column("kind", lambda s: _label(CaseStep.Kind.choices, s.kind), width=12, example="踏勘"),
    Column("date", lambda s: s.date, width=12, example="2026-08-05"),
    Column("people", lambda s: s.people, width=20, example="镇经发办"),
    Column("place", lambda s: s.place, width=16, example="敦和园区"),
    Column("minutes", lambda s: s.minutes, width=30, example="现场清点遗留物"),
    Column("mediation", lambda s: _label(CaseStep.Mediation.choices, s.mediation), width=10),
    Column("court", lambda s: s.court, width=16),
    Column("court_case_number", lambda s: s.court_case_number, width=20),
    Column("outcome", lambda s: s.outcome, width=20),
)
ITEM_COLUMNS = (
    Column("case", lambda i: i.case.number, width=16, example="TT2026-112-001"),
    Column("description", lambda i: i.description, width=24, example="生产垃圾"),
    Column("category", lambda i: _label(LeftoverItem.Category.choices, i.category), width=10, example="垃圾"),
    Column("quantity", lambda i: i.quantity, width=10, example="25"),
    Column("unit", lambda i: i.unit, width=8, example="吨"),
    Column("location", lambda i: i.location, width=16, example="2号厂房"),
    Column("claimed_owner", lambda i: _label(LeftoverItem.Owner.choices, i.claimed_owner), width=10, example="不明"),
    Column("claimed_owner_name", lambda i: i.claimed_owner_name, width=16),
    Column("determined_owner", lambda i: _label(LeftoverItem.Owner.choices, i.determined_owner), width=10),
    Column("determined_owner_name", lambda i: i.determined_owner_name, width=16),
    Column("determined_how", lambda i: _label(LeftoverItem.How.choices, i.determined_how), width=10),
    Column("determined_on", lambda i: i.determined_on, width=12),
    Column("disposal", lambda i: _label(LeftoverItem.Disposal.choices, i.disposal), width=12),
    Column("disposal_date", lambda i: i.disposal_date, width=12),
    Column("disposal_cost_wan", lambda i: i.disposal_cost_wan, width=12),
    Column("cost_payer", lambda i: i.cost_payer, width=16),
    Column("contractor", lambda i: i.contractor, width=20),
    Column("manifest_number", lambda i: i.manifest_number, width=20),
)


def register_kinds() -> None:
    """Called by ``ExitsConfig.ready()``."""
    register(
        Kind(
            "vacating_cases",
            CASES,
            "腾退案件：案件编号、类型、事由、镇街、地块、企业、责任单位和责任人、立案日期、计划和期限（导入新立案或修改办理中案件的计划）",
            "vacating cases: number, kind, ground, town, parcels, enterprises, responsible unit and person, dates "
            "(an import opens new cases or changes the plan of open ones)",
            CASE_COLUMNS,
            lambda: Case.objects.select_related("town").order_by("number"),
            importer_class=CaseImporter,
            related=("town",),
            prefetch=("parcels", "enterprises"),
        )
    )
    register(
        Kind(
            "case_steps",
            STEPS,
            "腾退办理过程：案件编号、环节、日期、人员、地点、纪要、调解（验收移交只能在案件页面办理）",
            "steps of vacating cases: case, step, date, people, place, minutes, mediation (handover only on the case page)",
            STEP_COLUMNS,
            lambda: CaseStep.objects.select_related("case__town").order_by("case__number", "date", "pk"),
            importer_class=StepImporter,
            related=("case",),
        )
    )
    register(
        Kind(
            "leftover_items",
            ITEMS,
            "遗留物清单：案件编号、名称、类别、数量和单位、位置、主张和认定归属、认定方式、处置、费用、危废联单",
            "leftover items: case, description, category, quantity and unit, location, claimed and determined owner, "
            "how determined, disposal, cost, hazardous-waste contractor and manifest",
            ITEM_COLUMNS,
            lambda: LeftoverItem.objects.select_related("case__town").order_by("case__number", "pk"),
            importer_class=ItemImporter,
            related=("case",),
        )
    )
