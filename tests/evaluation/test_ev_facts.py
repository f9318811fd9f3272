"""Evaluation facts (评价事项) in every database run: vetoes, protections, 政策性搬迁 and merged units are
recorded per enterprise and year, and a run from the database applies them like ``landcycle evaluate``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from conftest import QIAOTOU, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.evaluation import services
from landcycle.evaluation.inputs import read_inputs
from landcycle.evaluation.models import EvaluationFact, EvaluationResult, YearlyFigure
from landcycle.evaluation.services.facts import fact_delete, fact_record
from landcycle.registry.models import Enterprise
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db


def _results(run):
    return {r.enterprise_id: r for r in EvaluationResult.objects.filter(run=run)}


def _best_owner(data):
    run = data[XINPU]["run"]
    results = _results(run)
    owners = [d["owner"] for d in data.values()]
    return min(owners, key=lambda e: results[e.pk].rank), results


def test_a_recorded_veto_puts_a_firm_at_c_in_a_database_run(evaluation_data, personas):
    best, before = _best_owner(evaluation_data)
    assert before[best.pk].evaluation_class in ("A", "B")
    fact_record(
        actor=personas["analyst"],
        enterprise=best,
        year=2025,
        kind="veto_illegal_land",
        occurred_on=dt.date(2025, 6, 3),
        source="慈自然资罚〔2025〕12号",
    )
    run = services.run_create(actor=personas["analyst"], year=2025)
    r = _results(run)[best.pk]
    assert r.evaluation_class == "C" and r.class_by_rank == before[best.pk].evaluation_class
    assert r.flags["vetoes"] == ["illegal_land_use"] and "违法用地" in r.reason_zh
    assert run.inputs_fingerprint != evaluation_data[XINPU]["run"].inputs_fingerprint


def test_a_protection_keeps_a_firm_above_d(evaluation_data, personas):
    frame = read_inputs([2025]).year(2025)
    assert frame["construction"].sum() == 0
    owner = evaluation_data[QIAOTOU]["owner"]
    fact_record(actor=personas["admin"], enterprise=owner, year=2025, kind="construction", source="慈发改〔2025〕3号")
    frame = read_inputs([2025]).year(2025)
    assert frame.filter(frame["enterprise_id"] == owner.pk)["construction"].item() is True
    assert frame.filter(frame["enterprise_id"] != owner.pk)["construction"].sum() == 0


def test_merged_firms_are_one_unit_in_a_database_run(evaluation_data, personas):
    d = evaluation_data[XINPU]
    # a unit's figure is missing when any member's is: the tenant reports everything the 规上 group reads
    YearlyFigure.objects.filter(enterprise=d["tenant"]).update(energy_tce=80, emissions_t=0.1, rnd=10, staff=20)
    for ent in (d["owner"], d["tenant"]):
        fact_record(
            actor=personas["analyst"],
            enterprise=ent,
            year=2025,
            kind="merge_key",
            value="XP-0001",
            source="新浦镇同地块企业合并评价认定",
        )
    run = services.run_create(actor=personas["analyst"], year=2025)
    results = _results(run)
    owner, tenant = results[d["owner"].pk], results[d["tenant"].pk]
    assert owner.flags["merge_key"] == "XP-0001" and tenant.flags["merge_key"] == "XP-0001"
    assert (owner.score, owner.rank, owner.evaluation_class, owner.group) == (
        tenant.score,
        tenant.rank,
        tenant.evaluation_class,
        tenant.group,
    )
    assert owner.group == "above" and owner.outcome == "evaluated" and owner.group_size == 2


def test_relocation_by_policy_is_its_own_fact_not_the_status(evaluation_data, personas):
    d = evaluation_data[QIAOTOU]
    Enterprise.objects.filter(pk=d["tenant"].pk).update(status=Enterprise.Status.RELOCATED)
    run = services.run_create(actor=personas["analyst"], year=2025)
    assert _results(run)[d["tenant"].pk].outcome == "evaluated"  # 迁出 alone is not 政策性搬迁
    fact_record(
        actor=personas["analyst"],
        enterprise=d["owner"],
        year=2025,
        kind="relocated",
        source="慈政发〔2024〕21号 政策性搬迁名单",
    )
    run = services.run_create(actor=personas["analyst"], year=2025)
    r = _results(run)[d["owner"].pk]
    assert r.outcome == "exempt" and r.flags["exemption"] == "relocated" and "政策性搬迁" in r.reason_zh


def test_the_result_page_names_the_relocation_source(client, evaluation_data, personas):
    from django.urls import reverse

    owner = evaluation_data[QIAOTOU]["owner"]
    fact_record(
        actor=personas["analyst"],
        enterprise=owner,
        year=2025,
        kind="relocated",
        source="慈政发〔2024〕21号 政策性搬迁名单",
    )
    services.run_publish(actor=personas["analyst"], run=services.run_create(actor=personas["analyst"], year=2025))
    client.force_login(personas["leader"])
    body = client.get(reverse("evaluation_enterprise", args=[owner.pk])).content.decode()
    reason = body.split('id="exemption-reason"')[1].split("</dd>")[0]
    assert "政策性搬迁" in reason and "慈政发〔2024〕21号" in reason


def test_facts_are_written_by_the_evaluation_roles_with_an_audit_row_and_a_source(evaluation_data, personas):
    owner = evaluation_data[XINPU]["owner"]
    with pytest.raises(PermissionDenied):
        fact_record(actor=personas["xinpu"], enterprise=owner, year=2025, kind="veto_safety", source="x")
    with pytest.raises(RuleError) as err:
        fact_record(actor=personas["admin"], enterprise=owner, year=2025, kind="veto_safety", source=" ")
    assert [p.field for p in err.value.problems] == ["source"]
    with pytest.raises(RuleError) as err:
        fact_record(actor=personas["admin"], enterprise=owner, year=2025, kind="merge_key", source="s")
    assert [p.rule for p in err.value.problems] == ["fact.merge_key"]
    with pytest.raises(RuleError) as err:
        fact_record(actor=personas["admin"], enterprise=owner, year=2025, kind="tax_evasion", source="s")
    assert [p.rule for p in err.value.problems] == ["fact.kind"]
    fact = fact_record(
        actor=personas["admin"],
        enterprise=owner,
        year=2025,
        kind="veto_safety",
        occurred_on=dt.date(2025, 3, 1),
        source="慈应急〔2025〕7号",
    )
    entry = AuditEntry.objects.filter(action="evaluation_fact.create").get()
    assert entry.object_id == str(fact.pk) and "慈应急" in entry.after
    fact_record(actor=personas["admin"], enterprise=owner, year=2025, kind="veto_safety", source="慈应急〔2025〕8号")
    assert EvaluationFact.objects.get().source == "慈应急〔2025〕8号"
    fact_delete(actor=personas["analyst"], fact=EvaluationFact.objects.get())
    assert not EvaluationFact.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="evaluation_fact.").count() == 3


def test_facts_are_entered_on_the_enterprise_page_and_the_result_shows_the_veto_with_its_source(
    client, evaluation_data, personas
):
    from django.urls import reverse

    best, _ = _best_owner(evaluation_data)
    url = reverse("evaluation_enterprise", args=[best.pk])
    client.force_login(personas["leader"])
    body = client.get(url).content.decode()
    assert 'id="facts"' in body and 'id="fact-form"' not in body  # a leader reads only
    assert client.post(url, {"action": "fact", "year": 2025, "kind": "veto_safety", "source": "x"}).status_code == 404
    client.force_login(personas["analyst"])
    assert 'id="fact-form"' in client.get(url).content.decode()
    resp = client.post(url, {"action": "fact", "year": 2025, "kind": "veto_safety", "source": ""})
    assert resp.status_code == 200 and not EvaluationFact.objects.exists() and "has-error" in resp.content.decode()
    resp = client.post(
        url,
        {
            "action": "fact",
            "year": 2025,
            "kind": "veto_safety",
            "occurred_on": "2025-04-09",
            "source": "慈应急罚〔2025〕12号",
        },
    )
    assert resp.status_code == 302 and EvaluationFact.objects.get().kind == "veto_safety"
    run = services.run_publish(actor=personas["analyst"], run=services.run_create(actor=personas["analyst"], year=2025))
    body = client.get(url).content.decode()
    assert f"?run={run.pk}" in body
    veto = body.split('id="veto-reason"')[1].split("</dd>")[0]
    assert "重大安全生产事故" in veto and "2025-04-09" in veto and "慈应急罚〔2025〕12号" in veto and "C 类" in veto
    # a town officer of another town does not reach the enterprise at all
    client.force_login(personas["qiaotou"] if best.town.code == XINPU else personas["xinpu"])
    assert client.get(url).status_code == 404
    client.force_login(personas["admin"])
    resp = client.post(url, {"action": "fact_delete", "fact": EvaluationFact.objects.get().pk})
    assert resp.status_code == 302 and not EvaluationFact.objects.exists()


def test_a_fact_dated_outside_the_plausible_range_is_refused():
    import datetime as dt

    from landcycle.evaluation.services.facts import fact_problems

    far = fact_problems(
        kind="veto_safety", year=2025, value="", occurred_on=dt.date(1, 1, 1), source="慈应急罚〔2025〕1号"
    )
    assert [(p.field, p.rule) for p in far] == [("occurred_on", "date.too_early")]
    assert (
        fact_problems(
            kind="veto_safety", year=2025, value="", occurred_on=dt.date(2025, 3, 1), source="慈应急罚〔2025〕1号"
        )
        == []
    )
