"""Renewal projects (老旧工业区块改造提升, 退二优二): the colour of a project against its plan, the checks of a plan, a
progress report, milestone dates and firm fates, and the block's per-mu payoff before and after. Pure: no Django.

The colour reuses the supervision rules (DOMAIN §4, ``policies/warnings.toml``): the time-proportional plan
(序时进度: ``[progress]``, 10–30 points behind yellow, more red) and the agreed-date rule of contracts
(``[contract_dates]``: a planned milestone not reached is yellow, more than ``grace_days`` — 90, three months — red).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from .problems import Problem
from .supervision.findings import GREEN, GREY, RED, YELLOW, worst
from .supervision.policy import DeadlineRule, ProgressRule
from .supervision.schedule import progress_colour

# kinds of project
DEMOLISH_REBUILD, UPGRADE, MERGE_REBUILD = "demolish_rebuild", "upgrade", "merge_rebuild"
RETREAT_OPTIMISE, RETREAT_TERTIARY = "retreat_optimise", "retreat_tertiary"
KINDS = (DEMOLISH_REBUILD, UPGRADE, MERGE_REBUILD, RETREAT_OPTIMISE, RETREAT_TERTIARY)
# states
DRAFT, APPROVED, UNDER_WAY, DONE = "draft", "approved", "under_way", "done"
STATES = (DRAFT, APPROVED, UNDER_WAY, DONE)
# milestones, in their usual order; each depends on the one before by default
M_APPROVAL, M_RELOCATION, M_DEMOLITION = "approval", "relocation", "demolition"
M_CONSTRUCTION, M_COMPLETION, M_FIRMS_IN = "construction", "completion", "firms_in"
MILESTONES = (M_APPROVAL, M_RELOCATION, M_DEMOLITION, M_CONSTRUCTION, M_COMPLETION, M_FIRMS_IN)
MILESTONE_ZH = {
    M_APPROVAL: "方案批复",
    M_RELOCATION: "搬迁腾空完成",
    M_DEMOLITION: "拆除完成",
    M_CONSTRUCTION: "开工建设",
    M_COMPLETION: "竣工验收",
    M_FIRMS_IN: "企业入驻",
}
MILESTONE_EN = {
    M_APPROVAL: "plan approved",
    M_RELOCATION: "relocation done",
    M_DEMOLITION: "demolition done",
    M_CONSTRUCTION: "construction start",
    M_COMPLETION: "completion",
    M_FIRMS_IN: "firms in",
}
# firm fates
F_PENDING, F_STAYS, F_MOVES, F_MERGED, F_CLOSED = "pending", "stays", "moves", "merged", "closed"
FATES = (F_PENDING, F_STAYS, F_MOVES, F_MERGED, F_CLOSED)
LEAVES = frozenset({F_MOVES, F_CLOSED})  # the firm leaves the block: a vacating case (exits) is opened

CENT = Decimal("0.01")


def _q(x: Decimal | Fraction) -> Decimal:
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Plan:
    area_mu: Decimal
    planned_start: dt.date
    planned_end: dt.date
    demolish_mu: Decimal | None = None
    rebuild_mu: Decimal | None = None
    demolish_m2: Decimal | None = None
    rebuild_m2: Decimal | None = None
    illegal_m2: Decimal | None = None
    investment: Decimal | None = None
    new_floor_m2: Decimal | None = None
    plot_ratio: Decimal | None = None


@dataclass(frozen=True)
class MilestoneRow:
    kind: str
    planned_on: dt.date
    done_on: dt.date | None = None
    depends_on: str | None = None  # the kind of the milestone it waits for


def default_dependencies(kinds: Sequence[str]) -> dict[str, str | None]:
    """Each milestone waits for the one before it in the usual order (approval first)."""
    ordered = [k for k in MILESTONES if k in kinds]
    return {k: (ordered[i - 1] if i else None) for i, k in enumerate(ordered)}


# ---------------------------------------------------------------------------------------------------- colour
@dataclass(frozen=True)
class Reason:
    rule: str
    colour: str
    zh: str
    en: str


@dataclass(frozen=True)
class ProjectColour:
    colour: str
    planned_percent: Decimal | None
    done_percent: Decimal | None
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def zh(self) -> str:
        return "；".join(r.zh for r in self.reasons)

    @property
    def en(self) -> str:
        return "; ".join(r.en for r in self.reasons)


def milestone_reason(m: MilestoneRow, as_of: dt.date, rule: DeadlineRule) -> Reason | None:
    """A planned milestone not reached by its date: yellow; more than ``rule.grace`` days late: red."""
    if m.done_on is not None and m.done_on <= as_of:
        return None
    if as_of <= m.planned_on:
        return None
    late = (as_of - m.planned_on).days
    colour = RED if late > rule.grace else YELLOW
    zh = f"节点“{MILESTONE_ZH[m.kind]}”计划{m.planned_on.isoformat()}完成，已逾期{late}天"
    en = f"milestone '{MILESTONE_EN[m.kind]}' planned for {m.planned_on.isoformat()} is {late} days late"
    if colour == RED:
        zh += f"（超过{rule.grace}天）"
        en += f" (more than {rule.grace})"
    return Reason("milestone.late", colour, zh, en)


def project_colour(
    state: str,
    plan_start: dt.date,
    plan_end: dt.date,
    as_of: dt.date,
    percent_done: int | Decimal | None,
    milestones: Iterable[MilestoneRow],
    progress: ProgressRule,
    dates: DeadlineRule,
) -> ProjectColour:
    """The colour of a project on ``as_of``: the worst of its time-proportional progress and its late milestones.
    A draft is not judged (grey); a finished project is green."""
    if state == DRAFT:
        return ProjectColour(
            GREY, None, None, (Reason("plan.draft", GREY, "方案尚未批准，不判定进度", "plan not approved: not judged"),)
        )
    if state == DONE:
        return ProjectColour(GREEN, Decimal(100), Decimal(100), (Reason("done", GREEN, "已完成", "done"),))
    st = progress_colour(plan_start, plan_end, as_of, percent_done or 0, progress)
    reasons = [Reason("progress.behind", st.colour, st.zh, st.en)]
    reasons += [r for m in milestones if (r := milestone_reason(m, as_of, dates)) is not None]
    colour = worst(r.colour for r in reasons)
    ordered = sorted(reasons, key=lambda r: r.colour != colour)  # the reasons of the colour first
    return ProjectColour(colour, st.planned_percent, st.done_percent, tuple(ordered))


def planned_share(plan_start: dt.date, plan_end: dt.date, as_of: dt.date) -> Fraction:
    """The share of the plan due by ``as_of`` (序时进度), 0..1."""
    total = (plan_end - plan_start).days
    if total <= 0:
        return Fraction(1) if as_of >= plan_end else Fraction(0)
    return Fraction(min(max((as_of - plan_start).days, 0), total), total)


# ---------------------------------------------------------------------------------------------------- checks
def _neg(value: Decimal | None, field_name: str, zh: str, en: str) -> list[Problem]:
    if value is not None and value < 0:
        return [
            Problem(field_name, "renewal.negative", f"{zh}不能为负数（{value}）", f"{en} cannot be negative ({value})")
        ]
    return []


def plan_problems(plan: Plan) -> list[Problem]:
    """A plan that cannot be right: demolishing or rebuilding more land than the project covers, negative figures,
    an end before the start."""
    out: list[Problem] = []
    if plan.area_mu is None or plan.area_mu <= 0:
        out.append(Problem("area_mu", "renewal.area", "改造面积必须大于0亩", "the area covered must be more than 0 mu"))
    for name, zh, en in (
        ("demolish_mu", "拆除用地", "land to demolish"),
        ("rebuild_mu", "重建用地", "land to rebuild"),
        ("demolish_m2", "拆除建筑面积", "floor space to demolish"),
        ("rebuild_m2", "重建建筑面积", "floor space to rebuild"),
        ("illegal_m2", "拆除违建面积", "illegal structures to remove"),
        ("investment", "计划投资", "investment"),
        ("new_floor_m2", "新增建筑面积", "new floor space"),
        ("plot_ratio", "容积率", "plot ratio"),
    ):
        out += _neg(getattr(plan, name), name, zh, en)
    if plan.area_mu is not None and plan.area_mu > 0:
        for name, zh, en in (
            ("demolish_mu", "拆除用地", "land to demolish"),
            ("rebuild_mu", "重建用地", "land to rebuild"),
        ):
            v = getattr(plan, name)
            if v is not None and v > plan.area_mu:
                out.append(
                    Problem(
                        name,
                        "renewal.more_than_covered",
                        f"{zh}{v}亩大于项目改造面积{plan.area_mu}亩",
                        f"{en} ({v} mu) is more than the area the project covers ({plan.area_mu} mu)",
                    )
                )
    if plan.planned_end <= plan.planned_start:
        out.append(
            Problem(
                "planned_end",
                "renewal.dates",
                f"计划完成日期{plan.planned_end}应晚于计划开始日期{plan.planned_start}",
                f"the planned end {plan.planned_end} must be after the planned start {plan.planned_start}",
            )
        )
    return out


@dataclass(frozen=True)
class Achieved:
    """The figures of a progress report, cumulative since the start."""

    percent_done: int
    demolished_mu: Decimal | None = None
    removed_m2: Decimal | None = None
    investment_made: Decimal | None = None


def report_problems(plan: Plan, achieved: Achieved, previous: Achieved | None = None) -> list[Problem]:
    """A report that cannot be right: more land demolished than the project covers, a percent outside 0..100,
    cumulative figures lower than the previous report's."""
    out: list[Problem] = []
    if not 0 <= achieved.percent_done <= 100:
        out.append(
            Problem(
                "percent_done",
                "renewal.percent",
                f"总体进度应在0–100%之间（{achieved.percent_done}）",
                f"the percent done must be 0–100 ({achieved.percent_done})",
            )
        )
    out += _neg(achieved.demolished_mu, "demolished_mu", "累计拆除用地", "land demolished")
    out += _neg(achieved.removed_m2, "removed_m2", "累计拆除建筑面积", "floor space removed")
    out += _neg(achieved.investment_made, "investment_made", "累计完成投资", "investment made")
    if achieved.demolished_mu is not None and achieved.demolished_mu > plan.area_mu:
        out.append(
            Problem(
                "demolished_mu",
                "renewal.demolished_more_than_covered",
                f"累计拆除{achieved.demolished_mu}亩，大于项目改造面积{plan.area_mu}亩",
                f"{achieved.demolished_mu} mu demolished is more than the {plan.area_mu} mu the project covers",
            )
        )
    if previous is not None:
        for name, zh, en in (
            ("percent_done", "总体进度", "percent done"),
            ("demolished_mu", "累计拆除用地", "land demolished"),
            ("removed_m2", "累计拆除建筑面积", "floor space removed"),
            ("investment_made", "累计完成投资", "investment made"),
        ):
            now, before = getattr(achieved, name), getattr(previous, name)
            if now is not None and before is not None and now < before:
                out.append(
                    Problem(
                        name,
                        "renewal.cumulative_down",
                        f"{zh}为累计数，不能低于上期报送的{before}（本期{now}）",
                        f"{en} is cumulative: it cannot be lower than the previous report's {before} (now {now})",
                    )
                )
    return out


