"""本县政策 (issue 18): each county keeps its own warnings, entry rules, ranking index and rectification rules. A county's
latest saved version is in force for that county, the other county keeps the shipped file; only the county's own
administrator saves one (the province reads every county's and changes nothing); a text the reading app refuses is
not saved, with each problem in Chinese and English; every save leaves one audit entry."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from conftest import COUNTY, XINPU
from landcycle.audit.models import AuditEntry
from landcycle.countypolicy.models import CountyPolicy
from landcycle.countypolicy.selectors import policy_source
from landcycle.countypolicy.services import county_policy_set
from landcycle.rules.policy import read_policy
from landcycle.rules.problems import RuleError

pytestmark = pytest.mark.django_db
YUYAO = "330281"


@pytest.fixture
def counties(registry_data, personas):
    """慈溪市 (registry_data) and 余姚市 (a park in each of its first two towns), 余姚's administrator and the
    province's reader."""
    from landcycle.accounts.models import Role, User
    from landcycle.accounts.services import system_user
    from landcycle.registry.models import Region
    from landcycle.registry.regions import regions_load
    from landcycle.registry.services import park_create

    system = system_user()
    regions_load(actor=system, county=YUYAO)
    for i, town in enumerate(
        Region.objects.filter(code__startswith=YUYAO, level=Region.Level.TOWN).order_by("code")[:2]
    ):
        park_create(actor=system, code=f"P-YY-{i}", name=f"{town.name}园区", kind="industrial", town=town)
    return {
        "cixi": Region.objects.get(code=COUNTY),
        "yuyao": Region.objects.get(code=YUYAO),
        "cixi_admin": personas["admin"],
        "yuyao_admin": User.objects.create_user(
            "p_yuyao", password="x", role=Role.COUNTY_ADMIN, region=Region.objects.get(code=YUYAO)
        ),
        "province": User.objects.create_user(
            "p_province", password="x", role=Role.PROVINCE, region=Region.objects.get(code="33")
        ),
        "personas": personas,
        "registry": registry_data,
    }


def _own(name: str, old: str, new: str, version: str) -> str:
    """The shipped text of ``name`` with ``old`` replaced by ``new`` and a version of the county's own."""
    text = read_policy(name).text
    assert old in text
    shipped_version = read_policy(name).version
    return text.replace(old, new, 1).replace(f'version = "{shipped_version}"', f'version = "{version}"', 1)


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_county_sets_its_own_version_the_other_keeps_the_shipped_file(counties):
    cixi, yuyao = counties["cixi"], counties["yuyao"]
    text = _own("warnings", "[idle_land]", "[idle_land]", "2026.2-cx")
    first = county_policy_set(actor=counties["cixi_admin"], county=cixi, name="warnings", text=text, note="本县试行")
    assert policy_source("warnings", cixi).version == "2026.2-cx"
    assert policy_source("warnings", XINPU).hash == first.hash  # any region inside the county, by code
    assert policy_source("warnings", yuyao) == read_policy("warnings")
    assert policy_source("warnings", None) == read_policy("warnings")
    entry = AuditEntry.objects.get(action="countypolicy.set")
    assert (entry.region_code, entry.object_id, json.loads(entry.after)["version"]) == (
        COUNTY,
        str(first.pk),
        "2026.2-cx",
    )
    # a second version replaces the first; the first stays, marked superseded
    second = county_policy_set(
        actor=counties["cixi_admin"], county=cixi, name="warnings", text=text.replace("2026.2-cx", "2026.3-cx")
    )
    first.refresh_from_db()
    assert first.superseded_at is not None and second.superseded_at is None
    assert policy_source("warnings", cixi).version == "2026.3-cx"
    assert AuditEntry.objects.filter(action="countypolicy.set").count() == 2


def test_only_the_countys_own_administrator_writes(counties):
    cixi, text = counties["cixi"], read_policy("ranking").text
    for who in ("yuyao_admin", "province"):
        with pytest.raises(PermissionDenied):
            county_policy_set(actor=counties[who], county=cixi, name="ranking", text=text)
    with pytest.raises(PermissionDenied):  # a county's analyst keeps no policy either
        county_policy_set(actor=counties["personas"]["analyst"], county=cixi, name="ranking", text=text)
    assert not CountyPolicy.objects.exists()
    # pages: another county's page is not found; the province reads each county's but its post is refused
    url = f"/policies/{COUNTY}/ranking/"
    assert _client(counties["yuyao_admin"]).get(url).status_code == 404
    assert _client(counties["yuyao_admin"]).post(url, {"text": text}).status_code == 404
    assert _client(counties["yuyao_admin"]).get(f"/policies/{COUNTY}/ranking/policy.toml").status_code == 404
    province = _client(counties["province"])
    page = province.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert province.post(url, {"text": text}).status_code == 403
    assert not CountyPolicy.objects.exists()
    home = province.get("/policies/")
    assert [c["county"].code for c in home.context["table"]] == [YUYAO, COUNTY]
    # a county's user is shown their county's page
    assert _client(counties["cixi_admin"]).get("/policies/").context["county"] == counties["cixi"]


