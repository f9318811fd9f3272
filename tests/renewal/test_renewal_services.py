"""Renewal services: create and approve (the county), start (firms listed), progress reports (the town), firm fates,
the refused inputs (nothing written), the audit rows; the payoff and the ranking indicator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from renewal_data import PLAN, START, TODAY, draft_project, make_project, qt, running  # noqa: F401 -- fixtures

from landcycle.audit.models import AuditEntry
from landcycle.renewal.models import FirmFate, Milestone, ProgressReport, RenewalProject
from landcycle.renewal.services.firms import fate_record
from landcycle.renewal.services.progress import report_progress
from landcycle.renewal.services.projects import project_approve
from landcycle.rules.problems import RuleError


def actions():
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def test_create_is_the_countys_and_checks_the_plan(qt, personas):
    with pytest.raises(PermissionDenied):
        make_project(personas["qiaotou"], qt)
    with pytest.raises(RuleError) as e:
        make_project(personas["admin"], qt, demolish_mu="61")
    assert [p.rule for p in e.value.problems] == ["renewal.more_than_covered"]
    assert RenewalProject.objects.count() == 0 and "renewal.project_create" not in actions()
    p = make_project(personas["admin"], qt)
    assert p.state == "draft" and set(p.parcels.all()) == set(qt["parcels"])  # all of the park's parcels
    ms = list(p.milestones.order_by("order"))
    assert [m.kind for m in ms] == list(PLAN)
    assert ms[2].depends_on == ms[1] and ms[0].depends_on is None
    assert actions()[-1] == "renewal.project_create"


def test_a_park_of_another_town_is_refused(registry_data, qt, personas):
    with pytest.raises(RuleError) as e:
        make_project(personas["admin"], qt, parks=[registry_data["330282112"]["park"]])
    assert "renewal.park_town" in {p.rule for p in e.value.problems}


def test_approve_and_start_list_the_firms(running, qt, personas):
    assert running.state == "under_way" and running.started_on == START
    assert Milestone.objects.get(project=running, kind="approval").done_on == PLAN["approval"]
    firms = {f.enterprise: f for f in running.firms.all()}
    assert set(firms) == {qt["owner"], qt["tenant"]}
    assert firms[qt["tenant"]].area_m2 == D("2000.00") and all(f.fate == "pending" for f in firms.values())
    with pytest.raises(RuleError):
        project_approve(actor=personas["admin"], project=running, approved_on=START, document="x")
    assert actions()[-2:] == ["renewal.project_approve", "renewal.project_start"]


def test_town_reports_progress_and_refusals_write_nothing(running, personas, registry_data):
    town = personas["qiaotou"]
    r = report_progress(
        actor=town,
        project=running,
        period=dt.date(2025, 6, 20),
        percent_done=30,
        demolished_mu="18",
        removed_m2="12000",
        investment_made="2500",
        text="东区搬迁完成，拆除18亩",
        milestones_done={"relocation": dt.date(2025, 6, 10)},
        today=TODAY,
    )
    assert r.period == dt.date(2025, 6, 1) and r.reporter == town
    assert Milestone.objects.get(project=running, kind="relocation").done_on == dt.date(2025, 6, 10)
    n = ProgressReport.objects.count()
    # demolished more than covered (60 mu)
    with pytest.raises(RuleError) as e:
        report_progress(
            actor=town,
            project=running,
            period=dt.date(2025, 7, 1),
            percent_done=40,
            demolished_mu="61",
            text="x",
            today=TODAY,
        )
    assert [p.rule for p in e.value.problems] == ["renewal.demolished_more_than_covered"]
    # a milestone done before the one it depends on
    with pytest.raises(RuleError) as e:
        report_progress(
            actor=town,
            project=running,
            period=dt.date(2025, 7, 1),
            percent_done=40,
            text="x",
            milestones_done={"demolition": dt.date(2025, 6, 1)},
            today=TODAY,
        )
    assert [p.rule for p in e.value.problems] == ["renewal.milestone_order"]
    # another town's officer
    with pytest.raises(RuleError) as e:
        report_progress(
            actor=personas["xinpu"], project=running, period=dt.date(2025, 7, 1), percent_done=40, text="x", today=TODAY
        )
    assert e.value.problems[0].rule == "scope.town"
    with pytest.raises(PermissionDenied):
        report_progress(
            actor=personas["leader"],
            project=running,
            period=dt.date(2025, 7, 1),
            percent_done=40,
            text="x",
            today=TODAY,
        )
    assert ProgressReport.objects.count() == n
    assert Milestone.objects.get(project=running, kind="demolition").done_on is None
    # the same month again replaces the figures
    report_progress(actor=town, project=running, period=dt.date(2025, 6, 1), percent_done=35, text="更正", today=TODAY)
    assert ProgressReport.objects.get(project=running, period=dt.date(2025, 6, 1)).percent_done == 35
    assert actions().count("renewal.report_progress") == 2


def test_evidence_is_stored_by_hash(running, personas, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.UPLOADS_DIR = tmp_path
    pdf = SimpleUploadedFile("拆除现场.pdf", b"%PDF-1.4 renewal evidence", content_type="application/pdf")
    r = report_progress(
        actor=personas["qiaotou"],
        project=running,
        period=dt.date(2025, 6, 1),
        percent_done=10,
        text="x",
        files=[pdf],
        today=TODAY,
    )
    ev = r.evidence.get()
    assert len(ev.sha256) == 64 and ev.path.startswith("renewal/") and (tmp_path / ev.path).exists()
    bad = SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(RuleError):
        report_progress(
            actor=personas["qiaotou"],
            project=running,
            period=dt.date(2025, 7, 1),
            percent_done=20,
            text="x",
            files=[bad],
            today=TODAY,
        )


def test_finishing_when_everything_is_done(running, personas):
    done = {k: d for k, d in PLAN.items() if k != "approval"}
    done = {k: min(d, TODAY) for k, d in done.items()}
    done["firms_in"] = done["completion"] = TODAY
    r = report_progress(
        actor=personas["qiaotou"],
        project=running,
        period=TODAY,
        percent_done=100,
        text="完成",
        milestones_done=done,
        today=TODAY,
    )
    r.project.refresh_from_db()
    assert r.project.state == "done" and r.project.finished_on == TODAY


def test_fates(running, qt, registry_data, personas):
    town = personas["qiaotou"]
    other_park = registry_data["330282112"]["park"]
    row = fate_record(actor=town, project=running, enterprise=qt["owner"], fate="stays", decided_on=dt.date(2025, 4, 1))
    assert row.fate == "stays" and row.case_id is None
    # a firm not on the parcels
    with pytest.raises(RuleError) as e:
        fate_record(
            actor=town, project=running, enterprise=registry_data["330282112"]["owner"], fate="closed", decided_on=START
        )
    assert [p.rule for p in e.value.problems] == ["renewal.firm_not_on_block"]
    # a move names a park outside the block
    with pytest.raises(RuleError) as e:
        fate_record(
            actor=town, project=running, enterprise=qt["tenant"], fate="moves", decided_on=START, destination=qt["park"]
        )
    assert [p.rule for p in e.value.problems] == ["renewal.destination_on_block"]
    moved = fate_record(
        actor=town, project=running, enterprise=qt["tenant"], fate="moves", decided_on=START, destination=other_park
    )
    assert moved.destination == other_park
    assert FirmFate.objects.filter(project=running).count() == 2
    assert actions().count("renewal.fate_record") == 2


def test_a_move_opens_a_vacating_case(running, qt, registry_data, personas):
    pytest.importorskip("landcycle.exits.services.cases")
    row = fate_record(
        actor=personas["qiaotou"],
        project=running,
        enterprise=qt["tenant"],
        fate="moves",
        decided_on=START,
        destination=registry_data["330282112"]["park"],
    )
    assert row.case_id is not None
    again = fate_record(
        actor=personas["qiaotou"], project=running, enterprise=qt["tenant"], fate="closed", decided_on=START
    )
    assert again.case_id == row.case_id  # one case per firm


def test_payoff_from_yearly_figures_and_evaluation(running, qt, personas):
    """Started 2025-03-01 on 60 mu: 2024 is the year before. Owner and tenant occupy the first parcel since 2005/2020."""
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.renewal.payoff import classes_by_year, payoff

    YearlyFigure.objects.create(enterprise=qt["owner"], year=2024, tax=150, revenue=6000)
    YearlyFigure.objects.create(enterprise=qt["tenant"], year=2024, tax=30, revenue=900)
    YearlyFigure.objects.create(enterprise=qt["owner"], year=2023, tax=999, revenue=1)  # two years before: not used
    # registry_data already holds the owner's 2025 figures: tax 600, revenue 12000
    p = payoff(running, 2026)
    assert p.before_year == 2024
    assert (p.before.tax, p.before.firms, p.before.tax_per_mu) == (D(180), 2, D("3.00"))  # (150 + 30) / 60
    assert [(r.year, r.tax_per_mu, r.tax_per_mu_change) for r in p.after] == [(2025, D("10.00"), D("7.00"))]  # 600/60
    assert classes_by_year(running, 2026) == {}  # no published evaluation yet


def test_payoff_classes_from_published_run(evaluation_data, personas):
    from landcycle.renewal.payoff import classes_by_year
    from landcycle.renewal.services.projects import project_approve, project_start

    d = evaluation_data["330282109"]
    p = make_project(personas["admin"], d)
    project_approve(actor=personas["admin"], project=p, approved_on=PLAN["approval"], document="x")
    p = project_start(actor=personas["admin"], project=p, started_on=dt.date(2026, 1, 5))
    result_class = d["result"].evaluation_class
    got = classes_by_year(p, 2026)
    assert set(got) == {2025} and got[2025].get(result_class, 0) >= 1


def test_ranking_indicator(running, qt, registry_data, personas):
    """Year 2025 of a plan 2025-01-01..2026-12-31 (729 days) on 60 mu: 364 days fall in 2025 → 60 × 364/729 = 29.96 mu
    planned for the year. 30 % reported by 2025Q3's end (none before 2025) → 18 mu renewed → 18 / 29.96 = 60.1 %.
    新浦镇 has no project: None; 2024 has nothing planned: None."""
    from landcycle.kit.indicators import Quarter, indicator_sources

    report_progress(
        actor=personas["qiaotou"], project=running, period=dt.date(2025, 8, 1), percent_done=30, text="x", today=TODAY
    )
    source = indicator_sources()["renewal_progress"]
    towns = [qt["town"], registry_data["330282112"]["town"]]
    got = source.compute(Quarter(2025, 3), towns)
    assert got[qt["town"].pk].rows == 1
    assert round(got[qt["town"].pk].value, 1) == 60.1
    assert "29.96" in got[qt["town"].pk].note
    assert got[towns[1].pk].value is None and got[towns[1].pk].rows == 0
    assert source.compute(Quarter(2025, 2), towns)[qt["town"].pk].value == 0  # nothing reported by June
    assert source.compute(Quarter(2024, 4), towns)[qt["town"].pk].value is None  # nothing planned in 2024
