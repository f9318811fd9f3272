"""Importing ledgers: the messy town ledger of issue 3 refused with every problem and nothing written, the
same ledger fixed and imported, re-import changes nothing, all or nothing, the registry's own rules,
the actor's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from import_books import QIAOTOU, XINPU, uscc, write_xlsx, wrong_check

from landcycle.audit.models import AuditEntry
from landcycle.audit.services import audit_verify
from landcycle.evaluation.models import YearlyFigure
from landcycle.ledgers.models import ImportBatch
from landcycle.ledgers.services import ledger_import
from landcycle.registry.models import Enterprise, Occupancy, Parcel, Park, Region
from landcycle.rules.ledger import LedgerUnusable

pytestmark = pytest.mark.django_db

A, B, C, D = uscc(1), uscc(2, "92"), uscc(3), uscc(4)
ENT_HEADER = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "状态", "所属镇街", "联系人"]


def enterprise_ledger(rows):
    return write_xlsx({"企业": [ENT_HEADER, *rows]})


def register_firms(actor):
    data = enterprise_ledger(
        [
            [A, "慈溪甲机械有限公司", "3484", "规上", dt.date(2005, 3, 1), "在营", "新浦镇", "张三"],
            [B, "慈溪乙电器有限公司", "C3851", "规下", "2015/06/01", None, XINPU, None],
            [C, "慈溪丙塑料有限公司", 2929, "规模以下", "2016年7月1日", "存续", "新浦镇", ""],
            [D, "慈溪丁纺织有限公司", "1713", "规上", 43782, "在营", "330282112000", "/"],
        ]
    )
    return ledger_import(actor=actor, kind="enterprises", source=data, filename="企业.xlsx")


# ---------------------------------------------------------------------- the messy town ledger (issue 3)
TITLE = "2025年新浦镇工业企业用地情况表"
TOP = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "地块编号",
    "使用方式",
    "出租方统一社会信用代码",
    "使用面积（平方米）",
    "使用期限",
    None,
]
SUB = [None] * 7 + ["起始日期", "终止日期"]
MERGES = [(0, 0, 0, 8, TITLE)] + [(2, c, 3, c, TOP[c]) for c in range(7)] + [(2, 7, 2, 8, "使用期限")]


def messy_rows(p1: str, p2: str, fixed: bool = False) -> list[list]:
    rows = [
        [None] * 9,  # 1 title
        ["填报单位：新浦镇人民政府", None, None, None, None, None, "填报日期：2025年1月5日"],  # 2
        [None] * 9,  # 3 header
        SUB,  # 4 header
        [1, A.lower(), "慈溪甲机械有限公司", p1, "自有", "/", "１２，０００", "2019-11-13", "/"],  # 5
        [2, B, "慈溪乙电器有限公司", p1, "租赁", A, "1,234.5", "2020/01/01", "2025年12月31日"],  # 6
        [None] * 9,  # 7 blank
        ["小计", None, None, None, None, None, "13,234.5"],  # 8
        [3, C if fixed else wrong_check(C), "慈溪丙塑料有限公司", p2, "租赁", A, 800, "2021.03.01", None],  # 9
        [4, D, "慈溪丁纺织有限公司", p2, "自有", None, "500" if fixed else None, "2018-06-01", "—"],  # 10
    ]
    if not fixed:
        rows.append([5, A, "慈溪甲机械有限公司", p1, "自有", "/", "１２，０００", "2019-11-13", "/"])  # 11 duplicate
    rows += [["合计", None, None, None, None, None, "14,034.5"], ["注：使用面积以不动产登记为准。"]]
    return rows


def messy(registry_data, fixed=False) -> bytes:
    p1, p2 = (p.number for p in registry_data[XINPU]["parcels"])
    return write_xlsx({"用地情况": messy_rows(p1, p2, fixed)}, {"用地情况": MERGES})


def test_messy_town_ledger_refused_with_every_problem_and_nothing_written(registry_data, personas):
    admin = personas["admin"]
    assert register_firms(admin).created == 4
    occupancies, audit = Occupancy.objects.count(), AuditEntry.objects.count()
    report = ledger_import(actor=admin, kind="occupancy", source=messy(registry_data), filename="新浦镇用地.xlsx")
    assert report.status == "refused" and not report.imported
    got = [(p.sheet, p.row, p.column, p.rule) for p in report.problems]
    assert got == [
        ("用地情况", 9, "统一社会信用代码", "uscc.check"),
        ("用地情况", 10, "使用面积（平方米）", "ledger.required"),
        ("用地情况", 11, "统一社会信用代码", "ledger.duplicate_key"),
    ]
    assert all(p.zh and p.en for p in report.problems)
    assert [(s.row, s.reason) for s in report.result.skipped] == [
        (7, "blank"),
        (8, "total"),
        (12, "total"),
        (13, "note"),
    ]
    assert report.invalid == 3 and report.created == 2  # rows 5 and 6 would be created
    assert Occupancy.objects.count() == occupancies and AuditEntry.objects.count() == audit
    batch = ImportBatch.objects.get(kind="occupancy")
    assert batch.status == "refused" and batch.problem_count == 3 and batch.problems[0]["row"] == 9
    assert batch.filename == "新浦镇用地.xlsx" and len(batch.sha256) == 64


def test_messy_ledger_fixed_imports_and_a_second_import_changes_nothing(registry_data, personas):
    admin = personas["admin"]
    register_firms(admin)
    audit = AuditEntry.objects.count()
    report = ledger_import(actor=admin, kind="occupancy", source=messy(registry_data, fixed=True))
    assert report.ok and report.imported, report.problems
    assert (report.created, report.updated, report.unchanged, report.skipped) == (4, 0, 0, 4)
    assert AuditEntry.objects.count() == audit + 4 and report.audit_entries == 4
    assert set(AuditEntry.objects.filter(seq__gt=audit).values_list("action", flat=True)) == {"import.occupancy.create"}
    a_owns = Occupancy.objects.get(enterprise__uscc=A)
    assert a_owns.kind == "owned" and a_owns.area_m2 == Decimal("12000") and a_owns.end is None
    assert a_owns.start == dt.date(2019, 11, 13)
    lease = Occupancy.objects.get(enterprise__uscc=B)
    assert lease.lessor.uscc == A and lease.area_m2 == Decimal("1234.50")
    assert (lease.start, lease.end) == (dt.date(2020, 1, 1), dt.date(2025, 12, 31))
    assert Occupancy.objects.get(enterprise__uscc=D).end is None  # "—" is no value
    again = ledger_import(actor=admin, kind="occupancy", source=messy(registry_data, fixed=True))
    assert again.imported and (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert "无变化" in again.summary() and "nothing changed" in again.summary()
    assert AuditEntry.objects.count() == audit + 4
    assert audit_verify().ok


def test_enterprises_imported_with_every_cell_form(registry_data, personas):
    report = register_firms(personas["admin"])
    assert report.ok and report.created == 4, report.problems
    b = Enterprise.objects.get(uscc=B)
    assert b.industry_code == "3851" and b.scale == "below" and b.status == "operating"  # default kept
    assert b.town.code == XINPU and b.registered_on == dt.date(2015, 6, 1) and b.contact == ""
    d = Enterprise.objects.get(uscc=D)
    assert d.town.code == XINPU and d.registered_on == dt.date(2019, 11, 13) and d.contact == ""
    entry = AuditEntry.objects.filter(action="import.enterprises.create", object_id=str(d.pk)).get()
    assert entry.before == "" and '"uscc":"' + D in entry.after and entry.region_code == XINPU


def test_update_writes_only_changed_fields_and_audits_before_and_after(registry_data, personas):
    admin = personas["admin"]
    register_firms(admin)
    data = enterprise_ledger(
        [
            [A, "慈溪甲机械股份有限公司", "3484", "规上", dt.date(2005, 3, 1), "停产", "新浦镇", "张三"],
            [B, "慈溪乙电器有限公司", "3851", "规下", dt.date(2015, 6, 1), "在营", XINPU, None],
        ]
    )
    report = ledger_import(actor=admin, kind="enterprises", source=data)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    plan = next(p for p in report.plan if p.action == "update")
    assert plan.row == 2 and plan.key == A
    assert plan.changes == {
        "name": ("慈溪甲机械有限公司", "慈溪甲机械股份有限公司"),
        "status": ("operating", "suspended"),
    }
    a = Enterprise.objects.get(uscc=A)
    assert a.name == "慈溪甲机械股份有限公司" and a.status == "suspended"
    entry = AuditEntry.objects.get(action="import.enterprises.update")
    assert '"status":"operating"' in entry.before and '"status":"suspended"' in entry.after


def test_a_column_left_out_keeps_the_registered_value(registry_data, personas):
    owner = registry_data[XINPU]["owner"]
    data = write_xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期"],
                [owner.uscc, owner.name, owner.industry_code, "规上", owner.registered_on],
            ]
        }
    )
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=data)
    assert report.unchanged == 1 and report.changed == 0
    owner.refresh_from_db()
    assert owner.town.code == XINPU and owner.contact == ""


def test_one_bad_row_among_a_hundred_leaves_the_database_untouched(registry_data, personas):
    rows = [[uscc(100 + i), f"企业{i:03d}", "3311", "规下", "2019-11-13", "在营", "新浦镇", ""] for i in range(100)]
    rows[56][2] = "9999"  # not a class of GB/T 4754-2017
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=enterprise_ledger(rows))
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(58, "行业代码", "industry.unknown")]
    assert report.created == 99 and report.invalid == 1
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before
    rows[56][2] = "3311"
    assert ledger_import(actor=personas["admin"], kind="enterprises", source=enterprise_ledger(rows)).created == 100


def test_a_failure_while_writing_rolls_everything_back(registry_data, personas, monkeypatch):
    import landcycle.ledgers.importers.base as base

    calls = []

    def failing(**kwargs):
        calls.append(1)
        raise RuntimeError("disk full")

    rows = [[uscc(200 + i), f"企业{i:03d}", "3311", "规下", "2019-11-13", "在营", "新浦镇", ""] for i in range(20)]
    before = (Enterprise.objects.count(), AuditEntry.objects.count(), ImportBatch.objects.count())
    monkeypatch.setattr(base, "audit_record_many", failing)
    with pytest.raises(RuntimeError):
        ledger_import(actor=personas["admin"], kind="enterprises", source=enterprise_ledger(rows))
    assert calls and (Enterprise.objects.count(), AuditEntry.objects.count(), ImportBatch.objects.count()) == before


def test_registry_rules_apply_as_in_the_services(registry_data, personas):
    xp = registry_data[XINPU]
    future = dt.date.today() + dt.timedelta(days=30)
    data = enterprise_ledger(
        [
            [uscc(300), "未来公司", "3311", "规下", future, "在营", "新浦镇", ""],
            [uscc(301), "名" * 201, "3311", "规下", "2019-01-01", "在营", "新浦镇", ""],
        ]
    )
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=data)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [
        (2, "成立日期", "date.future"),
        (3, "企业名称", "field.max_length"),
    ]
    parcel = xp["parcels"][0]
    occ = write_xlsx(
        {
            "用地": [
                [
                    "统一社会信用代码",
                    "地块编号",
                    "使用方式",
                    "出租方统一社会信用代码",
                    "使用面积（平方米）",
                    "起始日期",
                    "终止日期",
                ],
                [xp["tenant"].uscc, parcel.number, "自有", xp["owner"].uscc, 999999, "2021-01-01", "2020-01-01"],
            ]
        }
    )
    report = ledger_import(actor=personas["admin"], kind="occupancy", source=occ)
    assert {(p.column, p.rule) for p in report.problems} == {
        ("使用面积（平方米）", "occupancy.area_exceeds_parcel"),
        ("终止日期", "occupancy.end_before_start"),
        ("出租方统一社会信用代码", "occupancy.lessor_on_owned"),
    }
    # a parcel whose stated area no longer matches its shape (5 % tolerance of policies/registry.toml)
    shaped = write_xlsx(
        {"地块": [["地块编号", "园区编号", "面积（亩）", "供地方式"], [parcel.number, xp["park"].code, 45, "出让"]]}
    )
    report = ledger_import(actor=personas["admin"], kind="parcels", source=shaped)
    assert [(p.column, p.rule) for p in report.problems] == [("面积（亩）", "geometry.area_mismatch")]


def test_references_must_be_registered(registry_data, personas):
    data = write_xlsx(
        {"地块": [["地块编号", "园区编号", "面积（平方米）", "供地方式"], ["NEW-0001", "NO-SUCH-PARK", 1000, "出让"]]}
    )
    report = ledger_import(actor=personas["admin"], kind="parcels", source=data)
    assert [(p.row, p.column, p.rule, p.value) for p in report.problems] == [
        (2, "园区编号", "park.unknown", "NO-SUCH-PARK")
    ]
    figures = write_xlsx({"数据": [["统一社会信用代码", "年度", "实缴税收（万元）"], [uscc(999), 2025, 10]]})
    report = ledger_import(actor=personas["admin"], kind="figures", source=figures)
    assert [(p.column, p.rule) for p in report.problems] == [("统一社会信用代码", "enterprise.unknown")]
    towns = enterprise_ledger(
        [
            [uscc(998), "某公司", "3311", "规下", "2019-01-01", None, "不存在镇", ""],
            [uscc(997), "某公司", "3311", "规下", "2019-01-01", None, "330282", ""],
        ]
    )
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=towns)
    assert [(p.row, p.rule) for p in report.problems] == [(2, "town.unknown"), (3, "town.not_town")]


def test_town_officer_cannot_import_another_towns_rows(registry_data, personas):
    officer = personas["xinpu"]
    before = (Enterprise.objects.count(), AuditEntry.objects.count())
    data = enterprise_ledger(
        [
            [uscc(400), "新浦新公司", "3311", "规下", "2019-01-01", "在营", "新浦镇", ""],
            [uscc(401), "桥头新公司", "3311", "规下", "2019-01-01", "在营", "桥头镇", ""],
        ]
    )
    report = ledger_import(actor=officer, kind="enterprises", source=data)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(3, "所属镇街", "scope.town")]
    assert "桥头镇" in report.problems[0].zh and QIAOTOU in report.problems[0].en
    assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before
    # an existing enterprise of another town, even unchanged, and without a town column
    qt = registry_data[QIAOTOU]["owner"]
    data = write_xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期"],
                [qt.uscc, qt.name, qt.industry_code, "规上", qt.registered_on],
            ]
        }
    )
    report = ledger_import(actor=officer, kind="enterprises", source=data)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(2, "统一社会信用代码", "scope.town")]
    # figures of another town's enterprise; a parcel in another town's park
    figures = write_xlsx({"数据": [["统一社会信用代码", "年度", "实缴税收（万元）"], [qt.uscc, 2025, 10]]})
    report = ledger_import(actor=officer, kind="figures", source=figures)
    assert [(p.column, p.rule) for p in report.problems] == [("统一社会信用代码", "scope.town")]
    park = registry_data[QIAOTOU]["park"]
    parcels = write_xlsx(
        {"地块": [["地块编号", "园区编号", "面积（平方米）", "供地方式"], ["X-1", park.code, 1000, "出让"]]}
    )
    report = ledger_import(actor=officer, kind="parcels", source=parcels)
    assert [(p.column, p.rule) for p in report.problems] == [("园区编号", "scope.town")]


def test_scope_problem_names_the_town_of_the_record_and_the_town_the_row_names(registry_data, personas):
    """Issue 13: a row naming 新浦镇 for an enterprise registered in 桥头镇 was told "不能写入桥头镇" on the
    所属镇街 cell that says 新浦镇. The problem stands on the credit code (the record named) and says where
    that record is registered, and which town the row names; a row moving an in-scope record to another town
    names the row's town."""
    officer = personas["xinpu"]
    qt = registry_data[QIAOTOU]["owner"]
    header = ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期", "所属镇街"]
    data = write_xlsx({"企业": [header, [qt.uscc, qt.name, qt.industry_code, "规上", qt.registered_on, "新浦镇"]]})
    report = ledger_import(actor=officer, kind="enterprises", source=data)
    [p] = report.problems
    assert (p.row, p.column, p.rule, p.value) == (2, "统一社会信用代码", "scope.town", qt.uscc)
    assert "已登记在桥头镇" in p.zh and "本行填写的是新浦镇" in p.zh and "新浦镇）" in p.zh
    assert QIAOTOU in p.en and "this row names 新浦镇" in p.en
    xp = registry_data[XINPU]["owner"]
    moved = write_xlsx({"企业": [header, [xp.uscc, xp.name, xp.industry_code, "规上", xp.registered_on, "桥头镇"]]})
    [p] = ledger_import(actor=officer, kind="enterprises", source=moved).problems
    assert (p.column, p.rule, p.value) == ("所属镇街", "scope.town", "桥头镇") and "不能写入桥头镇" in p.zh


