"""The dates and figures of a sample contract in each supervision state, relative to the sample's
"today" (REFERENCE_DATE, 2026-11-29). Each function fills a ContractPlan's dates, development and
commitments so that the warning rules (policies/warnings.toml) put it in the state its name says.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from .plan import REFERENCE_DATE as REF

DAY = dt.timedelta(days=1)

# (kind, committed choices, unit, direction, places)
COMMITMENTS = (
    ("investment_intensity", (250, 300, 350, 400, 500), "万元/亩", "min", 2),
    ("plot_ratio", ("1.2", "1.5", "1.8", "2.0"), "", "min", 2),
    ("tax_per_mu", (20, 25, 30, 35, 40), "万元/亩", "min", 2),
    ("energy_per_value_added", ("0.35", "0.45", "0.52", "0.6"), "吨标准煤/万元", "max", 3),
    ("emissions_per_value_added", ("0.002", "0.003", "0.005"), "吨/万元", "max", 4),
    ("rnd_share", ("0.02", "0.03"), "%", "min", 4),
)
COMPLETION_KINDS = ("investment_intensity", "plot_ratio")


def days(n: int) -> dt.timedelta:
    return n * DAY


def q(x: float | Decimal, places: int) -> Decimal:
    return Decimal(str(x)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def commitments(rng: random.Random) -> list[dict]:
    """The "5+X" of a 标准地 contract: five commitments and, in most contracts, an R&D share."""
    out = []
    for kind, choices, unit, direction, places in COMMITMENTS:
        if kind == "rnd_share" and rng.random() < 0.4:
            continue
        out.append(
            {
                "kind": kind,
                "committed": Decimal(str(rng.choice(choices))),
                "unit": unit,
                "direction": direction,
                "places": places,
                "measured": None,
                "measured_on": None,
            }
        )
    return out


def measure(items: list[dict], stage_kinds, on: dt.date, rng: random.Random, factor=None) -> None:
    """Measured values that meet each commitment (min: 100–140 %; max: 60–100 % of the limit), or
    ``factor`` × committed where given ({kind: factor})."""
    for m in items:
        if m["kind"] not in stage_kinds:
            continue
        f = (factor or {}).get(m["kind"])
        if f is None:
            f = rng.uniform(1.0, 1.4) if m["direction"] == "min" else rng.uniform(0.6, 0.99)
        m["measured"] = q(float(m["committed"]) * f, m["places"])
        m["measured_on"] = on


PRODUCTION_KINDS = ("tax_per_mu", "energy_per_value_added", "emissions_per_value_added", "rnd_share")


def _building_start(c, state: str, r) -> None:
    """The agreed start of a project under construction, by its state (and an extension for "extended")."""
    if state == "start_due_soon":
        c.agreed_start = REF + days(r(5, 28))
    elif state == "start_overdue_yellow":
        c.agreed_start = REF - days(r(10, 80))
    elif state == "start_overdue_red":
        c.agreed_start = REF - days(r(120, 330))
    elif state == "late_delivery":
        c.agreed_start = REF - days(r(150, 300))
    elif state == "extended":
        c.agreed_start = REF - days(r(150, 250))
        c.extensions.append(
            {
                "milestone": "start",
                "new_date": REF + days(r(40, 120)),
                "approved_on": c.agreed_start - days(r(10, 40)),
                "reason": "园区控制性详细规划调整，设计方案重新报批，经批准延期开工",
            }
        )
    elif state in ("on_track", "progress_behind"):
        c.agreed_start = REF - days(r(200, 420))
    elif state == "stalled_watch":
        c.agreed_start = REF - days(r(500, 700))
    else:  # completion_due_soon, completion_overdue
        c.agreed_start = REF - days(r(600, 800))


def _building_share(c, state: str, planned: float, rng: random.Random) -> float:
    """The share of the land developed so far, by state, against the time-proportional plan."""
    r = rng.randint
    if state == "on_track":
        return min(0.98, planned + rng.uniform(-0.06, 0.08))
    if state == "progress_behind":
        return max(0.03, planned - rng.uniform(0.12, 0.45))
    if state == "stalled_watch":
        share = rng.uniform(0.08, 0.3)
        c.stopped_since = REF - days(r(60, 300))
        return share
    if state == "completion_due_soon":
        return rng.uniform(0.9, 0.98)
    return rng.uniform(0.55, 0.95)


def building(c, state: str, rng: random.Random) -> None:
    """A project on land under construction (在建): from just granted to overdue completion."""
    r = rng.randint
    _building_start(c, state, r)
    c.signed_on = min(c.signed_on, c.agreed_start - days(r(150, 240)))
    c.agreed_delivery = c.signed_on + days(r(20, 45))
    c.actual_delivery = c.agreed_delivery + days(r(150, 240) if state == "late_delivery" else -r(0, 10))
    c.agreed_completion = c.agreed_start + days(r(540, 720))
    if state == "completion_due_soon":
        c.agreed_completion = REF + days(r(5, 28))
    elif state == "completion_overdue":
        c.agreed_completion = REF - days(r(20, 240))
    elif state in ("on_track", "progress_behind", "stalled_watch"):
        c.agreed_completion = max(c.agreed_completion, REF + days(r(60, 400)))
    c.agreed_production = c.agreed_completion + days(r(365, 540))
    if state in ("start_due_soon", "start_overdue_yellow", "start_overdue_red", "late_delivery", "extended"):
        return
    c.actual_start = c.agreed_start + days(r(0, 25))
    planned = (REF - c.agreed_start).days / max(1, (c.agreed_completion - c.agreed_start).days)
    planned = min(1.0, planned)
    share = _building_share(c, state, planned, rng)
    c.developed_area_share = q(max(0.01, share), 4)
    c.investment_share = q(max(0.05, min(0.98, share + rng.uniform(-0.05, 0.1))), 4)
    if state == "stalled_watch":
        c.investment_share = q(rng.uniform(0.1, 0.22), 4)


def idle(c, state: str, rng: random.Random) -> str:
    """Idle land (闲置土地): not started one or two full years after the agreed start, or started and
    stopped for a year with little built; one with a government-caused delay on record (Art. 8), which
    moves the dates by its length: still within it (idle_gov_delay, exempt) or past it
    (idle_gov_delay_expired: the fee is due again). Returns the state (the delay decides which)."""
    r = rng.randint
    if state == "idle_1y":
        c.agreed_start = REF - days(r(380, 700))
    elif state == "idle_2y":
        c.agreed_start = REF - days(r(760, 1400))
    elif state == "idle_gov_delay":
        c.agreed_start = REF - days(r(420, 900))
        cause, description, evidence = rng.choice(GOVERNMENT_CAUSES)
        c.delays.append(
            {
                "cause": cause,
                "description": description,
                "evidence": evidence,
                "recorded_on": c.agreed_start + days(r(20, 200)),
            }
        )
        # the delay's length from a generator of its own, so the county's other draws stay as they were
        own = random.Random(f"delay-{c.parcel}")
        behind = (REF - c.agreed_start).days - 365  # days past the unmoved idle date
        if behind <= 300:  # moved past today: still exempt
            c.delays[-1]["days"] = own.randint(behind + 20, 365)
        else:  # the moved date has passed: the fee and take-back apply again
            c.delays[-1]["days"] = own.randint(60, 200)
            state = "idle_gov_delay_expired"
    else:  # idle_stalled, idle_stalled_2y
        c.agreed_start = REF - days(r(1000, 1500))
        c.actual_start = c.agreed_start + days(r(10, 60))
        c.stopped_since = REF - days(r(400, 700) if state == "idle_stalled" else r(760, 900))
        c.developed_area_share = q(rng.uniform(0.05, 0.3), 4)
        c.investment_share = q(rng.uniform(0.06, 0.2), 4)
    c.signed_on = c.agreed_start - days(r(150, 360))
    c.agreed_delivery = c.signed_on + days(r(20, 45))
    c.actual_delivery = c.agreed_delivery - days(r(0, 10))  # on time: a late delivery is a government cause
    c.agreed_completion = c.agreed_start + days(r(540, 730))
    c.agreed_production = c.agreed_completion + days(r(365, 540))
    return state


GOVERNMENT_CAUSES = (
    (
        "plan_change",
        "控制性详细规划修编，地块内规划道路红线调整，暂缓开工",
        "慈溪市自然资源和规划局规划调整函（慈自然资规函〔2025〕18号）",
    ),
    ("military_heritage", "地块内发现古窑址遗存，文物部门要求先行考古勘探", "慈溪市文物保护管理所考古勘探通知书"),
    ("policy_change", "所在区域纳入杭州湾湿地保护范围调整论证，暂停审批施工许可", "宁波市生态环境局复函"),
    ("government_action", "供电、排水等配套设施未按约定建成，无法开工建设", "镇政府情况说明及配套工程进度表"),
)


def completed(c, state: str, start: dt.date, rng: random.Random) -> str:
    """A 标准地 project in use, granted by mid-2022: completed, its commitments checked at completion
    acceptance and at production review. Returns the state given (a review needs time to be due)."""
    r = rng.randint
    c.signed_on = start - days(r(30, 120))
    c.agreed_delivery = c.actual_delivery = start
    c.agreed_start = c.signed_on + days(r(120, 240))
    c.actual_start = c.agreed_start + days(r(0, 45))
    c.agreed_completion = c.agreed_start + days(r(540, 730))
    c.actual_completion = c.agreed_completion - days(r(0, 60))
    c.agreed_production = c.actual_completion + days(r(365, 540))
    reviewed = state not in ("production_due_soon", "production_overdue", "awaiting_production")
    if state == "production_overdue":
        late = REF - days(r(40, 200))
        if late > c.actual_completion + days(30):
            c.agreed_production = late
        else:
            state = "production_due_soon"
    if state == "production_due_soon":
        c.agreed_production = REF + days(r(5, 28))
    elif state == "awaiting_production":
        c.agreed_production = REF + days(r(90, 400))
    elif reviewed and c.agreed_production > REF - days(90):
        c.agreed_production = REF - days(r(90, 300))
        if c.agreed_production <= c.actual_completion + days(30):
            state, reviewed, c.agreed_production = "awaiting_production", False, REF + days(r(90, 400))
    c.developed_area_share = c.investment_share = Decimal("1")
    factor = {}
    if state == "below_80" and rng.random() < 0.5:
        factor["investment_intensity"] = rng.uniform(0.86, 0.97)
    measure(c.commitments, COMPLETION_KINDS, c.actual_completion + days(r(15, 45)), rng, factor)
    if not reviewed:
        return state
    c.actual_production = c.agreed_production - days(r(0, 60))
    review = min(REF - days(5), c.actual_production + days(r(30, 80)))
    factor = {
        "below_100": {"tax_per_mu": rng.uniform(0.82, 0.98)},
        "below_80": {"tax_per_mu": rng.uniform(0.45, 0.78)},
        "energy_exceeded": {"energy_per_value_added": rng.uniform(1.05, 1.35)},
    }.get(state, {})
    measure(c.commitments, PRODUCTION_KINDS, review, rng, factor)
    if state == "not_reviewed":
        for m in c.commitments:
            if m["kind"] == "tax_per_mu":
                m["measured"] = m["measured_on"] = None
    return state