def test_a_bad_text_is_refused_bilingually_with_its_line_and_nothing_is_written(counties):
    cixi, admin = counties["cixi"], counties["cixi_admin"]
    with pytest.raises(RuleError) as e:
        county_policy_set(actor=admin, county=cixi, name="admission", text='name = "admission"\nversion = \n')
    p = e.value.problems[0]
    assert p.rule == "policy.syntax" and "line 2" in p.zh and "line 2" in p.en and "TOML" in p.en
    bad = _own("admission", "[default.rules.tax_per_mu]\nmin = 8", "[default.rules.tax_per_mu]\nmin = -8", "x")
    with pytest.raises(RuleError) as e:  # TOML, but the entry rules' own parser refuses it
        county_policy_set(actor=admin, county=cixi, name="admission", text=bad)
    assert e.value.problems and all(p.zh and p.en for p in e.value.problems)
    with pytest.raises(RuleError) as e:
        county_policy_set(actor=admin, county=cixi, name="evaluation", text=read_policy("evaluation").text)
    assert e.value.problems[0].rule == "countypolicy.name"  # evaluation versions are kept by the evaluation app
    assert not CountyPolicy.objects.exists() and not AuditEntry.objects.filter(action="countypolicy.set").exists()
    # the page shows the problems and keeps what was typed
    resp = _client(admin).post(f"/policies/{COUNTY}/admission/", {"text": "version = \n", "note": "x"})
    assert resp.status_code == 200
    assert resp.context["problems"][0].rule == "policy.syntax"
    assert b"line 1" in resp.content and not CountyPolicy.objects.exists()


def test_the_page_saves_a_pasted_or_uploaded_version_and_offers_the_texts(counties):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin, url = counties["cixi_admin"], f"/policies/{COUNTY}/rectification/"
    c = _client(admin)
    page = c.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    assert page.context["text"] == read_policy("rectification").text  # nothing own yet: the shipped text
    text = _own("rectification", "", "", "2026.1-cx")
    upload = SimpleUploadedFile("rect.toml", text.encode("utf-8"), content_type="application/toml")
    resp = c.post(url, {"text": "", "file": upload, "note": "上传"})
    assert resp.status_code == 302
    own = CountyPolicy.objects.get(county__code=COUNTY, name="rectification")
    assert (own.version, own.note, own.created_by) == ("2026.1-cx", "上传", admin)
    county_page = c.get(f"/policies/{COUNTY}/")
    row = next(r for r in county_page.context["rows"] if r["kind"].name == "rectification")
    assert row["own"] == own and row["version"] == "2026.1-cx"
    assert c.get(f"/policies/{COUNTY}/rectification/policy.toml").content.decode() == text
    shipped = c.get("/policies/shipped/rectification.toml")
    assert shipped.content.decode() == read_policy("rectification").text
    assert "attachment" in shipped["Content-Disposition"]
    assert c.get(f"{url}?version={own.pk}").context["shown"] == own


def test_ranking_runs_use_their_own_countys_index(counties):
    from landcycle.kit.indicators import Quarter
    from landcycle.ranking.services import run_compute

    cixi, yuyao = counties["cixi"], counties["yuyao"]
    text = _own("ranking", "weight_range = 0.25", "weight_range = 0.3", "2026.1-cx")
    own = county_policy_set(actor=counties["cixi_admin"], county=cixi, name="ranking", text=text)
    q = Quarter(2025, 2)
    a = run_compute(actor=counties["cixi_admin"], quarter=q, runs=20, gains=False)
    b = run_compute(actor=counties["yuyao_admin"], quarter=q, county=yuyao, runs=20, gains=False)
    assert (a.policy_version, a.policy_hash, a.policy_toml) == ("2026.1-cx", own.hash, text)
    shipped = read_policy("ranking")
    assert (b.policy_version, b.policy_hash) == (shipped.version, shipped.hash)
    # the index page shows each county's own
    mine = _client(counties["cixi_admin"]).get("/ranking/policy/")
    assert (mine.context["policy"].version, mine.context["county_own"]) == ("2026.1-cx", own)
    theirs = _client(counties["yuyao_admin"]).get("/ranking/policy/")
    assert (theirs.context["policy"].version, theirs.context["county_own"]) == (shipped.version, None)