def test_problems_name_the_ledger_headers_not_internal_fields(registry_data, personas):
    """Issue 13: problems and the preview's column table speak the ledger's headers (成立日期), never the
    internal field names (registered_on, uscc)."""
    data = write_xlsx(
        {
            "企业": [
                ["信用代码", "企业名称", "行业代码", "规模", "注册日期", "所属镇街"],
                [wrong_check(uscc(700)), "甲公司", "3311", "规上", "2099-01-01", "新浦镇"],
            ]
        }
    )
    report = ledger_import(actor=personas["xinpu"], kind="enterprises", source=data)
    assert {(p.column, p.rule) for p in report.problems} == {("信用代码", "uscc.check"), ("注册日期", "date.future")}
    for p in report.problems:
        assert "registered_on" not in p.zh + p.en + p.column and "uscc" not in p.zh + p.column


def test_town_officer_ledger_without_a_town_column_lands_in_their_town(registry_data, personas):
    data = write_xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期"],
                [uscc(500), "新公司", "3311", "规下", "2019-01-01"],
            ]
        }
    )
    report = ledger_import(actor=personas["xinpu"], kind="enterprises", source=data)
    assert report.imported and Enterprise.objects.get(uscc=uscc(500)).town.code == XINPU
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=data.replace(b"", b""))
    assert report.unchanged == 1
    other = write_xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "行业代码", "规模", "成立日期"],
                [uscc(501), "县里录入的公司", "3311", "规下", "2019-01-01"],
            ]
        }
    )
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=other)
    assert [(p.column, p.rule) for p in report.problems] == [("所属镇街", "ledger.required")]


