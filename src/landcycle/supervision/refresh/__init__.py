"""``warnings_refresh``: recompute every warning on a supervision date, idempotently.

For each subject the refresh looks at (contracts in the actor's scope; enterprises in it), every rule
that fires has one warning row (subject, rule). Decisions, documented in docs/policies.md:

- a new finding raises a warning (status open) with a history event and an audit row ``warning.raise``;
- a change of colour writes a history event and an audit row ``warning.colour``; a colour that gets
  worse reopens a warning in any handling state (event ``reopen``: the town verifies it again);
- a warning closed by accepting its handling (办结) whose cause is still there (yellow or red) at a refresh on or
  after the day it was closed reopens (event ``reopen``, audit row ``warning.reopen``); one closed as not a problem
  (dispute accepted) or as a recorded exception stays closed unless its colour gets worse;
- a warning raised or reopened is to be verified within ``[handling] verify_working_days`` working days
  (``verify_due``);
- a warning whose rule no longer fires turns green (same event and audit row); it is kept with its
  history until someone closes it (销号) — green means "the rule is satisfied now";
- the reason and figures follow the rules on every refresh (days overdue grow) without an event: they
  are derived data, and only the colour is history;
- a contract the rules refuse (e.g. signed after the supervision date) is skipped: its warnings are
  left as they were, and the refresh reports it;
- running twice on the same date changes nothing: no row, no event, no audit entry.

Bulk reads and writes (``subjects.py`` reads plain rows in a fixed number of queries, ``refresh/rows.py``
writes with COPY on PostgreSQL): a county (~1,000 contracts, ~5,000 enterprises) takes a second or two, a
province (150,000 contracts, 100,000 enterprises) ~21 s the first time, ~15 s again (docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from landcycle.accounts.scope import Area, region_prefix, require_write, scoped
from landcycle.audit.services import audit_record_many
from landcycle.registry.checks import raise_if
from landcycle.registry.models import Region
from landcycle.rules.dates import date_problems
from landcycle.rules.supervision import Finding
from landcycle.rules.supervision.serialise import plain

from ..convert import TownPolicies
from ..deadlines import verify_due
from ..maintained import mark_refresh, sync
from ..models import Contract, Warning, WarningEvent, WarningSubject
from ..models.warnings import RANK
from ..subjects import CONTRACT, Findings, contract_findings, enterprise_findings
from .rows import insert_rows, update_rows

REFRESH = "refresh"
TRACKED = (
    "colour",
    "rank",
    "reason_zh",
    "reason_en",
    "figures",
    "days_overdue",
    "fee_wan",
    "take_back",
    "exempt",
    "subject_label",
    "town_id",
    "park_id",
    "checked_on",
    "policy_version",
    "status",
    "last_changed",
    "opened_on",
    "verify_due",
    "verified_on",
)


@dataclass
class RefreshResult:
    as_of: dt.date
    contracts: int = 0
    enterprises: int = 0
    raised: int = 0
    changed: int = 0
    turned_green: int = 0
    reopened: int = 0  # by a worse colour, or a handled warning whose cause is still there
    updated: int = 0
    unchanged: int = 0
    events: int = 0
    audit_entries: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (contract number, message in both languages)
    skipped_problems: list[tuple[str, list]] = field(default_factory=list)  # (contract number, its Problems)
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.as_of} 复核合同{self.contracts}份、企业{self.enterprises}家：新增预警{self.raised}条，颜色变化"
            f"{self.changed}条（其中转绿{self.turned_green}条），未变{self.unchanged}条；跳过{len(self.skipped)}份合同；"
            f"用时{self.seconds:.1f}秒 / refreshed {self.contracts} contracts and {self.enterprises} enterprises as of "
            f"{self.as_of}: {self.raised} raised, {self.changed} changed colour ({self.turned_green} to green), "
            f"{self.unchanged} unchanged, {len(self.skipped)} contracts skipped, {self.seconds:.1f} s"
        )


def _values(f: Finding, subject, as_of: dt.date, version: str) -> dict:
    return {
        "colour": f.colour,
        "rank": RANK[f.colour],
        "reason_zh": f.zh,
        "reason_en": f.en,
        "figures": plain(f.figures),
        "days_overdue": f.days_overdue,
        "fee_wan": f.fee_wan,
        "take_back": f.take_back,
        "exempt": f.exempt,
        "subject_label": subject.label,
        "town_id": subject.town_id,
        "park_id": subject.park_id,
        "checked_on": as_of,
        "policy_version": version,
    }


def _green(w: Warning, subject, as_of: dt.date, version: str) -> dict:
    """A warning whose rule stopped firing: green, its last reason kept as what it was."""
    out = {"checked_on": as_of, "policy_version": version}
    if subject is not None:
        out.update(subject_label=subject.label, town_id=subject.town_id, park_id=subject.park_id)
    if w.colour != "green":
        out.update(
            colour="green",
            rank=0,
            days_overdue=None,
            fee_wan=None,
            take_back=False,
            exempt=False,
            reason_zh=f"{as_of}复核：规则不再触发（此前：{w.reason_zh}）",
            reason_en=f"checked on {as_of}: the rule no longer fires (before: {w.reason_en})",
        )
    return out


def _snap(w: Warning) -> dict:
    return {
        "rule": w.rule,
        "colour": w.colour,
        "status": w.status,
        "reason_zh": w.reason_zh,
        "subject": f"{w.subject_type}:{w.subject_id}",
    }


class _Dues:
    """When a warning opened (or reopened) on ``as_of`` is to be verified, by its county's working days and
    calendar (本县政策): computed once per policy."""

    def __init__(self, policies: TownPolicies, as_of: dt.date) -> None:
        self.policies, self.as_of, self.dues = policies, as_of, {}

    def of(self, subject) -> dt.date:
        rules = self.policies.of_subject(subject)
        if id(rules) not in self.dues:
            self.dues[id(rules)] = verify_due(self.as_of, rules=rules)
        return self.dues[id(rules)]


@transaction.atomic
def warnings_refresh(*, actor, as_of: dt.date, contract_ids=None, enterprises: bool = True) -> RefreshResult:
    """Recompute the warnings of everything supervised in the actor's scope on ``as_of``. With
    ``contract_ids``, only those contracts' warnings (after a contract was edited)."""
    started = time.perf_counter()
    # a whole refresh is the county administrator's; the warnings of contracts just written, whoever keeps them
    require_write(actor, Area.SUPERVISION if contract_ids is None else Area.CONTRACTS)
    raise_if(date_problems("as_of", as_of, "监管基准日", "supervision date"))  # a slip (9999-12-31) recomputes nothing
    policies = TownPolicies()  # each subject by its own county's rules (本县政策), the shipped file by default
    found = Findings()
    contract_findings(found, actor, as_of, policies, contract_ids)
    if enterprises and contract_ids is None:
        enterprise_findings(found, actor, as_of, policies)
    result = RefreshResult(as_of, found.counts["contracts"], found.counts["enterprises"])
    result.skipped = [(c.number, "; ".join(p.message for p in problems)) for c, problems in found.skipped]
    result.skipped_problems = [(c.number, list(problems)) for c, problems in found.skipped]

    existing, subjects, contracts = _in_refresh(actor, contract_ids, enterprises)
    now = timezone.now()
    name = REFRESH
    events, changed, updated, audit_changed = [], [], [], []
    reopened: set[int] = set()
    opened_due = _Dues(policies, as_of)
    audit_reopened: list = []
    for w in existing.order_by("pk").iterator(chunk_size=2000):
        key = (w.subject_type, w.subject_id)
        if key not in found.checked:
            continue  # not looked at (a skipped contract, a subject out of this refresh)
        f = found.found.pop((w.subject_type, w.subject_id, w.rule), None)
        subject = found.subjects.get(key)
        version = policies.of_subject(subject).version
        new = _values(f, subject, as_of, version) if f else _green(w, subject, as_of, version)
        new["_due"] = opened_due.of(subject)
        before = _snap(w)
        colour_changed = new.get("colour", w.colour) != w.colour
        if colour_changed:
            worse = RANK[new["colour"]] > w.rank
            new["last_changed"] = as_of
            events.append(
                WarningEvent(
                    warning=w,
                    kind=WarningEvent.Kind.COLOUR,
                    at=now,
                    as_of=as_of,
                    from_colour=w.colour,
                    to_colour=new["colour"],
                    reason_zh=new["reason_zh"],
                    reason_en=new["reason_en"],
                    actor=_user(actor),
                    actor_name=name,
                )
            )
            if worse and w.status != Warning.Status.OPEN:
                events.append(
                    _reopen(w, new, as_of, now, actor, ("颜色加重，预警重新打开", "the colour got worse: reopened"))
                )
                reopened.add(w.pk)
            result.changed += 1
            result.turned_green += new["colour"] == "green"
        elif _cause_remains(w, new, as_of):
            events.append(
                _reopen(
                    w,
                    new,
                    as_of,
                    now,
                    actor,
                    ("复核时问题仍然存在，已办结的预警重新打开", "the cause is still there at the refresh: reopened"),
                )
            )
            reopened.add(w.pk)
        new.pop("_due")
        if any(getattr(w, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(w, k, v)
            (changed if colour_changed else updated).append(w)
            if colour_changed:
                audit_changed.append((w, before, _snap(w)))
            elif w.pk in reopened:
                audit_reopened.append((w, before, _snap(w)))
        else:
            result.unchanged += 1
    created = []
    for (stype, sid, rule), f in sorted(found.found.items()):
        subject = found.subjects[(stype, sid)]
        created.append(
            Warning(
                subject_type=stype,
                subject_id=sid,
                rule=rule,
                first_raised=as_of,
                last_changed=as_of,
                status=Warning.Status.OPEN,
                opened_on=as_of,
                verify_due=opened_due.of(subject),
                **_values(f, subject, as_of, policies.of_subject(subject).version),
            )
        )
    insert_rows(Warning, created)
    for w in created:
        events.append(
            WarningEvent(
                warning=w,
                kind=WarningEvent.Kind.COLOUR,
                at=now,
                as_of=as_of,
                from_colour="",
                to_colour=w.colour,
                reason_zh=w.reason_zh,
                reason_en=w.reason_en,
                actor=_user(actor),
                actor_name=name,
            )
        )
    update_rows(Warning, changed + updated, TRACKED)
    insert_rows(WarningEvent, events)
    towns = dict(Region.objects.filter(level=Region.Level.TOWN).values_list("pk", "code"))
    code_of = lambda w: towns.get(w.town_id, "")  # noqa: E731
    result.audit_entries = audit_record_many(
        actor=actor, action="warning.raise", items=[(w, None, _snap(w)) for w in created], region_code_of=code_of
    )
    result.audit_entries += audit_record_many(
        actor=actor, action="warning.colour", items=audit_changed, region_code_of=code_of
    )
    result.audit_entries += audit_record_many(
        actor=actor, action="warning.reopen", items=audit_reopened, region_code_of=code_of
    )
    # the contract list's and the board's maintained values, and the date the pages show (supervision.maintained)
    sync(existing, subjects, contracts, keys=found.checked)
    prefix = region_prefix(actor)
    if prefix is not None:  # "" for everything (a superuser, the command line's system user)
        mark_refresh(prefix, as_of)
    result.raised, result.updated, result.events = len(created), len(updated), len(events)
    result.reopened = len(reopened)
    result.seconds = time.perf_counter() - started
    return result


def _in_refresh(actor, contract_ids, enterprises: bool) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The warnings a refresh reads, and the maintained board rows and contracts it keeps in step with them."""
    existing = scoped(Warning.objects.all(), actor)
    subjects = scoped(WarningSubject.objects.all(), actor)
    contracts = scoped(Contract.objects.all(), actor)
    if contract_ids is not None:
        existing = existing.filter(subject_type=CONTRACT, subject_id__in=list(contract_ids))
        subjects = subjects.filter(subject_type=CONTRACT, subject_id__in=list(contract_ids))
        contracts = contracts.filter(pk__in=list(contract_ids))
    elif not enterprises:
        existing = existing.filter(subject_type=CONTRACT)
        subjects = subjects.filter(subject_type=CONTRACT)
    return existing, subjects, contracts


def _cause_remains(w: Warning, new: dict, as_of: dt.date) -> bool:
    """A warning closed by accepting its handling whose rule still fires (yellow or red) on a refresh not
    before the day it was closed."""
    if w.status != Warning.Status.CLOSED or w.closure != Warning.Closure.ACCEPTED:
        return False
    closed_on = timezone.localdate(w.closed_at) if w.closed_at else None
    return RANK[new.get("colour", w.colour)] > 0 and (closed_on is None or as_of >= closed_on)


def _reopen(w: Warning, new: dict, as_of: dt.date, now, actor, text: tuple[str, str]) -> WarningEvent:
    """Back to the town: open, to be verified again within the policy's working days."""
    new.update(status=Warning.Status.OPEN, opened_on=as_of, verify_due=new["_due"], verified_on=None)
    colour = new.get("colour", w.colour)
    return WarningEvent(
        warning=w,
        kind=WarningEvent.Kind.REOPEN,
        at=now,
        as_of=as_of,
        from_colour=w.colour,
        to_colour=colour,
        reason_zh=text[0],
        reason_en=text[1],
        actor=_user(actor),
        actor_name=REFRESH,
    )


def _user(actor):
    return actor if getattr(actor, "pk", None) else None