def test_entry_checks_use_the_applications_countys_rules(counties):
    import datetime as dt

    from landcycle.admission.services.applications import application_register, application_submit
    from landcycle.admission.services.rules import policy_on

    good = {  # passes the shipped default rules: tax 200 (万元) on 20 mu = 10 per mu, the minimum is 8
        "project": "年产50万台智能家电项目",
        "applicant_name": "慈溪市新浦智能家电有限公司",
        "industry_code": "3851",
        "land_mu": "20",
        "total_investment": "5000",
        "fixed_investment": "4000",
        "revenue": "6000",
        "tax": "200",
        "value_added": "3000",
        "energy_tce": "1000",
        "emissions_t": "2",
        "plot_ratio": "1.5",
        "building_density": "40",
        "green_share": "15",
        "office_share": "5",
    }
    officer, park, day = counties["personas"]["xinpu"], counties["registry"][XINPU]["park"], dt.date(2026, 3, 2)
    shipped = application_submit(
        actor=officer,
        application=application_register(actor=officer, number="ZR-1", park=park, **good),
        on=day,
    )
    assert shipped.passed and shipped.rules_hash == read_policy("admission").hash
    text = _own("admission", "[default.rules.tax_per_mu]\nmin = 8", "[default.rules.tax_per_mu]\nmin = 50", "2026.1-cx")
    own = county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="admission", text=text)
    rev = application_submit(
        actor=officer,
        application=application_register(actor=officer, number="ZR-2", park=park, **good),
        on=day,
    )
    assert (rev.passed, rev.rules_version, rev.rules_hash) == (False, "2026.1-cx", own.hash)
    assert [r["status_en"] for r in rev.results if r["rule"] == "tax_per_mu"] == ["fails"]
    assert policy_on(day, counties["yuyao"])[0].hash == read_policy("admission").hash  # the other county: shipped
    page = _client(counties["cixi_admin"]).get("/admission/rules/")
    assert (page.context["policy"].hash, page.context["county_own"]) == (own.hash, own)
    assert _client(counties["yuyao_admin"]).get("/admission/rules/").context["county_own"] is None


def _yuyao_parcel_and_firm(system, park):
    """One parcel of 余姚市's park and the firm that will hold it (registered 2005)."""
    import datetime as dt

    from conftest import rectangle
    from landcycle.registry import services
    from landcycle.rules.codes import make_uscc

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
        registered_on=dt.date(2005, 1, 1),
        town=park.town,
    )
    return parcel, firm


def test_a_refresh_across_counties_judges_each_subject_by_its_own_countys_warning_rules(counties, supervision_data):
    import datetime as dt

    from conftest import SUPERVISION_DAY
    from landcycle.accounts.services import system_user
    from landcycle.evaluation.models import YearlyFigure
    from landcycle.registry import services
    from landcycle.registry.models import Park
    from landcycle.supervision.models import Warning
    from landcycle.supervision.refresh import warnings_refresh

    system = system_user()
    park = services.park_update(actor=system, park=Park.objects.get(code="P-YY-0"), min_tax_per_mu=30)
    parcel, firm = _yuyao_parcel_and_firm(system, park)
    services.occupancy_create(
        actor=system, enterprise=firm, parcel=parcel, kind="owned", area_m2=20000, start=dt.date(2005, 1, 1)
    )
    YearlyFigure.objects.create(enterprise=firm, year=2025, revenue=1000, tax=100, value_added=300)  # 3.3 / mu
    # 慈溪市 warns of tax per mu only below 1 % of the park minimum: its owners (about 20 of 30) are no longer warned
    text = _own(
        "warnings",
        "tax_per_mu_yellow_below = 1.00",
        "tax_per_mu_yellow_below = 0.01",
        "2026.2-cx",
    ).replace("tax_per_mu_red_below = 0.80", "tax_per_mu_red_below = 0.005")
    text = text.replace("verify_working_days = 5", "verify_working_days = 10")  # and verifies within 10 working days
    county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="warnings", text=text)
    warnings_refresh(actor=system, as_of=SUPERVISION_DAY)  # both counties in one refresh
    tax = Warning.objects.filter(subject_type="enterprise", rule="enterprise.tax_per_mu")
    cixi_owners = [d["owner"].pk for d in supervision_data.values()]
    assert set(tax.filter(subject_id__in=cixi_owners).values_list("colour", flat=True)) == {"green"}
    yuyao = tax.get(subject_id=firm.pk)
    assert (yuyao.colour, yuyao.policy_version) == ("red", read_policy("warnings").version)
    cixi_contracts = Warning.objects.filter(subject_type="contract", town__code__startswith=COUNTY)
    assert cixi_contracts.exists()
    assert set(cixi_contracts.values_list("policy_version", flat=True)) == {"2026.2-cx"}
    # the deadlines and the checks of a contract's page and services are the county's too
    from landcycle.supervision.convert import TownPolicies, policy_of
    from landcycle.supervision.deadlines import verify_due

    by_town = TownPolicies()
    cixi_town, yuyao_town = supervision_data[XINPU]["town"], park.town
    assert policy_of(supervision_data[XINPU]["contract"]).version == "2026.2-cx"
    assert (by_town.of_town(cixi_town.pk).version, by_town.of_town(yuyao_town.pk)) == ("2026.2-cx", by_town.shipped)
    day = dt.date(2026, 12, 1)  # a Tuesday: 5 working days later is 12-08, 10 are 12-15
    assert verify_due(day, rules=by_town.of_town(cixi_town.pk)) == dt.date(2026, 12, 15)
    assert yuyao.verify_due == verify_due(SUPERVISION_DAY) and verify_due(day) == dt.date(2026, 12, 8)


