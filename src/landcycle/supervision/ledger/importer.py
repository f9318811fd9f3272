"""The contract importer (供地合同): rows of ``schema.CONTRACTS`` planned and written by
``supervision.services.importing`` — the same checks and services as the contract form, so no rule lives here.

What this importer adds to them: the column the user saw for each problem (a number taken from 来源标识 is
reported there), the ``town`` column and option resolved within the actor's scope, the town a row without
parcels goes to (``--town``, else a town officer's own town; a county-wide user must say), and after the
write, in the same transaction, the warnings of every contract created or updated, refreshed as of today so
that the board shows them at once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from landcycle.accounts.scope import Area, in_scope
from landcycle.audit.models import AuditHead
from landcycle.ledgers.importers.base import Importer
from landcycle.ledgers.lookup import Towns
from landcycle.ledgers.plan import CREATE, INVALID, UNCHANGED, UPDATE, RowPlan
from landcycle.registry.models import Region
from landcycle.rules.ledger import LedgerUnusable

from ..models import Contract
from ..refresh import warnings_refresh
from ..services.importing import contracts_apply, contracts_plan
from .schema import CONTRACTS

ADDED = ("commitments", "measures", "extensions", "delays")


def town_option(actor, value: str) -> Region:
    """The town ``--town`` (or the upload form) names: a 9-digit code, its 12-digit form or the exact name,
    within the actor's scope. ``LedgerUnusable`` when there is no such town, ``PermissionDenied`` outside."""
    town, err = Towns(actor, [value]).resolve(value)
    if err:
        rule, zh, en = err
        raise LedgerUnusable(f"--town：{zh}", f"--town: {en}", rule=rule)
    if not in_scope(actor, town):
        where = actor.region.name if getattr(actor, "region_id", None) else "—"
        raise PermissionDenied(
            f"不能向{town.name}导入合同：您只能导入本辖区（{where}）的合同 / you may not import contracts "
            f"into {town.name} ({town.code}): it is outside your region"
        )
    return town


def _seq() -> int:
    return AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


class ContractImporter(Importer):
    kind = "contracts"
    schema = CONTRACTS
    model = Contract
    areas = (Area.LEDGERS, Area.CONTRACTS)
    options = ("town",)

    def __init__(self, actor, result, progress=None, *, town=None):
        super().__init__(actor, result, progress)
        self.town_given = town
        self.counts: dict | None = None
        self.refresh = None

    def default_town(self) -> Region | None:
        if self.town_given not in (None, ""):
            return town_option(self.actor, str(self.town_given).strip())
        region = getattr(self.actor, "region", None)
        return region if region is not None and region.level == Region.Level.TOWN else None

    def field_name(self, row: dict, name: str) -> str:
        """A problem's ledger field as the file has it (a contract number may come from 来源标识)."""
        return "source_ref" if name == "contract_number" and row.get("_number_from") else name

    def _with_towns(self, rows: list[dict]) -> tuple[list[dict], set[int]]:
        """The rows with their ``town`` cell as a ``Region`` (unknown towns reported and dropped)."""
        if "town" not in self.present:
            return rows, set()
        lookup, out, failed = Towns(self.actor, (str(r["town"]) for r in rows if r.get("town"))), [], set()
        for row in rows:
            if row.get("town"):
                town, err = lookup.resolve(str(row["town"]))
                if err:
                    self.add(row, "town", *err)
                    failed.add(row["_row"])
                row = {**row, "town": town}
            out.append(row)
        return out, failed

    def plan(self) -> list[RowPlan]:
        town = self.default_town()
        self.problems = list(self.result.problems)
        self._flagged = {(p.row, p.field) for p in self.problems}
        rows, failed = self._with_towns(self.result.rows)
        plans = contracts_plan(rows, actor=self.actor, town=town, mark_unchanged=True, progress=self.progress)
        unplaced = [p for p in plans if any(q.rule == "contract.no_parcel_or_town" for q in p.problems)]
        if town is None and unplaced and not {"parcel_number", "town"} & self.present:
            raise LedgerUnusable(
                "文件中没有“地块编号”和“所属镇街”列：县级用户导入时请指定镇街（命令行 --town 镇街名称或9位代码；网页上选择“所属镇街”），"
                "这些合同将登记在该镇街",
                "The file has neither parcel numbers nor a town column: say which town its contracts belong to "
                "(--town NAME_OR_CODE on the command line, the town select in the browser)",
                rule="contract.town_needed",
            )
        source = {r["_row"]: r for r in self.result.rows}
        for cp in plans:
            row = source[cp.row]
            for q in cp.problems:
                if q.rule == "contract.no_parcel_or_town" and cp.row in failed:
                    continue  # the town cell already says what is wrong
                self.add(row, self.field_name(row, q.field), q.rule, q.zh, q.en)
        bad = {p.row for p in self.problems}
        return [
            RowPlan(cp.sheet, cp.row, cp.number, INVALID if cp.row in bad else cp.action, changes=cp.changes, obj=cp)
            for cp in plans
        ]

    def write(self, plans: list[RowPlan]) -> int:
        """Write the contracts (the caller holds the transaction), then refresh their warnings as of today."""
        before = _seq()
        contract_plans = [p.obj for p in plans]
        self.counts = contracts_apply(contract_plans, actor=self.actor, progress=self.progress)
        ids = [cp.contract_id for cp in contract_plans if cp.action in (CREATE, UPDATE)]
        if ids:
            self.refresh = warnings_refresh(actor=self.actor, as_of=timezone.localdate(), contract_ids=ids)
        return _seq() - before

    def note(self, plans: list[RowPlan], written: bool) -> str:
        actions = {a: sum(p.action == a for p in plans) for a in (CREATE, UPDATE, UNCHANGED)}
        if written and self.counts is not None:
            added = {k: self.counts[k] for k in ADDED}
        else:
            added = {k: sum(p.obj.adds.get(k, 0) for p in plans if p.action in (CREATE, UPDATE)) for k in ADDED}
        zh = (
            f"合同新增{actions[CREATE]}份、更新{actions[UPDATE]}份、未变{actions[UNCHANGED]}份；承诺指标新增"
            f"{added['commitments']}条、实测值{added['measures']}条，延期{added['extensions']}条，"
            f"政府原因{added['delays']}条"
        )
        en = (
            f"contracts: {actions[CREATE]} created, {actions[UPDATE]} updated, {actions[UNCHANGED]} unchanged; "
            f"{added['commitments']} commitments, {added['measures']} measured values, {added['extensions']} "
            f"extensions, {added['delays']} government delays added"
        )
        r = self.refresh
        if written and r is not None:
            zh += f"；已按{r.as_of}复核这些合同的预警：新增{r.raised}条，颜色变化{r.changed}条"
            en += f"; their warnings refreshed as of {r.as_of}: {r.raised} raised, {r.changed} changed colour"
        return f"{zh} / {en}"
