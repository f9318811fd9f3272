"""数据看板 (web/dashboard.py): every chart present with its Chinese labels and its links to the filtered list pages,
each number equal to a count made directly in the database on the fixtures, the leader's home is the dashboard,
a town officer sees only their town, and the list filters the bars link to return the rows counted."""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import COUNTY, QIAOTOU, XINPU
from landcycle.evaluation.models import EvaluationResult, YearlyFigure
from landcycle.rectification.models import Task
from landcycle.rules.units import m2_to_mu
from landcycle.supervision.models import Contract, Warning
from landcycle.supervision.selectors import AGE_BUCKETS, IDLE_RULES
from landcycle.web import dashboard, home

pytestmark = pytest.mark.django_db

KEYS = ("tax_by_town", "tax_trend", "classes", "warnings_by_town", "warnings_by_age", "idle_area", "idle_fees", "tasks")


@pytest.fixture
def county_data(supervision_data, rectification_data, evaluation_data):
    """Contracts and warnings, rectification tasks and a published 2025 evaluation in 新浦镇 and 桥头镇."""
    return rectification_data


def _js(v) -> str:
    """A number as Vega writes it in a hover title (JavaScript's number to string)."""
    v = float(v)
    return str(int(v)) if v == int(v) else str(v)


def _get(client, user, url=None):
    client.force_login(user)
    response = client.get(url or reverse("dashboard"))
    assert response.status_code == 200
    return response


def _charts(client, user) -> dict[str, str]:
    return {c["key"]: str(c["svg"]) for c in _get(client, user).context["charts"]}


def _link(svg: str, url: str) -> bool:
    return f'xlink:href="{html.escape(url)}"' in svg


def _titles(svg: str) -> set[str]:
    return {html.unescape(t.split("</title>")[0]) for t in svg.split("<title>")[1:]}


def test_every_chart_with_chinese_labels_and_links(client, personas, county_data):
    response = _get(client, personas["admin"])
    body = response.content.decode()
    for title in (
        "数据看板",
        "各镇街亩均税收",
        "亩均税收历年变化",
        "各镇街评价类别",
        "各镇街红、黄预警",
        "预警已持续多久",
        "各镇街闲置土地面积",
        "各镇街应征闲置费",
        "各镇街整改进度",
    ):
        assert title in body, title
    charts = {c["key"]: c for c in response.context["charts"]}
    assert tuple(charts) == KEYS
    for key, c in charts.items():
        assert str(c["svg"]).startswith("<svg") and f'aria-label="{c["title"]}"' in str(c["svg"]), key
        assert f'id="chart-{key}"' in body
    svg = {k: str(c["svg"]) for k, c in charts.items()}
    run = county_data[XINPU]["run"]
    results = reverse("evaluation_run_results", args=[run.pk])
    klass = county_data[XINPU]["result"].evaluation_class
    assert _link(svg["tax_by_town"], f"{results}?town={XINPU}") and "亩均税收（万元/亩）" in svg["tax_by_town"]
    assert _link(svg["tax_trend"], results) and "评价年度" in svg["tax_trend"]
    assert _link(svg["classes"], f"{results}?town={XINPU}&class={klass}") and "企业数（家）" in svg["classes"]
    board = reverse("warning_board")
    assert _link(svg["warnings_by_town"], f"{board}?town={XINPU}&colour=red&status=active")
    assert "红色预警" in svg["warnings_by_town"] and "黄色预警" in svg["warnings_by_town"]
    assert "colour=red&amp;status=active" in svg["warnings_by_age"] and "问题已持续" in svg["warnings_by_age"]
    contracts = reverse("contract_list")
    assert _link(svg["idle_area"], f"{contracts}?town={XINPU}&idle=yes") and "面积（亩）" in svg["idle_area"]
    assert _link(svg["idle_fees"], f"{contracts}?town={XINPU}&idle=yes") and "应征闲置费（万元）" in svg["idle_fees"]
    ledger = reverse("rectification_ledger")
    assert any(_link(svg["tasks"], f"{ledger}?town={XINPU}&status={s}") for s in ("closed", "current", "overdue"))
    assert "整改任务（项）" in svg["tasks"]
    assert "vega.github.io" not in body  # every link is the product's own path