def test_a_countys_rounds_follow_its_own_rectification_cadence(counties):
    import datetime as dt

    from landcycle.accounts.services import system_user
    from landcycle.rectification.policy import rectification_policy
    from landcycle.rectification.services.rounds import round_open

    text = _own("rectification", "period_start_days = [1, 16]", "period_start_days = [1, 11, 21]", "2026.1-cx")
    county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="rectification", text=text)
    assert rectification_policy(XINPU).period_start_days == (1, 11, 21)  # a town of the county: the county's
    assert rectification_policy(counties["yuyao"]).period_start_days == (1, 16)
    day = dt.date(2026, 2, 5)
    cixi = round_open(actor=counties["personas"]["supervisor"], county=counties["cixi"], on=day)
    yuyao = round_open(actor=system_user(), county=counties["yuyao"], on=day)
    assert (cixi.period_start, cixi.period_end, cixi.policy_version) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 10),
        "rectification 2026.1-cx",
    )
    assert (yuyao.period_start, yuyao.period_end, yuyao.policy_version) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 15),
        f"rectification {read_policy('rectification').version}",
    )


def test_a_version_saved_meanwhile_is_not_overwritten(counties, monkeypatch):
    """Two administrators saving at once: the one-in-force constraint refuses the second, bilingually."""
    cixi, admin, text = counties["cixi"], counties["cixi_admin"], read_policy("ranking").text
    first = county_policy_set(actor=admin, county=cixi, name="ranking", text=text)
    monkeypatch.setattr("landcycle.countypolicy.services._in_force_locked", lambda county, name: None)  # read before
    with pytest.raises(RuleError) as e:
        county_policy_set(actor=admin, county=cixi, name="ranking", text=text, note="second")
    assert e.value.problems[0].rule == "countypolicy.concurrent"
    assert list(CountyPolicy.objects.values_list("pk", flat=True)) == [first.pk]


def _stricter_entry_rules(version: str) -> str:
    return _own("admission", "[default.rules.tax_per_mu]\nmin = 8", "[default.rules.tax_per_mu]\nmin = 50", version)


def test_entry_rules_saved_on_the_rules_page_are_the_countys_only(counties):
    import datetime as dt

    from landcycle.admission.models import RuleSet
    from landcycle.admission.services.rules import policy_on, ruleset_save

    day, shipped = dt.date(2026, 3, 2), read_policy("admission").hash
    rs = ruleset_save(
        actor=counties["cixi_admin"], text=_stricter_entry_rules("2026.2-cx"), effective_from=dt.date(2026, 1, 1)
    )
    assert rs.county == counties["cixi"]  # by default the administrator's own county
    assert (policy_on(day, counties["cixi"])[1], policy_on(day, f"{XINPU}000")[1]) == (rs, rs)
    assert policy_on(day, counties["yuyao"])[0].hash == shipped and policy_on(day, counties["yuyao"])[1] is None
    assert policy_on(day, None)[0].hash == shipped  # no county: the shipped file
    for who in ("yuyao_admin", "province"):  # nobody else writes the county's rules
        with pytest.raises(PermissionDenied):
            ruleset_save(actor=counties[who], county=counties["cixi"], text=read_policy("admission").text)
    yy = ruleset_save(actor=counties["yuyao_admin"], text=read_policy("admission").text, effective_from=day)
    assert yy.county == counties["yuyao"] and policy_on(day, counties["cixi"])[1] == rs  # 慈溪 unchanged
    assert list(RuleSet.objects.filter(county=counties["cixi"])) == [rs]
    entry = AuditEntry.objects.filter(action="admission.rules_save").order_by("pk")
    assert [e.region_code for e in entry] == [COUNTY, YUYAO]


def test_the_rules_page_shows_one_countys_rules_and_answers_404_for_another(counties):
    import datetime as dt

    from landcycle.admission.models import RuleSet
    from landcycle.admission.services.rules import ruleset_save
    from landcycle.registry.models import Park

    rs = ruleset_save(
        actor=counties["cixi_admin"], text=_stricter_entry_rules("2026.2-cx"), effective_from=dt.date(2026, 1, 1)
    )
    yuyao_park = Park.objects.get(code="P-YY-0")
    cixi_park = counties["registry"][XINPU]["park"]
    yuyao = _client(counties["yuyao_admin"])
    own = yuyao.get("/admission/rules/")
    assert own.context["county"] == counties["yuyao"] and own.context["counties"] == []  # no picker for a county
    assert own.context["history"] == [] and own.context["rule_set"] is None and own.context["form"] is not None
    assert [p["park"].code for p in own.context["parks"]] == ["P-YY-0", "P-YY-1"]
    assert "2026.2-cx" not in own.content.decode()
    assert yuyao.get(f"/admission/rules/?county={COUNTY}").status_code == 404  # another county's: not found
    assert yuyao.get(f"/admission/parks/{cixi_park.pk}/rules/").status_code == 404
    assert yuyao.get(f"/admission/parks/{yuyao_park.pk}/rules/").context["rule_set"] is None
    # the 慈溪 administrator's page: its own version and its history, and the park page applies it
    cixi = _client(counties["cixi_admin"])
    page = cixi.get("/admission/rules/")
    assert (page.context["county"], page.context["rule_set"], page.context["history"]) == (counties["cixi"], rs, [rs])
    assert cixi.get(f"/admission/parks/{cixi_park.pk}/rules/").context["rule_set"] == rs
    resp = yuyao.post("/admission/rules/", {"text": read_policy("admission").text, "effective_from": "2026-01-01"})
    assert resp.status_code == 302 and resp["Location"].endswith(f"?county={YUYAO}")
    assert RuleSet.objects.get(county=counties["yuyao"]).saved_by == counties["yuyao_admin"]
    assert yuyao.post(f"/admission/rules/?county={COUNTY}", {"text": "x"}).status_code == 404
    # the province: a picker of every county, each county's own rules read-only
    province = _client(counties["province"])
    first = province.get("/admission/rules/")
    assert [c.code for c in first.context["counties"]] == [YUYAO, COUNTY] and first.context["form"] is None
    assert 'name="county" data-autosubmit' in first.content.decode()
    shown = province.get(f"/admission/rules/?county={COUNTY}")
    assert (shown.context["rule_set"], shown.context["history"]) == (rs, [rs])
    assert province.get("/admission/rules/?county=330299").status_code == 404
    assert province.post(f"/admission/rules/?county={COUNTY}", {"text": "x"}).status_code == 404
    assert RuleSet.objects.filter(county=counties["cixi"]).count() == 1