def test_roles_that_may_not_write_are_refused_before_reading(registry_data, personas):
    data = enterprise_ledger([[uscc(600), "某公司", "3311", "规下", "2019-01-01", "在营", "新浦镇", ""]])
    for who in ("analyst", "leader", "supervisor"):
        with pytest.raises(PermissionDenied):
            ledger_import(actor=personas[who], kind="enterprises", source=data)
    assert not Enterprise.objects.filter(uscc=uscc(600)).exists()


def test_a_confirmed_failing_check_character_is_not_refused_again(registry_data, personas):
    from landcycle.registry.services import enterprise_create

    bad = wrong_check(uscc(700))
    enterprise_create(
        actor=personas["admin"],
        uscc=bad,
        name="老企业",
        industry_code="3311",
        scale="below",
        registered_on=dt.date(1999, 1, 1),
        town=registry_data[XINPU]["town"],
        uscc_override=True,
        uscc_override_reason="营业执照原件如此",
    )
    data = enterprise_ledger(
        [
            [bad, "老企业", "3311", "规下", "1999-01-01", "在营", "新浦镇", ""],
            [wrong_check(uscc(701)), "新企业", "3311", "规下", "1999-01-01", "在营", "新浦镇", ""],
        ]
    )
    report = ledger_import(actor=personas["admin"], kind="enterprises", source=data)
    assert [(p.row, p.rule) for p in report.problems] == [(3, "uscc.check")]


