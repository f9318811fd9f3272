"""The contract register (供地合同) as a ledger: its columns (headers are the titles of ``schema.CONTRACTS``, a
commitment's rate with its unit written in brackets), the rows it exports, and how a contract ledger is read.

Reading keeps the rows of industrial land only (the warning policy's ``[selection] industrial_land_use``, as
``landcycle supervise --industrial-only``; the importing user's county's policy, 本县政策): a row whose land use is given and is not industrial is skipped
(reason ``not_industrial``). A row without a contract number takes its source's row identity (来源标识, the
``md5Mark`` of the Guangdong land-market export) as its number, so that the same export imports again as
unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from landcycle.ledgers.columns import Column
from landcycle.ledgers.upload_limits import read_limits
from landcycle.rules.ledger import SkippedRow, read_ledger
from landcycle.rules.supervision.contract import DATE_STAGES
from landcycle.rules.supervision.ledger_rows import COMMITMENT_FIELDS, is_selected

from ..convert import TownPolicies, policy, rules_of
from ..models import Contract
from .schema import CONTRACTS

PREFETCH = ("parcel_links__parcel", "commitments", "extensions", "government_delays")
RATE_UNITS = {
    "investment_intensity": "万元/亩",
    "tax_per_mu": "万元/亩",
    "energy_per_value_added": "吨标准煤/万元",
    "emissions_per_value_added": "吨/万元",
}


def with_rules(contracts: Iterator[Contract]) -> Iterator[Contract]:
    """Each contract with ``rules``, the warning policy of its county (本县政策: the names of its government causes),
    read once for the whole export."""
    pols = TownPolicies()
    for c in contracts:
        c.rules = pols.of_town(c.town_id)
        yield c


def contract_queryset() -> QuerySet:
    """Every contract by number (``ledgers.export.export_queryset`` adds the prefetches of ``PREFETCH``)."""
    return Contract.objects.select_related("town", "holder").order_by("number")


def _parcels(c) -> str | None:
    return "、".join(sorted(link.parcel.number for link in c.parcel_links.all())) or None


def _extended(milestone: str):
    def get(c):
        dates = [e for e in c.extensions.all() if e.milestone == milestone]
        return dates[-1].new_date if dates else None  # the latest approved (ordered by approval date)

    return get


def _delay(attr: str):
    def get(c):
        delays = list(c.government_delays.all())
        if not delays:
            return None
        d = delays[-1]
        if attr == "evidence":
            return d.evidence
        rules = getattr(c, "rules", None) or rules_of(c)  # its county's names (本县政策): ``with_rules``
        names = rules.idle_land.causes.get(d.cause)
        return names[0] if names else d.get_cause_display()

    return get


def _commitment(kind: str, attr: str):
    def get(c):
        m = next((m for m in c.commitments.all() if m.kind == kind), None)
        return getattr(m, attr) if m is not None else None

    return get


def _commitment_columns() -> tuple[Column, ...]:
    out = []
    examples = {"investment_intensity": ("300", "320"), "plot_ratio": ("1.2", "1.5"), "tax_per_mu": ("30", None)}
    for kind, (committed, measured) in COMMITMENT_FIELDS.items():
        committed_ex, measured_ex = examples.get(kind, (None, None))
        for name, attr, example in ((committed, "committed", committed_ex), (measured, "measured", measured_ex)):
            unit = RATE_UNITS.get(kind)
            header = None
            if unit:
                header = f"{CONTRACTS.field(name).label}（{unit}）"
            out.append(Column(name, _commitment(kind, attr), header=header, width=16, example=example))
    return tuple(out)


# the template's example of each agreed and actual date (the dates themselves: rules.supervision.contract)
DATE_EXAMPLES = {
    "agreed_delivery": "2024-02-01",
    "actual_delivery": "2024-01-30",
    "agreed_start": "2024-06-30",
    "agreed_completion": "2026-06-30",
    "agreed_production": "2027-06-30",
}

CONTRACT_COLUMNS: tuple[Column, ...] = (
    Column("contract_number", lambda c: c.number, width=20, example="3302822024A00001"),
    Column("parcel_number", _parcels, width=24, example="330282112-0001"),
    Column("town", lambda c: c.town, width=12, example="新浦镇"),
    Column("holder", lambda c: c.holder_name, width=30, example="慈溪市新浦电器有限公司"),
    Column("holder_uscc", lambda c: c.holder.uscc if c.holder_id else None, width=22, example=""),
    Column("project_name", lambda c: c.project, width=24, example="年产10万台智能家电项目"),
    Column("location", lambda c: c.location, width=28, example="新浦镇工业园区纬二路北侧"),
    Column("land_use", lambda c: c.land_use, width=12, example="工业用地"),
    Column("kind", lambda c: c.kind, width=10, example="standard"),
    Column("price", lambda c: c.price_wan, width=14, example="480.00"),
    Column("area_m2", lambda c: c.area_m2, width=14, example="20000.00"),
    Column("term_years", lambda c: str(c.term_years) if c.term_years is not None else None, width=10, example="50"),
    Column("contract_date", lambda c: c.signed_on, width=12, example="2024-01-10"),
    *(
        Column(name, (lambda n: lambda c: getattr(c, n))(name), width=12, example=DATE_EXAMPLES.get(name, ""))
        for stage in DATE_STAGES
        for name in (f"agreed_{stage}", f"actual_{stage}")
    ),
    Column("extended_start", _extended("start"), width=12),
    Column("extended_completion", _extended("completion"), width=12, example="2026-12-31"),
    Column("extended_production", _extended("production"), width=12),
    Column("developed_area_share", lambda c: c.developed_area_share, width=12),
    Column("investment_share", lambda c: c.investment_share, width=12),
    Column("stopped_since", lambda c: c.stopped_since, width=12),
    Column("government_delay", _delay("cause"), width=24),
    Column("government_delay_evidence", _delay("evidence"), width=24),
    *_commitment_columns(),
)


def read_contracts(data, schema, *, mapping=None, sheet=None, filename=None, county=None):
    """A contract ledger as typed rows: industrial land only (by the warning policy of ``county``, the importing
    user's, a code; None: the shipped file), every row with a contract number when it can have one (see the
    module's docstring). Problems of skipped rows are dropped with them."""
    result = read_ledger(data, schema, mapping=mapping, sheet=sheet, filename=filename, limits=read_limits())
    keywords = policy(county).industrial_land_use
    kept, skipped = [], []
    for row in result.rows:
        use = row.get("land_use")
        if use and not is_selected(row, keywords):
            skipped.append(
                SkippedRow(
                    row["_sheet"],
                    row["_row"],
                    "not_industrial",
                    f"非工业用地（{use}），不纳入供后监管",
                    f"not industrial land ({use}): not supervised",
                    str(row.get("location") or row.get("holder") or ""),
                )
            )
            continue
        if not row.get("contract_number") and row.get("source_ref"):
            row["contract_number"] = str(row["source_ref"]).strip()
            row["_number_from"] = "source_ref"
        kept.append(row)
    if skipped:
        dropped = {s.row for s in skipped}
        result.rows = kept
        result.problems = [p for p in result.problems if p.row not in dropped]
        result.skipped = sorted(result.skipped + skipped, key=lambda s: s.row)
    return result