def test_of_a_countys_two_kinds_of_versions_the_one_that_took_effect_last_applies(counties):
    import datetime as dt

    from django.utils import timezone

    from landcycle.admission.services.rules import policy_on, ruleset_save

    today = timezone.localdate()
    own = county_policy_set(
        actor=counties["cixi_admin"], county=counties["cixi"], name="admission", text=_stricter_entry_rules("own")
    )
    earlier = ruleset_save(
        actor=counties["cixi_admin"], text=read_policy("admission").text, effective_from=today - dt.timedelta(days=30)
    )
    assert policy_on(today, counties["cixi"]) == (policy_on(today, counties["cixi"])[0], None)
    assert policy_on(today, counties["cixi"])[0].hash == own.hash  # saved today: later than the page's version
    later = ruleset_save(
        actor=counties["cixi_admin"], text=read_policy("admission").text, effective_from=today + dt.timedelta(days=10)
    )
    assert policy_on(today, counties["cixi"])[0].hash == own.hash  # not yet in force
    assert policy_on(today + dt.timedelta(days=10), counties["cixi"])[1] == later
    assert earlier != later
    page = _client(counties["cixi_admin"]).get("/admission/rules/")
    assert page.context["county_own"] == own and page.context["rule_set"] is None


# ------------------------------------------------------------------ every page reads the contract's county's policy
OWN_TAX_NAME = "单位用地税收"  # 慈溪市's name of the tax-per-mu commitment (shipped: 亩均税收)
OWN_CAUSE = "供地迟延（慈溪口径）"  # and of the late delivery of the land (shipped: 未按约定期限、条件交付土地)
SHIPPED_CAUSE = "未按约定期限、条件交付土地"


@pytest.fixture
def own_warnings(counties, supervision_data, settings, tmp_path):
    """慈溪市 keeps its own warnings policy: another name for the tax-per-mu commitment and for the late delivery of
    the land, an idle-land fee of 15 % (shipped 20 %), at most 2 evidence files of 1 MB each (shipped 9 of 20 MB).
    余姚市 keeps the shipped file and has a contract of its own like 慈溪's (never started, a tax-per-mu
    commitment); each contract has a late delivery on record; warnings refreshed."""
    import datetime as dt

    from conftest import SUPERVISION_DAY
    from landcycle.accounts.services import system_user
    from landcycle.registry.models import Park
    from landcycle.supervision.refresh import warnings_refresh
    from landcycle.supervision.services.commitments import commitment_add, government_delay_add
    from landcycle.supervision.services.contracts import contract_create

    settings.UPLOADS_DIR = tmp_path / "uploads"
    text = _own(
        "warnings",
        'tax_per_mu = { zh = "亩均税收", en = "tax per mu"',
        f'tax_per_mu = {{ zh = "{OWN_TAX_NAME}", en = "tax per mu of land"',
        "2026.2-cx",
    )
    for old, new in (
        (f'late_delivery = {{ zh = "{SHIPPED_CAUSE}"', f'late_delivery = {{ zh = "{OWN_CAUSE}"'),
        ("fee_share = 0.20", "fee_share = 0.15"),
        ("evidence_max_mb = 20", "evidence_max_mb = 1"),
        ("evidence_max_files = 9", "evidence_max_files = 2"),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="warnings", text=text)
    system = system_user()
    park = Park.objects.get(code="P-YY-0")
    parcel, firm = _yuyao_parcel_and_firm(system, park)
    yuyao = contract_create(
        actor=system,
        number="HT-YY-001",
        parcels=[parcel],
        holder=firm,
        kind="standard",
        price_wan="480.00",
        signed_on=dt.date(2024, 1, 10),
        agreed_delivery=dt.date(2024, 2, 1),
        actual_delivery=dt.date(2024, 1, 30),
        agreed_start=dt.date(2024, 6, 30),
        agreed_completion=dt.date(2026, 6, 30),
        agreed_production=dt.date(2027, 6, 30),
        term_years=50,
    )
    commitment_add(actor=system, contract=yuyao, kind="tax_per_mu", committed=30, unit="万元/亩")
    cixi = supervision_data[XINPU]["contract"]
    for c in (cixi, yuyao):
        government_delay_add(
            actor=system,
            contract=c,
            cause="late_delivery",
            evidence="交地确认书",
            days=30,
            recorded_on=dt.date(2024, 2, 1),
        )
    warnings_refresh(actor=system, as_of=SUPERVISION_DAY)
    return {**counties, "cixi_contract": cixi, "yuyao_contract": yuyao, "data": supervision_data}


