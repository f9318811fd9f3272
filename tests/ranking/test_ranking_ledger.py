"""The hand-entered quarterly indicators as the ledger ``ranking_inputs``: template, import (all or nothing, each
problem at its row and column), export → import changes nothing, a published quarter is frozen, only the county
enters them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from conftest import QIAOTOU, XINPU
from landcycle.kit.indicators import Quarter
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.services import ledger_import
from landcycle.ledgers.template import ledger_template
from landcycle.ranking.models import IndicatorInput
from landcycle.ranking.services import run_compute, run_publish

pytestmark = pytest.mark.django_db
HEAD = "镇街,季度,指标,数值,来源说明\n"


def _import(actor, text: str):
    return ledger_import(actor=actor, kind="ranking_inputs", source=(HEAD + text).encode("utf-8"), filename="r.csv")


def test_import_by_key_or_name_then_export_and_reimport_changes_nothing(registry_data, personas):
    admin = personas["admin"]
    report = _import(
        admin,
        f"新浦镇,2025Q3,policy_score,88,县考核办\n{QIAOTOU},2025年第三季度,招商引资实际到位资金,12500.5,商务局\n",
    )
    assert not report.problems and report.status == "imported", report.problems
    got = {(x.town.code, x.period.label, x.indicator): float(x.value) for x in IndicatorInput.objects.all()}
    assert got == {(XINPU, "2025Q3", "policy_score"): 88.0, (QIAOTOU, "2025Q3", "investment_attracted"): 12500.5}
    data = ledger_export(user=admin, kind="ranking_inputs", fmt="csv")
    again = ledger_import(actor=admin, kind="ranking_inputs", source=data, filename="r.csv")
    assert not again.problems and again.status == "imported"
    assert {x.version for x in IndicatorInput.objects.all()} == {1}
    assert ledger_template("ranking_inputs", user=admin)[:2] == b"PK"
    _import(admin, "新浦镇,2025Q3,policy_score,91,县考核办（复核）\n")
    x = IndicatorInput.objects.get(town__code=XINPU, indicator="policy_score")
    assert (float(x.value), x.source, x.version) == (91.0, "县考核办（复核）", 2)


def test_all_or_nothing_with_located_problems(registry_data, personas):
    rows = (
        "新浦镇,2025Q3,policy_score,88,\n"
        "无此镇,2025Q3,policy_score,70,\n"
        "新浦镇,2025Q5,policy_score,70,\n"
        "新浦镇,2025Q3,warnings_open,3,\n"
        "新浦镇,2025Q3,no_such_thing,3,\n"
        "新浦镇,2025Q3,investment_attracted,很多,\n"
    )
    report = _import(personas["admin"], rows)
    where = {(p.row, p.column, p.rule) for p in report.problems}
    assert any(r == 3 and c == "镇街" for r, c, _ in where)
    assert any(r == 4 and c == "季度" and u == "ranking.quarter" for r, c, u in where)
    assert any(r == 5 and c == "指标" and u == "ranking.computed" for r, c, u in where)
    assert any(r == 6 and c == "指标" and u == "ranking.indicator" for r, c, u in where)
    assert any(r == 7 and c == "数值" for r, c, _ in where)
    assert not any(r == 2 for r, _, _ in where)
    assert not IndicatorInput.objects.exists()
    assert all(p.zh and p.en for p in report.problems)


def test_a_town_officer_cannot_enter_them(registry_data, personas):
    with pytest.raises(PermissionDenied):
        _import(personas["xinpu"], "新浦镇,2025Q3,policy_score,88,\n")
    assert not IndicatorInput.objects.exists()


def test_a_published_quarter_is_frozen(registry_data, personas):
    admin = personas["admin"]
    _import(admin, "新浦镇,2025Q3,policy_score,88,\n")
    run_publish(actor=admin, run=run_compute(actor=admin, quarter=Quarter(2025, 3), runs=20, gains=False))
    report = _import(admin, "新浦镇,2025Q3,policy_score,10,\n桥头镇,2025Q3,policy_score,10,\n")
    assert {p.rule for p in report.problems} == {"ranking.published"}
    assert float(IndicatorInput.objects.get().value) == 88.0
