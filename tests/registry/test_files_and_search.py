"""一企一档 / 一地一档 / 园区档案 and the top bar's search: every section each app registers is on the file, a
section with nothing says 无, the header carries the key facts; files and search keep to the user's towns."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import QIAOTOU, XINPU

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(supervision_data, rectification_data, evaluation_data):
    """Registry, contracts with warnings, rectification tasks with evidence and a published evaluation in 新浦镇
    and 桥头镇 (the shared fixtures all extend the same registry_data)."""
    return supervision_data


def _html(client, user, name, pk):
    client.force_login(user)
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response, response.content.decode()


def _section(html: str, anchor: str) -> str:
    """The markup of one section of a file, from its opening tag to the next section."""
    start = html.index(f'id="{anchor}"')
    end = html.find("file-section", start + 10)
    return html[start : end if end > 0 else len(html)]


def test_enterprise_file_has_every_section(client, personas, county):
    d = county[XINPU]
    response, html = _html(client, personas["xinpu"], "enterprise_detail", d["owner"].pk)
    nav = [n["anchor"] for n in response.context["file_nav"]]
    assert nav == [
        "land",
        "contracts",
        "applications",
        "warnings",
        "evaluation",
        "rectification",
        "documents",
        "exit-cases",  # exits (issue 15): the firm's vacating cases
        "info",
    ]
    for anchor in nav:
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert d["parcels"][0].number in _section(html, "land")
    contracts = _section(html, "contracts")
    assert d["contract"].number in contracts and "开工：约定 2024-06-30，已逾期" in contracts
    assert "2026-12-31" in contracts and "已延期" in contracts  # the approved completion extension
    warnings = _section(html, "warnings")
    assert d["warning"].reason_zh in warnings and "tag-warn-red" in warnings
    assert reverse("warning_detail", args=[d["warning"].pk]) in warnings
    evaluation = _section(html, "evaluation")
    assert "<svg" in evaluation and reverse("evaluation_enterprise", args=[d["owner"].pk]) in evaluation
    assert d["task"].title in _section(html, "rectification")
    documents = _section(html, "documents")
    assert d["evidence"].name in documents and reverse("evidence_download", args=[d["evidence"].pk]) in documents
    labels = {str(f["label"]): f for f in response.context["facts"]}
    assert labels["统一社会信用代码"]["value"] == d["owner"].uscc
    assert labels["所在园区"]["value"] == d["park"].name
    assert d["result"].evaluation_class in str(labels["最新评价类别"]["value"])
    assert "tag-warn-red" in str(labels["未销号预警"]["value"])
    # nothing of the other town
    q = county[QIAOTOU]
    assert q["contract"].number not in html and q["task"].title not in html


def test_empty_sections_say_none(client, personas, registry_data):
    """A firm with no contract, warning, task or evaluation: each section is one line 无, not an empty box."""
    tenant = registry_data[XINPU]["tenant"]
    _response, html = _html(client, personas["admin"], "enterprise_detail", tenant.pk)
    for anchor in ("contracts", "warnings", "evaluation", "rectification", "documents"):
        assert 'class="none"' in _section(html, anchor), anchor
    assert 'id="linked-tasks"' not in html and "<table" not in _section(html, "contracts")


def test_parcel_file(client, personas, county):
    d = county[XINPU]
    response, html = _html(client, personas["xinpu"], "parcel_detail", d["parcels"][1].pk)
    nav = [n["anchor"] for n in response.context["file_nav"]]
    assert nav == [
        "occupants",
        "location",
        "contracts",
        "warnings",
        "rectification",
        "renewal",  # renewal (issue 16): projects on the parcel
        "documents",
        "history",
        "exit-cases",  # exits (issue 15): the parcel's vacating cases
    ]
    assert d["contract"].number in _section(html, "contracts")
    assert d["warning"].reason_zh in _section(html, "warnings")
    assert 'id="parcel-map"' in html
    assert "登记地块" in _section(html, "history")
    # the first parcel: its occupants with their latest class, its task, its history of occupancies
    response, html = _html(client, personas["xinpu"], "parcel_detail", d["parcels"][0].pk)
    occupants = _section(html, "occupants")
    assert d["owner"].name in occupants and d["tenant"].name in occupants and "最新评价类别" in occupants
    assert d["task"].title in _section(html, "rectification")
    assert "开始使用（租赁）" in _section(html, "history")
    assert 'class="none"' in _section(html, "contracts")


def test_park_file(client, personas, county):
    d = county[XINPU]
    response, html = _html(client, personas["xinpu"], "park_detail", d["park"].pk)
    nav = [n["anchor"] for n in response.context["file_nav"]]
    assert nav == [
        "summary",
        "parcels",
        "enterprises",
        "warnings",
        "entry-rules",
        "rectification",
        "renewal",
        "documents",
    ]
    enterprises = _section(html, "enterprises")
    assert (
        d["owner"].name in enterprises and f'ev-class" title="2025 年度">{d["result"].evaluation_class}' in enterprises
    )
    warnings = _section(html, "warnings")
    assert "<svg" in warnings and d["warning"].reason_zh in warnings
    labels = {str(f["label"]): f for f in response.context["facts"]}
    assert labels["地块"]["value"] == "2" and "tag-warn-red" in str(labels["未销号预警"]["value"])
    assert d["result"].evaluation_class in str(labels["企业评价类别"]["value"])
    assert d["task"].title in _section(html, "rectification")


@pytest.mark.parametrize(
    "name,key", [("enterprise_detail", "owner"), ("parcel_detail", "parcels"), ("park_detail", "park")]
)
def test_out_of_town_files_are_404(client, personas, county, name, key):
    obj = county[QIAOTOU][key]
    obj = obj[0] if isinstance(obj, list) else obj
    client.force_login(personas["xinpu"])
    assert client.get(reverse(name, args=[obj.pk])).status_code == 404
    client.force_login(personas["qiaotou"])
    assert client.get(reverse(name, args=[obj.pk])).status_code == 200


# ------------------------------------------------------------------ search
def _search(client, user, q, **extra):
    client.force_login(user)
    return client.get(reverse("search"), {"q": q, **extra})


def _found(response) -> dict[str, list[str]]:
    return {g["kind"]: [h.url for h in g["hits"]] for g in response.context["groups"]}


def test_search_finds_each_kind(client, personas, county):
    d = county[XINPU]
    admin = personas["admin"]
    cases = [
        (d["owner"].name, "enterprise", reverse("enterprise_detail", args=[d["owner"].pk])),
        (d["owner"].uscc.lower(), "enterprise", reverse("enterprise_detail", args=[d["owner"].pk])),
        (d["owner"].uscc[:10], "enterprise", reverse("enterprise_detail", args=[d["owner"].pk])),
        (d["parcels"][1].number, "parcel", reverse("parcel_detail", args=[d["parcels"][1].pk])),
        (d["park"].name, "park", reverse("park_detail", args=[d["park"].pk])),
        (d["park"].code, "park", reverse("park_detail", args=[d["park"].pk])),
        (d["contract"].number, "contract", reverse("contract_detail", args=[d["contract"].pk])),
        (d["task"].title, "task", reverse("task_detail", args=[d["task"].pk])),
        (d["inspection"].title, "inspection", reverse("inspection_detail", args=[d["inspection"].pk])),
    ]
    for q, kind, url in cases:
        found = _found(_search(client, admin, q))
        assert url in found.get(kind, []), (q, kind, found)


def test_search_from_the_top_bar_opens_a_single_hit(client, personas, county):
    owner = county[XINPU]["owner"]
    response = _search(client, personas["admin"], f"  {owner.uscc} ", go="1")
    assert response.status_code == 302 and response.url == reverse("enterprise_detail", args=[owner.pk])
    # several hits: the results page, grouped by kind
    response = _search(client, personas["admin"], "新浦镇", go="1")
    assert response.status_code == 200 and {"enterprise", "park"} <= set(_found(response))
    assert 'class="topsearch"' in response.content.decode()


def test_search_keeps_to_the_users_towns(client, personas, county):
    q = county[QIAOTOU]
    for term in (
        q["owner"].name,
        q["owner"].uscc,
        q["parcels"][0].number,
        q["park"].name,
        q["contract"].number,
        q["task"].title,
    ):
        response = _search(client, personas["xinpu"], term)
        assert response.context["groups"] == [], term
        assert "没有找到" in response.content.decode()
    # a word both towns share: only 新浦镇's rows
    found = _search(client, personas["xinpu"], "慈溪市")
    urls = [u for hits in _found(found).values() for u in hits]
    assert urls and reverse("enterprise_detail", args=[q["owner"].pk]) not in urls
    assert reverse("enterprise_detail", args=[county[XINPU]["owner"].pk]) in urls


def test_search_limits_each_kind(client, personas, registry_data):
    import datetime as dt

    from landcycle.registry import services
    from landcycle.registry.search import PER_KIND
    from landcycle.rules.codes import make_uscc

    for i in range(PER_KIND + 3):
        services.enterprise_create(
            actor=personas["admin"],
            uscc=make_uscc("91", "330282", f"LM{i:06d}"),
            name=f"慈溪市限量测试{i:02d}有限公司",
            industry_code="3851",
            scale="below",
            registered_on=dt.date(2020, 1, 1),
            town=registry_data[XINPU]["town"],
        )
    response = _search(client, personas["admin"], "限量测试")
    (group,) = response.context["groups"]
    assert len(group["hits"]) == PER_KIND and group["more"]
    assert f"{reverse('enterprise_list')}?q=" in response.content.decode()


def test_empty_search_and_sign_in(client, personas):
    response = _search(client, personas["admin"], "   ")
    assert response.status_code == 200 and response.context["groups"] == []
    client.logout()
    assert client.get(reverse("search"), {"q": "x"}).status_code == 302


def test_a_registered_panel_joins_the_file(client, personas, registry_data, monkeypatch):
    """An app's block registered with registry.hooks shows on the file (also under the old "enterprise.main" slot);
    only blocks with an anchor enter the section navigation; a context of None leaves the block out."""
    from landcycle.registry import hooks

    monkeypatch.setattr(hooks, "_PANELS", {k: list(v) for k, v in hooks._PANELS.items()})
    monkeypatch.setattr(hooks, "_FACTS", {k: list(v) for k, v in hooks._FACTS.items()})
    hooks.register_panel(
        hooks.Panel(
            "enterprise", 45, "registry/file/_none.html", lambda ent, user: {"note": f"extra-{ent.pk}"}, "extra", "附加"
        )
    )
    hooks.register_panel(hooks.Panel("enterprise.main", 46, "registry/file/_none.html", lambda ent, user: {"x": 1}))
    hooks.register_panel(
        hooks.Panel("enterprise", 47, "registry/file/_none.html", lambda ent, user: None, "gone", "无此节")
    )
    hooks.register_fact(hooks.Fact("enterprise", 1, lambda ent, user: {"label": "首要", "value": "v1", "href": ""}))
    owner = registry_data[XINPU]["owner"]
    response, html = _html(client, personas["admin"], "enterprise_detail", owner.pk)
    nav = [n["anchor"] for n in response.context["file_nav"]]
    assert nav.index("extra") == nav.index("evaluation") + 1 and "gone" not in nav
    assert {"note": f"extra-{owner.pk}"} in [s["context"] for s in response.context["sections"]]
    assert 'href="#extra"' in html and "无此节" not in html
    assert [s["order"] for s in response.context["sections"]].count(46) == 1
    assert str(response.context["facts"][0]["label"]) == "首要"
