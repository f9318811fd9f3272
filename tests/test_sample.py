"""The sample county (landcycle.sample): deterministic, valid as the registry would check it, true to
the seed story, and written to the database with an intact audit chain.

The pure plan is generated once per module; the database build runs once per module inside a
transaction that is rolled back afterwards, so other test modules see empty tables.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.test import override_settings
from django.utils import translation
from shapely import STRtree

from landcycle.accounts.models import Role, User
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.evaluation.models import YearlyFigure
from landcycle.registry.checks import parcel_problems, registry_policy
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.codes import industry_class, industry_problems, is_valid_uscc
from landcycle.rules.geometry import geodesic_area_m2, parse_polygon
from landcycle.rules.units import m2_to_mu
from landcycle.sample import DEFAULT_SEED, DEMO_USERS, FIGURE_YEARS, REFERENCE_DATE, build_sample, generate_plan
from landcycle.sample.story import DUNHE_MAX_TAX_PER_MU, PENGQIAO_ENTERPRISES, QIAOTOU_TOTAL_MU

QIAOTOU_PARKS = ("桥头镇东工业区", "桥头镇西工业区")
MU = Decimal(2000) / 3


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def plan():
    return generate_plan(DEFAULT_SEED)


@pytest.fixture(scope="module")
def other_plan():
    return generate_plan(DEFAULT_SEED + 1)


@pytest.fixture(scope="module")
def sample_db(django_db_setup, django_db_blocker):
    """The sample built once into the test database, rolled back when the module is done. Passwords
    use a fast hasher here; the demo command uses the real one."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        with transaction.atomic():
            summary = build_sample(seed=DEFAULT_SEED)
            yield summary
            transaction.set_rollback(True)


def park_codes(plan, *names):
    return {p.code for p in plan.parks if p.name in names}


def land_used_mu(plan, day: dt.date) -> dict[str, Decimal]:
    """owned + leased − let, in mu, by USCC (DOMAIN §2)."""
    out = collections.defaultdict(Decimal)
    for o in plan.occupancies:
        if o.active_on(day):
            out[o.enterprise] += o.area_m2
            if o.lessor:
                out[o.lessor] -= o.area_m2
    return {code: m2 / MU for code, m2 in out.items()}


# ------------------------------------------------------------------ the plan (no database)
def test_same_seed_same_sample_other_seed_other_sample(plan, other_plan):
    assert generate_plan(DEFAULT_SEED).digest() == plan.digest()
    assert other_plan.digest() != plan.digest()


def test_sample_does_not_depend_on_hash_randomisation(plan):
    code = "from landcycle.sample import generate_plan; print(generate_plan().digest())"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == plan.digest()


def test_counts_are_those_of_one_county(plan):
    counts = plan.counts()
    assert counts["towns"] == 24
    assert counts["parks"] == 200
    assert counts["parcels"] == 8000
    assert 4500 <= counts["enterprises"] <= 5500
    assert counts["occupancies"] >= counts["enterprises"]
    operating = sum(e.status == "operating" for e in plan.enterprises)
    assert 2.5 * operating <= counts["figures"] <= 3 * len(plan.enterprises)
    kinds = collections.Counter(p.kind for p in plan.parks)
    assert kinds["industrial"] > kinds["micro"] > 10 and kinds["old_block"] > 10


def test_values_are_model_choices(plan):
    assert {p.kind for p in plan.parks} <= set(Park.Kind.values)
    assert {p.tenure for p in plan.parcels} == set(Parcel.Tenure.values)
    assert {p.status for p in plan.parcels} == set(Parcel.Status.values)
    assert {p.land_use for p in plan.parcels} <= set(Parcel.LandUse.values)
    assert {e.scale for e in plan.enterprises} == set(Enterprise.Scale.values)
    assert {e.status for e in plan.enterprises} == set(Enterprise.Status.values)
    assert {o.kind for o in plan.occupancies} == set(Occupancy.Kind.values)