def test_numbers_equal_direct_counts(client, personas, county_data):
    svg = _charts(client, personas["leader"])
    names = {XINPU: "新浦镇", QIAOTOU: "桥头镇"}
    run = county_data[XINPU]["run"]
    for code, name in names.items():
        # 亩均税收: the firms' tax of the year over their land, evaluated firms of the published run
        results = EvaluationResult.objects.filter(run=run, town__code=code, outcome="evaluated", land_mu__gt=0)
        land = sum(r.land_mu for r in results)
        tax = sum(YearlyFigure.objects.get(enterprise=r.enterprise, year=run.year).tax or Decimal(0) for r in results)
        assert f"{name} · {_js(round(float(tax) / land, 2))}" in _titles(svg["tax_by_town"])
        for k in ("A", "B", "C", "D"):
            n = EvaluationResult.objects.filter(run=run, town__code=code, evaluation_class=k).count()
            assert (f"{name} · {k} " in " ".join(_titles(svg["classes"]))) == bool(n)
            if n:
                assert any(t.startswith(f"{name} · {k} ") and t.endswith(f" · {n}") for t in _titles(svg["classes"]))
        live = Warning.objects.filter(town__code=code, rank__gt=0).exclude(status="closed")
        worst = [w for w, _raised in open_subjects(code)]
        for colour, label in (("red", "红色预警"), ("yellow", "黄色预警")):
            n = worst.count(colour)
            assert (f"{name} · {label} · {n}" in _titles(svg["warnings_by_town"])) == bool(n)
        idle = live.filter(subject_type="contract", rule__in=IDLE_RULES)
        area = sum((c.area_m2 or 0) for c in Contract.objects.filter(pk__in=idle.values("subject_id")))
        assert area and f"{name} · {_js(round(float(m2_to_mu(area)), 1))}" in _titles(svg["idle_area"])
        fees = sum((w.fee_wan or 0) for w in idle)
        assert fees and f"{name} · {_js(round(float(fees), 2))}" in _titles(svg["idle_fees"])
        tasks = Task.objects.filter(town__code=code)
        today = timezone.localdate()
        counts = {
            "已销号": tasks.filter(status="closed").count(),
            "整改中": tasks.exclude(status="closed").filter(deadline__gte=today).count(),
            "已逾期": tasks.exclude(status="closed").filter(deadline__lt=today).count(),
        }
        for label, n in counts.items():
            assert (f"{name} · {label} · {n}" in _titles(svg["tasks"])) == bool(n), (name, label, n)
    # ages: subjects (as the board lists them) by their worst colour and the days since their oldest open warning
    ages = subject_ages()
    labels = {k: str(label) for k, label, _lo, _hi in AGE_BUCKETS}
    colours = {"red": "红色预警", "yellow": "黄色预警"}
    assert ages and {f"{labels[k]} · {colours[c]} · {n}" for (k, c), n in ages.items()} == _titles(
        svg["warnings_by_age"]
    )


def open_subjects(town: str | None = None) -> list[tuple[str, object]]:
    """Counted here from the warnings themselves, as the board lists them: each subject with an open warning, its
    worst colour among its open warnings and the day the oldest of them was first raised."""
    rank = {"red": 4, "yellow": 3, "grey": 2, "blue": 1, "green": 0}
    subjects: dict[tuple[str, int], tuple] = {}
    qs = Warning.objects.exclude(status="closed")
    for w in qs.filter(town__code=town) if town else qs:
        worst, raised = subjects.get((w.subject_type, w.subject_id), ("green", None))
        if rank[w.colour] > rank[worst]:
            worst = w.colour
        raised = w.first_raised if raised is None or (w.first_raised and w.first_raised < raised) else raised
        subjects[(w.subject_type, w.subject_id)] = (worst, raised)
    return list(subjects.values())


def subject_ages(town: str | None = None) -> dict[tuple[str, str], int]:
    today = timezone.localdate()
    out: dict[tuple[str, str], int] = {}
    for worst, raised in open_subjects(town):
        if worst not in ("red", "yellow") or raised is None:
            continue
        days = (today - raised).days
        key = next(k for k, _l, lo, hi in AGE_BUCKETS if days >= lo and (hi is None or days < hi))
        out[(key, worst)] = out.get((key, worst), 0) + 1
    return out


