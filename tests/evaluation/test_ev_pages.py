"""Evaluation pages: what each role sees, the town officer's scope, the actions on a run, the enterprise
breakdown and its link from the enterprise page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU
from landcycle.evaluation.colours import class_hex
from landcycle.evaluation.models import EvaluationJob, EvaluationResult, EvaluationRun

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_navigation_leads_to_the_runs_list(client, personas, evaluation_data):
    resp = _get(client, personas["leader"], reverse("overview"))
    assert reverse("evaluation_runs") in resp.content.decode()
    resp = client.get(reverse("evaluation_runs"))
    body = resp.content.decode()
    assert resp.status_code == 200 and "2025年度" in body and "已发布" in body and "2026.1" in body
    assert "新建评价批次" not in body  # a leader reads only


@pytest.mark.page_cache_off  # reads the context of a page asked twice
def test_a_town_officer_sees_only_their_towns_results(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    mine, other = evaluation_data[XINPU], evaluation_data[QIAOTOU]
    for url in (
        reverse("evaluation_run_detail", args=[run.pk]),
        reverse("evaluation_run_results", args=[run.pk]),
        reverse("evaluation_run_results", args=[run.pk]) + f"?town={QIAOTOU}",
        reverse("evaluation_run_results", args=[run.pk]) + "?outcome=evaluated&sort=score",
    ):
        body = _get(client, personas["xinpu"], url).content.decode()
        assert mine["owner"].name in body or "新浦镇" in body
        assert other["owner"].name not in body and other["owner"].uscc not in body and other["tenant"].uscc not in body
    results = _get(client, personas["xinpu"], reverse("evaluation_run_results", args=[run.pk]))
    assert results.context["page_obj"].paginator.count == 2
    assert "（新浦镇）" in results.context["title"]
    county = _get(client, personas["leader"], reverse("evaluation_run_results", args=[run.pk]))
    assert county.context["page_obj"].paginator.count == 4 and "（全县）" in county.context["title"]


def test_another_towns_enterprise_breakdown_is_404(client, personas, evaluation_data):
    other = evaluation_data[QIAOTOU]["owner"]
    assert _get(client, personas["xinpu"], reverse("evaluation_enterprise", args=[other.pk])).status_code == 404
    mine = evaluation_data[XINPU]["owner"]
    resp = client.get(reverse("evaluation_enterprise", args=[mine.pk]))
    assert resp.status_code == 200


def test_the_breakdown_shows_each_indicator_against_its_benchmark(client, personas, evaluation_data):
    d = evaluation_data[XINPU]
    resp = _get(client, personas["xinpu"], reverse("evaluation_enterprise", args=[d["owner"].pk]))
    rows = {r["key"]: r for r in resp.context["rows"]}
    result = d["result"]
    assert list(rows) == [
        "tax_per_mu",
        "value_added_per_mu",
        "value_added_per_energy",
        "value_added_per_emission",
        "labour_productivity",
        "rnd_share",
    ]
    tax = rows["tax_per_mu"]
    assert tax["weight"] == 30 and tax["cap"] == 45
    assert tax["value"] == result.indicators["tax_per_mu"]["value"]
    assert tax["benchmark"] == result.indicators["tax_per_mu"]["benchmark"]
    assert tax["contribution"] == result.indicators["tax_per_mu"]["contribution"]
    assert rows["rnd_share"]["unit"] == "%"  # a ratio shown in per cent
    body = resp.content.decode()
    assert result.reason_zh in body and "2026.1" in body and "亩均税收" in body and "历年类别" in body


def test_the_enterprise_page_links_to_its_evaluation(client, personas, evaluation_data):
    d = evaluation_data[XINPU]
    resp = _get(client, personas["xinpu"], reverse("enterprise_detail", args=[d["owner"].pk]))
    body = resp.content.decode()
    assert reverse("evaluation_enterprise", args=[d["owner"].pk]) in body
    # the evaluation panel is registered by the evaluation app on the registry's page (registry.hooks)
    (panel,) = [
        p["context"] for p in resp.context["sections"] if p["template"] == "evaluation/_enterprise_classes.html"
    ]
    assert [y["year"] for y in panel["evaluation_years"]] == [2025]


def test_run_detail_counts_by_group_and_town_and_draws_a_histogram(client, personas, evaluation_data):
    run = evaluation_data[XINPU]["run"]
    resp = _get(client, personas["leader"], reverse("evaluation_run_detail", args=[run.pk]))
    ctx = resp.context
    assert {r["key"] for r in ctx["by_group"]} == {"above", "tenant"}
    assert sum(r["total"] for r in ctx["by_town"]) == 4 and len(ctx["by_town"]) == 2
    svg = str(ctx["histogram"])  # kit.charts (Vega-Lite on the server): axes in Chinese, a hover title per segment
    assert svg.startswith("<svg") and 'aria-label="得分分布直方图"' in svg
    assert "得分（分）" in svg and "企业数（家）" in svg
    classes = {d["result"].evaluation_class for d in evaluation_data.values()} - {""}
    for k in classes:  # each class in its colour (A green, B blue, C orange, D red) and named in the legend
        assert f'fill="{class_hex(k)}"' in svg and f"{k} " in svg
    assert svg.count("<title>") >= len(classes)
    body = resp.content.decode()
    assert "重新计算" not in body and "发布为正式结果" not in body  # published, and a leader


def test_publish_and_recompute_from_the_page(client, personas, evaluation_data, run_tasks):
    client.force_login(personas["analyst"])
    resp = client.post(
        reverse("evaluation_run_new"),
        {"year": 2025, "policy": evaluation_data[XINPU]["run"].policy_id, "notes": "复核"},
    )
    job = EvaluationJob.objects.get()
    assert resp.status_code == 302 and resp["Location"] == reverse("evaluation_job", args=[job.pk])
    assert run_tasks() == 1
    draft = EvaluationRun.objects.get(status="draft")
    job.refresh_from_db()
    assert job.run == draft and draft.notes == "复核"
    url = reverse("evaluation_run_detail", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "重新计算" in page and "发布为正式结果" in page
    again = client.post(url, {"action": "recompute"})
    recompute = EvaluationJob.objects.get(kind="recompute")
    assert again.status_code == 302 and again["Location"] == reverse("evaluation_job", args=[recompute.pk])
    assert run_tasks() == 1
    recompute.refresh_from_db()
    assert (recompute.status, recompute.run_id) == ("done", draft.pk)
    client.post(url, {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == "published"
    assert EvaluationRun.objects.get(pk=evaluation_data[XINPU]["run"].pk).status == "superseded"
    follow = client.post(url, {"action": "recompute"}, follow=True)
    assert "不能重新计算" in follow.content.decode()  # refused at once, with its reason
    assert EvaluationJob.objects.count() == 2


@pytest.mark.parametrize("who", ["leader", "supervisor", "xinpu"])
def test_readers_cannot_act_on_a_run(client, personas, evaluation_data, who, run_tasks):
    client.force_login(personas["admin"])
    client.post(reverse("evaluation_run_new"), {"year": 2025, "policy": evaluation_data[XINPU]["run"].policy_id})
    run_tasks()
    draft = EvaluationRun.objects.get(status="draft")
    client.force_login(personas[who])
    url = reverse("evaluation_run_detail", args=[draft.pk])
    assert client.get(url).status_code == 404  # a draft is the county's until published (issue 13)
    assert client.post(url, {"action": "publish"}).status_code == 404
    published = reverse("evaluation_run_detail", args=[evaluation_data[XINPU]["run"].pk])
    assert client.post(published, {"action": "recompute"}).status_code == 404
    assert client.get(reverse("evaluation_run_new")).status_code == 404
    # the what-if computes in memory: the county's readers open it read-only, a town officer does not
    assert client.get(reverse("evaluation_whatif")).status_code == (404 if who == "xinpu" else 200)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_run_of_a_year_without_figures_is_not_offered(client, personas, evaluation_data):
    resp = _get(client, personas["analyst"], reverse("evaluation_run_new"))
    assert [c[0] for c in resp.context["form"].fields["year"].choices] == [2025]
    bad = client.post(reverse("evaluation_run_new"), {"year": 2019, "policy": "shipped"})
    assert bad.status_code == 200 and not EvaluationRun.objects.filter(year=2019).exists()
    assert not EvaluationJob.objects.exists()


def test_results_filters_and_problem_rows(client, personas, registry_data):
    from landcycle.evaluation import services

    run = services.run_create(actor=personas["admin"], year=2025)  # figures incomplete: problems
    # a draft: read by the evaluation's writers only (readers get 404, test_ev_drafts_and_colours.py)
    resp = _get(client, personas["analyst"], reverse("evaluation_run_results", args=[run.pk]) + "?outcome=problem")
    assert resp.context["page_obj"].paginator.count == 2
    assert "无法评价" in resp.content.decode()
    detail = client.get(reverse("evaluation_run_detail", args=[run.pk]))
    assert len(detail.context["problems"]) == 2 and "综合能耗" in detail.content.decode()
    assert EvaluationResult.objects.filter(run=run, outcome="problem").count() == 2


def test_pages_say_what_to_do_when_there_is_nothing_yet(client, personas):
    client.force_login(personas["analyst"])
    for name, text in (
        ("evaluation_runs", "还没有评价批次"),
        ("evaluation_run_new", "还没有企业年度数据"),
        ("evaluation_whatif", "还没有可测算的年度数据"),
    ):
        resp = client.get(reverse(name))
        assert resp.status_code == 200 and text in resp.content.decode(), name
