"""Loading the official division tree (2023 statistical codes) into Region."""

from __future__ import annotations

from django.db import transaction

from landcycle.audit.services import audit_record_many
from landcycle.rules.codes import divisions

from .models import Region


@transaction.atomic
def regions_load(*, actor, county: str | None = None) -> tuple[int, int]:
    """Upsert the tree (parents first). Returns (created, updated); a second load changes nothing."""
    tree = divisions(county)
    existing = {r.code: r for r in Region.objects.filter(code__in=[d.code for d in tree])}
    by_code = dict(existing)
    created, updated = [], []
    for level in ("province", "city", "county", "town"):
        new = []
        for d in (d for d in tree if d.level == level):
            parent = by_code.get(d.parent) if d.parent else None
            if parent is None and d.parent:
                parent = Region.objects.filter(code=d.parent).first()
            region = existing.get(d.code)
            if region is None:
                region = Region(code=d.code, name=d.name, level=level, parent=parent)
                new.append(region)
            elif region.name != d.name or region.parent_id != (parent.pk if parent else None):
                before = {"name": region.name, "parent": region.parent_id}
                region.name, region.parent = d.name, parent
                region.save(update_fields=["name", "parent"])
                updated.append((region, before, {"name": region.name, "parent": region.parent_id}))
        Region.objects.bulk_create(new, batch_size=2000)
        if new and new[0].pk is None:  # backends without RETURNING on bulk insert
            ids = dict(Region.objects.filter(code__in=[r.code for r in new]).values_list("code", "id"))
            for r in new:
                r.pk = ids[r.code]
        for r in new:
            by_code[r.code] = r
        created += [(r, None, {"code": r.code, "name": r.name, "level": r.level}) for r in new]
    audit_record_many(actor=actor, action="region.load", items=created + updated, region_code_of=lambda r: r.code)
    return len(created), len(updated)