def test_codes_are_valid_and_unique(plan):
    usccs = [e.uscc for e in plan.enterprises]
    assert len(set(usccs)) == len(usccs)
    assert all(is_valid_uscc(c) and c.startswith("91330282") for c in usccs)
    assert all(
        not industry_problems(e.industry_code) and industry_class(e.industry_code).section == "C"
        for e in plan.enterprises
    )
    assert len({e.name for e in plan.enterprises}) == len(plan.enterprises)
    assert all(re.fullmatch(r"P\d{9}-\d{2}", p.code) and p.code[1:10] == p.town_code for p in plan.parks)
    assert len({p.name for p in plan.parks}) == len(plan.parks)
    numbers = [p.number for p in plan.parcels]
    assert len(set(numbers)) == len(numbers)
    assert all(
        re.fullmatch(r"\d{9}-\d{4}", n) and n[:9] == p.town_code for n, p in zip(numbers, plan.parcels, strict=False)
    )


def test_industries_lean_to_cixi_trades(plan):
    divisions = collections.Counter(e.industry_code[:2] for e in plan.enterprises)
    appliances = sum(e.industry_code.startswith("385") for e in plan.enterprises)
    assert appliances / len(plan.enterprises) > 0.15
    assert divisions["34"] + divisions["29"] + divisions["38"] > len(plan.enterprises) / 2
    assert any(e.industry_code == "3451" for e in plan.enterprises)
    assert any(e.industry_code == "3670" for e in plan.enterprises)


def test_parcels_pass_the_registry_shape_and_area_checks(plan):
    tolerance = registry_policy()["parcel"]["area_tolerance_pct"]
    for parcel in plan.parcels:
        _shape, problems = parcel_problems(area_m2=parcel.area_m2, geometry=parcel.geometry)
        assert not problems, (parcel.number, problems)
        measured = geodesic_area_m2(parse_polygon(parcel.geometry)[0])
        assert abs(measured - float(parcel.area_m2)) / float(parcel.area_m2) * 100 < min(1, tolerance)


def test_no_two_parcels_or_parks_overlap_and_parcels_lie_in_their_park(plan):
    parcels = [parse_polygon(p.geometry)[0] for p in plan.parcels]
    left, right = STRtree(parcels).query(parcels, predicate="intersects")
    assert [(plan.parcels[i].number, plan.parcels[j].number) for i, j in zip(left, right, strict=False) if i != j] == []
    parks = [parse_polygon(p.boundary)[0] for p in plan.parks]
    left, right = STRtree(parks).query(parks, predicate="intersects")
    assert [(i, j) for i, j in zip(left, right, strict=False) if i != j] == []
    boundary = dict(zip((p.code for p in plan.parks), parks, strict=False))
    assert all(boundary[p.park_code].contains(shape) for p, shape in zip(plan.parcels, parcels, strict=False))


def test_land_lies_in_cixi_and_has_realistic_sizes(plan):
    points = [pt for p in plan.parcels for pt in p.geometry["coordinates"][0]]
    assert 121.0 < min(x for x, _ in points) and max(x for x, _ in points) < 121.55
    assert 30.05 < min(y for _, y in points) and max(y for _, y in points) < 30.35
    mu = [p.area_m2 / MU for p in plan.parcels]
    assert sum(3 <= m <= 60 for m in mu) / len(mu) > 0.8
    assert sum(m < 3 for m in mu) > 100
    assert 20 <= sum(m >= 100 for m in mu) <= 400
    tenure = collections.Counter(p.tenure for p in plan.parcels)
    assert tenure["granted"] > tenure["leased"] > tenure["allocated"] > 0
    status = collections.Counter(p.status for p in plan.parcels)
    assert status["in_use"] > 0.75 * len(plan.parcels)


def test_occupancies_are_consistent(plan):
    parcels = {p.number: p for p in plan.parcels}
    firms = {e.uscc: e for e in plan.enterprises}
    first_town = {}
    held = collections.defaultdict(Decimal)
    owned = {(o.enterprise, o.parcel) for o in plan.occupancies if o.kind == "owned"}
    for o in plan.occupancies:
        assert Decimal(0) < o.area_m2 <= parcels[o.parcel].area_m2
        assert o.end is None or o.end >= o.start
        assert o.start >= firms[o.enterprise].registered_on
        first_town.setdefault(o.enterprise, parcels[o.parcel].town_code)
        if o.lessor:
            assert o.kind == "leased" and o.lessor != o.enterprise
            assert (o.lessor, o.parcel) in owned
        elif o.active_on(REFERENCE_DATE):
            held[o.parcel] += o.area_m2
    assert all(area <= parcels[number].area_m2 for number, area in held.items())
    assert all(first_town[e.uscc] == e.town_code for e in plan.enterprises)


