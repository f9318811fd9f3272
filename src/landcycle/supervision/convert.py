"""Rows of the supervision app as the dataclasses of ``landcycle.rules.supervision`` (the rules never see
a model). Related rows must be prefetched by the caller when many contracts are converted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from landcycle.accounts.scope import region_prefix
from landcycle.countypolicy.kinds import PolicyKind, register
from landcycle.countypolicy.selectors import COUNTY_DIGITS, own_texts, policy_source
from landcycle.registry.models import Region
from landcycle.rules.policy import read_policy
from landcycle.rules.supervision import Commitment as RuleCommitment
from landcycle.rules.supervision import Contract as RuleContract
from landcycle.rules.supervision import Development, load_policy
from landcycle.rules.supervision import Extension as RuleExtension
from landcycle.rules.supervision import GovernmentDelay as RuleDelay
from landcycle.rules.supervision.contract import CONTRACT_DATES
from landcycle.rules.supervision.policy import WarningPolicy, parse_policy


def policy(county: Region | str | None = None) -> WarningPolicy:
    """The warning policy in force for ``county`` (a county, a region inside it, or a code): the county's own
    version (本县政策) or the shipped policies/warnings.toml; no county: the shipped file (no query). Each text is
    parsed once per process, keyed by its content hash: a county's new version is read as soon as it is saved."""
    if county is None:
        return _shipped()
    source = policy_source("warnings", county)
    return _parsed(source.hash, source.text)


def policy_of(contract) -> WarningPolicy:
    """The warning policy of a contract's county (the shipped one while it has no town); while the policies are held
    (``policies_held``: a request, an import's write) from the ones read once."""
    if not contract.town_id:
        return policy()
    if _PAGE.get() is not None:
        return page_policies().of_town(contract.town_id)
    return policy(contract.town.code)


@lru_cache(maxsize=1)
def _shipped() -> WarningPolicy:
    return load_policy()


@lru_cache(maxsize=32)
def _parsed(digest: str, text: str) -> WarningPolicy:
    return parse_policy(read_policy("warnings", text).data, digest)


class TownPolicies:
    """The warning policy of each town: its county's own version (本县政策) or the shipped file. A refresh may span
    several counties (the province's): each subject is judged by its own county's rules. Read in one query; while
    no county keeps its own version, every town gets the shipped policy without another."""

    def __init__(self, fixed: WarningPolicy | None = None) -> None:
        self.shipped = fixed or policy()
        own = {} if fixed is not None else own_texts("warnings")
        self._by_county = {code: _parsed(digest, text) for code, (digest, text) in own.items()}
        self._by_town: dict[int, WarningPolicy] | None = None

    def of_town(self, town_id: int | None) -> WarningPolicy:
        if not self._by_county or town_id is None:
            return self.shipped
        if self._by_town is None:
            q = Q()
            for code in self._by_county:
                q |= Q(code__startswith=code)
            self._by_town = {
                pk: self._by_county[code[:6]]
                for pk, code in Region.objects.filter(q, level=Region.Level.TOWN).values_list("pk", "code")
            }
        return self._by_town.get(town_id, self.shipped)

    def of_code(self, code: str | None) -> WarningPolicy:
        """The policy of the county a region's code lies in (a county's, a town's); a shorter code (a city's, the
        province's) or None: the shipped one. No query."""
        if not code or len(code) < COUNTY_DIGITS:
            return self.shipped
        return self._by_county.get(code[:COUNTY_DIGITS], self.shipped)

    def of_subject(self, subject) -> WarningPolicy:
        """The policy of a subject of the refresh (anything with a ``town_id``; None: the shipped one)."""
        return self.of_town(getattr(subject, "town_id", None))


_PAGE: ContextVar[dict[str, TownPolicies] | None] = ContextVar("landcycle_page_policies", default=None)


