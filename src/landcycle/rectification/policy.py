"""The rectification policy (``landcycle/policies/rectification.toml``) as typed, checked values.

``rectification_policy(county)`` gives the county's policy in force (its own version, 本县政策, or the shipped
default); ``parse_policy(data)`` checks a county's edited copy and reports every mistake at once (a ``RuleError``
whose problems name the setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from landcycle.countypolicy.kinds import PolicyKind, register
from landcycle.countypolicy.selectors import own_texts, policy_source
from landcycle.registry.models import Region
from landcycle.rules.policy import read_policy, read_policy_file
from landcycle.rules.problems import Problem, RuleError

COLOURS = ("green", "yellow", "red")


@dataclass(frozen=True)
class RectificationPolicy:
    name: str
    version: str
    hash: str
    period_start_days: tuple[int, ...]
    due_roll_forward: bool
    extensions: frozenset[str]
    max_size_bytes: int
    max_files_per_report: int
    notice_working_days: int
    grace_working_days: int
    challenged_colour: str
    red_after_missed: int
    yellow_after_missed: int
    progress_against_plan: bool = True
    relapse_watch_months: int = 6

    @property
    def max_size_mb(self) -> float:
        return self.max_size_bytes / (1024 * 1024)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


def _int(table: dict, key: str, where: str, problems: list[Problem], low: int = 0, high: int = 10_000) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        problems.append(
            Problem(
                f"{where}.{key}",
                "policy.integer",
                f"政策项 [{where}] {key} 应为 {low}–{high} 的整数，实为 {value!r}",
                f"Policy setting [{where}] {key} must be a whole number {low}-{high}, got {value!r}",
            )
        )
        return low
    return value


def parse_policy(data: dict, digest: str = "") -> RectificationPolicy:
    problems: list[Problem] = []
    rounds, evidence, colours, relapse = (data.get(k) or {} for k in ("rounds", "evidence", "colours", "relapse"))
    days = rounds.get("period_start_days")
    if (
        not isinstance(days, list)
        or not days
        or days[0] != 1
        or any(not isinstance(d, int) for d in days)
        or any(not 1 <= d <= 28 for d in days)
        or sorted(set(days)) != days
    ):
        problems.append(
            Problem(
                "rounds.period_start_days",
                "policy.cadence",
                f"对账周期起始日应为从1开始、递增、不超过28的整数列表（如 [1, 16]），实为 {days!r}",
                f"Round start days must be ascending whole numbers from 1 up to 28 (e.g. [1, 16]), got {days!r}",
            )
        )
        days = [1, 16]
    exts = evidence.get("extensions")
    if not isinstance(exts, list) or not exts or not all(isinstance(e, str) and e.strip() for e in exts):
        problems.append(
            Problem(
                "evidence.extensions",
                "policy.extensions",
                "佐证材料文件类型应为非空的扩展名列表",
                "Evidence file types must be a non-empty list of extensions",
            )
        )
        exts = ["pdf"]
    size_mb = evidence.get("max_size_mb")
    if not isinstance(size_mb, (int, float)) or isinstance(size_mb, bool) or not 0 < size_mb <= 1024:
        problems.append(
            Problem(
                "evidence.max_size_mb",
                "policy.size",
                f"佐证材料大小上限应为 0–1024 MB，实为 {size_mb!r}",
                f"The evidence size limit must be 0-1024 MB, got {size_mb!r}",
            )
        )
        size_mb = 20
    challenged = colours.get("challenged_colour", "yellow")
    if challenged not in COLOURS:
        problems.append(
            Problem(
                "colours.challenged_colour",
                "policy.colour",
                f"颜色应为 green/yellow/red，实为 {challenged!r}",
                f"A colour is green, yellow or red, got {challenged!r}",
            )
        )
        challenged = "yellow"
    policy = RectificationPolicy(
        name=str(data.get("name", "rectification")),
        version=str(data.get("version", "0")),
        hash=digest,
        period_start_days=tuple(days),
        due_roll_forward=bool(rounds.get("due_roll_forward", True)),
        extensions=frozenset(e.strip().lower().lstrip(".") for e in exts),
        max_size_bytes=int(size_mb * 1024 * 1024),
        max_files_per_report=_int(evidence, "max_files_per_report", "evidence", problems, 1, 100),
        notice_working_days=_int(colours, "notice_working_days", "colours", problems, 0, 60),
        grace_working_days=_int(colours, "grace_working_days", "colours", problems, 0, 60),
        challenged_colour=challenged,
        red_after_missed=_int(colours, "red_after_rounds_without_update", "colours", problems, 1, 24),
        yellow_after_missed=_int(colours, "yellow_after_rounds_without_update", "colours", problems, 0, 24),
        progress_against_plan=bool(colours.get("progress_against_plan", True)),
        relapse_watch_months=_int(relapse, "watch_months", "relapse", problems, 0, 60)
        if "watch_months" in relapse
        else 6,
    )
    if problems:
        raise RuleError(problems)
    return policy


def rectification_policy(county: Region | str | None = None) -> RectificationPolicy:
    """The policy in force for ``county`` (a county, a region inside it — a task's town — or a code): the county's
    own version (本县政策) or the shipped file; no county: the shipped file (no query). Each text is parsed once per
    process, keyed by its content hash, so a county's new version is read as soon as it is saved."""
    if county is None:
        return _shipped()
    source = policy_source("rectification", county)
    return _parsed(source.hash, source.text)


@lru_cache(maxsize=1)
def _shipped() -> RectificationPolicy:
    source = read_policy("rectification")
    return parse_policy(source.data, source.hash)


@lru_cache(maxsize=32)
def _parsed(digest: str, text: str) -> RectificationPolicy:
    return parse_policy(read_policy("rectification", text).data, digest)


def policies_by_region(region_ids) -> dict[int, RectificationPolicy]:
    """The policy in force for each region id (a task's town or county), in two queries whatever their number; while
    no county keeps its own version, none (every region gets the shipped policy)."""
    own = own_texts("rectification")
    if not own:
        return {}
    codes = dict(Region.objects.filter(pk__in=set(region_ids)).values_list("pk", "code"))
    return {pk: _parsed(*own[code[:6]]) for pk, code in codes.items() if code[:6] in own}


def load_policy_file(path: str | Path) -> RectificationPolicy:
    """A county's edited copy of the policy."""
    source = read_policy_file("rectification", path)
    return parse_policy(source.data, source.hash)


def register_county_policy() -> None:
    """A county may keep its own copy (本县政策, ``countypolicy``), checked by this module's parser."""
    register(PolicyKind("rectification", _("整改规则"), lambda s: parse_policy(s.data, s.hash), order=30))