def test_parks_parcels_and_towns(registry_data, personas, regions):
    admin = personas["admin"]
    towns = write_xlsx({"镇街": [["区划代码", "镇街名称"], ["330282112", "新浦镇"], ["330282901", "慈溪高新区"]]})
    report = ledger_import(actor=admin, kind="regions", source=towns)
    assert (report.created, report.unchanged) == (1, 1), report.problems
    new = Region.objects.get(code="330282901")
    assert new.level == "town" and new.parent.code == "330282"
    refused = ledger_import(actor=personas["xinpu"], kind="regions", source=towns)
    assert {p.rule for p in refused.problems} == {"scope.town"}
    parks = write_xlsx(
        {
            "园区": [
                ["园区编号", "园区名称", "园区类型", "所属镇街", "备注"],
                ["GX-01", "高新区小微园", "小微园区", "慈溪高新区", ""],
            ]
        }
    )
    assert ledger_import(actor=admin, kind="parks", source=parks).created == 1
    parcels = write_xlsx(
        {
            "地块": [
                ["宗地编号", "园区代码", "宗地面积（亩）", "用途", "取得方式", "状态"],
                ["GX-01-0001", "gx-01", "１５", "工业用地", "出让", "在建"],
            ]
        }
    )
    report = ledger_import(actor=admin, kind="parcels", source=parcels)
    assert report.created == 1, report.problems
    parcel = Parcel.objects.get(number="GX-01-0001")
    assert parcel.area_m2 == Decimal("10000") and parcel.park == Park.objects.get(code="GX-01")
    assert (parcel.land_use, parcel.tenure, parcel.status) == ("industrial", "granted", "construction")