def test_the_bars_lead_to_the_rows_they_count(client, personas, county_data):
    """The list filters a bar links to (added for the dashboard: the board's age, the ledger's current) give as many
    rows as the bar says."""
    client.force_login(personas["admin"])
    today = timezone.localdate()
    ages = subject_ages()
    for key, _label, _lo, _hi in AGE_BUCKETS:
        for colour in ("red", "yellow"):
            url = reverse("warning_board") + f"?age={key}&colour={colour}&status=active"
            assert client.get(url).context["page_obj"].paginator.count == ages.get((key, colour), 0), (key, colour)
    open_tasks = Task.objects.exclude(status="closed")
    url = reverse("rectification_ledger") + f"?town={XINPU}&status=current"
    shown = client.get(url).context["page_obj"].paginator.count
    assert shown == open_tasks.filter(town__code=XINPU, deadline__gte=today).count()
    url = reverse("rectification_ledger") + "?status=current"
    assert client.get(url).context["page_obj"].paginator.count == open_tasks.filter(deadline__gte=today).count()


def test_a_town_officer_sees_only_their_town(client, personas, county_data):
    for url in (reverse("dashboard"), reverse("dashboard") + f"?town={QIAOTOU}"):  # a forged town changes nothing
        response = _get(client, personas["xinpu"], url)
        body = response.content.decode()
        assert "新浦镇" in body and "桥头镇" not in body
        charts = "".join(str(c["svg"]) for c in response.context["charts"])
        assert f"town={QIAOTOU}" not in charts and f"town={XINPU}" in charts
    svg = _charts(client, personas["xinpu"])
    mine = [w for w, _raised in open_subjects(XINPU)].count("red")
    assert f"新浦镇 · 红色预警 · {mine}" in _titles(svg["warnings_by_town"])
    total = sum(subject_ages().values())
    in_ages = sum(int(t.rsplit(" · ", 1)[1]) for t in _titles(svg["warnings_by_age"]))
    assert in_ages == sum(subject_ages(XINPU).values()) < total


def test_the_leader_lands_on_the_dashboard_and_the_menu_leads_there(client, personas, county_data, monkeypatch):
    monkeypatch.setattr(home, "today", lambda: dt.date(2026, 12, 7))
    response = _get(client, personas["leader"], reverse("home"))
    assert [c["key"] for c in response.context["dashboard"]] == list(KEYS)
    body = response.content.decode()
    assert "<h1>数据看板</h1>" in body.replace(" ", "") or "数据看板</h1>" in body
    assert f'href="{reverse("dashboard")}"' in body  # the menu entry, for every user
    assert f'href="{reverse("dashboard")}"' in _get(client, personas["xinpu"], reverse("home")).content.decode()


def test_an_empty_county_says_what_is_missing(client, personas):
    body = _get(client, personas["leader"]).content.decode()
    assert "还没有已发布的亩均评价" in body and "没有未销号的红、黄预警。" in body and "没有整改任务。" in body
    assert COUNTY  # the county exists, with no data of its own yet


def test_the_dashboard_in_english(client, personas, county_data):
    client.force_login(personas["leader"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("dashboard")).content.decode()
    assert "Dashboard" in body and "Red and yellow warnings by town" in body
    assert dashboard.WARN["red"] in body  # the warning colours stay the warning colours


def test_a_task_of_the_county_itself_has_its_own_row_and_link(client, personas, county_data, regions):
    from landcycle.rectification.services.ledger import task_create

    d = county_data[XINPU]
    task_create(
        actor=personas["supervisor"],
        finding=d["finding"],
        town=regions[COUNTY],
        department="市自然资源和规划局",
        title="全市闲置土地清查",
        measures="逐宗核查",
        deadline=dt.date(2026, 10, 31),
        assigned_on=dt.date(2026, 9, 15),
    )
    svg = _charts(client, personas["admin"])["tasks"]
    assert "慈溪市 · 已逾期 · 1" in _titles(svg)
    url = reverse("rectification_ledger") + f"?town={COUNTY}&status=overdue"
    assert _link(svg, url)
    page = client.get(url).context["page_obj"]
    assert [t.title for t in page.object_list] == ["全市闲置土地清查"]  # the county's row, not every overdue task