def test_leases_landlords_and_tenants_are_all_there(plan):
    ended = [o for o in plan.occupancies if o.kind == "leased" and o.end and o.end < REFERENCE_DATE]
    assert len(ended) > 100
    landlords = {o.lessor for o in plan.occupancies if o.lessor}
    assert len(landlords) > 50
    owners = {o.enterprise for o in plan.occupancies if o.kind == "owned"}
    tenants = {o.enterprise for o in plan.occupancies} - owners
    assert len(tenants) > 300
    shared = collections.Counter(o.parcel for o in plan.occupancies if o.active_on(REFERENCE_DATE))
    assert sum(n > 1 for n in shared.values()) > 300


def test_scale_and_yearly_figures_are_plausible(plan):
    scale = {e.uscc: e.scale for e in plan.enterprises}
    assert 0.2 <= sum(s == "above" for s in scale.values()) / len(scale) <= 0.3
    for f in plan.figures:
        assert f.year in FIGURE_YEARS
        assert (f.revenue >= 2000) == (scale[f.enterprise] == "above"), f
        assert Decimal("0.02") <= f.tax / f.revenue <= Decimal("0.085"), f  # 3–8 %, less where capped
        assert Decimal("0.19") <= f.value_added / f.revenue <= Decimal("0.31"), f
        assert f.staff >= 3 and f.electricity_10k_kwh > 0
    assert any(f.emissions_t is None for f in plan.figures)
    assert any(f.rnd is None for f in plan.figures)
    running = {e.uscc for e in plan.enterprises if e.status == "operating" and e.registered_on.year < 2025}
    with_land = {code for code, mu in land_used_mu(plan, dt.date(2025, 12, 31)).items() if mu > 0}
    reported = {f.enterprise for f in plan.figures if f.year == 2025}
    assert running & with_land <= reported


def test_tax_per_mu_is_mostly_between_5_and_60(plan):
    land = land_used_mu(plan, dt.date(2025, 12, 31))
    per_mu = [f.tax / land[f.enterprise] for f in plan.figures if f.year == 2025]
    assert sum(5 <= t <= 60 for t in per_mu) / len(per_mu) > 0.75


def check_story(plan):
    towns = {t.code: t.name for t in plan.towns}
    parks = {p.name: p for p in plan.parks}
    dunhe, pengqiao = parks["敦和园区"], parks["彭桥工业园区"]
    assert towns[dunhe.town_code] == "新浦镇" and dunhe.kind == "old_block"
    assert towns[pengqiao.town_code] == "横河镇"
    assert {towns[parks[n].town_code] for n in QIAOTOU_PARKS} == {"桥头镇"}
    # 敦和园区: every firm's tax per mu under 1万元 in every year
    dunhe_parcels = {p.number for p in plan.parcels if p.park_code == dunhe.code}
    dunhe_firms = {o.enterprise for o in plan.occupancies if o.parcel in dunhe_parcels}
    checked = 0
    for year in FIGURE_YEARS:
        land = land_used_mu(plan, dt.date(year, 12, 31))
        for f in plan.figures:
            if f.enterprise in dunhe_firms and f.year == year:
                assert f.tax / land[f.enterprise] < DUNHE_MAX_TAX_PER_MU
                checked += 1
    assert checked >= 20
    # 彭桥工业园区: 53 enterprises
    peng_parcels = {p.number for p in plan.parcels if p.park_code == pengqiao.code}
    assert len({o.enterprise for o in plan.occupancies if o.parcel in peng_parcels}) == PENGQIAO_ENTERPRISES
    # 桥头镇东、西工业区: 1171 mu together
    codes = park_codes(plan, *QIAOTOU_PARKS)
    total = sum(p.area_m2 for p in plan.parcels if p.park_code in codes)
    assert m2_to_mu(total).quantize(Decimal("0.01")) == Decimal(QIAOTOU_TOTAL_MU)


def test_the_seed_story_is_in_the_sample(plan):
    check_story(plan)


def test_the_seed_story_holds_for_any_seed(other_plan):
    check_story(other_plan)


