"""Evaluation runs in the product: inputs read from the registry, drafts recomputed, a published run
immutable, publishing supersedes, roles, audit (one row per run action, not per result)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import COUNTY, QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.evaluation import services
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.models import EvaluationResult, EvaluationRun, PolicyVersion, YearlyFigure
from landcycle.evaluation.selectors import published_classes, published_run
from landcycle.rules.evaluation import evaluate
from landcycle.rules.problems import RuleError
from landcycle.rules.units import m2_to_mu

pytestmark = pytest.mark.django_db


def test_the_input_frame_has_land_at_the_year_end_and_the_enterprise_fields(evaluation_data):
    d = evaluation_data[XINPU]
    frame = read_inputs([2025]).year(2025)
    owner = frame.filter(frame["enterprise_id"] == d["owner"].pk).row(0, named=True)
    tenant = frame.filter(frame["enterprise_id"] == d["tenant"].pk).row(0, named=True)
    parcel = d["parcels"][0]
    assert owner["land_owned_mu"] == pytest.approx(float(m2_to_mu(parcel.area_m2)))
    assert owner["land_let_mu"] == pytest.approx(3.0)  # 2,000 m² let to the tenant
    assert owner["land_leased_mu"] is None
    assert tenant["land_leased_mu"] == pytest.approx(3.0) and tenant["land_owned_mu"] is None
    assert owner["scale"] == "above" and owner["industry_code"] == "3851" and owner["town"] == "新浦镇"
    assert owner["land_granted_on"] == dt.date(2005, 3, 1) and owner["_row"] == d["owner"].pk
    assert owner["tax"] == 600.0 and owner["energy_tce"] == 1200.0


def test_a_run_records_policy_inputs_and_every_result(evaluation_data):
    run = evaluation_data[XINPU]["run"]
    assert run.status == EvaluationRun.Status.PUBLISHED and run.year == 2025
    assert run.policy_version == "2026.1" and len(run.policy_hash) == 16 and "[[groups]]" in run.policy_toml
    assert run.policy.version == "2026.1" and run.policy.hash == run.policy_hash
    assert len(run.inputs_fingerprint) == 64 and run.inputs_counts["figures"] == 4
    results = {r.enterprise_id: r for r in EvaluationResult.objects.filter(run=run)}
    assert len(results) == 4
    for d in evaluation_data.values():
        owner, tenant = results[d["owner"].pk], results[d["tenant"].pk]
        assert owner.group == "above" and tenant.group == "tenant"
        assert owner.town_id == d["town"].pk and owner.outcome == "evaluated"
        assert set(owner.indicators) == {
            "tax_per_mu",
            "value_added_per_mu",
            "value_added_per_energy",
            "value_added_per_emission",
            "labour_productivity",
            "rnd_share",
        }
        assert owner.evaluation_class in "ABCD" and owner.reason_zh.startswith("规上企业，得分")
    # the same numbers as the engine on the same frame
    direct = evaluate(read_inputs([2025]).year(2025), None, year=2025).frame
    for row in direct.iter_rows(named=True):
        r = results[row["_row"]]
        assert (r.score, r.rank, r.evaluation_class) == (row["score"], row["rank"], row["class"])


def test_one_audit_row_per_run_action_not_per_result(registry_data, personas):
    before = AuditEntry.objects.count()
    run = services.run_create(actor=personas["admin"], year=2025)
    assert EvaluationResult.objects.filter(run=run).count() == 2  # two owners have figures in registry_data
    actions = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq").values_list("action", flat=True))
    assert actions == ["evaluation_policy.create", "evaluation_run.create"]
    services.run_publish(actor=personas["admin"], run=run)
    assert AuditEntry.objects.filter(object_type="evaluation.evaluationresult").count() == 0
    assert AuditEntry.objects.filter(action="evaluation_run.publish", object_id=str(run.pk)).count() == 1


def test_a_row_that_cannot_be_evaluated_is_a_problem_not_a_zero(registry_data, personas):
    # registry_data's owners have tax and value added but no energy, staff, R&D…: not a zero, a problem
    run = services.run_create(actor=personas["admin"], year=2025)
    rows = list(EvaluationResult.objects.filter(run=run))
    assert {r.outcome for r in rows} == {"problem"}
    assert all(r.score is None and r.evaluation_class == "" for r in rows)
    assert "综合能耗" in rows[0].reason_zh and rows[0].flags["problems"]
    assert run.summary["problems"] == 2 and run.summary["evaluated"] == 0


def test_a_draft_is_recomputed_on_the_current_inputs(evaluation_data, personas):
    analyst = personas["analyst"]
    draft = services.run_create(actor=analyst, year=2025, notes="初算")
    owner = evaluation_data[QIAOTOU]["owner"]
    old = EvaluationResult.objects.get(run=draft, enterprise=owner)
    old_fingerprint = draft.inputs_fingerprint
    YearlyFigure.objects.filter(enterprise=owner, year=2025).update(tax=5000)
    again = services.run_recompute(actor=analyst, run=draft)
    new = EvaluationResult.objects.get(run=again, enterprise=owner)
    assert again.pk == draft.pk and again.status == "draft"
    assert again.inputs_fingerprint != old_fingerprint
    assert new.indicators["tax_per_mu"]["value"] > old.indicators["tax_per_mu"]["value"]
    assert EvaluationResult.objects.filter(run=again).count() == 4
    assert AuditEntry.objects.filter(action="evaluation_run.recompute", object_id=str(draft.pk)).count() == 1


def test_a_published_run_is_immutable(evaluation_data, personas):
    run = evaluation_data[XINPU]["run"]
    before = list(
        EvaluationResult.objects.filter(run=run).order_by("pk").values_list("pk", "score", "evaluation_class")
    )
    YearlyFigure.objects.filter(year=2025).update(tax=1)
    for change in (
        lambda: services.run_recompute(actor=personas["admin"], run=run),
        lambda: services.run_publish(actor=personas["admin"], run=run),
        lambda: services.run_update_notes(actor=personas["admin"], run=run, notes="改"),
    ):
        with pytest.raises(RuleError) as exc:
            change()
        assert exc.value.problems[0].rule == "run.immutable"
    run.refresh_from_db()
    assert run.status == "published" and run.notes == ""
    after = list(EvaluationResult.objects.filter(run=run).order_by("pk").values_list("pk", "score", "evaluation_class"))
    assert after == before


def test_publishing_supersedes_the_years_published_run(evaluation_data, personas):
    first = evaluation_data[XINPU]["run"]
    assert published_run(2025, COUNTY) == first
    second = services.run_create(actor=personas["admin"], year=2025)
    services.run_publish(actor=personas["admin"], run=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.status == "published" and first.status == "superseded"
    assert first.superseded_by == second and first.superseded_at is not None
    assert published_run(2025, COUNTY) == second and published_run(None, COUNTY) == second
    assert EvaluationRun.objects.filter(year=2025, status="published").count() == 1
    assert EvaluationResult.objects.filter(run=first).count() == 4  # still readable
    with pytest.raises(RuleError):
        services.run_recompute(actor=personas["admin"], run=first)
    assert AuditEntry.objects.filter(action="evaluation_run.supersede", object_id=str(first.pk)).count() == 1


def test_published_classes_is_the_supervision_hook(evaluation_data, personas):
    classes = published_classes(2025)
    run = evaluation_data[XINPU]["run"]
    expected = dict(
        EvaluationResult.objects.filter(run=run, outcome="evaluated").values_list("enterprise_id", "evaluation_class")
    )
    assert classes == expected and len(classes) == 4 and set(classes.values()) <= set("ABCD")
    assert published_classes() == classes
    assert published_classes(2024) == {}
    services.run_create(actor=personas["admin"], year=2025)  # a draft changes nothing
    assert published_classes(2025) == classes


@pytest.mark.parametrize("who", ["supervisor", "leader", "xinpu"])
def test_only_county_admin_and_city_analyst_run_and_publish(evaluation_data, personas, who):
    with pytest.raises(PermissionDenied):
        services.run_create(actor=personas[who], year=2025)
    draft = services.run_create(actor=personas["admin"], year=2025)
    with pytest.raises(PermissionDenied):
        services.run_publish(actor=personas[who], run=draft)
    with pytest.raises(PermissionDenied):
        services.run_recompute(actor=personas[who], run=draft)


def test_a_year_without_figures_is_refused(registry_data, personas):
    with pytest.raises(RuleError) as exc:
        services.run_create(actor=personas["analyst"], year=2019)
    assert exc.value.problems[0].rule == "run.no_figures"
    assert not EvaluationRun.objects.exists()


def test_policy_versions_are_checked_and_unique(registry_data, personas):
    shipped = services.policy_version_shipped(actor=personas["analyst"])
    assert services.policy_version_shipped(actor=personas["leader"]) == shipped  # already recorded: no write
    text = (
        shipped.toml.replace('version = "2026.1"', 'version = "2026.2"')
        .replace("share = 20", "share = 15")
        .replace("share = 40", "share = 45")
    )
    v2 = services.policy_version_create(actor=personas["analyst"], name="测试", toml=text, based_on=shipped)
    assert v2.version == "2026.2" and v2.hash != shipped.hash and v2.based_on == shipped
    with pytest.raises(RuleError) as exc:
        services.policy_version_create(actor=personas["analyst"], name="重复", toml=text)
    assert exc.value.problems[0].rule == "policy.version_exists"
    with pytest.raises(RuleError) as exc:
        services.policy_version_create(
            actor=personas["analyst"],
            name="坏",
            toml=text.replace("share = 15", "share = 5").replace('"2026.2"', '"2026.3"'),
        )
    assert exc.value.problems[0].rule == "policy.classes"
    assert PolicyVersion.objects.count() == 2
