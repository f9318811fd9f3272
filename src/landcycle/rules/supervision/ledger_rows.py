"""Contract ledgers to ``Contract``s: the land-supply ledger of ``rules.ledger`` plus the columns that
supervision reads when a town's ledger has them (actual delivery, production dates, extensions,
development, government-caused delays, commitments and their measured values).

``SUPERVISED_LAND_SUPPLY`` is the land-supply schema with those optional columns added; it keeps the
name ``land_supply`` so that every land-supply mapping file (e.g. ``mappings/land_supply_gd.toml``)
works unchanged. A commitment is supervised only when the ledger has its measured column.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..ledger.land_supply import LAND_SUPPLY
from ..ledger.schema import FieldSpec, LedgerSchema, date, decimal, enum, text
from .contract import ALLOCATION, GRANT, LEASE, STANDARD, Commitment, Contract, Development, Extension, GovernmentDelay
from .policy import WarningPolicy


def _share(name, *aliases, **kw) -> FieldSpec:
    return FieldSpec(name, "decimal", ratio=True, aliases=aliases, places=6, **kw)


def _rate(name, label, *aliases, unit_hint: str) -> FieldSpec:
    """A figure per something (万元/亩): matched with or without the rate written in brackets."""
    return decimal(name, None, *aliases, *(f"{a}（{unit_hint}）" for a in aliases), label=label, places=6)


KIND_LABELS = {
    "出让": GRANT,
    "租赁": LEASE,
    "出租": LEASE,
    "标准地": STANDARD,
    "标准地出让": STANDARD,
    "划拨": ALLOCATION,
    "grant": GRANT,
    "lease": LEASE,
    "standard": STANDARD,
    "allocation": ALLOCATION,
}

EXTRA_FIELDS = (
    enum("kind", KIND_LABELS, "合同类型", "合同种类", "contract kind", label="合同类型"),
    date("actual_delivery", "实际交地时间", "实际交地日期", "actual delivery"),
    date("agreed_production", "约定达产时间", "约定达产日期", "约定投产时间", "agreed production"),
    date("actual_production", "实际达产时间", "实际达产日期", "实际投产时间", "actual production"),
    date("extended_start", "延期后开工时间", "延期后开工日期", "延期开工日期", "延期开工时间", "extended start"),
    date(
        "extended_completion", "延期后竣工时间", "延期后竣工日期", "延期竣工日期", "延期竣工时间", "extended completion"
    ),
    date(
        "extended_production", "延期后达产时间", "延期后达产日期", "延期达产日期", "延期达产时间", "extended production"
    ),
    _share(
        "developed_area_share",
        "已开发面积占比",
        "已开发面积比例",
        "开发面积占比",
        "developed area share",
        label="已开发面积占比",
    ),
    _share("investment_share", "已投资额占比", "已投资比例", "投资完成比例", "investment share", label="已投资额占比"),
    date("stopped_since", "停工日期", "停工时间", "中止开发日期", "中止开发建设日期", "stopped since"),
    text("government_delay", "政府原因", "政府原因延迟", "政府原因类型", "government delay", label="政府原因"),
    text(
        "government_delay_evidence",
        "政府原因佐证",
        "政府原因佐证材料",
        "佐证材料",
        "government delay evidence",
        label="政府原因佐证",
    ),
    _rate("committed_investment_intensity", "承诺投资强度", "承诺投资强度", "约定投资强度", unit_hint="万元/亩"),
    _rate("measured_investment_intensity", "竣工验收投资强度", "竣工验收投资强度", "实际投资强度", unit_hint="万元/亩"),
    decimal("measured_plot_ratio", None, "竣工验收容积率", "实际容积率", label="竣工验收容积率"),
    _rate("committed_tax_per_mu", "承诺亩均税收", "承诺亩均税收", "约定亩均税收", unit_hint="万元/亩"),
    _rate("measured_tax_per_mu", "达产复核亩均税收", "达产复核亩均税收", "实际亩均税收", unit_hint="万元/亩"),
    _rate(
        "committed_energy_per_value_added",
        "承诺单位增加值能耗",
        "承诺单位增加值能耗",
        "承诺单位能耗",
        unit_hint="吨标准煤/万元",
    ),
    _rate(
        "measured_energy_per_value_added",
        "达产复核单位增加值能耗",
        "达产复核单位增加值能耗",
        "实际单位增加值能耗",
        unit_hint="吨标准煤/万元",
    ),
    _rate(
        "committed_emissions_per_value_added",
        "承诺单位增加值排放",
        "承诺单位增加值排放",
        "承诺单位排放",
        unit_hint="吨/万元",
    ),
    _rate(
        "measured_emissions_per_value_added",
        "达产复核单位增加值排放",
        "达产复核单位增加值排放",
        "实际单位增加值排放",
        unit_hint="吨/万元",
    ),
    _share("committed_rnd_share", "承诺研发经费占比", "承诺研发投入占比", label="承诺研发经费占比"),
    _share(
        "measured_rnd_share",
        "达产复核研发经费占比",
        "达产复核研发投入占比",
        "实际研发经费占比",
        label="达产复核研发经费占比",
    ),
)

SUPERVISED_LAND_SUPPLY = LedgerSchema(
    LAND_SUPPLY.name,
    LAND_SUPPLY.title_zh,
    LAND_SUPPLY.title_en,
    fields=LAND_SUPPLY.fields + EXTRA_FIELDS,
    key=LAND_SUPPLY.key,
    sheet_hints=LAND_SUPPLY.sheet_hints,
    ranges=LAND_SUPPLY.ranges,
    notes=LAND_SUPPLY.notes,
)

# commitment kind -> (committed field, measured field); plot ratio's commitment is the contract's lower limit
COMMITMENT_FIELDS = {
    "investment_intensity": ("committed_investment_intensity", "measured_investment_intensity"),
    "plot_ratio": ("plot_ratio_lower", "measured_plot_ratio"),
    "tax_per_mu": ("committed_tax_per_mu", "measured_tax_per_mu"),
    "energy_per_value_added": ("committed_energy_per_value_added", "measured_energy_per_value_added"),
    "emissions_per_value_added": ("committed_emissions_per_value_added", "measured_emissions_per_value_added"),
    "rnd_share": ("committed_rnd_share", "measured_rnd_share"),
}
SUPPLY_KIND = {"lease": LEASE, "allocation": ALLOCATION}

# Contract attribute (as named in validation problems) -> ledger field
FIELD_OF = {
    "number": "contract_number",
    "holder": "holder",
    "kind": "kind",
    "price_wan": "price",
    "area_m2": "area_m2",
    "signed_on": "contract_date",
    "stopped_since": "stopped_since",
    "developed_area_share": "developed_area_share",
    "investment_share": "investment_share",
    "extensions.completion": "extended_completion",
    "extensions.production": "extended_production",
    "government_delays[0].cause": "government_delay",
    "government_delays[0].evidence": "government_delay_evidence",
}


def ledger_field(attr: str, contract: Contract | None = None) -> str:
    """The ledger field a validation problem's field refers to."""
    if attr in FIELD_OF:
        return FIELD_OF[attr]
    if attr.startswith(("agreed_", "actual_")):
        return attr
    if attr.startswith("commitments[") and contract is not None:
        i = int(attr[len("commitments[") : attr.index("]")])
        kind = contract.commitments[i].kind
        pair = COMMITMENT_FIELDS.get(kind)
        if pair:
            return pair[1] if attr.endswith(".measured") else pair[0]
    return attr