# ------------------------------------------------------------------ the database
@pytest.mark.django_db
def test_build_writes_the_plan(sample_db, plan):
    assert sample_db == {
        **plan.counts(),
        "users": len(DEMO_USERS),
        "audit_entries": sample_db["audit_entries"],
        "warnings": sample_db["warnings"],
        "warnings_answered": 21,  # 7 in each of the three demo towns, one state after another (sample.warning_answers)
        "evaluation_runs": 3,
        **{k: v for k, v in sample_db.items() if k.startswith("applications_")},
    }
    # about 40 applications in every state (sample.admission), admitted ones signed into contracts
    states = {k: v for k, v in sample_db.items() if k.startswith("applications_")}
    assert 35 <= sum(states.values()) <= 45 and all(states.values()), states
    assert Region.objects.filter(code__startswith="330282", level="town").count() == 24
    from landcycle.evaluation.models import EvaluationRun

    assert list(EvaluationRun.objects.order_by("year").values_list("year", "status")) == [
        (2023, "draft"),
        (2024, "draft"),
        (2025, "published"),
    ]
    assert Park.objects.count() == 200 and Parcel.objects.count() == 8000
    assert Enterprise.objects.count() == len(plan.enterprises)
    assert Occupancy.objects.count() == len(plan.occupancies)
    assert YearlyFigure.objects.count() == len(plan.figures)
    stored = sorted(Parcel.objects.values_list("number", "area_m2", "status", "tenure", "park__code"))
    assert stored == sorted((p.number, p.area_m2, p.status, p.tenure, p.park_code) for p in plan.parcels)
    stored = sorted(Enterprise.objects.values_list("uscc", "name", "industry_code", "scale", "town__code"))
    assert stored == sorted((e.uscc, e.name, e.industry_code, e.scale, e.town_code) for e in plan.enterprises)
    stored = sorted(YearlyFigure.objects.values_list("enterprise__uscc", "year", "revenue", "tax", "emissions_t"))
    assert stored == sorted((f.enterprise, f.year, f.revenue, f.tax, f.emissions_t) for f in plan.figures)
    lessors = Occupancy.objects.filter(lessor__isnull=False)
    assert lessors.count() == sum(1 for o in plan.occupancies if o.lessor)


@pytest.mark.django_db
def test_every_write_is_audited_and_the_chain_holds(sample_db, plan):
    result = audit_verify()
    assert result.ok, result.reason
    actions = dict(AuditEntry.objects.values("action").annotate(n=Count("id")).values_list("action", "n"))
    assert actions["sample.park.create"] == 200
    assert actions["sample.parcel.create"] == 8000
    assert actions["sample.enterprise.create"] == len(plan.enterprises)
    assert actions["sample.occupancy.create"] == len(plan.occupancies)
    assert actions["sample.yearlyfigure.create"] == len(plan.figures)
    assert actions["user.create"] == len(DEMO_USERS)
    assert actions["region.load"] >= 27
    entry = AuditEntry.objects.get(action="sample.parcel.create", object_repr="330282112-0001")
    assert entry.region_code == "330282112" and entry.actor_name == "system"


@pytest.mark.django_db
def test_the_seed_story_is_in_the_database(sample_db):
    dunhe = Park.objects.get(name="敦和园区")
    assert dunhe.town.name == "新浦镇" and dunhe.kind == Park.Kind.OLD_BLOCK and dunhe.boundary
    assert Occupancy.objects.filter(parcel__park__name="彭桥工业园区").values("enterprise").distinct().count() == 53
    total = Parcel.objects.filter(park__name__in=QIAOTOU_PARKS).aggregate(s=Sum("area_m2"))["s"]
    assert m2_to_mu(total).quantize(Decimal("0.01")) == Decimal("1171.00")
    end_2025 = dt.date(2025, 12, 31)
    for firm in Enterprise.objects.filter(occupancies__parcel__park=dunhe).distinct():
        held = firm.occupancies.filter(start__lte=end_2025).exclude(end__lt=end_2025).aggregate(s=Sum("area_m2"))
        figure = firm.figures.filter(year=2025).first()
        if figure is not None:
            assert figure.tax / m2_to_mu(held["s"]) < 1


