"""``landcycle generate --out DIR``: the ledger files of a scaled sample import cleanly with ``landcycle import``
into an empty database, and what is imported is the sample (kept apart from test_generate.py, whose module-wide
database holds a generated sample)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from landcycle.evaluation.models import YearlyFigure
from landcycle.registry.models import Enterprise, Occupancy, Parcel
from landcycle.sample.scaled import Scale, province_plans
from landcycle.supervision.models import Contract


@pytest.mark.django_db
def test_ledger_files_import_into_an_empty_database(tmp_path):
    n, m = 300, 450
    call_command("generate", enterprises=n, contracts=m, out=str(tmp_path), stdout=io.StringIO())
    commands = (tmp_path / "IMPORT.txt").read_text(encoding="utf-8")
    assert "landcycle regions load --county 330282" in commands
    call_command("regions", "load", county="330282", stdout=io.StringIO())
    for kind in ("regions", "parks", "parcels", "enterprises", "occupancy", "figures", "contracts"):
        path = tmp_path / f"{kind}.xlsx"
        assert path.name in commands
        call_command("import", kind, str(path), stdout=io.StringIO(), stderr=io.StringIO(), verbosity=0)
    plans = list(province_plans(Scale(enterprises=n, contracts=m)))
    assert Enterprise.objects.count() == n and Contract.objects.count() == m
    assert Parcel.objects.count() == sum(len(p.parcels) for p in plans)
    assert Occupancy.objects.count() == sum(len(p.occupancies) for p in plans)
    assert YearlyFigure.objects.count() == sum(len(p.figures) for p in plans)
    stored = sorted(Enterprise.objects.values_list("uscc", "name", "scale", "town__code"))
    assert stored == sorted((e.uscc, e.name, e.scale, e.town_code) for p in plans for e in p.enterprises)
    stored = sorted(Contract.objects.values_list("number", "agreed_start", "holder__uscc"))
    assert stored == sorted((c.number, c.agreed_start, c.holder) for p in plans for c in p.contracts)