def test_figures_in_other_units_are_stored_in_the_registry_units(registry_data, personas):
    owner = registry_data[XINPU]["owner"]
    data = write_xlsx(
        {
            "数据": [
                ["统一社会信用代码", "年度", "实缴税收（元）", "用电量（千瓦时）", "主要污染物排放（千克）"],
                [owner.uscc, 2024, "1,234,567", 1500000, "1,234"],
                [owner.uscc, 2025, 6500000, "/", None],
            ]
        }
    )
    report = ledger_import(actor=personas["admin"], kind="figures", source=data)
    assert (report.created, report.updated) == (1, 1), report.problems
    f24 = YearlyFigure.objects.get(enterprise=owner, year=2024)
    assert f24.tax == Decimal("123.46") and f24.electricity_10k_kwh == Decimal("150")  # 万元 to 2 places
    assert f24.emissions_t == Decimal("1.234")
    f25 = YearlyFigure.objects.get(enterprise=owner, year=2025)
    assert f25.tax == Decimal("650") and f25.electricity_10k_kwh is None and f25.revenue == Decimal("12000")
    again = ledger_import(actor=personas["admin"], kind="figures", source=data)
    assert again.unchanged == 2 and again.changed == 0


def test_the_plan_is_made_again_when_the_registry_changed_meanwhile(registry_data, personas, monkeypatch):
    import landcycle.ledgers.services as services

    monkeypatch.setattr(services, "_head_seq", lambda: -1)
    report = register_firms(personas["admin"])
    assert report.imported and report.created == 4