def milestone_problems(milestones: Sequence[MilestoneRow], today: dt.date) -> list[Problem]:
    """A milestone done before the one it depends on (or while that one is not done), or done in the future."""
    by_kind = {m.kind: m for m in milestones}
    out: list[Problem] = []
    for m in milestones:
        if m.done_on is None:
            continue
        name_zh, name_en = MILESTONE_ZH[m.kind], MILESTONE_EN[m.kind]
        if m.done_on > today:
            out.append(
                Problem(
                    f"milestone.{m.kind}",
                    "renewal.milestone_future",
                    f"节点“{name_zh}”的实际日期{m.done_on}晚于今天{today}",
                    f"milestone '{name_en}' is dated {m.done_on}, after today {today}",
                )
            )
        dep = by_kind.get(m.depends_on) if m.depends_on else None
        if dep is None:
            continue
        dz, de = MILESTONE_ZH[dep.kind], MILESTONE_EN[dep.kind]
        if dep.done_on is None:
            out.append(
                Problem(
                    f"milestone.{m.kind}",
                    "renewal.milestone_order",
                    f"节点“{name_zh}”依赖“{dz}”，而“{dz}”尚未完成",
                    f"milestone '{name_en}' depends on '{de}', which is not done",
                )
            )
        elif m.done_on < dep.done_on:
            out.append(
                Problem(
                    f"milestone.{m.kind}",
                    "renewal.milestone_order",
                    f"节点“{name_zh}”完成于{m.done_on}，早于其前置节点“{dz}”（{dep.done_on}）",
                    f"milestone '{name_en}' done on {m.done_on}, before '{de}' it depends on ({dep.done_on})",
                )
            )
    return out