def test_the_contract_page_and_the_commitment_form_name_the_kinds_of_the_contracts_county(own_warnings):
    """The commitments of a contract are named (and offered, on the form) as the contract's county's policy names
    them; another county's contract keeps the shipped names."""
    cixi, yuyao = own_warnings["cixi_contract"], own_warnings["yuyao_contract"]
    mine, theirs = _client(own_warnings["cixi_admin"]), _client(own_warnings["yuyao_admin"])
    page = mine.get(f"/contracts/{cixi.pk}/").content.decode()
    assert f'<td class="nowrap">{OWN_TAX_NAME}</td>' in page
    other = theirs.get(f"/contracts/{yuyao.pk}/").content.decode()
    assert '<td class="nowrap">亩均税收</td>' in other and OWN_TAX_NAME not in other
    # the form offers the county's own kinds
    choices = dict(mine.get(f"/contracts/{cixi.pk}/commitments/new/").context["form"].fields["kind"].choices)
    assert choices["tax_per_mu"] == f"{OWN_TAX_NAME}（万元/亩）"
    choices = dict(theirs.get(f"/contracts/{yuyao.pk}/commitments/new/").context["form"].fields["kind"].choices)
    assert choices["tax_per_mu"] == "亩均税收（万元/亩）"
    # its government delays by the county's names, and the delay form offers them
    assert f"<tr><td>{OWN_CAUSE}</td>" in page and f"<tr><td>{SHIPPED_CAUSE}</td>" in other
    choices = dict(mine.get(f"/contracts/{cixi.pk}/delays/new/").context["form"].fields["cause"].choices)
    assert choices["late_delivery"] == OWN_CAUSE
    choices = dict(theirs.get(f"/contracts/{yuyao.pk}/delays/new/").context["form"].fields["cause"].choices)
    assert choices["late_delivery"] == SHIPPED_CAUSE
    # and the parcel's file (一地一档) names the delays on its contracts alike
    from django.urls import reverse

    parcel = own_warnings["data"][XINPU]["parcels"][1]
    assert f"政府原因延迟：{OWN_CAUSE}" in mine.get(reverse("parcel_detail", args=[parcel.pk])).content.decode()
    yy_parcel = yuyao.parcels.get()
    assert (
        f"政府原因延迟：{SHIPPED_CAUSE}" in theirs.get(reverse("parcel_detail", args=[yy_parcel.pk])).content.decode()
    )
    # a commitment rule is named alike wherever a warning is named
    from landcycle.supervision.convert import rules_of
    from landcycle.supervision.labels import rule_label

    assert rule_label("commitment.tax_per_mu", rules_of(cixi)) == f"承诺指标：{OWN_TAX_NAME}"
    assert rule_label("commitment.tax_per_mu", rules_of(yuyao)) == "承诺指标：亩均税收"


def test_the_printed_idle_land_finding_states_the_countys_fee_and_causes(own_warnings):
    """The draft 闲置土地认定书 cites the fee share and names the government causes of the contract's county."""
    mine = _client(own_warnings["cixi_admin"]).get(f"/contracts/{own_warnings['cixi_contract'].pk}/idle-notice/")
    theirs = _client(own_warnings["yuyao_admin"]).get(f"/contracts/{own_warnings['yuyao_contract'].pk}/idle-notice/")
    assert mine.status_code == theirs.status_code == 200
    mine, theirs = mine.content.decode(), theirs.content.decode()
    assert OWN_CAUSE in mine and SHIPPED_CAUSE not in mine and "价款的15%征缴" in mine
    assert SHIPPED_CAUSE in theirs and OWN_CAUSE not in theirs and "价款的20%征缴" in theirs


