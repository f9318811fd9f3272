"""The renewal ledgers in ``landcycle import / export / template``: export → import changes nothing for each of
renewal_projects, renewal_progress and renewal_firms; new rows are written through the services; one bad row
(demolished more than covered, a milestone before the one it depends on, a fate for a firm not on the parcels, an
approved plan changed, a town officer registering a plan) and nothing is written, each problem at its row and
column."""

from __future__ import annotations

import datetime as dt

import pytest
from renewal_data import PLAN, START, TODAY, draft_project, make_project, qt, running  # noqa: F401 -- fixtures

from landcycle.audit.models import AuditEntry
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.services import ledger_import
from landcycle.ledgers.template import ledger_template
from landcycle.renewal.models import FirmFate, ProgressReport, RenewalProject
from landcycle.renewal.services.firms import fate_record
from landcycle.renewal.services.progress import report_progress

pytestmark = pytest.mark.django_db
KINDS = ("renewal_projects", "renewal_progress", "renewal_firms")


@pytest.fixture
def filled(running, qt, personas):
    report_progress(
        actor=personas["qiaotou"],
        project=running,
        period=dt.date(2025, 6, 1),
        percent_done=30,
        demolished_mu="18",
        text="东区搬迁完成",
        milestones_done={"relocation": dt.date(2025, 6, 10)},
        today=TODAY,
    )
    fate_record(actor=personas["qiaotou"], project=running, enterprise=qt["owner"], fate="stays", decided_on=START)
    return running


def _import(actor, kind, text):
    return ledger_import(actor=actor, kind=kind, source=text.encode("utf-8"), filename=f"{kind}.csv")


@pytest.mark.parametrize("who", ["admin", "qiaotou"])
def test_export_then_import_changes_nothing(filled, qt, personas, who):
    make_project(personas["admin"], qt, number="GZ-QT-DRAFT")
    actor = personas[who]
    for kind in KINDS:
        data = ledger_export(user=actor, kind=kind, fmt="csv")
        assert filled.number in data.decode("utf-8-sig"), kind
        before = AuditEntry.objects.count()
        report = ledger_import(actor=actor, kind=kind, source=data, filename=f"{kind}.csv")
        assert not report.problems and report.status == "imported", (kind, report.problems)
        assert AuditEntry.objects.count() == before, kind  # nothing changed, nothing written
        assert ledger_template(kind, user=actor)[:2] == b"PK"


def test_the_ledgers_hold_the_figures(filled, qt, personas):
    text = ledger_export(user=personas["admin"], kind="renewal_progress", fmt="csv").decode("utf-8-sig")
    head, row = text.splitlines()[:2]
    assert "累计拆除（亩）" in head and "搬迁腾空完成实际日期" in head
    assert "2025-06-01" in row and ",30," in row and "18" in row and "2025-06-10" in row
    text = ledger_export(user=personas["admin"], kind="renewal_firms", fmt="csv").decode("utf-8-sig")
    assert qt["owner"].uscc in text and "留存提升" in text
    text = ledger_export(user=personas["admin"], kind="renewal_projects", fmt="csv").decode("utf-8-sig")
    assert "退二优二" not in text and "拆除重建" in text and qt["park"].code in text


def test_new_rows_are_written_by_the_services(filled, qt, registry_data, personas):
    head = "项目编号,项目名称,所属镇街,涉及园区编号,改造方式,计划开始日期,计划完成日期,改造面积（亩）,拆除用地（亩）,方案批复计划日期\n"
    report = _import(
        personas["admin"],
        "renewal_projects",
        head
        + f"GZ-NEW-1,桥头镇西区退二优二,桥头镇,{qt['park'].code},退二优二,2026-01-01,2027-12-31,50,20,2026-02-01\n",
    )
    assert not report.problems, report.problems
    new = RenewalProject.objects.get(number="GZ-NEW-1")
    assert new.state == "draft" and new.kind == "retreat_optimise" and new.milestones.get().kind == "approval"
    head = "项目编号,报送月份,总体进度（%）,累计拆除（亩）,进展情况,拆除完成实际日期\n"
    report = _import(
        personas["qiaotou"], "renewal_progress", head + f"{filled.number},2025-07-01,40,25,拆除完成,2025-07-20\n"
    )
    assert not report.problems, report.problems
    assert ProgressReport.objects.get(project=filled, period=dt.date(2025, 7, 1)).percent_done == 40
    assert filled.milestones.get(kind="demolition").done_on == dt.date(2025, 7, 20)
    other_park = registry_data["330282112"]["park"]
    head = "项目编号,统一社会信用代码,去向,迁入园区编号,去向日期\n"
    report = _import(
        personas["qiaotou"],
        "renewal_firms",
        head + f"{filled.number},{qt['tenant'].uscc},县内搬迁,{other_park.code},2025-05-01\n",
    )
    assert not report.problems, report.problems
    assert FirmFate.objects.get(project=filled, enterprise=qt["tenant"]).destination == other_park


def test_all_or_nothing_with_located_problems(filled, qt, registry_data, personas):
    draft_project = make_project(personas["admin"], qt, number="GZ-QT-DRAFT")
    head = "项目编号,报送月份,总体进度（%）,累计拆除（亩）,进展情况,拆除完成实际日期,开工建设实际日期\n"
    rows = (
        f"{filled.number},2025-07-01,40,25,好的一行,,\n"
        f"{filled.number},2025-08-01,45,61,拆多了,,\n"  # demolished more than the 60 mu covered
        f"{filled.number},2025-09-01,50,30,先开工后拆除,,2025-08-01\n"  # construction before demolition
        f"{draft_project.number},2025-09-01,10,1,草稿项目,,\n"
    )
    n = AuditEntry.objects.count()
    report = _import(personas["admin"], "renewal_progress", head + rows)
    where = {(p.row, p.column, p.rule) for p in report.problems}
    assert (3, "累计拆除（亩）", "renewal.demolished_more_than_covered") in where
    assert (4, "开工建设实际日期", "renewal.milestone_order") in where
    assert (5, "项目编号", "renewal.not_under_way") in where
    assert report.status != "imported" and AuditEntry.objects.count() == n
    assert not ProgressReport.objects.filter(period=dt.date(2025, 7, 1)).exists()
    # a fate for a firm not on the parcels; a town officer changing a plan; an approved plan changed
    stranger = registry_data["330282112"]["owner"]
    report = _import(
        personas["qiaotou"],
        "renewal_firms",
        f"项目编号,统一社会信用代码,去向,去向日期\n{filled.number},{stranger.uscc},关停退出,2025-05-01\n",
    )
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (2, "统一社会信用代码", "renewal.firm_not_on_block")
    ]
    head = "项目编号,项目名称\n"
    report = _import(personas["qiaotou"], "renewal_projects", head + f"{draft_project.number},改名\n")
    assert [(p.column, p.rule) for p in report.problems] == [("项目编号", "renewal.county_only")]
    report = _import(personas["admin"], "renewal_projects", head + f"{filled.number},改名\n")
    assert [(p.column, p.rule) for p in report.problems] == [("项目编号", "renewal.not_draft")]
    report = _import(
        personas["admin"], "renewal_projects", "项目编号,拆除用地（亩）\n" + f"{draft_project.number},61\n"
    )
    assert [(p.column, p.rule) for p in report.problems] == [("拆除用地（亩）", "renewal.more_than_covered")]
    assert RenewalProject.objects.get(pk=draft_project.pk).demolish_mu == 40