@pytest.mark.django_db
def test_demo_users_can_sign_in(sample_db, client):
    roles = {u["role"] for u in DEMO_USERS}
    assert roles == set(Role.values)
    for spec in DEMO_USERS:
        assert spec["password"] == spec["username"] + "-demo"
        user = User.objects.get(username=spec["username"])
        assert (user.role, user.region.code, user.region.name) == (
            spec["role"],
            spec["region_code"],
            spec["region_name"],
        )
        with translation.override("zh-hans"):
            assert str(Role(spec["role"]).label) == spec["role_label"]
        signed_in = client.post("/accounts/login/", {"username": spec["username"], "password": spec["password"]})
        assert signed_in.status_code == 302 and signed_in.url == "/", spec["username"]  # the login page, as people do
        client.logout()
    towns = {u["region_code"] for u in DEMO_USERS if u["role"] == "town_officer"}
    assert {"330282112", "330282109"} <= towns


# ------------------------------------------------------------------ contracts and warnings (supervision)
EXPECTED = {  # state -> (colour, rules that must fire)
    "on_track": ("green", set()),
    "extended": ("green", set()),
    "met": ("green", set()),
    "lease": ("green", set()),
    "old_grant": ("green", set()),
    "awaiting_production": ("green", set()),
    "start_due_soon": ("blue", {"start.due_soon"}),
    "start_overdue_yellow": ("yellow", {"start.overdue"}),
    "start_overdue_red": ("red", {"start.overdue"}),
    "late_delivery": (None, set()),  # the start moved (below)
    "progress_behind": (None, {"progress.behind"}),
    "stalled_watch": (None, {"idle.stalled_watch"}),
    "completion_due_soon": ("blue", {"completion.due_soon"}),
    "completion_overdue": (None, {"completion.overdue"}),
    "idle_1y": ("red", {"idle.not_started"}),
    "idle_2y": ("red", {"idle.not_started", "idle.take_back"}),
    "idle_gov_delay": (None, {"idle.not_started"}),
    "idle_stalled": ("red", {"idle.stalled"}),  # idle: exempt (below)
    "idle_gov_delay_expired": ("red", {"idle.not_started"}),
    "not_judged": ("grey", {"contract.not_judged"}),
    "idle_stalled_2y": ("red", {"idle.stalled"}),  # take-back after a stall: a county's choice, off by default
    "below_100": ("yellow", {"commitment.tax_per_mu"}),
    "below_80": ("red", {"commitment.tax_per_mu"}),
    "energy_exceeded": (None, {"commitment.energy_per_value_added"}),
    "not_reviewed": ("yellow", {"commitment.tax_per_mu"}),
    "production_due_soon": ("blue", {"production.due_soon"}),
    "production_overdue": (None, {"production.overdue"}),
}


def _rule_contract(c):
    from landcycle.rules.supervision import Commitment, Contract, Development, Extension, GovernmentDelay

    return Contract(
        number=c.number,
        holder=c.holder_name,
        kind=c.kind,
        price_wan=c.price_wan,
        area_m2=c.area_m2,
        **{
            n: getattr(c, n)
            for n in (
                "signed_on",
                "agreed_delivery",
                "agreed_start",
                "agreed_completion",
                "agreed_production",
                "actual_delivery",
                "actual_start",
                "actual_completion",
                "actual_production",
            )
        },
        development=Development(c.developed_area_share, c.investment_share, c.stopped_since),
        commitments=tuple(Commitment(m["kind"], m["committed"], m["unit"], m["measured"]) for m in c.commitments),
        extensions=tuple(Extension(e["milestone"], e["new_date"], e["approved_on"]) for e in c.extensions),
        government_delays=tuple(
            GovernmentDelay(d["cause"], d["evidence"], d["description"], days=d.get("days")) for d in c.delays
        ),
    )