def cause_code(text: str, policy: WarningPolicy) -> str:
    """A cause as the policy's code when the text is a code or a cause's Chinese name, else the text."""
    t = text.strip()
    for code, (zh, en) in policy.idle_land.causes.items():
        if t in (code, zh, en):
            return code
    return t


def row_to_contract(row: dict, policy: WarningPolicy, fields: set[str]) -> Contract:
    """One ledger row (as ``read_ledger`` returns it) to a ``Contract``. ``fields`` are the ledger
    fields the file provides (commitments need their measured column)."""
    g: Callable[[str], Any] = row.get
    kind = g("kind") or SUPPLY_KIND.get(g("supply_type") or "", GRANT)
    extensions = tuple(
        Extension(m, g(f"extended_{m}"))
        for m in ("start", "completion", "production")
        if g(f"extended_{m}") is not None
    )
    delays: tuple[GovernmentDelay, ...] = ()
    if g("government_delay") or g("government_delay_evidence"):
        delays = (
            GovernmentDelay(cause_code(g("government_delay") or "", policy), g("government_delay_evidence") or ""),
        )
    commitments = []
    for key, (committed, measured) in COMMITMENT_FIELDS.items():
        if measured not in fields or g(committed) is None:
            continue
        k = policy.commitment_kinds.get(key)
        commitments.append(Commitment(key, g(committed), k.unit if k else None, g(measured)))
    return Contract(
        number=g("contract_number") or None,
        holder=g("holder"),
        kind=kind,
        price_wan=g("price"),
        area_m2=g("area_m2"),
        signed_on=g("contract_date"),
        agreed_delivery=g("agreed_delivery"),
        agreed_start=g("agreed_start"),
        agreed_completion=g("agreed_completion"),
        agreed_production=g("agreed_production"),
        actual_delivery=g("actual_delivery"),
        actual_start=g("actual_start"),
        actual_completion=g("actual_completion"),
        actual_production=g("actual_production"),
        development=Development(g("developed_area_share"), g("investment_share"), g("stopped_since")),
        commitments=tuple(commitments),
        extensions=extensions,
        government_delays=delays,
        land_use=g("land_use"),
        location=g("location"),
        project=g("project_name"),
    )


def is_selected(row: dict, keywords: tuple[str, ...]) -> bool:
    use = row.get("land_use") or ""
    return any(k in use for k in keywords)


def fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
