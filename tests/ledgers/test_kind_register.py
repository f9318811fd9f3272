"""The ledger kinds are a register that the domain apps fill when they are ready: the ledger machinery knows
every kind in the same order as before without importing the apps above it."""

from __future__ import annotations

import ast
from pathlib import Path

import landcycle.ledgers
from landcycle.ledgers.kinds import IMPORT_ONLY, IMPORTABLE, KINDS, get_kind

ABOVE = (
    "landcycle.evaluation",
    "landcycle.supervision",
    "landcycle.rectification",
    "landcycle.admission",
    "landcycle.renewal",
    "landcycle.sample",
    "landcycle.web",
)


def test_kinds_registered_at_ready_in_the_order_they_always_had():
    assert list(KINDS) == [
        "regions",
        "parks",
        "parcels",
        "enterprises",
        "occupancy",
        "figures",
        "evaluation_facts",
        "contracts",
        "applications",
        "vacating_cases",
        "case_steps",
        "leftover_items",
        "renewal_projects",
        "renewal_progress",
        "renewal_firms",
        "ranking_inputs",
    ]
    assert list(IMPORT_ONLY) == ["parcel_shapes"]
    assert list(IMPORTABLE) == [*KINDS, "parcel_shapes"]
    assert get_kind("land_supply") is KINDS["contracts"]
    assert KINDS["figures"].importer().__module__ == "landcycle.evaluation.ledger_kinds.importers"
    assert KINDS["contracts"].importer().__module__ == "landcycle.supervision.ledger.importer"


def test_ledgers_imports_no_domain_app():
    root = Path(landcycle.ledgers.__file__).parent
    found = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [f"{path.relative_to(root)}: {n}" for n in names if n.startswith(ABOVE)]
    assert found == []
