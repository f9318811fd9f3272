"""The exit ledgers in ``landcycle import / export / template``: export → import changes nothing; new rows open
cases, add steps and items; one bad row (a parcel of another town, a quantity without its unit, an owner decision
without how, a handover, a closed case) and nothing is written, each problem at its row and column."""

from __future__ import annotations

import datetime as dt

import pytest
from exits_data import case, xp  # noqa: F401 -- fixtures

from landcycle.exits.models import Case, CaseStep, LeftoverItem
from landcycle.exits.services.records import item_add, step_add
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.services import ledger_import
from landcycle.ledgers.template import ledger_template

pytestmark = pytest.mark.django_db
CASE_HEAD = "案件编号,退出事由,镇街代码,地块编号,涉及企业,立案日期,计划开始,完成期限\n"
STEP_HEAD = "案件编号,环节,日期,地点,纪要,调解方式,法院,案号\n"
ITEM_HEAD = "案件编号,名称及描述,类别,数量,单位,主张归属,认定归属,认定方式\n"


def _import(actor, kind, text):
    return ledger_import(actor=actor, kind=kind, source=text.encode("utf-8"), filename=f"{kind}.csv")


def test_round_trip_changes_nothing(case, personas):
    officer = personas["xinpu"]
    step_add(actor=officer, case=case, kind="survey", date=dt.date(2026, 3, 5), place="现场")
    item_add(actor=officer, case=case, category="rubbish", description="垃圾", quantity=5, unit="吨")
    for kind in ("vacating_cases", "case_steps", "leftover_items"):
        data = ledger_export(user=officer, kind=kind, fmt="csv")
        assert case.number in data.decode("utf-8-sig"), kind
        report = ledger_import(actor=officer, kind=kind, source=data, filename=f"{kind}.csv")
        assert not report.problems and report.status == "imported", (kind, report.problems)
        assert ledger_template(kind, user=officer)[:2] == b"PK"
    assert Case.objects.get(pk=case.pk).version == case.version
    assert (CaseStep.objects.count(), LeftoverItem.objects.count()) == (1, 1)


def test_new_rows(case, xp, personas):
    officer = personas["xinpu"]
    parcel = xp["parcels"][1].number
    report = _import(
        officer,
        "vacating_cases",
        CASE_HEAD
        + f"TT2026-112-050,租约到期未续租,330282112,{parcel},{xp['owner'].uscc},2026-08-01,2026-08-01,2027-03-31\n",
    )
    assert not report.problems, report.problems
    new = Case.objects.get(number="TT2026-112-050")
    assert [p.number for p in new.parcels.all()] == [parcel] and list(new.enterprises.all()) == [xp["owner"]]
    assert new.state == "open" and new.created_by == officer
    report = _import(
        officer,
        "case_steps",
        STEP_HEAD
        + f"{case.number},踏勘,2026-03-09,敦和园区,清点,,,\n{case.number},调解,2026-04-01,法院,调解,司法调解,慈溪市人民法院,（2026）浙0282民调1号\n",
    )
    assert not report.problems, report.problems
    assert case.steps.get(kind="mediation").court_case_number == "（2026）浙0282民调1号"
    report = _import(officer, "leftover_items", ITEM_HEAD + f"{case.number},注塑机,设备,3,台,企业,企业,调解\n")
    assert not report.problems, report.problems
    assert case.items.get().determined_how == "mediation"


def test_all_or_nothing_with_located_problems(case, xp, registry_data, personas):
    officer = personas["xinpu"]
    other = registry_data["330282109"]["parcels"][0].number
    report = _import(
        officer,
        "vacating_cases",
        CASE_HEAD
        + "TT2026-112-060,租约到期未续租,330282112,,,2026-08-01,2026-08-01,2027-03-31\n"
        + f"TT2026-112-061,租约到期未续租,330282112,{other},,2026-08-01,2026-08-01,2027-03-31\n"
        + "TT2026-112-062,租约到期未续租,330282112,,,2026-08-01,2026-09-01,2026-08-15\n",
    )
    rules = {(p.row, p.column, p.rule) for p in report.problems}
    assert (3, "地块编号", "exits.parcel_other_town") in rules
    assert (4, "完成期限", "exits.deadline_before_start") in rules
    assert not Case.objects.filter(number__startswith="TT2026-112-06").exists()
    report = _import(
        officer,
        "leftover_items",
        ITEM_HEAD
        + f"{case.number},垃圾,垃圾,5,,不明,,\n{case.number},冲床,设备,2,台,企业,企业,\n{case.number},好的,设备,1,台,,,\n",
    )
    rules = {(p.row, p.column, p.rule) for p in report.problems}
    assert rules == {(2, "单位", "exits.quantity_without_unit"), (3, "认定方式", "exits.owner_without_how")}
    assert not LeftoverItem.objects.exists()
    report = _import(
        officer, "case_steps", STEP_HEAD + f"{case.number},验收移交,2026-05-01,,,,,\nTT-NONE,踏勘,2026-05-01,,,,,\n"
    )
    rules = {(p.row, p.rule) for p in report.problems}
    assert rules == {(2, "exits.handover_is_closing"), (3, "exits.unknown_case")}
    assert not CaseStep.objects.exists()


def test_another_towns_case_is_refused(case, personas):
    report = _import(personas["qiaotou"], "case_steps", STEP_HEAD + f"{case.number},踏勘,2026-05-01,,,,,\n")
    assert report.problems and not CaseStep.objects.exists()
