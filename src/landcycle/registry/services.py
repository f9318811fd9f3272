"""Writes to the registry. Each is keyword-only, atomic, checks the actor's scope, runs the registry
rules and Django's field checks, and records an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Model

from landcycle.accounts.models import User
from landcycle.accounts.scope import Area, require_write
from landcycle.audit.services import audit_record, snapshot
from landcycle.audit.versions import claim_version
from landcycle.rules.codes import normalize_uscc

from .checks import clean_or_raise, enterprise_problems, occupancy_problems, parcel_problems, raise_if
from .models import Enterprise, Occupancy, Parcel, Park, Region


def _town_code(obj: Model) -> str:
    if isinstance(obj, (Park, Enterprise)):
        return obj.town.code
    if isinstance(obj, Parcel):
        return obj.park.town.code
    if isinstance(obj, Occupancy):
        return obj.parcel.park.town.code
    return ""


def _save_audited(*, actor: User, obj: Model, action: str, before: dict | None) -> None:
    clean_or_raise(obj)
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, region_code=_town_code(obj), before=before, after=snapshot(obj))


def _apply(obj: Model, changes: dict, allowed: set[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)}")
    for key, value in changes.items():
        setattr(obj, key, value)


# ------------------------------------------------------------------ parks
PARK_FIELDS = {"code", "name", "kind", "town", "boundary", "note", "min_tax_per_mu"}


@transaction.atomic
def park_create(
    *,
    actor: User,
    code: str,
    name: str,
    kind: str,
    town: Region,
    boundary: dict | None = None,
    note: str = "",
    min_tax_per_mu: Decimal | None = None,
) -> Park:
    require_write(actor, Area.REGISTRY, town)
    park = Park(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        town=town,
        boundary=boundary,
        note=note,
        min_tax_per_mu=min_tax_per_mu,
    )
    _save_audited(actor=actor, obj=park, action="park.create", before=None)
    return park


@transaction.atomic
def park_update(*, actor: User, park: Park, expected_version: int | None = None, **changes: Any) -> Park:
    """``expected_version``: the version the edit form was read at; someone else's write since is a
    conflict (audit.versions.EditConflict) and nothing is written. None (imports, commands): no check."""
    require_write(actor, Area.REGISTRY, park.town)
    before = snapshot(park)
    claim_version(park, expected_version)
    _apply(park, changes, PARK_FIELDS)
    require_write(actor, Area.REGISTRY, park.town)
    _save_audited(actor=actor, obj=park, action="park.update", before=before)
    return park


# ------------------------------------------------------------------ parcels
PARCEL_FIELDS = {"number", "park", "area_m2", "geometry", "land_use", "tenure", "status", "address"}


@transaction.atomic
def parcel_create(
    *,
    actor: User,
    number: str,
    park: Park,
    area_m2: Decimal,
    tenure: str,
    geometry: dict | str | None = None,
    land_use: str = Parcel.LandUse.INDUSTRIAL,
    status: str = Parcel.Status.IN_USE,
    address: str = "",
) -> Parcel:
    require_write(actor, Area.REGISTRY, park.town, field="park")
    shape, problems = parcel_problems(area_m2=area_m2, geometry=geometry)
    raise_if(problems)
    parcel = Parcel(
        number=number.strip(),
        park=park,
        area_m2=Decimal(str(area_m2)),
        geometry=shape,
        land_use=land_use,
        tenure=tenure,
        status=status,
        address=address,
    )
    _save_audited(actor=actor, obj=parcel, action="parcel.create", before=None)
    return parcel


@transaction.atomic
def parcel_update(*, actor: User, parcel: Parcel, expected_version: int | None = None, **changes: Any) -> Parcel:
    require_write(actor, Area.REGISTRY, parcel.park.town, field="park")
    before = snapshot(parcel)
    claim_version(parcel, expected_version)
    _apply(parcel, changes, PARCEL_FIELDS)
    require_write(actor, Area.REGISTRY, parcel.park.town, field="park")
    shape, problems = parcel_problems(area_m2=parcel.area_m2, geometry=parcel.geometry)
    raise_if(problems)
    parcel.area_m2 = Decimal(str(parcel.area_m2))
    parcel.geometry = shape
    _save_audited(actor=actor, obj=parcel, action="parcel.update", before=before)
    return parcel


# ------------------------------------------------------------------ enterprises
ENTERPRISE_FIELDS = {
    "uscc",
    "uscc_override",
    "uscc_override_reason",
    "name",
    "industry_code",
    "scale",
    "registered_on",
    "status",
    "town",
    "contact",
}


def _enterprise_checks(ent: Enterprise) -> None:
    ent.uscc = normalize_uscc(ent.uscc)
    ent.industry_code = str(ent.industry_code).strip()
    if not ent.uscc_override:
        ent.uscc_override_reason = ""
    raise_if(
        enterprise_problems(
            uscc=ent.uscc,
            industry_code=ent.industry_code,
            uscc_override=ent.uscc_override,
            uscc_override_reason=ent.uscc_override_reason,
            registered_on=ent.registered_on,
        )
    )


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    uscc: str,
    name: str,
    industry_code: str,
    scale: str,
    registered_on: dt.date,
    town: Region,
    status: str = Enterprise.Status.OPERATING,
    uscc_override: bool = False,
    uscc_override_reason: str = "",
    contact: str = "",
) -> Enterprise:
    require_write(actor, Area.REGISTRY, town)
    ent = Enterprise(
        uscc=uscc,
        name=name.strip(),
        industry_code=industry_code,
        scale=scale,
        registered_on=registered_on,
        town=town,
        status=status,
        uscc_override=uscc_override,
        uscc_override_reason=uscc_override_reason.strip(),
        contact=contact,
    )
    _enterprise_checks(ent)
    _save_audited(actor=actor, obj=ent, action="enterprise.create", before=None)
    return ent


@transaction.atomic
def enterprise_update(
    *, actor: User, enterprise: Enterprise, expected_version: int | None = None, **changes: Any
) -> Enterprise:
    require_write(actor, Area.REGISTRY, enterprise.town)
    before = snapshot(enterprise)
    claim_version(enterprise, expected_version)
    _apply(enterprise, changes, ENTERPRISE_FIELDS)
    require_write(actor, Area.REGISTRY, enterprise.town)
    _enterprise_checks(enterprise)
    _save_audited(actor=actor, obj=enterprise, action="enterprise.update", before=before)
    return enterprise


# ------------------------------------------------------------------ occupancy
@transaction.atomic
def occupancy_create(
    *,
    actor: User,
    enterprise: Enterprise,
    parcel: Parcel,
    kind: str,
    area_m2: Decimal,
    start: dt.date,
    end: dt.date | None = None,
    lessor: Enterprise | None = None,
) -> Occupancy:
    require_write(actor, Area.REGISTRY, parcel.park.town, field="parcel")
    raise_if(
        occupancy_problems(
            area_m2=area_m2,
            start=start,
            end=end,
            parcel_area_m2=parcel.area_m2,
            kind=kind,
            lessor=lessor,
            enterprise=enterprise,
        )
    )
    occ = Occupancy(
        enterprise=enterprise,
        parcel=parcel,
        kind=kind,
        area_m2=Decimal(str(area_m2)),
        start=start,
        end=end,
        lessor=lessor,
    )
    _save_audited(actor=actor, obj=occ, action="occupancy.create", before=None)
    return occ


@transaction.atomic
def occupancy_end(*, actor: User, occupancy: Occupancy, end: dt.date, expected_version: int | None = None) -> Occupancy:
    require_write(actor, Area.REGISTRY, occupancy.parcel.park.town, field="parcel")
    before = snapshot(occupancy)
    claim_version(occupancy, expected_version)
    occupancy.end = end
    raise_if(
        occupancy_problems(
            area_m2=occupancy.area_m2,
            start=occupancy.start,
            end=end,
            parcel_area_m2=occupancy.parcel.area_m2,
            kind=occupancy.kind,
            lessor=occupancy.lessor,
            enterprise=occupancy.enterprise,
        )
    )
    _save_audited(actor=actor, obj=occupancy, action="occupancy.end", before=before)
    return occupancy