def test_evidence_is_refused_by_the_limits_of_the_warnings_county(own_warnings):
    """慈溪市 allows 2 files of 1 MB: a third file, or a larger one, is refused with its own numbers; 余姚市's warning
    takes them under the shipped limits (9 files of 20 MB)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from landcycle.rules.problems import RuleError
    from landcycle.supervision.models import Warning, WarningEvidence
    from landcycle.supervision.services.warnings import warning_verify

    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64

    def photos(n: int, size: int = 0) -> list:
        return [SimpleUploadedFile(f"现场{i}.jpg", jpeg + b"\x00" * size, content_type="image/jpeg") for i in range(n)]

    def open_warning(contract) -> Warning:
        return Warning.objects.filter(subject_type="contract", subject_id=contract.pk, status="open").first()

    cixi, yuyao = open_warning(own_warnings["cixi_contract"]), open_warning(own_warnings["yuyao_contract"])
    admin = own_warnings["cixi_admin"]
    with pytest.raises(RuleError) as e:
        warning_verify(actor=admin, warning=cixi, confirmed=True, files=photos(3))
    assert [p.zh for p in e.value.problems] == ["一次最多上传2个文件，实为3个"]
    with pytest.raises(RuleError) as e:
        warning_verify(actor=admin, warning=cixi, confirmed=True, files=photos(1, size=1_200_000))
    assert [p.rule for p in e.value.problems] == ["evidence.size"] and "超过上限1 MB" in e.value.problems[0].zh
    warning_verify(
        actor=own_warnings["yuyao_admin"], warning=yuyao, confirmed=True, files=photos(2, 1_200_000) + photos(1)
    )
    assert WarningEvidence.objects.filter(warning=yuyao).count() == 3
    # the page says the county's number too
    cixi.refresh_from_db()
    page = _client(admin).post(f"/warnings/{cixi.pk}/", {"action": "verify", "answer": "confirm", "files": photos(3)})
    assert "一次最多上传2个文件" in page.content.decode()


def test_the_exported_ledger_names_each_contracts_cause_by_its_countys_policy(own_warnings):
    """The contract ledger's 政府原因 column: the name of the contract's county's policy, read once for the export
    (its queries do not grow with the rows)."""
    import csv
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.accounts.models import User
    from landcycle.ledgers.export import ledger_export
    from landcycle.ledgers.kinds import KINDS

    root = User.objects.create_superuser("p_root", password="x")
    with CaptureQueriesContext(connection) as few:
        ledger_export(user=root, kind="contracts", fmt="csv")
    data = ledger_export(user=root, kind="contracts", fmt="csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data)))
    head = rows[0]
    column = head.index(
        KINDS["contracts"].header(next(c for c in KINDS["contracts"].columns if c.field == "government_delay"))
    )
    by_number = {r[head.index(KINDS["contracts"].headers[0])]: r[column] for r in rows[1:]}
    assert by_number[own_warnings["cixi_contract"].number] == OWN_CAUSE
    assert by_number["HT-YY-001"] == SHIPPED_CAUSE
    assert len(few.captured_queries) < 20, [q["sql"] for q in few.captured_queries]


def test_the_import_reads_a_rows_cause_by_its_countys_names(own_warnings):
    """A ledger row's 政府原因 in 慈溪市's own words is 慈溪's late delivery; 余姚市 (the shipped names) does not know
    those words."""

    import csv
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.ledgers.kinds import KINDS
    from landcycle.ledgers.services import ledger_import
    from landcycle.registry.models import Region
    from landcycle.supervision.models import GovernmentDelay

    head = KINDS["contracts"].headers
    d = own_warnings["data"][XINPU]

    def row(number: str, **over) -> dict:
        r = {
            "合同编号": number,
            "土地使用权人": d["owner"].name,
            "土地用途": "工业用地",
            "合同类型": "标准地",
            "成交价格（万元）": 480,
            "面积（平方米）": 20000,
            "合同签订日期": "2025-01-10",
            "约定开工时间": "2025-07-01",
            "约定竣工时间": "2027-07-01",
            "政府原因": OWN_CAUSE,
            "政府原因佐证": "交地确认书",
        }
        r.update(over)
        return r

    def book(*rows) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows([head, *[[r.get(h, "") for h in head] for r in rows]])
        return out.getvalue().encode("utf-8-sig")

    def policy_reads(*rows, dry_run=True) -> int:
        """How often checking ``rows`` (the plan of an import, nothing written; or the import, written) reads the
        counties' policies."""
        with CaptureQueriesContext(connection) as ctx:
            report = ledger_import(
                actor=own_warnings["cixi_admin"],
                kind="contracts",
                filename="供地合同.csv",
                source=book(*rows),
                dry_run=dry_run,
            )
        assert not report.problems, report.problems
        assert dry_run or report.imported
        return sum(1 for q in ctx.captured_queries if "countypolicy" in q["sql"])

    report = ledger_import(
        actor=own_warnings["cixi_admin"],
        kind="contracts",
        filename="供地合同.csv",
        source=book(row("3302822025A09001", 地块编号=d["parcels"][0].number)),
    )
    assert report.imported, report.problems
    assert GovernmentDelay.objects.get(contract__number="3302822025A09001").cause == "late_delivery"
    town = Region.objects.filter(code__startswith=YUYAO, level=Region.Level.TOWN).order_by("code").first()
    other = ledger_import(
        actor=own_warnings["yuyao_admin"],
        kind="contracts",
        filename="供地合同.csv",
        source=book(row("3302812025A09001", 所属镇街=town.code, 土地使用权人="余姚某公司")),
    )
    assert other.status == "refused"
    assert [p.rule for p in other.problems] == ["contract.delay_cause_unknown"], other.problems
    # checking the rows reads the policies once, however many rows there are
    parcel = d["parcels"][0].number
    one = policy_reads(row("3302822025A09101", 地块编号=parcel))
    three = policy_reads(*(row(f"3302822025A0920{i}", 地块编号=parcel) for i in range(3)))
    assert one == three
    # and writing them too: each row's contract, commitments and delay are checked by the policies read once
    one = policy_reads(row("3302822025A09301", 地块编号=parcel), dry_run=False)
    three = policy_reads(*(row(f"3302822025A0940{i}", 地块编号=parcel) for i in range(3)), dry_run=False)
    assert one == three


