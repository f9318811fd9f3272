"""A draft run is the county's until it is published: only the evaluation's writers (county administrator,
city analyst) see or export it. The what-if page opens read-only for the county's readers and saves only for the
writers. The classes are coloured A green, B blue, C orange, D red on pages, charts and exports alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse

from conftest import XINPU
from landcycle.evaluation import services
from landcycle.evaluation.charts import class_colours
from landcycle.evaluation.colours import class_colour, class_hex, class_light
from landcycle.evaluation.models import EvaluationRun, PolicyVersion
from landcycle.kit.palette import HEX

pytestmark = pytest.mark.django_db

READERS = ["leader", "supervisor", "xinpu"]
WRITERS = ["admin", "analyst"]


@pytest.fixture
def draft(evaluation_data, personas):
    """A 2025 draft computed beside the published 2025 run."""
    return services.run_create(actor=personas["admin"], year=2025, notes="复核草稿")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("who", READERS)
def test_readers_neither_see_nor_export_a_draft(client, personas, evaluation_data, draft, who):
    user = personas[who]
    listed = _get(client, user, reverse("evaluation_runs"))
    assert draft.pk not in [r.pk for r in listed.context["runs"]]
    assert evaluation_data[XINPU]["run"].pk in [r.pk for r in listed.context["runs"]]
    assert "草稿批次" not in listed.content.decode()
    for url in (
        reverse("evaluation_run_detail", args=[draft.pk]),
        reverse("evaluation_run_results", args=[draft.pk]),
        reverse("evaluation_run_results", args=[draft.pk]) + "?export=xlsx",
    ):
        assert client.get(url).status_code == 404, url
    policy = client.get(reverse("evaluation_policy_detail", args=[draft.policy_id]))
    assert draft.pk not in [r.pk for r in policy.context["runs"]]


@pytest.mark.parametrize("who", WRITERS)
def test_writers_see_and_export_a_draft(client, personas, evaluation_data, draft, who):
    listed = _get(client, personas[who], reverse("evaluation_runs"))
    assert draft.pk in [r.pk for r in listed.context["runs"]]
    assert client.get(reverse("evaluation_run_detail", args=[draft.pk])).status_code == 200
    assert client.get(reverse("evaluation_run_results", args=[draft.pk]) + "?export=xlsx").status_code == 200


@pytest.mark.parametrize("who", ["leader", "xinpu"])
def test_an_enterprises_pages_show_readers_no_draft(client, personas, evaluation_data, draft, who):
    owner = evaluation_data[XINPU]["owner"]
    EvaluationRun.objects.filter(pk=evaluation_data[XINPU]["run"].pk).update(status="draft")  # 2025: drafts only
    client.force_login(personas[who])
    page = client.get(reverse("enterprise_detail", args=[owner.pk]))
    (panel,) = [
        p["context"] for p in page.context["sections"] if p["template"] == "evaluation/_enterprise_classes.html"
    ]
    assert panel["evaluation_years"] == []
    result = client.get(reverse("evaluation_enterprise", args=[owner.pk]) + f"?run={draft.pk}")
    assert result.status_code == 200
    assert result.context["result"] is None and result.context["history"] == []


def test_the_writer_still_sees_the_drafts_of_an_enterprise(client, personas, evaluation_data, draft):
    owner = evaluation_data[XINPU]["owner"]
    EvaluationRun.objects.filter(pk=evaluation_data[XINPU]["run"].pk).update(status="draft")
    client.force_login(personas["analyst"])
    page = client.get(reverse("enterprise_detail", args=[owner.pk]))
    (panel,) = [
        p["context"] for p in page.context["sections"] if p["template"] == "evaluation/_enterprise_classes.html"
    ]
    assert [(y["year"], y["official"]) for y in panel["evaluation_years"]] == [(2025, False)]
    result = client.get(reverse("evaluation_enterprise", args=[owner.pk]) + f"?run={draft.pk}")
    assert result.context["result"].run_id == draft.pk


@pytest.mark.parametrize("who", ["leader", "supervisor"])
def test_the_county_readers_open_the_what_if_read_only(client, personas, evaluation_data, who):
    client.force_login(personas[who])
    url = reverse("evaluation_whatif") + "?year=2025&share.B=55&share.C=20"
    resp = client.get(url)
    assert resp.status_code == 200 and resp.context["result"]["changed_n"] == 2
    body = resp.content.decode()
    assert 'id="save-version"' not in body and 'id="read-only"' in body
    versions, runs = PolicyVersion.objects.count(), EvaluationRun.objects.count()
    assert client.post(url, {"name": "偷偷保存", "version": "2026.9", "and_run": "on"}).status_code == 404
    assert (PolicyVersion.objects.count(), EvaluationRun.objects.count()) == (versions, runs)
    assert 'href="/evaluation/whatif/"' in client.get(reverse("evaluation_runs")).content.decode()


def test_the_read_only_what_if_offers_only_published_years(client, personas, evaluation_data):
    EvaluationRun.objects.filter(pk=evaluation_data[XINPU]["run"].pk).update(status="draft")
    resp = _get(client, personas["leader"], reverse("evaluation_whatif") + "?year=2025")
    assert resp.status_code == 200 and resp.context["years"] == [] and "result" not in resp.context
    writer = _get(client, personas["analyst"], reverse("evaluation_whatif") + "?year=2025")
    assert writer.context["years"] == [2025] and 'id="save-version"' in writer.content.decode()


def test_a_town_officer_gets_404_on_the_what_if(client, personas, evaluation_data):
    resp = _get(client, personas["xinpu"], reverse("evaluation_whatif"))
    assert resp.status_code == 404
    assert 'href="/evaluation/whatif/"' not in client.get(reverse("evaluation_runs")).content.decode()


def test_the_classes_are_green_blue_orange_red():
    assert [class_colour(k) for k in "ABCD"] == ["class-green", "class-blue", "class-orange", "class-red"]
    hexes = [class_hex(k) for k in "ABCD"]
    assert hexes == [HEX["class-green"], HEX["class-blue"], HEX["class-orange"], HEX["class-red"]]

    def hue(h: str) -> str:
        r, g, b = (int(h[i : i + 2], 16) for i in (1, 3, 5))
        if b > r and b > g:
            return "blue"
        if g > r:
            return "green"
        return "red" if g < 0x60 else "orange"

    assert [hue(h) for h in hexes] == ["green", "blue", "orange", "red"]
    assert {class_light(k) for k in "ABCD"} and class_colour("X") == "grey"
    # never the warning colours' own shades (app.css --warn-*), so a class does not read as a warning
    css = (Path(__file__).parents[2] / "src/landcycle/web/static/web/app.css").read_text()
    warn = {h.lower() for h in re.findall(r"--warn-\w+: (#[0-9a-fA-F]{6})", css)}
    assert len(warn) == 3 and not warn & {h.lower() for h in hexes}
    for name in ("class-green", "class-blue", "class-orange", "class-red"):
        assert f".tag-{name} " in css


def test_pages_and_charts_use_the_class_colours():
    html = Template("{% load ev %}{% class_tag 'A' %}{% class_tag 'D' %}").render(Context({}))
    assert "tag-class-green" in html and "tag-class-red" in html
    colours = class_colours(["A", "B", "C", "D"], {})
    assert list(colours.values()) == [class_hex(k) for k in "ABCD"]
