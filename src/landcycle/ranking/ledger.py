"""The quarterly ledger of hand-entered indicators (季度手工指标台账, ``rules.ranking.inputs.RANKING_INPUTS``) in the
ledger machinery: ``landcycle export / template / import ranking_inputs``. One row per town, quarter and indicator;
an import creates or updates figures by that key — all or nothing, each problem located at its row and column.

The indicator is a key (or the Chinese name) of the index policy that no app computes from its rows: a figure the
product computes is never overwritten by hand. A quarter whose ranking is published is frozen: its figures can no
longer change (correct the ranking with a new run instead)."""

from __future__ import annotations

from landcycle.accounts.scope import Area
from landcycle.kit.indicators import indicator_sources
from landcycle.ledgers.columns import Column
from landcycle.ledgers.importers.base import Col, Importer
from landcycle.ledgers.kinds import Kind, register
from landcycle.ledgers.lookup import Towns
from landcycle.ledgers.plan import INVALID, RowPlan
from landcycle.rules.problems import Problem
from landcycle.rules.ranking.inputs import RANKING_INPUTS, parse_quarter
from landcycle.rules.ranking.policy import IndexPolicy

from .models import IndicatorInput, RankingRun
from .policy import current_policy


def hand_keys(policy: IndexPolicy) -> dict[str, str]:
    """{indicator key: its Chinese name} of the indicators no app computes (entered by hand)."""
    computed = indicator_sources()
    return {i.key: i.name_zh for i in policy.indicators if i.key not in computed}


COLUMNS = (
    Column("town", lambda x: x.town.name, width=14, example="新浦镇"),
    Column("quarter", lambda x: x.period.label, width=10, example="2025Q3"),
    Column("indicator", lambda x: x.indicator, width=22, example="investment_attracted"),
    Column("value", lambda x: x.value, width=12, example="12500"),
    Column("source", lambda x: x.source, width=40, example="县商务局2025年三季度招商引资统计"),
)


class InputImporter(Importer):
    kind = "ranking_inputs"
    schema = RANKING_INPUTS
    model = IndicatorInput
    areas = (Area.LEDGERS, Area.RANKING)
    cols = (Col("value", "value"), Col("source", "source", "blank"))

    def prefetch(self, rows):
        self.town_lookup = Towns(self.actor, (r.get("town") for r in rows))
        policy = current_policy(getattr(self.actor, "region", None))
        self.hand = hand_keys(policy)
        self.by_name = {name: key for key, name in self.hand.items()}
        self.computed = {i.key: i.name_zh for i in policy.indicators if i.key not in self.hand}
        self.computed.update({i.name_zh: i.name_zh for i in policy.indicators if i.key not in self.hand})
        self.frozen = {  # (county, year, quarter): each county publishes its own quarters
            (c, y, q)
            for c, y, q in RankingRun.objects.filter(state=RankingRun.State.PUBLISHED).values_list(
                "county_id", "year", "quarter"
            )
        }
        self.existing = {
            (x.town_id, x.year, x.quarter, x.indicator): x for x in IndicatorInput.objects.select_related("town")
        }
        self._parsed: dict[int, dict] = {}

    def _parse(self, row) -> dict:
        r = row["_row"]
        if r in self._parsed:
            return self._parsed[r]
        out: dict = {}
        town, err = self.town_lookup.resolve(row["town"])
        if err:
            self.add(row, "town", *err)
        else:
            out["town"] = town
        period, problem = parse_quarter(row["quarter"])
        if problem:
            self.add_problems(row, [problem])
        else:
            out["year"], out["quarter"] = period
        ind = str(row["indicator"]).strip()
        key = ind if ind in self.hand else self.by_name.get(ind)
        if key is not None:
            out["indicator"] = key
        elif ind in self.computed:
            self.add(
                row,
                "indicator",
                "ranking.computed",
                f"指标“{ind}”由系统根据业务数据计算，不能手工填报",
                f"indicator '{ind}' is computed from the product's rows: it cannot be entered by hand",
            )
        else:
            names = "、".join(f"{k}（{v}）" for k, v in self.hand.items())
            self.add(
                row,
                "indicator",
                "ranking.indicator",
                f"“{ind}”不是需手工填报的指标，可填：{names}",
                f"'{ind}' is not an indicator entered by hand; allowed: {', '.join(self.hand)}",
            )
        self._parsed[r] = out
        return out

    def key(self, row):
        if any(row.get(k) is None for k in self.schema.key):
            return None
        p = self._parse(row)
        if len(p) < 4:
            return (row["town"], row["quarter"], row["indicator"])  # invalid: the problems are said
        return (p["town"].pk, p["year"], p["quarter"], p["indicator"])

    def key_text(self, key):
        return " / ".join(str(k) for k in key)

    def find(self, key):
        return self.existing.get(key) if len(key) == 4 else None

    def resolve(self, row):
        return dict(self._parse(row))

    def towns(self, obj):
        return [(obj.town, "town")] if obj.town_id else []

    def rules(self, obj, creating):
        out = []
        if obj.year and obj.town_id and (obj.town.parent_id, obj.year, obj.quarter) in self.frozen:
            out.append(
                Problem(
                    "quarter",
                    "ranking.published",
                    f"{obj.year}Q{obj.quarter}的赛马已发布，其手工指标不能再修改（如需更正请重新计算并更正发布）",
                    f"the ranking of {obj.year}Q{obj.quarter} is published: its figures can no longer change",
                )
            )
        return out

    def plan_row(self, row):
        key = self.key(row)
        if key is None or len(key) < 4:  # a town, quarter or indicator that does not resolve: said in _parse
            return RowPlan(row["_sheet"], row["_row"], "", INVALID)
        return super().plan_row(row)

    def region_code(self, obj):
        return obj.town.code


def inputs_queryset():
    return IndicatorInput.objects.select_related("town").order_by("year", "quarter", "town__code", "indicator")


def register_kinds() -> None:
    """Called by ``RankingConfig.ready()``."""
    register(
        Kind(
            "ranking_inputs",
            RANKING_INPUTS,
            "赛马季度手工指标：镇街、季度、指标、数值、来源说明（已发布季度的指标不能修改）",
            "hand-entered quarterly indicators of the town ranking: town, quarter, indicator, value, source "
            "(a published quarter's figures cannot change)",
            COLUMNS,
            inputs_queryset,
            importer_class=InputImporter,
            related=("town",),
        )
    )