def test_contracts_in_every_state_as_the_rules_judge_them(plan):
    from landcycle.rules.supervision import evaluate_contract, load_policy

    policy = load_policy()
    states = collections.Counter(c.state for c in plan.contracts)
    assert set(states) == set(EXPECTED), states
    assert all(n >= 5 for n in states.values()), states
    parcels = {p.number: p for p in plan.parcels}
    registered = {e.uscc for e in plan.enterprises}
    assert len({c.number for c in plan.contracts}) == len(plan.contracts)
    for c in plan.contracts:
        assert c.town_code == parcels[c.parcel].town_code and c.holder_name
        assert c.holder is None or c.holder in registered
        assert c.signed_on <= REFERENCE_DATE
        a = evaluate_contract(_rule_contract(c), REFERENCE_DATE, policy)  # never refused
        colour, rules = EXPECTED[c.state]
        assert colour in (None, a.colour) and rules <= set(a.rules), (c.state, a.colour, a.rules)
        if c.state in ("idle_1y", "idle_stalled"):
            assert a.fee_wan == (c.price_wan * Decimal("0.2")).quantize(Decimal("0.01"))
        if c.state == "idle_gov_delay":  # within the moved period
            assert a.exempt and a.fee_wan is None and not a.take_back
        if c.state == "idle_gov_delay_expired":  # past it: the fee is due again, and the warning says why
            f = next(f for f in a.findings if f.rule == "idle.not_started")
            assert not a.exempt and a.fee_wan == (c.price_wan * Decimal("0.2")).quantize(Decimal("0.01"))
            assert "因政府原因" in f.zh and "顺延" in f.zh
        if c.state == "late_delivery":  # a delivery late moves the agreed start by the days it was late
            assert all("顺延" in f.zh for f in a.findings if f.rule.startswith("start."))
            assert not a.idle
    assert sum(c.holder is None for c in plan.contracts) > 50  # holders not in the registry, by name


def test_idle_land_in_dunhe(plan):
    dunhe = next(p for p in plan.parks if p.name == "敦和园区")
    parcels = {p.number for p in plan.parcels if p.park_code == dunhe.code}
    idle = [c for c in plan.contracts if c.parcel in parcels]
    assert len(idle) == 6 and {c.town_code for c in idle} == {"330282112"}
    assert {"idle_1y", "idle_2y", "idle_gov_delay", "idle_stalled"} <= {c.state for c in idle}
    assert plan.park_minimums[dunhe.code] == Decimal("3")


@pytest.mark.django_db
def test_contracts_and_warnings_in_the_database(sample_db, plan):
    import time

    from landcycle.accounts.services import system_user
    from landcycle.supervision.models import Contract, Warning, WarningEvent
    from landcycle.supervision.refresh import warnings_refresh

    # the plan's contracts and those signed from admitted applications (sample.admission)
    assert Contract.objects.count() == len(plan.contracts) + sample_db["applications_signed"]
    assert sample_db["contracts"] == len(plan.contracts)
    assert Warning.objects.count() == sample_db["warnings"] > 500
    subjects = dict(Warning.objects.values_list("subject_type").annotate(n=Count("id")))
    assert subjects["contract"] > 300 and 100 < subjects["enterprise"] < 1000
    dunhe = Warning.objects.filter(park__name="敦和园区", town__name="新浦镇")
    assert dunhe.filter(rule="idle.take_back", colour="red").exists()
    assert dunhe.filter(rule="idle.not_started", exempt=True, colour="yellow").exists()
    # the story's tenants whose lease ended on 2026-06-30 and who have not left: on the parcel and the firm
    assert dunhe.filter(subject_type="parcel", rule="lease.ended_not_vacated", colour="yellow").count() >= 3
    assert dunhe.filter(subject_type="enterprise", rule="lease.ended_not_vacated", colour="yellow").count() >= 3
    assert Warning.objects.filter(rule="contract.not_judged", colour="grey").count() >= 5  # never green
    assert Warning.objects.filter(rule__endswith=".due_soon", colour="blue").exists()  # reminders, not yellow
    assert not Warning.objects.filter(rule__endswith=".due_soon", colour="yellow").exists()
    assert dunhe.filter(subject_type="enterprise", rule="enterprise.tax_per_mu", colour="red").count() >= 5
    actions = dict(AuditEntry.objects.values("action").annotate(n=Count("id")).values_list("action", "n"))
    assert actions["sample.contract.create"] == len(plan.contracts)
    assert actions["warning.raise"] == sample_db["warnings"]
    events, audits = WarningEvent.objects.count(), AuditEntry.objects.count()
    started = time.perf_counter()
    result = warnings_refresh(actor=system_user(), as_of=REFERENCE_DATE)
    assert time.perf_counter() - started < 15  # seconds, not minutes (about 1 s on a laptop)
    assert (result.raised, result.changed, result.updated) == (0, 0, 0) and not result.skipped
    assert (WarningEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    assert audit_verify().ok
