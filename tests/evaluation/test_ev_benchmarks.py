"""A run whose policy takes the previous year's average as the benchmark reads the year before from the
database, and its page names the benchmark year and values."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import XINPU
from landcycle.evaluation import services
from landcycle.evaluation.models import EvaluationResult, YearlyFigure

pytestmark = pytest.mark.django_db


def _previous_year_policy() -> str:
    text = services.shipped_policy_text()
    text = text.replace('version = "2026.1"', 'version = "2026.1-prev"', 1)
    return text.replace('benchmark = { method = "group_mean" }', 'benchmark = { method = "previous_year" }')


def test_a_run_with_previous_year_benchmarks_reads_the_year_before_and_names_it(client, evaluation_data, personas):
    analyst = personas["analyst"]
    for f in YearlyFigure.objects.filter(year=2025):
        f.pk, f.year = None, 2024
        f.tax = f.tax / 2
        f.save()
    version = services.policy_version_create(actor=analyst, name="上年平均", toml=_previous_year_policy())
    run = services.run_create(actor=analyst, year=2025, policy=version)
    above = [b for b in run.benchmarks if b["group"] == "above" and b["indicator"] == "tax_per_mu"]
    assert above and above[0]["year"] == 2024 and above[0]["method"] == "previous_year:group"
    same = services.run_create(actor=analyst, year=2025)
    same_b = next(b for b in same.benchmarks if b["group"] == "above" and b["indicator"] == "tax_per_mu")
    assert above[0]["benchmark"] == pytest.approx(same_b["benchmark"] / 2, rel=1e-6)  # 2024 paid half the tax
    owner = EvaluationResult.objects.get(run=run, enterprise=evaluation_data[XINPU]["owner"])
    assert owner.indicators["tax_per_mu"]["benchmark"] == pytest.approx(above[0]["benchmark"], rel=1e-6)
    client.force_login(analyst)
    body = client.get(reverse("evaluation_run_detail", args=[run.pk])).content.decode()
    methods = body.split('id="benchmark-methods"')[1].split("</div></div>")[0]
    assert "上年平均（2024年组内总量比）" in methods and "2024年" in body
    # without the year before, the firms cannot be evaluated and the reason says which year is missing
    YearlyFigure.objects.filter(year=2024).delete()
    bare = services.run_create(actor=analyst, year=2025, policy=version)
    assert bare.summary["evaluated"] == 0
    assert "2024年" in EvaluationResult.objects.filter(run=bare, outcome="problem").first().reason_zh


def test_the_run_page_says_when_a_group_is_too_small_for_a_class(client, evaluation_data, personas):
    run = evaluation_data[XINPU]["run"]
    client.force_login(personas["leader"])
    body = client.get(reverse("evaluation_run_detail", args=[run.pk])).content.decode()
    notes = body.split('id="small-groups"')[1].split("</div></div>")[0]
    assert "规上企业共 2 家参评，少于 3 家，不设 A 类" in notes and "少于 11 家，不设 D 类" in notes
