"""One installation, two counties (慈溪市 and 余姚市): each computes and publishes its own quarter with its own towns;
a county's published ranking is read by its own users (towns included) and by the province, never by another county
(404); drafts are the county's; the province writes nothing. Pages and API alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from ranking_data import YUYAO, two_counties  # noqa: F401 -- fixture

from conftest import COUNTY, QIAOTOU, XINPU
from landcycle.kit.indicators import Quarter
from landcycle.ranking.models import RankingRun
from landcycle.ranking.services import run_compute, run_correct, run_publish
from landcycle.registry.models import Region
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
Q2 = Quarter(2025, 2)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def published(two_counties):
    """Each county's 2025Q2 computed and published by its own administrator, and 慈溪's 2025Q3 a draft."""
    u = two_counties["users"]
    cixi = run_publish(actor=u["admin"], run=run_compute(actor=u["admin"], quarter=Q2, runs=20, gains=False))
    yuyao = run_publish(actor=u["yuyao"], run=run_compute(actor=u["yuyao"], quarter=Q2, runs=20, gains=False))
    draft = run_compute(actor=u["admin"], quarter=Quarter(2025, 3), runs=20, gains=False)
    return {**two_counties, "cixi": cixi, "yuyao": yuyao, "draft": draft}


def test_two_counties_compute_and_publish_the_same_quarter_independently(published):
    cixi, yuyao, towns = published["cixi"], published["yuyao"], published["towns"]
    assert (cixi.county.code, cixi.state) == (COUNTY, "published")
    assert (yuyao.county.code, yuyao.state) == (YUYAO, "published")
    assert [t["code"] for t in cixi.inputs["towns"]] == sorted([XINPU, QIAOTOU])  # its own towns only
    assert [t["code"] for t in yuyao.inputs["towns"]] == [t.code for t in towns]
    assert set(yuyao.results.values_list("town__code", flat=True)) == {t.code for t in towns}
    # a correction of one county's quarter supersedes that county's run only
    fix = run_publish(
        actor=published["users"]["yuyao"],
        run=run_correct(actor=published["users"]["yuyao"], run=yuyao, reason="录入有误", runs=20),
    )
    states = dict(RankingRun.objects.filter(year=2025, quarter=2).values_list("pk", "state"))
    assert states == {cixi.pk: "published", yuyao.pk: "superseded", fix.pk: "published"}


def test_actors_write_only_in_their_own_county_and_the_province_writes_nothing(published):
    u, cixi = published["users"], published["cixi"]
    with pytest.raises(RuleError) as e:
        run_compute(actor=u["yuyao"], quarter=Quarter(2025, 4), county=cixi.county, runs=20)
    assert e.value.problems[0].rule == "ranking.county_scope"
    with pytest.raises(RuleError):
        run_publish(actor=u["yuyao"], run=published["draft"])
    with pytest.raises(RuleError):
        run_correct(actor=u["yuyao"], run=cixi, reason="x")
    with pytest.raises(PermissionDenied):
        run_compute(actor=u["province"], quarter=Quarter(2025, 4), county=cixi.county, runs=20)
    # a superuser of the whole installation names the county (two of them here)
    from landcycle.accounts.services import system_user

    with pytest.raises(RuleError) as e:
        run_compute(actor=system_user(), quarter=Quarter(2025, 4), runs=20)
    assert e.value.problems[0].rule == "ranking.county_choose"
    run = run_compute(actor=system_user(), quarter=Quarter(2025, 4), county=Region.objects.get(code=YUYAO), runs=20)
    assert run.county.code == YUYAO
    assert RankingRun.objects.get(pk=published["draft"].pk).state == "draft"


def test_who_reads_which_countys_ranking(published):
    u, cixi, yuyao, draft = published["users"], published["cixi"], published["yuyao"], published["draft"]
    result = cixi.results.first()

    def codes(who, *urls):
        c = _client(u[who])
        return [c.get(url).status_code for url in urls]

    cixi_pages = [reverse("ranking_run", args=[cixi.pk]), reverse("ranking_result", args=[result.pk])]
    assert codes("admin", *cixi_pages, reverse("ranking_run", args=[draft.pk])) == [200, 200, 200]
    assert codes("xinpu", *cixi_pages, reverse("ranking_run", args=[draft.pk])) == [200, 200, 404]
    assert codes("yuyao", *cixi_pages, reverse("ranking_run", args=[draft.pk])) == [404, 404, 404]
    assert codes("province", *cixi_pages, reverse("ranking_run", args=[yuyao.pk])) == [200, 200, 200]
    assert codes("province", reverse("ranking_run", args=[draft.pk]), reverse("ranking_compute")) == [404, 404]
    assert _client(u["province"]).post(reverse("ranking_compute"), {"quarter": "2025Q4"}).status_code == 404
    # the home page: one's own county; the province chooses among both
    home = _client(u["yuyao"]).get(reverse("ranking_home"))
    assert [r.pk for r in home.context["runs"]] == [yuyao.pk]
    province = _client(u["province"])
    assert {r.pk for r in province.get(reverse("ranking_home")).context["runs"]} == {cixi.pk, yuyao.pk}
    one = province.get(reverse("ranking_home"), {"county": COUNTY}).context
    assert [r.pk for r in one["runs"]] == [cixi.pk] and one["bump"] is not None
    assert _client(u["yuyao"]).get(reverse("ranking_home"), {"county": COUNTY}).status_code == 404
    # the API reads the same
    assert _client(u["yuyao"]).get(f"/api/ranking/runs/{cixi.pk}/").status_code == 404
    assert _client(u["yuyao"]).get(f"/api/ranking/runs/{cixi.pk}/results/").status_code == 404
    listed = _client(u["province"]).get("/api/ranking/runs/").json()["results"]
    assert {(r["county"], r["state"]) for r in listed} == {(COUNTY, "published"), (YUYAO, "published")}
    town = _client(u["qiaotou"]).get("/api/ranking/runs/").json()["results"]
    assert [r["id"] for r in town] == [cixi.pk]
    resp = _client(u["province"]).post("/api/ranking/runs/", {"quarter": "2025Q4"}, content_type="application/json")
    assert resp.status_code == 403
    resp = _client(u["yuyao"]).post(
        "/api/ranking/runs/", {"quarter": "2025Q4", "county": COUNTY}, content_type="application/json"
    )
    assert resp.status_code == 400 and resp.json()["problems"][0]["rule"] == "ranking.county_scope"


def test_hand_entered_figures_follow_their_countys_publication(published):
    from landcycle.ranking.models import IndicatorInput

    u, towns = published["users"], published["towns"]
    IndicatorInput.objects.create(town=towns[0], year=2025, quarter=2, indicator="policy_score", value=80)
    IndicatorInput.objects.create(town=towns[0], year=2025, quarter=3, indicator="policy_score", value=81)

    def shown(who):
        rows = _client(u[who]).get(reverse("ranking_inputs")).context["rows"]
        return {(x["x"].town.code, x["x"].period.label) for x in rows}

    assert shown("admin") == set()  # 余姚's figures are not 慈溪's
    assert shown("yuyao") == {(towns[0].code, "2025Q2"), (towns[0].code, "2025Q3")}
    assert shown("province") == {(towns[0].code, "2025Q2")}  # published quarters only


def test_a_quarter_published_by_one_county_is_frozen_for_that_county_only(published):
    from landcycle.ledgers.services import ledger_import

    u, towns = published["users"], published["towns"]
    run_publish(actor=u["admin"], run=published["draft"])  # 慈溪 publishes 2025Q3; 余姚 has not

    def enter(who, town):
        text = f"镇街,季度,指标,数值,来源说明\n{town},2025Q3,policy_score,70,\n".encode()
        return ledger_import(actor=u[who], kind="ranking_inputs", source=text, filename="r.csv")

    assert {p.rule for p in enter("admin", XINPU).problems} == {"ranking.published"}
    assert not enter("yuyao", towns[0].code).problems