def page_policies() -> TownPolicies:
    """The warning policies of every town, read once per request (``PagePoliciesMiddleware``): the labels, limits and
    choices of a page and its rows all come from it, so a list's queries do not grow with its rows. Outside a
    request (a job, a command, a test calling a function) a fresh one each call (its one query, two with a county's
    own version): a county's version saved meanwhile is never missed."""
    held = _PAGE.get()
    if held is None:
        return TownPolicies()
    if "p" not in held:
        held["p"] = TownPolicies()
    return held["p"]


def rules_of(subject) -> WarningPolicy:
    """The warning policy of what ``subject`` belongs to: anything with a ``town_id`` (a contract, a warning, an
    enterprise, a project; its county's own version or the shipped file), None: the shipped one."""
    return page_policies().of_subject(subject) if subject is not None else policy()


def reader_rules(user) -> WarningPolicy:
    """The warning policy of the reader's county (a county's or a town's user); a city's, the province's user or a
    superuser reads several counties: the shipped one. For what a page names without a subject (a filter's
    choices, a form for a new object)."""
    return page_policies().of_code(region_prefix(user))


class PagePoliciesMiddleware:
    """Holds ``page_policies`` for one request (settings.MIDDLEWARE)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with policies_held():
            return self.get_response(request)


@contextmanager
def policies_held() -> Iterator[None]:
    """Within: ``page_policies`` (and ``policy_of``) read each county's warning policy once — for one request, or
    one import's write of many contracts (their commitments and delays are checked against the contract's county's
    policy, a read each otherwise). Nested: the outer hold's."""
    if _PAGE.get() is not None:
        yield
        return
    token = _PAGE.set({})
    try:
        yield
    finally:
        _PAGE.reset(token)


def town_policies(given: WarningPolicy | TownPolicies | None = None) -> TownPolicies:
    """``given`` as a TownPolicies: one policy given applies to every town (tests, benchmarks); none: by county."""
    if isinstance(given, TownPolicies):
        return given
    return TownPolicies(given)


def register_county_policy() -> None:
    register(PolicyKind("warnings", _("预警规则"), lambda s: parse_policy(s.data, s.hash), order=10))


def rule_commitment(m) -> RuleCommitment:
    return RuleCommitment(
        kind=m.kind,
        committed=m.committed,
        unit=m.unit,
        measured=m.measured,
        direction=m.direction or None,
        stage=m.stage or None,
        zh=m.label_zh,
        en=m.label_en,
    )


def rule_extension(e) -> RuleExtension:
    return RuleExtension(e.milestone, e.new_date, e.approved_on, e.reason)


def rule_delay(d) -> RuleDelay:
    evidence = d.evidence + (f"（{d.evidence_ref}）" if d.evidence_ref else "")
    return RuleDelay(
        cause=d.cause,
        evidence=evidence,
        description=d.description,
        recorded_on=d.recorded_on,
        days=getattr(d, "days", None),
    )


def rule_contract(c, *, commitments=None, extensions=None, delays=None) -> RuleContract:
    """``c`` (a Contract row, or any object with its fields) as the rules' ``Contract``. The related rows
    come from the arguments when given, else from ``c``'s (prefetched) relations."""
    if commitments is None:
        commitments = c.commitments.all() if c.pk else []
    if extensions is None:
        extensions = c.extensions.all() if c.pk else []
    if delays is None:
        delays = c.government_delays.all() if c.pk else []
    return RuleContract(
        number=c.number,
        holder=c.holder_name,
        kind=c.kind,
        price_wan=c.price_wan,
        area_m2=c.area_m2,
        **{name: getattr(c, name) for name in CONTRACT_DATES},
        development=Development(c.developed_area_share, c.investment_share, c.stopped_since),
        commitments=tuple(rule_commitment(m) for m in commitments),
        extensions=tuple(rule_extension(e) for e in sorted(extensions, key=_extension_order)),
        government_delays=tuple(rule_delay(d) for d in delays),
        land_use=c.land_use or None,
        location=c.location or None,
        project=c.project or None,
        term_years=getattr(c, "term_years", None),
    )


def _extension_order(e):
    """The last approved extension of a milestone wins (Contract.agreed takes the last one)."""
    return (e.approved_on is None, e.approved_on or e.new_date, e.pk or 0)
