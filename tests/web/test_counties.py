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


def _yuyao_figures(two_counties) -> None:
    from landcycle.evaluation.models import YearlyFigure

    YearlyFigure.objects.create(
        enterprise=two_counties["firm"],
        year=2025,
        revenue=5000,
        tax=200,
        value_added=900,
        energy_tce=400,
        emissions_t=0.2,
        rnd=100,
        staff=60,
        electricity_10k_kwh=200,
    )


def _api(user):
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(user)
    return c


def test_each_county_evaluates_and_publishes_its_own_run_of_the_same_year(two_counties):
    """余姚市's administrator evaluates 2025 while 慈溪市's run of 2025 is published: the run reads 余姚市's firms only,
    and publishing it supersedes nothing of 慈溪市; republishing 慈溪市 supersedes only 慈溪市's."""
    from landcycle.audit.models import AuditEntry
    from landcycle.evaluation import services
    from landcycle.evaluation.models import EvaluationResult, EvaluationRun
    from landcycle.evaluation.selectors import published_classes, published_run, published_runs
    from landcycle.supervision.selectors import latest_published_classes

    _yuyao_figures(two_counties)
    users, cixi_run = two_counties["users"], two_counties["cixi"][XINPU]["run"]
    yuyao = services.run_create(actor=users["yuyao_admin"], year=2025)  # the county: the administrator's own
    assert yuyao.county.code == YUYAO and yuyao.inputs_counts["figures"] == 1
    assert set(EvaluationResult.objects.filter(run=yuyao).values_list("enterprise_id", flat=True)) == {
        two_counties["firm"].pk
    }
    assert cixi_run.county.code == COUNTY and EvaluationResult.objects.filter(run=cixi_run).count() == 4
    yuyao = services.run_publish(actor=users["yuyao_admin"], run=yuyao)
    cixi_run.refresh_from_db()
    assert cixi_run.status == EvaluationRun.Status.PUBLISHED and yuyao.status == EvaluationRun.Status.PUBLISHED
    assert published_run(2025, YUYAO) == yuyao and published_run(2025, COUNTY) == cixi_run
    assert [r.county.code for r in published_runs(2025)] == [YUYAO, COUNTY]
    assert AuditEntry.objects.filter(action="evaluation_run.publish", region_code=YUYAO).count() == 1
    # each enterprise's class is its own county's run's, for pages and for the warnings
    expected = dict(
        EvaluationResult.objects.filter(run__in=[cixi_run, yuyao], outcome="evaluated")
        .exclude(evaluation_class="")
        .values_list("enterprise_id", "evaluation_class")
    )
    assert two_counties["cixi"][XINPU]["owner"].pk in expected
    assert published_classes(2025) == expected == published_classes()
    assert {e: c for e, (_y, c) in latest_published_classes(dt.date(2026, 11, 29)).items()} == expected
    # 慈溪市 publishes a new run of 2025: its old one is superseded, 余姚市's is not
    again = services.run_publish(
        actor=users["cixi_admin"], run=services.run_create(actor=users["cixi_admin"], year=2025)
    )
    cixi_run.refresh_from_db()
    yuyao.refresh_from_db()
    assert cixi_run.status == EvaluationRun.Status.SUPERSEDED and cixi_run.superseded_by == again
    assert yuyao.status == EvaluationRun.Status.PUBLISHED
    # the comparison page: each county's row counts its own published run's classes
    rows = {r["county"].code: r for r in _client(users["province"]).get("/counties/").context["rows"]}
    assert rows[YUYAO]["run"] == yuyao and rows[COUNTY]["run"] == again
    assert sum(rows[COUNTY]["classes"]) == again.summary["evaluated"]
    assert sum(rows[YUYAO]["classes"]) == yuyao.summary["evaluated"]
    # the province's dashboard: each town's classes link to its own county's run
    from landcycle.web.dashboard import dashboard_charts

    charts = {c["key"]: c for c in dashboard_charts(users["province"], dt.date(2026, 11, 29))}
    shown = str(charts["classes"]) + str(charts["tax_by_town"])
    assert f"/evaluation/runs/{again.pk}/results/" in shown and f"/evaluation/runs/{yuyao.pk}/results/" in shown


