"""The warning policy (``landcycle/policies/warnings.toml``) as typed, checked values.

``load_policy()`` gives the shipped default; ``load_policy(path)`` a county's edited copy. Every
mistake in a policy is reported at once (``PolicyError`` carries ``Problem``s naming the setting).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ...policy import read_policy, read_policy_file
from ...problems import Problem, RuleError
from ..periods import LEAP_DAY_RULES
from .check import Check

DIRECTIONS = ("min", "max")
STAGES = ("completion", "production")


class PolicyError(RuleError):
    """A warning policy that cannot be used, with every problem found."""


@dataclass(frozen=True)
class IdleLandRule:
    idle_after_years: int
    fee_share: Decimal
    take_back_after_years: int
    stalled_area_share_below: Fraction
    stalled_investment_share_below: Fraction
    stalled_after_years: int
    stalled_take_back: bool
    colour: str
    take_back_colour: str
    government_delay_colour: str
    stalled_watch_colour: str
    leap_day: str
    late_delivery_is_government_cause: bool
    causes: dict[str, tuple[str, str]]
    fee_kinds: tuple[str, ...] = ("grant", "standard", "allocation")
    delay_shift_max_years: int = 1
    start_from_delivery_years: int = 0
    lease_idle_colour: str = "red"
    source_zh: str = ""
    source_en: str = ""


@dataclass(frozen=True)
class DeadlineRule:
    """Yellow within ``notice`` days before the deadline; overdue: yellow, red past ``grace`` days
    (grace 0: red as soon as overdue). ``roll_forward``: a deadline on a rest day moves to the next
    working day (only when counting working days)."""

    notice: int
    grace: int
    roll_forward: bool = False
    notice_colour: str = "yellow"


@dataclass(frozen=True)
class ShareRule:
    """Attainment (measured / required) below ``yellow_below`` -> yellow, below ``red_below`` -> red."""

    yellow_below: Decimal
    red_below: Decimal


@dataclass(frozen=True)
class CommitmentKind:
    key: str
    zh: str
    en: str
    unit: str
    direction: str
    stage: str


@dataclass(frozen=True)
class EnterpriseRule:
    tax_per_mu: ShareRule
    red_classes: tuple[str, ...]
    yellow_classes: tuple[str, ...]
    figures_max_age_years: int = 1


@dataclass(frozen=True)
class ProgressRule:
    yellow_behind: Decimal
    red_behind: Decimal


@dataclass(frozen=True)
class CalendarTable:
    years: frozenset[int]
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


@dataclass(frozen=True)
class HandlingRule:
    """How warnings are answered (预警处置): verification due within ``verify_working_days`` working days of
    the warning being raised or reopened; evidence files at most ``evidence_max_mb`` each, ``evidence_max_files``
    at a time."""

    verify_working_days: int = 5
    evidence_max_mb: int = 20
    evidence_max_files: int = 9


@dataclass(frozen=True)
class WarningPolicy:
    name: str
    version: str
    hash: str
    idle_land: IdleLandRule
    contract_dates: DeadlineRule
    commitments: ShareRule
    commitment_not_reviewed_colour: str
    commitment_kinds: dict[str, CommitmentKind]
    enterprise: EnterpriseRule
    progress: ProgressRule
    deadlines: DeadlineRule
    calendar: CalendarTable
    industrial_land_use: tuple[str, ...]
    handling: HandlingRule = HandlingRule()
    title_zh: str = ""
    title_en: str = ""


def _shares(c: Check, d: dict, path: str) -> ShareRule:
    return ShareRule(c.dec(d, "yellow_below", path), c.dec(d, "red_below", path))


def load_policy(path: str | Path | None = None) -> WarningPolicy:
    """The shipped default (``path=None``) or a policy file. Raises ``PolicyError``."""
    where = "warnings.toml" if path is None else str(path)
    try:
        source = read_policy("warnings") if path is None else read_policy_file("warnings", path)
    except OSError as e:
        raise PolicyError(
            [
                Problem(
                    "policy",
                    "policy.unreadable",
                    f"无法读取预警规则文件：{e}",
                    f"Cannot read the warning policy: {e}",
                )
            ]
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise PolicyError(
            [Problem("policy", "policy.syntax", f"“{where}”不是有效的 TOML：{e}", f"'{where}' is not valid TOML: {e}")]
        ) from None
    return parse_policy(source.data, source.hash)


def parse_policy(data: dict, digest: str = "") -> WarningPolicy:
    c = Check()
    idle = c.table(data, "idle_land")
    causes = {}
    for key, v in c.table(idle, "causes", "idle_land").items():
        if isinstance(v, dict) and isinstance(v.get("zh"), str) and isinstance(v.get("en"), str):
            causes[key] = (v["zh"], v["en"])
        else:
            c.err(f"idle_land.causes.{key}", "policy.type", "应为 { zh = …, en = … }", "must be { zh = …, en = … }")
    idle_rule = IdleLandRule(
        idle_after_years=c.int(idle, "idle_after_years", "idle_land", 1),
        fee_share=c.dec(idle, "fee_share", "idle_land"),
        take_back_after_years=c.int(idle, "take_back_after_years", "idle_land", 1),
        stalled_area_share_below=c.share(idle, "stalled_area_share_below", "idle_land"),
        stalled_investment_share_below=c.share(idle, "stalled_investment_share_below", "idle_land"),
        stalled_after_years=c.int(idle, "stalled_after_years", "idle_land", 1),
        stalled_take_back=c.bool(idle, "stalled_take_back", "idle_land", False),
        colour=c.colour(idle, "colour", "idle_land", "red"),
        take_back_colour=c.colour(idle, "take_back_colour", "idle_land", "red"),
        government_delay_colour=c.colour(idle, "government_delay_colour", "idle_land", "yellow"),
        stalled_watch_colour=c.colour(idle, "stalled_watch_colour", "idle_land", "yellow"),
        leap_day=c.choice(idle, "leap_day", "idle_land", LEAP_DAY_RULES, "feb28"),
        late_delivery_is_government_cause=c.bool(idle, "late_delivery_is_government_cause", "idle_land", True),
        causes=causes,
        fee_kinds=c.strs(idle, "fee_kinds", "idle_land", ("grant", "standard", "allocation")),
        delay_shift_max_years=c.opt_int(idle, "delay_shift_max_years", "idle_land", 1),
        start_from_delivery_years=c.opt_int(idle, "start_from_delivery_years", "idle_land", 0),
        lease_idle_colour=c.colour(idle, "lease_idle_colour", "idle_land", "red"),
        source_zh=str(idle.get("source_zh", "")),
        source_en=str(idle.get("source_en", "")),
    )
    dates = c.table(data, "contract_dates")
    com = c.table(data, "commitments")
    kinds = {}
    for key, v in c.table(com, "kinds", "commitments").items():
        p = f"commitments.kinds.{key}"
        if not isinstance(v, dict):
            c.err(p, "policy.type", f"“{p}”应为表", f"'{p}' must be a table")
            continue
        kinds[key] = CommitmentKind(
            key,
            c.str(v, "zh", p),
            c.str(v, "en", p),
            c.str(v, "unit", p, ""),
            c.choice(v, "direction", p, DIRECTIONS),
            c.choice(v, "stage", p, STAGES),
        )
    ent = c.table(data, "enterprise")
    prog = c.table(data, "progress")
    dl = c.table(data, "deadlines")
    cal = c.table(data, "calendar")
    sel = c.table(data, "selection")
    hd = c.table(data, "handling")  # an older county copy without it takes the defaults
    policy = WarningPolicy(
        name=str(data.get("name", "warnings")),
        version=c.str(data, "version", ""),
        hash=digest,
        title_zh=str(data.get("title_zh", "")),
        title_en=str(data.get("title_en", "")),
        idle_land=idle_rule,
        contract_dates=DeadlineRule(
            c.int(dates, "notice_days", "contract_dates", 0),
            c.int(dates, "grace_days", "contract_dates", 0),
            notice_colour=c.colour(dates, "notice_colour", "contract_dates", "blue"),
        ),
        commitments=_shares(c, com, "commitments"),
        commitment_not_reviewed_colour=c.colour(com, "not_reviewed_colour", "commitments", "yellow"),
        commitment_kinds=kinds,
        enterprise=EnterpriseRule(
            ShareRule(
                c.dec(ent, "tax_per_mu_yellow_below", "enterprise"), c.dec(ent, "tax_per_mu_red_below", "enterprise")
            ),
            c.strs(ent, "red_classes", "enterprise"),
            c.strs(ent, "yellow_classes", "enterprise"),
            c.opt_int(ent, "figures_max_age_years", "enterprise", 1),
        ),
        progress=ProgressRule(
            c.dec(prog, "yellow_behind_points", "progress"), c.dec(prog, "red_behind_points", "progress")
        ),
        deadlines=DeadlineRule(
            c.int(dl, "notice_working_days", "deadlines", 0),
            c.int(dl, "grace_working_days", "deadlines", 0),
            c.bool(dl, "roll_forward_rest_day", "deadlines", True),
        ),
        calendar=CalendarTable(
            frozenset(c.int_list(cal, "years", "calendar")),
            frozenset(c.dates(cal, "holidays", "calendar")),
            frozenset(c.dates(cal, "workdays", "calendar")),
        ),
        industrial_land_use=c.strs(sel, "industrial_land_use", "selection", ("工业",)),
        handling=HandlingRule(
            c.opt_int(hd, "verify_working_days", "handling", 5),
            c.opt_int(hd, "evidence_max_mb", "handling", 20),
            c.opt_int(hd, "evidence_max_files", "handling", 9),
        ),
    )
    if policy.commitments.red_below > policy.commitments.yellow_below:
        c.err(
            "commitments.red_below",
            "policy.order",
            "red_below 不应大于 yellow_below",
            "red_below must not exceed yellow_below",
        )
    if policy.progress.red_behind < policy.progress.yellow_behind:
        c.err(
            "progress.red_behind_points",
            "policy.order",
            "red_behind_points 不应小于 yellow_behind_points",
            "red_behind_points must not be below yellow_behind_points",
        )
    both = policy.calendar.holidays & policy.calendar.workdays
    if both:
        c.err(
            "calendar",
            "policy.calendar",
            f"{min(both)} 同时列为节假日和工作日",
            f"{min(both)} is listed as both a holiday and a workday",
        )
    if c.problems:
        raise PolicyError(c.problems)
    return policy
