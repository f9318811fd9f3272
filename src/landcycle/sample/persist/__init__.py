"""Writing a :class:`~landcycle.sample.plan.SamplePlan` into the database, audited.

Rows go in with ``insert_rows`` (one COPY on PostgreSQL, ids drawn from the sequence; ``bulk_create``
elsewhere) and their audit entries with ``audit_record_many`` (same hash chain as single writes, one COPY on
PostgreSQL too), all in one transaction: the sample is
either wholly there or not at all. Generation already guarantees what the registry services would
check (valid codes, known industries, valid shapes within the area tolerance); the tests prove it.
"""

from __future__ import annotations

from django.db import transaction

from landcycle.accounts.models import User
from landcycle.accounts.services import system_user
from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_record_many, snapshot
from landcycle.evaluation.models import YearlyFigure
from landcycle.evaluation.sample import evaluate_sample
from landcycle.exits.sample import build_exits_sample
from landcycle.kit.bulk import insert_rows
from landcycle.ranking.sample import build_ranking_sample
from landcycle.rectification.sample.build import build_rectification_sample
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.registry.regions import regions_load
from landcycle.renewal.sample import build_renewal_sample

from ..admission_persist import persist as build_admission_sample
from ..plan import COUNTY_CODE, SamplePlan
from ..users import create_demo_users
from ..warning_answers import answer_sample_warnings
from .contracts import persist_contracts, raise_warnings


def _create(actor, model, objects: list, region_code_of) -> list:
    """Bulk insert, make sure every row got its primary key, and audit each one."""
    insert_rows(model, objects)
    if any(obj.pk is None for obj in objects):
        raise RuntimeError(f"{model.__name__}: the database did not return primary keys on bulk insert")
    action = f"sample.{model._meta.model_name}.create"
    audit_record_many(
        actor=actor, action=action, items=[(obj, None, snapshot(obj)) for obj in objects], region_code_of=region_code_of
    )
    return objects


def _parks(actor, plan: SamplePlan, towns: dict[str, Region]) -> dict[str, Park]:
    parks = [
        Park(
            code=p.code,
            name=p.name,
            kind=p.kind,
            town=towns[p.town_code],
            boundary=p.boundary,
            note=p.note,
            min_tax_per_mu=plan.park_minimums.get(p.code),
        )
        for p in plan.parks
    ]
    return {p.code: p for p in _create(actor, Park, parks, lambda p: p.town.code)}


def _parcels(actor, plan: SamplePlan, parks: dict[str, Park]) -> dict[str, Parcel]:
    parcels = [
        Parcel(
            number=p.number,
            park=parks[p.park_code],
            area_m2=p.area_m2,
            geometry=p.geometry,
            land_use=p.land_use,
            tenure=p.tenure,
            status=p.status,
            address=p.address,
        )
        for p in plan.parcels
    ]
    return {p.number: p for p in _create(actor, Parcel, parcels, lambda p: p.park.town.code)}


def _enterprises(actor, plan: SamplePlan, towns: dict[str, Region]) -> dict[str, Enterprise]:
    enterprises = [
        Enterprise(
            uscc=e.uscc,
            name=e.name,
            industry_code=e.industry_code,
            scale=e.scale,
            registered_on=e.registered_on,
            status=e.status,
            town=towns[e.town_code],
            contact=e.contact,
        )
        for e in plan.enterprises
    ]
    return {e.uscc: e for e in _create(actor, Enterprise, enterprises, lambda e: e.town.code)}


def _occupancies(actor, plan: SamplePlan, firms: dict[str, Enterprise], parcels: dict[str, Parcel]) -> int:
    rows = [
        Occupancy(
            enterprise=firms[o.enterprise],
            parcel=parcels[o.parcel],
            kind=o.kind,
            area_m2=o.area_m2,
            start=o.start,
            end=o.end,
            lessor=firms[o.lessor] if o.lessor else None,
        )
        for o in plan.occupancies
    ]
    return len(_create(actor, Occupancy, rows, lambda o: o.parcel.park.town.code))


def _figures(actor, plan: SamplePlan, firms: dict[str, Enterprise]) -> int:
    rows = [
        YearlyFigure(
            enterprise=firms[f.enterprise],
            year=f.year,
            revenue=f.revenue,
            tax=f.tax,
            value_added=f.value_added,
            energy_tce=f.energy_tce,
            emissions_t=f.emissions_t,
            rnd=f.rnd,
            staff=f.staff,
            electricity_10k_kwh=f.electricity_10k_kwh,
        )
        for f in plan.figures
    ]
    return len(_create(actor, YearlyFigure, rows, lambda f: f.enterprise.town.code))


def persist_registry(actor, plan: SamplePlan) -> dict[str, int]:
    """Write the plan's parks, parcels, enterprises, occupancies, figures and contracts (its towns are
    loaded already) and return the counts written."""
    towns = {r.code: r for r in Region.objects.filter(code__in=[t.code for t in plan.towns])}
    parks = _parks(actor, plan, towns)
    parcels = _parcels(actor, plan, parks)
    firms = _enterprises(actor, plan, towns)
    return {
        "towns": len(towns),
        "parks": len(parks),
        "parcels": len(parcels),
        "enterprises": len(firms),
        "occupancies": _occupancies(actor, plan, firms, parcels),
        "figures": _figures(actor, plan, firms),
        "contracts": persist_contracts(actor, plan, parcels, firms),
    }


def admission_sample() -> dict[str, int]:
    """The admission stage, written by the demo accounts: the county administrator reviews, each town's officer
    registers and submits (``sample.admission``)."""
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "xinpu", "qiaotou", "henghe"])}
    officers = {u.region.code: u for name, u in users.items() if name != "admin"}
    counts = build_admission_sample(users["admin"], officers)
    return {f"applications_{k}": v for k, v in counts.items()}


def warning_answers() -> int:
    """Some warnings of each demo town verified, handled, submitted, accepted or disputed (sample.warning_answers)."""
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "xinpu", "qiaotou", "henghe"])}
    officers = [users[name] for name in ("xinpu", "qiaotou", "henghe") if name in users]
    return answer_sample_warnings(users["admin"], officers)


@transaction.atomic
def persist_plan(plan: SamplePlan) -> dict[str, int]:
    """Write the plan (regions, parks, parcels, enterprises, occupancies, figures, contracts, demo users),
    raise the warnings as of the reference date and return what was written. Assumes the registry holds
    none of the plan's codes yet."""
    actor = system_user()
    audit_before = AuditEntry.objects.count()
    regions_load(actor=actor, county=COUNTY_CODE)
    summary = persist_registry(actor, plan)
    summary["users"] = create_demo_users(actor=actor)
    # the latest year is published before the warnings are raised, so D-class warnings exist at once
    summary["evaluation_runs"] = len(evaluate_sample(actor=actor))
    summary.update(admission_sample())  # contracts signed from admitted applications are warned like the others
    summary["warnings"] = raise_warnings(actor)
    summary["warnings_answered"] = warning_answers()
    build_rectification_sample(actor=actor)
    build_exits_sample(actor=actor)  # vacating cases and take-backs (exits.sample), after the warnings they come from
    build_renewal_sample(actor=actor)  # renewal projects on the registry, figures and evaluation built above
    build_ranking_sample(actor=actor)  # the quarterly ranking reads every stage above: last
    summary["audit_entries"] = AuditEntry.objects.count() - audit_before
    return summary