def test_a_county_neither_sees_nor_acts_on_another_countys_runs(two_counties):
    from django.core.exceptions import PermissionDenied

    from landcycle.evaluation import services
    from landcycle.evaluation.background import job_queue
    from landcycle.evaluation.models import EvaluationRun
    from landcycle.registry.models import Region
    from landcycle.rules.problems import RuleError

    _yuyao_figures(two_counties)
    users, cixi_run = two_counties["users"], two_counties["cixi"][XINPU]["run"]
    draft = services.run_create(actor=users["yuyao_admin"], year=2025)
    cixi = _client(users["cixi_admin"])
    for url in (f"/evaluation/runs/{draft.pk}/", f"/evaluation/runs/{draft.pk}/results/"):
        assert cixi.get(url).status_code == 404
    assert cixi.post(f"/evaluation/runs/{draft.pk}/", {"action": "publish"}).status_code == 404
    api = _api(users["cixi_admin"])
    assert api.get(f"/api/evaluation/runs/{draft.pk}/").status_code == 404
    assert api.post(f"/api/evaluation/runs/{draft.pk}/publish/", {}, format="json").status_code == 404
    assert api.post(f"/api/evaluation/runs/{draft.pk}/recompute/", {}, format="json").status_code == 404
    # 余姚市's job (its recomputation) is 余姚市's: 404 to 慈溪市, on the page and the API
    job = job_queue(actor=users["yuyao_admin"], run=draft)
    assert _client(users["yuyao_admin"]).get(f"/evaluation/jobs/{job.pk}/").status_code == 200
    assert cixi.get(f"/evaluation/jobs/{job.pk}/").status_code == 404
    assert api.get(f"/api/evaluation/jobs/{job.pk}/").status_code == 404
    assert api.get("/api/evaluation/jobs/").json()["results"] == []
    assert {r["id"] for r in api.get("/api/evaluation/runs/").json()["results"]} == {cixi_run.pk}
    listed = cixi.get("/evaluation/").context["runs"]
    assert [r.pk for r in listed] == [cixi_run.pk]
    with pytest.raises(RuleError) as refused:
        services.run_publish(actor=users["cixi_admin"], run=draft)
    assert refused.value.problems[0].rule == "scope.run"
    with pytest.raises(RuleError) as refused:
        services.run_create(actor=users["cixi_admin"], year=2025, county=Region.objects.get(code=YUYAO))
    assert refused.value.problems[0].rule == "scope.county"
    draft.refresh_from_db()
    assert draft.status == EvaluationRun.Status.DRAFT
    # published, 余姚市's run is read by 余姚市 only: a 慈溪市 town officer sees their own county's published runs
    services.run_publish(actor=users["yuyao_admin"], run=draft)
    assert [r.pk for r in _client(users["xinpu"]).get("/evaluation/").context["runs"]] == [cixi_run.pk]
    assert _client(users["xinpu"]).get(f"/evaluation/runs/{draft.pk}/").status_code == 404
    # the province reads both counties' runs, filters by county, and writes none
    province = _client(users["province"])
    page = province.get("/evaluation/")
    assert {r.pk for r in page.context["runs"]} == {cixi_run.pk, draft.pk}
    assert [c.code for c in page.context["counties"]] == [YUYAO, COUNTY]
    assert [r.pk for r in province.get(f"/evaluation/?county={YUYAO}").context["runs"]] == [draft.pk]
    assert province.get(f"/evaluation/runs/{draft.pk}/").status_code == 200
    assert province.get("/evaluation/runs/new/").status_code == 404
    listed = _api(users["province"]).get("/api/evaluation/runs/").json()["results"]
    assert {(r["id"], r["county"]) for r in listed} == {(cixi_run.pk, COUNTY), (draft.pk, YUYAO)}
    assert _api(users["province"]).post("/api/evaluation/runs/", {"year": 2025}, format="json").status_code == 403
    with pytest.raises(PermissionDenied):
        services.run_create(actor=users["province"], year=2025, county=Region.objects.get(code=YUYAO))