def fate_problems(
    enterprise: str,
    on_block: bool,
    fate: str,
    destination: str | None,
    destination_on_block: bool = False,
) -> list[Problem]:
    """A fate for a firm that is not on the project's parcels, a move without a destination park (or to a park of
    the block itself), an unknown fate."""
    out: list[Problem] = []
    if fate not in FATES:
        out.append(Problem("fate", "renewal.fate_unknown", f"未知的企业去向“{fate}”", f"unknown fate '{fate}'"))
    if not on_block:
        out.append(
            Problem(
                "enterprise",
                "renewal.firm_not_on_block",
                f"企业“{enterprise}”不在项目涉及的地块上，不能登记其去向",
                f"{enterprise} is not on the project's parcels: its fate cannot be recorded",
            )
        )
    if fate == F_MOVES and not destination:
        out.append(
            Problem(
                "destination",
                "renewal.no_destination",
                "县内搬迁须写明迁入园区",
                "a move within the county names the park it moves to",
            )
        )
    if fate == F_MOVES and destination and destination_on_block:
        out.append(
            Problem(
                "destination",
                "renewal.destination_on_block",
                f"迁入园区“{destination}”属于本改造项目，搬迁应迁出改造区块",
                f"the park '{destination}' is part of this project: a move leaves the block",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------- payoff
@dataclass(frozen=True)
class BlockYear:
    """The firms of the block in one year: their summed tax and revenue (万元) and how many reported figures."""

    year: int
    tax: Decimal
    revenue: Decimal
    firms: int


@dataclass(frozen=True)
class PayoffRow:
    year: int
    tax: Decimal
    revenue: Decimal
    firms: int
    tax_per_mu: Decimal
    revenue_per_mu: Decimal
    tax_per_mu_change: Decimal | None  # against the year before the project
    is_before: bool


@dataclass(frozen=True)
class Payoff:
    area_mu: Decimal
    before_year: int
    before: PayoffRow | None
    after: tuple[PayoffRow, ...]

    @property
    def latest_change(self) -> Decimal | None:
        return self.after[-1].tax_per_mu_change if self.after else None


def block_payoff(area_mu: Decimal, start_year: int, years: Mapping[int, BlockYear], until: int) -> Payoff:
    """The block's per-mu figures: the year before the project starts against each year since (up to ``until``).
    Per mu of the block's land (the area the project covers), so the figures before and after divide by the same
    land; a year without any figure is left out, never shown as zero."""
    if area_mu <= 0:
        raise ValueError("the block's area must be more than 0 mu")
    before_year = start_year - 1

    def row(y: BlockYear, base: Decimal | None) -> PayoffRow:
        tpm = _q(y.tax / area_mu)
        return PayoffRow(
            y.year,
            y.tax,
            y.revenue,
            y.firms,
            tpm,
            _q(y.revenue / area_mu),
            None if base is None else tpm - base,
            y.year == before_year,
        )

    before = row(years[before_year], None) if before_year in years else None
    base = before.tax_per_mu if before else None
    after = tuple(row(years[y], base) for y in range(start_year, until + 1) if y in years)
    return Payoff(area_mu, before_year, before, after)


def renewed_mu(area_mu: Decimal, percent_done: int | Decimal) -> Decimal:
    """Land renewed so far: the area covered times the share done."""
    return _q(Decimal(area_mu) * Decimal(percent_done) / 100)


def planned_mu(area_mu: Decimal, plan_start: dt.date, plan_end: dt.date, as_of: dt.date) -> Decimal:
    """Land that the time-proportional plan says is renewed by ``as_of``."""
    return _q(Fraction(str(area_mu)) * planned_share(plan_start, plan_end, as_of))