def test_renewal_projects_are_coloured_by_their_countys_warning_rules(counties):
    """A renewal project's colour reads the progress and date rules of the warnings policy: its county's own."""
    import datetime as dt

    from landcycle.accounts.services import system_user
    from landcycle.registry.models import Park
    from landcycle.renewal.colours import project_colour
    from landcycle.renewal.selectors import decorate
    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    system = system_user()
    plan = {
        "approval": dt.date(2025, 2, 1),
        "relocation": dt.date(2025, 5, 31),
        "demolition": dt.date(2025, 8, 31),
        "construction": dt.date(2025, 10, 31),
        "completion": dt.date(2026, 10, 31),
        "firms_in": dt.date(2026, 12, 31),
    }

    def project(number: str, park: Park):
        p = project_create(
            actor=system,
            number=number,
            name=f"{park.town.name}老旧工业区块改造提升",
            town=park.town,
            kind="demolish_rebuild",
            planned_start=dt.date(2025, 1, 1),
            planned_end=dt.date(2026, 12, 31),
            parks=[park],
            area_mu="60",
            milestones=plan,
        )
        p = project_approve(actor=system, project=p, approved_on=plan["approval"], document="政发〔2025〕8号")
        return project_start(actor=system, project=p, started_on=dt.date(2025, 3, 1))

    cixi = project("GZ-CX-01", counties["registry"][XINPU]["park"])
    yuyao = project("GZ-YY-01", Park.objects.get(code="P-YY-0"))
    today = dt.date(2025, 9, 15)  # nothing done: 35 points behind the plan, two milestones late
    assert project_colour(cixi, today).colour == project_colour(yuyao, today).colour == "red"
    text = _own("warnings", "yellow_behind_points = 10", "yellow_behind_points = 90", "2026.2-cx")
    text = text.replace("red_behind_points = 30", "red_behind_points = 95").replace(
        "grace_days = 90", "grace_days = 400"
    )
    county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="warnings", text=text)
    assert project_colour(cixi, today).colour == "yellow"  # late milestones within 慈溪's 400 days' grace
    assert project_colour(yuyao, today).colour == "red"
    listed = {p.number: p.colour.colour for p in decorate([cixi, yuyao], today)}
    assert listed == {"GZ-CX-01": "yellow", "GZ-YY-01": "red"}


def test_a_rounds_due_day_is_counted_on_its_countys_working_days(counties):
    """The rectification round's due day rolls over rest days of the county's warnings policy calendar: a holiday
    of 慈溪市's own moves its due day, 余姚市 keeps the shipped calendar."""
    import datetime as dt

    from landcycle.accounts.services import system_user
    from landcycle.rectification.services.rounds import round_open

    text = _own("warnings", "holidays = []", 'holidays = ["2026-03-16"]', "2026.2-cx")
    county_policy_set(actor=counties["cixi_admin"], county=counties["cixi"], name="warnings", text=text)
    day = dt.date(2026, 3, 5)  # the round of 1–15 March: the 15th is a Sunday
    cixi = round_open(actor=counties["personas"]["supervisor"], county=counties["cixi"], on=day)
    yuyao = round_open(actor=system_user(), county=counties["yuyao"], on=day)
    assert (cixi.due_on, yuyao.due_on) == (dt.date(2026, 3, 17), dt.date(2026, 3, 16))


def test_lists_read_the_countys_own_policy_once_whatever_their_rows(own_warnings, django_assert_max_num_queries):
    """With a county's own version in force, the board and the contract list name each row's rules by its county's
    policy, read once per request: their queries do not grow with the rows."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from conftest import SUPERVISION_DAY
    from landcycle.supervision.refresh import warnings_refresh
    from landcycle.supervision.services.commitments import commitment_add
    from landcycle.supervision.services.contracts import contract_create

    admin = own_warnings["cixi_admin"]
    client = _client(admin)
    pages = ("warning_board", "contract_list", "home")
    small = {}
    for name in pages:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        small[name] = len(ctx.captured_queries)
    d = own_warnings["data"][XINPU]
    for i in range(6):
        c = contract_create(
            actor=admin,
            number=f"HT-OWN-{i}",
            parcels=[d["parcels"][0]],
            holder=d["owner"],
            kind="grant",
            price_wan="100",
            signed_on=dt.date(2023, 1, 10),
            agreed_start=dt.date(2023, 6, 1),
            agreed_completion=dt.date(2025, 6, 1),
            actual_start=dt.date(2023, 6, 1),
            actual_completion=dt.date(2025, 6, 1),
            agreed_production=dt.date(2025, 12, 1),
            actual_production=dt.date(2025, 12, 1),  # in production, its tax per mu not reviewed: a warning
        )
        commitment_add(actor=admin, contract=c, kind="tax_per_mu", committed=30, unit="万元/亩")
    warnings_refresh(actor=admin, as_of=SUPERVISION_DAY)
    for name in pages:
        with django_assert_max_num_queries(small[name]):
            page = client.get(reverse(name))
        assert page.status_code == 200
    board = client.get(reverse("warning_board")).content.decode()
    assert f"承诺指标：{OWN_TAX_NAME}" in board