def test_a_writer_above_the_counties_names_the_county(two_counties, run_tasks):
    """A writer whose region holds several counties (a superuser here) must say which county a run is for, and may
    recompute a year of every county at once: one job per county, each on its own."""
    from landcycle.accounts.models import User
    from landcycle.evaluation import services
    from landcycle.evaluation.models import EvaluationJob, EvaluationRun
    from landcycle.registry.models import Region
    from landcycle.rules.problems import RuleError

    _yuyao_figures(two_counties)
    root = User.objects.create_superuser("p_root", password="x")
    with pytest.raises(RuleError) as refused:
        services.run_create(actor=root, year=2025)
    assert refused.value.problems[0].rule == "county.required" and "县" in refused.value.problems[0].zh
    run = services.run_create(actor=root, year=2025, county=Region.objects.get(code=YUYAO))
    assert run.county.code == YUYAO
    resp = _api(root).post("/api/evaluation/runs/", {"year": 2025, "county": YUYAO}, format="json")
    assert resp.status_code == 202 and resp.json()["county"] == YUYAO
    assert run_tasks() == 1 and EvaluationJob.objects.get().run.county.code == YUYAO
    # the pages: the new-run form asks for the county, the what-if page tests one county at a time
    page = _client(root)
    form = page.get("/evaluation/runs/new/").context["form"]
    assert [c for c, _label in form.fields["county"].choices] == [YUYAO, COUNTY]
    shipped = two_counties["cixi"][XINPU]["policy_version"]
    resp = page.post("/evaluation/runs/new/", {"county": YUYAO, "year": 2025, "policy": shipped.pk, "notes": ""})
    assert resp.status_code == 302 and run_tasks() == 1
    assert Region.objects.get(code=YUYAO) == type(run).objects.latest("pk").county
    # the year of every county: 余姚市's latest draft recomputed, 慈溪市 (a published run, no draft) a new draft
    drafts = set(EvaluationRun.objects.filter(status="draft").values_list("pk", flat=True))
    assert page.get("/evaluation/").context["county_years"] == [2025]
    resp = page.post("/evaluation/", {"year": 2025})
    jobs = {j.county.code: j for j in EvaluationJob.objects.filter(status="queued")}
    assert resp.status_code == 302 and set(jobs) == {YUYAO, COUNTY}
    assert (jobs[YUYAO].kind, jobs[YUYAO].run_id) == ("recompute", max(drafts))
    assert (jobs[COUNTY].kind, jobs[COUNTY].policy) == ("create", shipped)
    listed = page.get("/evaluation/").content.decode()
    assert f"/evaluation/jobs/{jobs[YUYAO].pk}/" in listed and f"/evaluation/jobs/{jobs[COUNTY].pk}/" in listed
    again = page.post("/evaluation/", {"year": 2025}, follow=True)  # both under way: none queued
    assert EvaluationJob.objects.filter(status="queued").count() == 2 and "正在计算" in again.content.decode()
    assert run_tasks() == 2
    assert set(EvaluationJob.objects.values_list("status", flat=True)) == {"done"}
    new = EvaluationRun.objects.get(county__code=COUNTY, status="draft")
    assert jobs[COUNTY].pk == EvaluationJob.objects.get(run=new).pk
    # a county's administrator has one county: no such form, and the page answers 404
    yuyao = _client(two_counties["users"]["yuyao_admin"])
    assert yuyao.get("/evaluation/").context["county_years"] == []
    assert yuyao.post("/evaluation/", {"year": 2025}).status_code == 404
    whatif = page.get(f"/evaluation/whatif/?county={YUYAO}&year=2025")
    assert whatif.status_code == 200 and whatif.context["county"].code == YUYAO
    assert whatif.context["result"]["changed"] is not None


def test_policy_versions_belong_to_their_county_and_the_shipped_one_is_shared(two_counties):
    from landcycle.evaluation import services
    from landcycle.evaluation.policy import shipped_policy_text
    from landcycle.evaluation.selectors import versions_for
    from landcycle.rules.problems import RuleError

    _yuyao_figures(two_counties)
    users, shipped = two_counties["users"], two_counties["cixi"][XINPU]["policy_version"]
    text = shipped_policy_text().replace('version = "2026.1"', 'version = "2026.2"', 1)
    assert 'version = "2026.2"' in text
    cixi_version = services.policy_version_create(actor=users["cixi_admin"], name="慈溪市办法", toml=text)
    assert cixi_version.county.code == COUNTY and shipped.county is None
    # the same number is free in the other county: version numbers are unique per county
    yuyao_version = services.policy_version_create(actor=users["yuyao_admin"], name="余姚市办法", toml=text)
    assert yuyao_version.county.code == YUYAO
    with pytest.raises(RuleError):
        services.policy_version_create(actor=users["cixi_admin"], name="重复", toml=text)
    assert set(versions_for(users["yuyao_admin"])) == {shipped, yuyao_version}
    assert set(versions_for(users["province"])) == {shipped, yuyao_version, cixi_version}
    yuyao = _client(users["yuyao_admin"])
    assert yuyao.get(f"/evaluation/policies/{cixi_version.pk}/").status_code == 404
    assert yuyao.get(f"/evaluation/policies/{shipped.pk}/").status_code == 200
    with pytest.raises(RuleError) as refused:
        services.run_create(actor=users["yuyao_admin"], year=2025, policy=cixi_version)
    assert refused.value.problems[0].rule == "policy.county"
    assert services.run_create(actor=users["yuyao_admin"], year=2025).policy == shipped  # shared


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


def test_the_sample_evaluates_and_publishes_each_county_on_its_own(two_counties):
    """``landcycle generate`` with several counties evaluates through ``evaluate_sample``: one run per county."""
    from landcycle.accounts.services import system_user
    from landcycle.evaluation.models import EvaluationRun
    from landcycle.evaluation.sample import evaluate_sample

    _yuyao_figures(two_counties)
    runs = evaluate_sample(actor=system_user(), years=(2025,))
    assert [(r.county.code, r.year, r.status, r.inputs_counts["figures"]) for r in runs] == [
        (YUYAO, 2025, "published", 1),
        (COUNTY, 2025, "published", 4),
    ]
    published = EvaluationRun.objects.filter(status="published").order_by("county__code")
    assert list(published) == runs  # 慈溪市's earlier run of 2025 is superseded by its own new one only
