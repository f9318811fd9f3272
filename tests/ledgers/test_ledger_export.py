"""Exporting ledgers: the same format the importer reads (export -> import changes nothing, for every kind
and both formats), what the user may see and nothing more, codes as text, dates as dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from import_books import QIAOTOU, XINPU, read_book, sheet_xml, wrong_check

from landcycle.audit.models import AuditEntry
from landcycle.evaluation.models import YearlyFigure
from landcycle.ledgers.export import ledger_export
from landcycle.ledgers.kinds import KINDS
from landcycle.ledgers.services import ledger_import
from landcycle.registry import services
from landcycle.registry.models import Enterprise, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich(supervision_data, personas):
    """registry_data (with supervision_data's contracts) plus what a round trip must carry: a confirmed failing
    check character, an ended lease, figures with every field (emissions to 3 places), notes and addresses,
    empty optional values."""
    registry_data = supervision_data
    admin = personas["admin"]
    xp = registry_data[XINPU]
    services.park_update(actor=admin, park=xp["park"], note="2019年认定")
    services.parcel_update(
        actor=admin, parcel=xp["parcels"][1], address="新浦镇纬二路8号", status="idle", land_use="m0"
    )
    old = services.enterprise_create(
        actor=admin,
        uscc=wrong_check("91330282MA2H4K7D39"),
        name="慈溪市老字号有限公司",
        industry_code="1713",
        scale="below",
        registered_on=dt.date(1998, 5, 4),
        town=xp["town"],
        status="suspended",
        uscc_override=True,
        uscc_override_reason="营业执照原件如此",
        contact="李四 0574-1234567",
    )
    services.occupancy_create(
        actor=admin,
        enterprise=old,
        parcel=xp["parcels"][1],
        kind="leased",
        area_m2=Decimal("1234.56"),
        start=dt.date(2018, 1, 1),
        end=dt.date(2023, 12, 31),
        lessor=xp["owner"],
    )
    YearlyFigure.objects.create(
        enterprise=old,
        year=2024,
        revenue=Decimal("1234.56"),
        tax=Decimal("0.01"),
        value_added=Decimal("99999999999.99"),
        energy_tce=Decimal("12.3"),
        emissions_t=Decimal("0.125"),
        rnd=Decimal("0"),
        staff=17,
        electricity_10k_kwh=Decimal("45.6"),
    )
    # evaluation facts: a veto with its date and source, a merged unit (the figures export carries them too)
    from landcycle.evaluation.services.facts import fact_record

    fact_record(
        actor=admin,
        enterprise=old,
        year=2024,
        kind="veto_illegal_land",
        occurred_on=dt.date(2024, 7, 1),
        source="慈自然资罚〔2024〕5号",
        note="未批先建",
    )
    fact_record(actor=admin, enterprise=old, year=2024, kind="merge_key", value="XP-2024-01", source="同地块合并评价")
    # applications: a new firm's draft with every figure, a registered enterprise's submitted one with figures missing
    from landcycle.admission.services.applications import application_register, application_submit

    application_register(
        actor=admin, number="ZR-1", project="新项目", park=xp["park"], applicant_name="新设企业", industry_code="3851",
        land_mu="20.5", total_investment="5000", fixed_investment="4000", revenue="6000", tax="200.05",
        value_added="3000", energy_tce="1000", emissions_t="0.125", rd_expense="180", staff="120", plot_ratio="1.5",
        building_density="40", green_share="15", office_share="5",
    )  # fmt: skip
    submitted = application_register(
        actor=admin, number="ZR-2", project="扩建项目", park=xp["park"], enterprise=xp["owner"], industry_code="3851",
        land_mu="10", tax="100",
    )  # fmt: skip
    application_submit(actor=admin, application=submitted, on=dt.date(2026, 3, 2))
    # exits: a case with a judicial mediation and a hazardous item disposed of with its manifest
    from landcycle.exits.services.cases import open_case
    from landcycle.exits.services.records import item_add, step_add

    case = open_case(
        admin, ground="lease_ended", town=xp["town"], parcels=[xp["parcels"][0]], enterprises=[xp["tenant"]],
        responsible_unit="新浦镇经发办", planned_start=dt.date(2026, 3, 1), deadline=dt.date(2026, 12, 31),
        opened_on=dt.date(2026, 3, 1), reason="租约到期",
    )  # fmt: skip
    step_add(
        actor=admin, case=case, kind="mediation", date=dt.date(2026, 4, 1), mediation="judicial",
        court="慈溪市人民法院", court_case_number="（2026）浙0282民调1号", outcome="达成调解协议",
    )  # fmt: skip
    item_add(
        actor=admin, case=case, category="hazardous", description="废机油", quantity="1.25", unit="吨",
        determined_owner="firm", determined_how="mediation", disposal="contractor", disposal_date=dt.date(2026, 5, 1),
        disposal_cost_wan="2.4", contractor="某环保公司", manifest_number="3302822026000001",
    )  # fmt: skip
    # the ranking's hand-entered figures: a policy score and the investment attracted (4 decimals kept)
    from landcycle.ranking.models import IndicatorInput

    for indicator, value, source in (("policy_score", "88.5", "县考核办"), ("investment_attracted", "12500.1234", "")):
        IndicatorInput.objects.create(
            town=xp["town"], year=2025, quarter=3, indicator=indicator, value=Decimal(value), source=source
        )
    # renewal: a draft plan with every figure and milestone, a project under way with a report and a firm's fate
    from landcycle.renewal.services.firms import fate_record
    from landcycle.renewal.services.progress import report_progress
    from landcycle.renewal.services.projects import project_approve, project_create, project_start

    plan = dict(area_mu="30.25", demolish_mu="10.5", demolish_m2="8000", rebuild_mu="12", rebuild_m2="30000",
                illegal_m2="1500.5", investment="9000", new_floor_m2="25000", plot_ratio="2.2",
                target_tax_per_mu="35.5", target_firms=8, lead_unit="新浦镇人民政府", lead_person="胡晓东")  # fmt: skip
    days = {"approval": dt.date(2025, 1, 5), "relocation": dt.date(2025, 6, 30), "completion": dt.date(2026, 10, 31)}
    for number in ("GZ-1", "GZ-2"):
        p = project_create(actor=admin, number=number, name="老厂区改造", town=xp["town"], kind="retreat_optimise",
                           parks=[xp["park"]], planned_start=dt.date(2025, 1, 1), planned_end=dt.date(2026, 12, 31),
                           milestones=days, **plan)  # fmt: skip
    p = project_approve(actor=admin, project=p, approved_on=dt.date(2025, 1, 5), document="慈政发〔2025〕1号")
    p = project_start(actor=admin, project=p, started_on=dt.date(2025, 2, 1))
    report_progress(actor=admin, project=p, period=dt.date(2025, 7, 1), percent_done=35, demolished_mu="3.25",
                    removed_m2="1200.5", investment_made="2000", text="搬迁完成",
                    milestones_done={"relocation": dt.date(2025, 6, 28)}, today=dt.date(2025, 8, 1))  # fmt: skip
    fate_record(
        actor=admin, project=p, enterprise=xp["owner"], fate="stays", decided_on=dt.date(2025, 3, 1), note="技改"
    )
    return registry_data


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_export_then_import_changes_nothing(rich, personas, kind, fmt):
    admin = personas["admin"]
    data = ledger_export(user=admin, kind=kind, fmt=fmt)
    audit = AuditEntry.objects.count()
    report = ledger_import(actor=admin, kind=kind, source=data, filename=f"{kind}.{fmt}")
    assert report.ok, report.problems
    assert report.changed == 0 and report.unchanged == KINDS[kind].queryset().count() > 0
    assert report.result.skipped == []
    assert AuditEntry.objects.count() == audit


@pytest.mark.parametrize("kind", ["parks", "parcels", "enterprises", "occupancy", "figures"])
def test_an_officer_exports_only_their_town_and_can_import_it_back(rich, personas, kind):
    officer = personas["xinpu"]
    rows = read_book(ledger_export(user=officer, kind=kind))[KINDS[kind].schema.title_zh]
    admin_rows = read_book(ledger_export(user=personas["admin"], kind=kind))[KINDS[kind].schema.title_zh]
    assert 1 < len(rows) < len(admin_rows)
    text = repr(rows)
    assert QIAOTOU not in text and "桥头" not in text
    report = ledger_import(actor=officer, kind=kind, source=ledger_export(user=officer, kind=kind, fmt="csv"))
    assert report.ok and report.changed == 0, report.problems


def test_export_of_an_officer_ignores_a_wider_queryset(rich, personas):
    rows = read_book(ledger_export(user=personas["xinpu"], kind="enterprises", queryset=Enterprise.objects.all()))[
        "企业台账"
    ]
    assert {r[6] for r in rows[1:]} == {"新浦镇"}
    below = read_book(
        ledger_export(
            user=personas["admin"],
            kind="enterprises",
            queryset=Enterprise.objects.filter(scale="below").order_by("-name"),
        )
    )["企业台账"]
    assert [r[3] for r in below[1:]] == ["规下"] * 3
    assert [r[1] for r in below[1:]] == sorted((r[1] for r in below[1:]), reverse=True)
    with pytest.raises(TypeError):
        ledger_export(user=personas["admin"], kind="enterprises", queryset=Region.objects.all())
    assert ledger_export(user=personas["leader"], kind="enterprises")  # reading is not writing


def test_xlsx_layout_codes_as_text_numbers_as_numbers_dates_as_dates(rich, personas):
    data = ledger_export(user=personas["admin"], kind="figures")
    rows = read_book(data)["企业年度数据"]
    assert rows[0] == KINDS["figures"].headers
    assert rows[0][:4] == ["统一社会信用代码", "企业名称", "年度", "主营业务收入（万元）"]
    old = next(r for r in rows if r[1] == "慈溪市老字号有限公司")
    assert old[0] == wrong_check("91330282MA2H4K7D39") and isinstance(old[0], str)
    assert old[2] == 2024 and old[5] == 99999999999.99 and old[7] == 0.125 and old[9] == 17
    xml = sheet_xml(data)
    assert 'state="frozen"' in xml and 'ySplit="1"' in xml and "<cols>" in xml and "autoFilter" in xml
    firms = read_book(ledger_export(user=personas["admin"], kind="enterprises"))["企业台账"]
    owner = rich[XINPU]["owner"]
    row = next(r for r in firms if r[0] == owner.uscc)
    assert row == [owner.uscc, owner.name, "3851", "规上", dt.date(2005, 3, 1), "在营", "新浦镇", ""]
    occupancy = read_book(ledger_export(user=personas["admin"], kind="occupancy"))["用地关系台账"]
    assert occupancy[0] == [
        "统一社会信用代码",
        "企业名称",
        "地块编号",
        "使用方式",
        "出租方统一社会信用代码",
        "使用面积（平方米）",
        "起始日期",
        "终止日期",
    ]
    ended = next(r for r in occupancy[1:] if r[7] != "")
    assert ended[3] == "租赁" and ended[4] == owner.uscc and ended[5] == 1234.56
    assert ended[7] == dt.date(2023, 12, 31)


def test_csv_has_a_bom_and_plain_values(rich, personas):
    data = ledger_export(user=personas["admin"], kind="parcels", fmt="csv")
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "地块编号,园区编号,面积（平方米）,用途,供地方式,状态,坐落"
    parcel = rich[XINPU]["parcels"][1]
    assert f"{parcel.number},{parcel.park.code},{parcel.area_m2},新型产业用地(M0),出让,闲置,新浦镇纬二路8号" in lines


def test_a_town_name_shared_by_two_towns_in_scope_is_written_as_its_code(rich, personas):
    Region.objects.create(code="330282999", name="新浦镇", level="town", parent=Region.objects.get(code="330282"))
    rows = read_book(ledger_export(user=personas["admin"], kind="enterprises"))["企业台账"]
    assert {r[6] for r in rows[1:]} == {XINPU, "桥头镇"}
    report = ledger_import(
        actor=personas["admin"], kind="enterprises", source=ledger_export(user=personas["admin"], kind="enterprises")
    )
    assert report.ok and report.changed == 0


def test_a_figures_ledger_that_contradicts_the_recorded_facts_is_refused(rich, personas):
    from landcycle.ledgers.services import ledger_import

    admin = personas["admin"]
    data = ledger_export(user=admin, kind="figures", fmt="csv").decode("utf-8-sig")
    assert "违法用地" in data.splitlines()[0] and "XP-2024-01" in data
    changed = data.replace("XP-2024-01", "XP-2024-02")
    report = ledger_import(actor=admin, kind="figures", source=changed.encode("utf-8-sig"), filename="f.csv")
    assert not report.ok and {p.rule for p in report.problems} == {"figures.fact_differs"}


def test_evaluation_facts_are_imported_with_their_source_by_the_evaluation_roles(rich, personas):
    from django.core.exceptions import PermissionDenied

    from landcycle.evaluation.models import EvaluationFact
    from landcycle.ledgers.services import ledger_import

    owner = rich[XINPU]["owner"]
    text = (
        "统一社会信用代码,年度,事项,发生或认定日期,依据文件\n"
        f"{owner.uscc},2025,重大安全生产事故,2025-05-06,慈应急罚〔2025〕9号\n"
        f"{owner.uscc},2025,政策性搬迁,,\n"
    )
    bad = ledger_import(actor=personas["admin"], kind="evaluation_facts", source=text.encode("utf-8"), filename="f.csv")
    assert not bad.ok and [p.field for p in bad.problems] == ["source"]  # all or nothing: the source is required
    assert not EvaluationFact.objects.filter(year=2025).exists()
    good = text.replace(",,\n", ",,慈政发〔2024〕21号\n")
    with pytest.raises(PermissionDenied):
        ledger_import(actor=personas["xinpu"], kind="evaluation_facts", source=good.encode("utf-8"), filename="f.csv")
    report = ledger_import(
        actor=personas["admin"], kind="evaluation_facts", source=good.encode("utf-8"), filename="f.csv"
    )
    assert report.ok and report.created == 2
    facts = {f.kind: f for f in EvaluationFact.objects.filter(year=2025)}
    assert facts["veto_safety"].occurred_on == dt.date(2025, 5, 6) and facts["relocated"].source == "慈政发〔2024〕21号"
    assert AuditEntry.objects.filter(object_type="evaluation.evaluationfact").count() >= 2
