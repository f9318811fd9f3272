"""What the rules say today about every supervised subject, read in bulk: contracts (``evaluate_contract``)
and enterprises (tax per mu against their park's minimum; the class of the published evaluation).

Each finding comes with its subject's label, town and park, keyed by (subject type, subject id, rule).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.db.models import Q

from landcycle.accounts.scope import region_prefix, scoped
from landcycle.evaluation.models import YearlyFigure
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park
from landcycle.registry.selectors import held_q, overstaying_q
from landcycle.rules.evaluation.policy.parse import default_policy
from landcycle.rules.problems import Problem, RuleError
from landcycle.rules.supervision import Finding, class_finding, evaluate_contract, tax_per_mu_finding
from landcycle.rules.supervision.contract import CONTRACT_DATES
from landcycle.rules.supervision.enterprise import Exemption, ended_lease_finding, stale_figures_finding, tax_exemption
from landcycle.rules.units import m2_to_mu

from .convert import rule_contract, town_policies
from .models import Commitment, Contract, ContractParcel, Extension, GovernmentDelay, Warning
from .selectors import latest_published_classes

CHUNK = 2000
CONTRACT, ENTERPRISE = Warning.SubjectType.CONTRACT.value, Warning.SubjectType.ENTERPRISE.value
PARCEL = Warning.SubjectType.PARCEL.value


@dataclass
class Subject:
    label: str
    town_id: int
    park_id: int | None


@dataclass
class Findings:
    """Findings by (subject type, subject id, rule); the subjects they are about; the subjects that were
    looked at (their other warnings stopped firing); the contracts that could not be supervised."""

    found: dict[tuple[str, int, str], Finding] = field(default_factory=dict)
    subjects: dict[tuple[str, int], Subject] = field(default_factory=dict)
    checked: set[tuple[str, int]] = field(default_factory=set)
    skipped: list[tuple[Contract, list]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


# what the rules read of a contract and of its related rows (supervision.convert.rule_contract)
CONTRACT_FIELDS = (
    "id",
    "number",
    "holder_name",
    "kind",
    "price_wan",
    "area_m2",
    *CONTRACT_DATES,
    "developed_area_share",
    "investment_share",
    "stopped_since",
    "land_use",
    "location",
    "project",
    "town_id",
    "term_years",
)
RELATED = (  # (model, fields, the model's own ordering, as prefetch_related would return them)
    (Commitment, ("kind", "committed", "unit", "measured", "direction", "stage", "label_zh", "label_en"), ("pk",)),
    (Extension, ("pk", "milestone", "new_date", "approved_on", "reason"), ("approved_on", "pk")),
    (
        GovernmentDelay,
        ("cause", "description", "evidence", "evidence_ref", "recorded_on", "days"),
        ("recorded_on", "pk"),
    ),
)
ContractRow = namedtuple("ContractRow", CONTRACT_FIELDS)


def _related(model, fields: tuple[str, ...], ordering: tuple[str, ...], actor, contract_ids) -> dict[int, list]:
    """Related rows as plain tuples with the model's field names, by contract id, in the model's order."""
    row = namedtuple(model.__name__ + "Row", fields)
    qs = scoped(model.objects.all(), actor)
    if contract_ids is not None:
        qs = qs.filter(contract_id__in=list(contract_ids))
    out: dict[int, list] = defaultdict(list)
    for values in qs.order_by("contract_id", *ordering).values_list("contract_id", *fields).iterator(chunk_size=CHUNK):
        out[values[0]].append(row(*values[1:]))
    return out


def contract_findings(out: Findings, actor, as_of: dt.date, policy, contract_ids=None) -> None:
    """Every contract in scope (or those of ``contract_ids``) evaluated by the rules of its town's county
    (``policy``: a TownPolicies, or one policy for all). Read as plain rows in five queries (no model instances: a
    province has 150,000 contracts)."""
    policies = town_policies(policy)
    qs = scoped(Contract.objects.all(), actor)
    if contract_ids is not None:
        qs = qs.filter(pk__in=list(contract_ids))
    contracts = [ContractRow(*v) for v in qs.order_by("pk").values_list(*CONTRACT_FIELDS).iterator(chunk_size=CHUNK)]
    commitments, extensions, delays = (
        _related(model, fields, ordering, actor, contract_ids) for model, fields, ordering in RELATED
    )
    links = scoped(ContractParcel.objects.all(), actor)
    if contract_ids is not None:
        links = links.filter(contract_id__in=list(contract_ids))
    parks: dict[int, int] = {}
    for cid, park_id in (
        links.order_by("contract_id", "pk").values_list("contract_id", "parcel__park_id").iterator(chunk_size=CHUNK)
    ):
        parks.setdefault(cid, park_id)
    for c in contracts:
        rule = rule_contract(
            c, commitments=commitments.get(c.id, ()), extensions=extensions.get(c.id, ()), delays=delays.get(c.id, ())
        )
        try:
            assessment = evaluate_contract(rule, as_of, policies.of_town(c.town_id))
        except RuleError as exc:
            out.skipped.append((c, exc.problems))
            continue
        except (ArithmeticError, ValueError, TypeError) as exc:  # one row the rules cannot read: report it, go on
            out.skipped.append(
                (
                    c,
                    [
                        Problem(
                            "contract",
                            "contract.unreadable",
                            f"合同无法复核：{exc}",
                            f"the contract cannot be checked: {exc}",
                        )
                    ],
                )
            )
            continue
        key = (CONTRACT, c.id)
        out.checked.add(key)
        out.subjects[key] = Subject(f"{c.number} · {c.holder_name}"[:250], c.town_id, parks.get(c.id))
        out.counts["contracts"] += 1
        for f in assessment.findings:
            out.found[(CONTRACT, c.id, f.rule)] = f


def _land_on(day: dt.date, ids: set[int], actor) -> tuple[dict[int, int], dict[int, Decimal], dict[int, dt.date]]:
    """For the enterprises ``ids`` on ``day``: the park where each holds the most land, the land it uses
    (owned + leased − let to others, DOMAIN §2; as ``registry.selectors.land_used_many``, a lease the firm
    overstays included) and the earliest start of its own land held (the construction-period exemption of
    the evaluation), from one read of the occupancies held that day."""
    rows = Occupancy.objects.filter(held_q(day)).order_by()
    prefix = region_prefix(actor)
    if prefix:  # only what concerns enterprises in scope (as holders or as lessors)
        rows = rows.filter(Q(enterprise__town__code__startswith=prefix) | Q(lessor__town__code__startswith=prefix))
    held: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    let: dict[int, Decimal] = defaultdict(Decimal)
    granted: dict[int, dt.date] = {}
    for ent, lessor, park, area, kind, start in rows.values_list(
        "enterprise_id", "lessor_id", "parcel__park_id", "area_m2", "kind", "start"
    ).iterator(chunk_size=CHUNK):
        if ent in ids:
            held[ent][park] += area
            if kind == Occupancy.Kind.OWNED and (ent not in granted or start < granted[ent]):
                granted[ent] = start
        if lessor in ids:
            let[lessor] += area
    parks = {ent: max(by_park.items(), key=lambda kv: (kv[1], -kv[0]))[0] for ent, by_park in held.items()}
    used = {ent: sum(held[ent].values(), Decimal(0)) - let.get(ent, Decimal(0)) for ent in ids}
    return parks, used, granted


@lru_cache(maxsize=1)
def tax_exemptions() -> tuple[Exemption, ...]:
    """The evaluation's exemptions that spare a firm the tax-per-mu warning: a new firm, a firm in its
    construction period (policies/evaluation.toml, ``[[exemptions]]`` of those kinds)."""
    return tuple(
        Exemption(r.key, r.kind, r.years, r.zh, r.en)
        for r in default_policy().exemptions
        if r.kind in ("registered_within_years", "granted_within_years") and r.years
    )


def enterprise_findings(out: Findings, actor, as_of: dt.date, policy) -> None:
    """Tax per mu of the latest year with figures (tax / land used at that year's end) against the
    minimum of the park where the enterprise holds most land — unless the evaluation exempts the firm (new,
    in its construction period) or the figures are older than the policy allows ("no current data", grey);
    the class of the published evaluation; and leases that ended while the firm is still there. Each firm by the
    rules of its town's county (``policy``: a TownPolicies, or one policy for all)."""
    policies = town_policies(policy)
    ents = {
        pk: (name, town_id, registered)
        for pk, name, town_id, registered in scoped(Enterprise.objects.all(), actor)
        .order_by()
        .values_list("pk", "name", "town_id", "registered_on")
    }
    minimums = dict(Park.objects.filter(min_tax_per_mu__isnull=False).values_list("pk", "min_tax_per_mu"))
    latest: dict[int, tuple[int, Decimal]] = {}
    for ent, year, tax in (
        YearlyFigure.objects.filter(
            year__gte=dt.MINYEAR,
            year__lte=as_of.year,  # year 0: no date
            tax__isnull=False,
        )
        .order_by("year")
        .values_list("enterprise_id", "year", "tax")
    ):
        if ent in ents:
            latest[ent] = (year, tax)
    by_year: dict[int, list[int]] = defaultdict(list)
    for ent, (year, _tax) in latest.items():
        by_year[year].append(ent)
    classes = latest_published_classes(as_of)
    for ent, (name, town_id, _reg) in ents.items():  # every enterprise is looked at: its old warnings may stop firing
        out.subjects[(ENTERPRISE, ent)] = Subject(name[:250], town_id, None)
        out.checked.add((ENTERPRISE, ent))
    exemptions = tax_exemptions()
    for year, ids in sorted(by_year.items()):
        parks, used, granted = _land_on(min(dt.date(year, 12, 31), as_of), set(ids), actor)
        stale_by: dict[int, Finding | None] = {}  # by policy (id): the same for the firms of one county
        for ent in ids:
            rules = policies.of_town(ents[ent][1])
            if id(rules) not in stale_by:
                stale_by[id(rules)] = stale_figures_finding(year, as_of, rules)
            stale = stale_by[id(rules)]
            park = parks.get(ent)
            out.subjects[(ENTERPRISE, ent)].park_id = park
            minimum = minimums.get(park)
            if minimum is None or used.get(ent, 0) <= 0:
                continue
            if tax_exemption(year, exemptions, ents[ent][2], granted.get(ent)) is not None:
                continue  # not evaluated, not warned: the evaluation's own exemption
            if stale is not None:
                out.found[(ENTERPRISE, ent, stale.rule)] = stale
                continue
            per_mu = (latest[ent][1] / m2_to_mu(used[ent])).quantize(Decimal("0.01"), ROUND_HALF_UP)
            f = tax_per_mu_finding(per_mu, minimum, rules, year)
            if f is not None:
                out.found[(ENTERPRISE, ent, f.rule)] = f
    for ent, (class_year, cls) in classes.items():
        if ent not in ents:
            continue
        f = class_finding(cls, policies.of_town(ents[ent][1]), class_year)
        if f is not None:
            out.found[(ENTERPRISE, ent, f.rule)] = f
    out.counts["enterprises"] = len(ents)
    _ended_leases(out, actor, as_of, ents)


def _ended_leases(out: Findings, actor, as_of: dt.date, ents) -> None:
    """租约到期未腾退 on the enterprise and on the parcel (one query): ``registry.selectors.overstaying_q``.
    Every parcel in scope is looked at, so a parcel whose firm has left turns green."""
    parcels = scoped(Parcel.objects.all(), actor)
    for pk, number, park_id, town_id in (
        parcels.order_by().values_list("pk", "number", "park_id", "park__town_id").iterator(chunk_size=CHUNK)
    ):
        out.checked.add((PARCEL, pk))
        out.subjects[(PARCEL, pk)] = Subject(number[:250], town_id, park_id)
    rows = (
        scoped(Occupancy.objects.filter(overstaying_q(as_of)), actor)
        .order_by("end", "pk")
        .values_list(
            "enterprise_id",
            "enterprise__name",
            "parcel_id",
            "parcel__number",
            "parcel__park_id",
            "parcel__status",
            "end",
        )
    )
    for ent, firm, pid, number, park_id, status, end in rows:
        f = ended_lease_finding(number, end, as_of, firm, status == Parcel.Status.VACATING)
        if ent in ents and (ENTERPRISE, ent, f.rule) not in out.found:
            out.found[(ENTERPRISE, ent, f.rule)] = f
            if out.subjects[(ENTERPRISE, ent)].park_id is None:
                out.subjects[(ENTERPRISE, ent)].park_id = park_id
        if (PARCEL, pid) in out.subjects and (PARCEL, pid, f.rule) not in out.found:
            out.found[(PARCEL, pid, f.rule)] = f
