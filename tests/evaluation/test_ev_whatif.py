"""What-if building blocks: parameters applied to a policy, readable policy problems, the comparison of
two sides, the TOML writer; and the page on the small county (nothing is saved by looking)."""

from __future__ import annotations

import tomllib

import polars as pl
import pytest
from django.urls import reverse

from conftest import XINPU
from landcycle.evaluation import whatif
from landcycle.evaluation.models import EvaluationRun, PolicyVersion
from landcycle.evaluation.policy import dumps
from landcycle.rules.evaluation import default_policy, parse_policy


def test_the_toml_writer_round_trips_the_shipped_policy():
    policy = default_policy()
    text = dumps(policy.data, ["测试 / a test"])
    assert text.startswith("# 测试 / a test\n")
    data = tomllib.loads(text)
    assert data == {k: v for k, v in policy.data.items() if k != "hash"}
    assert parse_policy(data).hash == policy.hash


def test_parameters_change_a_copy_of_the_policy_and_say_what_changed():
    base = default_policy().data
    edit = whatif.apply_params(
        base,
        {
            "w.above.tax_per_mu": "35",
            "w.above.rnd_share": "5",
            "share.A": "25",
            "share.D": "",
            "cap.tenant.tax_per_mu": "60",
            "lo.below_large": "5",
            "hi.below_small": "5",
            "method": "rank_percentile",
            "cap_factor": "1.5",
        },
    )
    assert base["groups"][0]["indicators"][0]["weight"] == 30  # the base is untouched
    g = edit.data["groups"]
    assert g[0]["indicators"][0]["weight"] == 35 and g[0]["indicators"][5]["weight"] == 5
    assert g[1]["indicators"][0]["cap"] == 60 and g[2]["min_land_mu"] == 5 and g[3]["max_land_mu"] == 5
    labels = [c[0] for c in edit.changes]
    assert "规上企业：亩均税收权重" in labels and "A类占比（%）" in labels and len(edit.changes) == 7
    assert ("D类占比（%）", 5, None) in edit.changes  # blank: removed
    policy, problems = whatif.parse_edit(edit)
    assert policy is None  # A 25 + B 40 + C 35 + D (blank: removed) does not add up
    assert any("类" in p.zh for p in problems)


def test_a_bad_number_and_bad_weights_are_reported_in_words_a_clerk_reads():
    edit = whatif.apply_params(default_policy().data, {"w.above.tax_per_mu": "三十"})
    _, problems = whatif.parse_edit(edit)
    assert problems[0].rule == "whatif.number" and "三十" in problems[0].zh
    edit = whatif.apply_params(default_policy().data, {"w.above.rnd_share": "0"})
    _, problems = whatif.parse_edit(edit)
    zh = " ".join(p.zh for p in problems)
    assert "规上企业：R&D经费支出占主营业务收入比重权重" in zh and "groups[" not in zh
    assert "分组“规上企业”的权重合计应为100" in zh


def test_compare_counts_transitions_by_enterprise():
    side = whatif.SIDE
    base = pl.DataFrame(
        [
            (1, "evaluated", "A", 90.0, 1, "g"),
            (2, "evaluated", "B", 80.0, 2, "g"),
            (3, "exempt", None, None, None, "g"),
            (4, "evaluated", "D", 10.0, 3, "g"),
        ],
        schema=side,
        orient="row",
    )
    new = pl.DataFrame(
        [
            (1, "evaluated", "B", 85.0, 2, "g"),
            (2, "evaluated", "A", 88.0, 1, "g"),
            (3, "exempt", None, None, None, "g"),
            (5, "problem", None, None, None, None),
        ],
        schema=side,
        orient="row",
    )
    out = whatif.compare(base, new, ["A", "B", "C", "D"])
    cells = {(r["from"], c["to"]): c["n"] for r in out["matrix"] for c in r["cells"]}
    assert cells[("A", "B")] == 1 and cells[("B", "A")] == 1 and cells[("exempt", "exempt")] == 1
    assert cells[("D", "none")] == 1 and cells[("none", "problem")] == 1
    assert out["changed_n"] == 4 and out["up"] == 1 and out["down"] == 1 and out["other"] == 2
    assert out["categories"] == ["A", "B", "C", "D", "exempt", "problem", "none"]
    assert out["total"] == 5 and sum(out["column_totals"]) == 5


@pytest.mark.django_db
def test_the_page_computes_without_saving(client, personas, evaluation_data):
    client.force_login(personas["analyst"])
    runs, versions = EvaluationRun.objects.count(), PolicyVersion.objects.count()
    # with two firms per group, A + B 75 % gives the second firm of each group B instead of C (an A needs a
    # group of 3: the policy's small-group rule, so A 40 % would change nothing here)
    resp = client.get(reverse("evaluation_whatif"), {"year": "2025", "share.B": "55", "share.C": "20"})
    result = resp.context["result"]
    assert result["changed_n"] == 2 and result["up"] == 2
    cells = {(r["from"], c["to"]): c["n"] for r in result["matrix"] for c in r["cells"]}
    assert cells[("C", "B")] == 2 and cells[("B", "B")] == 2
    run = evaluation_data[XINPU]["run"]
    seconds = set(run.results.filter(rank=2).values_list("enterprise__name", flat=True))
    assert {r["ent"]["name"] for r in resp.context["page_obj"].rows} == seconds and len(seconds) == 2
    assert (EvaluationRun.objects.count(), PolicyVersion.objects.count()) == (runs, versions)
    bad = client.get(reverse("evaluation_whatif"), {"year": "2025", "share.A": "50"})
    assert "result" not in bad.context and bad.context["problems"]
    assert "各类占比合计应为100%" in bad.content.decode()


@pytest.mark.django_db
def test_saving_a_version_without_a_run(client, personas, evaluation_data):
    client.force_login(personas["admin"])
    url = reverse("evaluation_whatif") + "?year=2025&w.tenant.tax_per_mu=60&w.tenant.tax_per_kwh=40"
    resp = client.post(url, {"name": "租赁企业侧重亩均税收", "version": "2026.2"})
    version = PolicyVersion.objects.get(version="2026.2")
    assert resp["Location"] == reverse("evaluation_policy_detail", args=[version.pk])
    assert not EvaluationRun.objects.filter(policy=version).exists()
    policy = parse_policy(tomllib.loads(version.toml))
    assert [i.weight for i in policy.group("tenant").indicators] == [60, 40] and policy.version == "2026.2"
    again = client.post(url, {"name": "同名", "version": "2026.2"})
    assert again.status_code == 200 and "已存在" in again.content.decode()
    page = client.get(resp["Location"]).content.decode()
    assert "2026.2" in page and "租赁企业侧重亩均税收" in page
    assert evaluation_data[XINPU]["run"].policy.version == "2026.1"