def test_unusable_files_raise(personas, regions):
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="enterprises", source=b"%PDF-1.4 ...", filename="x.pdf")
    assert exc.value.rule == "ledger.not_spreadsheet"
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="leases", source=b"a,b\n1,2\n")
    assert exc.value.rule == "ledger.kind"
    missing = write_xlsx({"企业": [["统一社会信用代码", "企业名称"], [uscc(1), "某公司"]]})
    with pytest.raises(LedgerUnusable) as exc:
        ledger_import(actor=personas["admin"], kind="enterprises", source=missing)
    assert exc.value.rule == "ledger.required_column"


def test_duplicate_keys_that_only_meet_once_normalised(personas, regions):
    towns = write_xlsx({"镇街": [["区划代码", "镇街名称"], ["330282903", "甲区"], ["330282903000", "乙区"]]})
    report = ledger_import(actor=personas["admin"], kind="regions", source=towns)
    assert [(p.row, p.column, p.rule) for p in report.problems] == [(3, "区划代码", "ledger.duplicate_key")]


@pytest.mark.parametrize("kind", ["enterprises", "occupancy", "figures"])
def test_no_query_per_row(registry_data, personas, kind):
    """Planning and writing 60 rows takes as many queries as 6 (references and existing rows are fetched in
    bulk, objects written in bulk)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from landcycle.registry.services import enterprise_create

    admin = personas["admin"]
    xp = registry_data[XINPU]
    firms = [
        enterprise_create(
            actor=admin,
            uscc=uscc(1000 + i),
            name=f"企业{i}",
            industry_code="3311",
            scale="below",
            registered_on=dt.date(2019, 1, 1),
            town=xp["town"],
        )
        for i in range(60)
    ]

    def ledger_of(n: int) -> bytes:
        if kind == "enterprises":
            rows = [
                [uscc(2000 + i), f"新企业{i}", "3311", "规下", "2019-01-01", "在营", "新浦镇", ""] for i in range(n)
            ]
            rows += [[f.uscc, f.name + "（改）", "3311", "规下", "2019-01-01", "在营", "新浦镇", ""] for f in firms[:n]]
            return enterprise_ledger(rows)
        if kind == "occupancy":
            return write_xlsx(
                {
                    "用地": [
                        [
                            "统一社会信用代码",
                            "地块编号",
                            "使用方式",
                            "出租方统一社会信用代码",
                            "使用面积（平方米）",
                            "起始日期",
                        ]
                    ]
                    + [
                        [f.uscc, xp["parcels"][i % 2].number, "租赁", xp["owner"].uscc, 100 + i, "2024-01-01"]
                        for i, f in enumerate(firms[:n])
                    ]
                }
            )
        return write_xlsx(
            {
                "数据": [["统一社会信用代码", "年度", "实缴税收（万元）", "年平均职工人数"]]
                + [[f.uscc, 2024, 10 + i, i] for i, f in enumerate(firms[:n])]
            }
        )

    counts = []
    for n in (6, 60):
        with CaptureQueriesContext(connection) as ctx:
            report = ledger_import(actor=admin, kind=kind, source=ledger_of(n))
        assert report.imported and report.rows >= n and report.changed, report.problems
        counts.append(len(ctx.captured_queries))
    assert counts[1] <= counts[0] + 2, counts


def test_an_imports_audit_rows_are_those_of_one_append_per_object(registry_data, personas, monkeypatch):
    """Issue 18: an import's audit entries go in by the chain's bulk path (one COPY on PostgreSQL); each batch is
    the same, row for row, as ``audit_record`` once per object in the same order would have written — checked
    inside the import, against the same objects, the single appends rolled back before the bulk one."""
    from django.db import transaction
    from django.utils import timezone

    import landcycle.ledgers.importers.base as base
    from landcycle.audit.services import _ROW_FIELDS, audit_record

    instant = dt.datetime(2026, 12, 7, 13, 40, 5, 654321, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    bulk = base.audit_record_many
    compared = []

    def both(*, actor, action, items, region_code_of):
        start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        tail = AuditEntry.objects.filter(seq__gt=start).order_by("seq")
        with transaction.atomic():
            for obj, before, after in items:
                audit_record(
                    actor=actor, action=action, obj=obj, region_code=region_code_of(obj), before=before, after=after
                )
            singles = list(tail.values_list(*_ROW_FIELDS))
            transaction.set_rollback(True)
        written = bulk(actor=actor, action=action, items=items, region_code_of=region_code_of)
        rows = list(tail.values_list(*_ROW_FIELDS))
        compared.append((action, written, [r[6] for r in rows]))
        assert rows == singles and written == len(items) == len(rows)
        return written

    monkeypatch.setattr(base, "audit_record_many", both)
    admin = personas["admin"]
    register_firms(admin)
    rows = [
        [uscc(400 + i), f"慈溪导入{i:03d}有限公司", "3311", "规下", "2019-11-13", "在营", "新浦镇", ""]
        for i in range(30)
    ]
    rows.append([A, "慈溪甲机械股份有限公司", "3484", "规上", dt.date(2005, 3, 1), "停产", "新浦镇", "张三"])
    report = ledger_import(actor=admin, kind="enterprises", source=enterprise_ledger(rows))
    assert (report.created, report.updated) == (30, 1)
    assert [(action, n) for action, n, _ in compared] == [
        ("import.enterprises.create", 4),
        ("import.enterprises.create", 30),
        ("import.enterprises.update", 1),
    ]
    created = [
        str(pk)
        for pk in Enterprise.objects.filter(uscc__in=[r[0] for r in rows[:30]])
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    assert compared[1][2] == created  # one entry per object, in the order they were created
    assert audit_verify().ok
