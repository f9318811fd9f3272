"""The home page carries admission's work: the town sees its drafts to submit, the county what waits for review;
nobody sees another town's applications."""

from __future__ import annotations

from admission_data import DAY, draft, xinpu  # noqa: F401 -- fixtures
from django.urls import reverse

from landcycle.admission.services.applications import application_submit


def _sections(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {str(s["title"]): s for s in response.context["sections"]}


def test_town_sees_its_draft_and_the_county_what_to_review(client, personas, draft):
    town = _sections(client, personas["xinpu"])["项目准入：待提交、待修改、待签约"]
    assert town["total"] == 1 and town["items"][0]["url"] == reverse("application_detail", args=[draft.pk])
    assert "ZR-2026-001" in town["items"][0]["text"]
    other = _sections(client, personas["qiaotou"])["项目准入：待提交、待修改、待签约"]
    assert other["total"] == 0 and not other["items"]
    county = _sections(client, personas["admin"])["项目准入：待联审、待决定"]
    assert county["total"] == 0

    application_submit(actor=personas["xinpu"], application=draft, on=DAY)
    assert _sections(client, personas["xinpu"])["项目准入：待提交、待修改、待签约"]["total"] == 0
    county = _sections(client, personas["admin"])["项目准入：待联审、待决定"]
    assert county["total"] == 1 and "ZR-2026-001" in county["items"][0]["text"]
    assert county["more_url"] == reverse("application_list") + "?status=submitted"


def test_the_enterprise_file_lists_its_applications(client, personas, xinpu, draft):
    draft.enterprise = xinpu["owner"]
    draft.save(update_fields=["enterprise"])
    url = reverse("enterprise_detail", args=[draft.enterprise.pk])
    client.force_login(personas["xinpu"])
    html = client.get(url).content.decode()
    assert 'id="applications"' in html and "ZR-2026-001" in html
    client.force_login(personas["qiaotou"])
    assert client.get(url).status_code == 404


def test_rule_tables_say_where_a_rule_was_set_in_words(client, personas, xinpu):
    client.force_login(personas["xinpu"])
    html = client.get(reverse("admission_park_rules", args=[xinpu["park"].pk])).content.decode()
    assert "全县默认规则" in html
    assert ">default<" not in html and "kinds." not in html
