"""One installation, two counties: 慈溪市 (the shared fixtures) and 余姚市 (one town with a park, a parcel and a
firm). The province's user reads both and changes nothing; each county's administrator sees their own county
only; the page 各县对比 sums each county's towns and exports the same table."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client

from conftest import COUNTY, XINPU, rectangle

YUYAO = "330281"
ZHEJIANG = "33"


@pytest.fixture
def two_counties(evaluation_data, personas, regions):
    from landcycle.accounts.models import Role, User
    from landcycle.accounts.services import system_user
    from landcycle.registry import services
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load
    from landcycle.rules.codes import make_uscc

    system = system_user()
    regions_load(actor=system, county=YUYAO)
    town = Region.objects.filter(code__startswith=YUYAO, level=Region.Level.TOWN).order_by("code").first()
    park = services.park_create(actor=system, code="P-YY-01", name="余姚测试园区", kind="industrial", town=town)
    parcel = services.parcel_create(
        actor=system,
        number="YY-0001",
        park=park,
        area_m2=20000,
        geometry=rectangle(121.15, 30.04, 20000),
        tenure="granted",
    )
    firm = services.enterprise_create(
        actor=system,
        uscc=make_uscc("91", YUYAO, "YY000001"),
        name="余姚市测试机械有限公司",
        industry_code="3451",
        scale="above",
        registered_on=dt.date(2010, 1, 1),
        town=town,
    )
    services.occupancy_create(
        actor=system, enterprise=firm, parcel=parcel, kind="owned", area_m2=20000, start=dt.date(2010, 1, 1)
    )
    province = Region.objects.get(code=ZHEJIANG)
    users = {
        "province": User.objects.create_user("p_province", password="x", role=Role.PROVINCE, region=province),
        "yuyao_admin": User.objects.create_user(
            "p_yuyao", password="x", role=Role.COUNTY_ADMIN, region=Region.objects.get(code=YUYAO)
        ),
        "cixi_admin": personas["admin"],
        "xinpu": personas["xinpu"],
    }
    return {"town": town, "park": park, "parcel": parcel, "firm": firm, "users": users, "cixi": evaluation_data}


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _county_names(resp) -> list[str]:
    rows = resp.context["rows"]
    return [r["county"].name for r in rows]


def test_the_province_compares_every_county_and_each_county_sees_its_own(two_counties):
    users = two_counties["users"]
    resp = _client(users["province"]).get("/counties/")
    assert resp.status_code == 200
    assert _county_names(resp) == ["余姚市", "慈溪市"]
    rows = {r["county"].code: r for r in resp.context["rows"]}
    assert rows[COUNTY]["enterprises"] == 4 and rows[YUYAO]["enterprises"] == 1
    assert rows[COUNTY]["towns"] > 1 and rows[YUYAO]["towns"] > 1
    assert round(rows[YUYAO]["area_mu"], 1) == 30.0  # 20,000 m² = 30 mu
    assert resp.context["total"]["enterprises"] == 5
    # each county's administrator: their own county only
    assert _county_names(_client(users["cixi_admin"]).get("/counties/")) == ["慈溪市"]
    assert _county_names(_client(users["yuyao_admin"]).get("/counties/")) == ["余姚市"]
    # a town officer's one row is their county, counting only their town
    mine = _client(users["xinpu"]).get("/counties/").context["rows"]
    assert [(r["county"].code, r["towns"], r["enterprises"]) for r in mine] == [(COUNTY, 1, 2)]


def test_the_county_row_is_the_sum_of_its_towns_published_evaluation(two_counties):
    """亩均税收 of a county = Σ tax ÷ Σ land of its evaluated firms, the same figures the dashboard sums by town."""
    from landcycle.evaluation.selectors import tax_per_mu_by_town

    users = two_counties["users"]
    province_rows = {r["county"].code: r for r in _client(users["province"]).get("/counties/").context["rows"]}
    by_town = [r for r in tax_per_mu_by_town(users["cixi_admin"]) if r["year"] == 2025]
    tax, land = sum(r["tax"] for r in by_town), sum(r["land"] for r in by_town)
    assert land > 0
    cixi = province_rows[COUNTY]
    assert cixi["tax_per_mu"] == pytest.approx(tax / land)
    assert cixi["evaluated"] == sum(r["firms"] for r in by_town)
    assert sum(cixi["classes"]) == cixi["evaluated"]
    assert province_rows[YUYAO]["tax_per_mu"] is None  # no published evaluation figure of its firm
    assert cixi["tax_rank"] == 1 and "tax_rank" not in province_rows[YUYAO]


def test_the_province_reads_every_county_and_writes_nothing(two_counties):
    from django.core.exceptions import PermissionDenied

    from landcycle.registry import services

    users, firm = two_counties["users"], two_counties["firm"]
    cixi_firm = two_counties["cixi"][XINPU]["owner"]
    province = _client(users["province"])
    for pk in (firm.pk, cixi_firm.pk):
        assert province.get(f"/enterprises/{pk}/").status_code == 200
    listed = province.get("/enterprises/").content.decode()
    assert firm.name in listed and cixi_firm.name in listed
    assert province.get(f"/enterprises/{firm.pk}/edit/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.park_create(actor=users["province"], code="P-X", name="x", kind="industrial", town=firm.town)
    # a county's administrator does not see the other county's firm at all
    yuyao = _client(users["yuyao_admin"])
    assert yuyao.get(f"/enterprises/{cixi_firm.pk}/").status_code == 404
    assert yuyao.get(f"/enterprises/{firm.pk}/").status_code == 200
    assert _client(users["cixi_admin"]).get(f"/enterprises/{firm.pk}/").status_code == 404


def test_the_province_starts_from_the_comparison_and_only_it_sees_the_entry(two_counties):
    users = two_counties["users"]
    province = _client(users["province"])
    resp = province.get("/")
    assert resp.status_code == 302 and resp["Location"] == "/counties/"
    page = province.get("/counties/").content.decode()
    assert 'href="/counties/"' in page and "各县对比" in page
    admin_home = _client(users["cixi_admin"]).get("/").content.decode()
    assert 'href="/counties/"' not in admin_home


def test_the_comparison_exports_the_table_it_shows(two_counties):
    users = two_counties["users"]
    resp = _client(users["province"]).get("/counties/?export=xlsx")
    assert resp.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(resp.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "县（市、区）" and "亩均税收（万元/亩）" in header
    body = {r[1]: r for r in rows[1:]}
    assert body[YUYAO][0] == "余姚市" and body[YUYAO][header.index("企业（家）")] == 1
    assert body[COUNTY][header.index("企业（家）")] == 4
    assert rows[-1][0] == "合计" and rows[-1][header.index("企业（家）")] == 5
    # a county's administrator exports their county only
    mine = _client(users["yuyao_admin"]).get("/counties/?export=csv")
    text = b"".join(mine.streaming_content).decode("utf-8-sig")
    assert "余姚市" in text and "慈溪市" not in text


def test_a_province_token_reads_both_counties_through_the_api_and_a_county_token_its_own(two_counties):
    from rest_framework.test import APIClient

    users = two_counties["users"]

    def names(user) -> set[str]:
        c = APIClient()
        c.force_authenticate(user)
        resp = c.get("/api/enterprises/?page_size=100")
        assert resp.status_code == 200
        return {r["name"] for r in resp.json()["results"]}

    assert "余姚市测试机械有限公司" in names(users["province"]) and len(names(users["province"])) == 5
    assert names(users["yuyao_admin"]) == {"余姚市测试机械有限公司"}
    c = APIClient()
    c.force_authenticate(users["province"])
    firm = two_counties["firm"]
    resp = c.patch(f"/api/enterprises/{firm.pk}/", {"name": "改名"}, format="json")
    assert resp.status_code in (403, 404)
    firm.refresh_from_db()
    assert firm.name == "余姚市测试机械有限公司"


def test_a_county_administrator_cannot_run_an_evaluation_that_would_cover_another_county(two_counties):
    """Runs are still installation-wide (docs/deployment.md): with figures in two counties the run belongs to the
    level above, and a county's administrator is told so instead of evaluating the other county's firms."""
    from landcycle.evaluation import services
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.rules.problems import RuleError

    YearlyFigure.objects.create(enterprise=two_counties["firm"], year=2025, revenue=5000, tax=200, value_added=900)
    with pytest.raises(RuleError) as refused:
        services.run_create(actor=two_counties["users"]["cixi_admin"], year=2025)
    assert refused.value.problems[0].rule == "scope.run"


def test_a_task_the_county_itself_answers_for_counts_in_its_county(two_counties, rectification_data, personas, regions):
    """The dashboard counts a task whose responsible region is the county itself; so does the county's row."""
    import datetime as dt

    from landcycle.rectification.services.ledger import task_create

    d = rectification_data[XINPU]
    task_create(
        actor=personas["supervisor"],
        finding=d["finding"],
        town=regions[COUNTY],
        title="县级统筹腾退",
        measures="县级专班统筹",
        deadline=dt.date(2026, 12, 31),
        assigned_on=dt.date(2026, 9, 20),
        person="专班",
        department="市自然资源和规划局",
    )
    rows = {r["county"].code: r for r in _client(two_counties["users"]["province"]).get("/counties/").context["rows"]}
    cixi = rows[COUNTY]
    assert cixi["tasks_closed"] + cixi["tasks_current"] + cixi["tasks_overdue"] == 3
